package org.shiftnet4j.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * A C-order (row-major) float32 array as stored in an {@code .npy} file: a shape ({@code []} is a scalar) and
 * its elements.
 *
 * <p>The shape is copied; the data array is shared, not copied, because weight arrays can be large. Equality
 * compares shapes and element bit patterns ({@link Arrays#equals(float[], float[])}).
 */
public record NpyArray(int[] shape, float[] data) {
    public NpyArray {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        shape = shape.clone();
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
        }
        if (Shapes.numel(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds "
                    + Shapes.numel(shape) + " elements but data has " + data.length);
        }
    }

    /** A copy of the shape. */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray a && Arrays.equals(shape, a.shape) && Arrays.equals(data, a.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "NpyArray" + Arrays.toString(shape) + " (" + data.length + " floats)";
    }
}
