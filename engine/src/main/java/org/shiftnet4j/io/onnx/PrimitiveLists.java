package org.shiftnet4j.io.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Growable primitive arrays for repeated protobuf scalars, which may arrive packed, unpacked, or split over several
 * occurrences. They grow only as values are actually read, so their memory is bounded by the input's size.
 */
final class PrimitiveLists {
    private PrimitiveLists() {
    }

    static final class Longs {
        private long[] values = new long[8];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, grown(size, 1));
            }
            values[size++] = v;
        }

        /** Appends {@code count} little-endian 64-bit values (raw bits) from {@code src[offset]}. */
        void addLittleEndian(byte[] src, int offset, int count) {
            if (values.length - size < count) {
                values = Arrays.copyOf(values, grown(size, count));
            }
            ByteBuffer.wrap(src, offset, 8 * count).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(values, size, count);
            size += count;
        }

        int size() {
            return size;
        }

        long get(int k) {
            return values[k];
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }

    static final class Floats {
        private float[] values = new float[8];
        private int size;

        void add(float v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, grown(size, 1));
            }
            values[size++] = v;
        }

        /** Appends {@code count} little-endian floats from {@code src[offset]}. */
        void addLittleEndian(byte[] src, int offset, int count) {
            if (values.length - size < count) {
                values = Arrays.copyOf(values, grown(size, count));
            }
            ByteBuffer.wrap(src, offset, 4 * count).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values, size, count);
            size += count;
        }

        int size() {
            return size;
        }

        float[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }

    /** A capacity for {@code size + extra} values, doubling to amortise growth; fails past the largest array. */
    private static int grown(int size, int extra) {
        long needed = (long) size + extra;
        if (needed > TensorCodec.MAX_ELEMENTS) {
            throw new IllegalArgumentException("a repeated field holds more than " + TensorCodec.MAX_ELEMENTS
                    + " values, more than a Java array");
        }
        return (int) Math.min(TensorCodec.MAX_ELEMENTS, Math.max(needed, 2L * size));
    }
}
