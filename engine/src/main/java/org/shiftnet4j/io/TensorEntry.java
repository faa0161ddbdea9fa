package org.shiftnet4j.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor of a safetensors header: its name, element type, shape (row-major) and byte range
 * {@code [begin, end)} relative to the start of the data buffer (which follows the header).
 *
 * <p>Entries returned by {@link SafetensorsFile} are validated: the shape is non-negative, its element count fits a
 * long, and {@code end - begin} is exactly the tensor's byte size.
 */
public record TensorEntry(String name, SafetensorsDtype dtype, long[] shape, long begin, long end) {
    /** @throws IllegalArgumentException if a dimension or offset is negative, the range is reversed, or the
     *  element count overflows a long */
    public TensorEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = Objects.requireNonNull(shape, "shape").clone();
        long numel = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            // Left to right with overflow checks, like the reference reader: [2^40, 2^40, 0] overflows.
            numel = multiplyOrFail(numel, d, shape);
        }
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("invalid byte range [" + begin + ", " + end + ")");
        }
    }

    private static long multiplyOrFail(long a, long b, long[] shape) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("element count of " + Arrays.toString(shape) + " overflows a long");
        }
    }

    /** A copy of the shape; {@code []} is a scalar. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Number of elements (1 for a scalar, 0 if any dimension is 0). */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d; // cannot overflow: the constructor checked the product
        }
        return n;
    }

    public long byteSize() {
        return end - begin;
    }

    /** Whether this tensor's shape equals {@code expected}, dimension by dimension. */
    public boolean hasShape(int[] expected) {
        if (expected.length != shape.length) {
            return false;
        }
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorEntry t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + Arrays.toString(shape) + " bytes [" + begin + ", " + end + ")";
    }
}
