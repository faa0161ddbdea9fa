package org.shiftnet4j.io.onnx;

import com.google.protobuf.CodedOutputStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static org.shiftnet4j.io.onnx.OnnxTensor.BFLOAT16;
import static org.shiftnet4j.io.onnx.OnnxTensor.BOOL;
import static org.shiftnet4j.io.onnx.OnnxTensor.DOUBLE;
import static org.shiftnet4j.io.onnx.OnnxTensor.FLOAT;
import static org.shiftnet4j.io.onnx.OnnxTensor.FLOAT16;
import static org.shiftnet4j.io.onnx.OnnxTensor.INT16;
import static org.shiftnet4j.io.onnx.OnnxTensor.INT32;
import static org.shiftnet4j.io.onnx.OnnxTensor.INT64;
import static org.shiftnet4j.io.onnx.OnnxTensor.INT8;
import static org.shiftnet4j.io.onnx.OnnxTensor.UINT16;
import static org.shiftnet4j.io.onnx.OnnxTensor.UINT32;
import static org.shiftnet4j.io.onnx.OnnxTensor.UINT64;
import static org.shiftnet4j.io.onnx.OnnxTensor.UINT8;

/**
 * Tensor element encodings: dims checks, ONNX {@code raw_data} (little-endian, packed) to and from Java arrays,
 * value ranges of the narrow integer types, and the 16-bit float conversions.
 */
final class TensorCodec {
    /** The most elements a Java array can hold on every VM. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    /** Bytes encoded per write when streaming raw_data, so large tensors need no second full-size buffer. */
    private static final int CHUNK_BYTES = 1 << 16;

    private TensorCodec() {
    }

    /** Why {@code dims} cannot describe an array, or {@code null} if they can. */
    static String checkDims(long[] dims) {
        long product = 1;
        for (int k = 0; k < dims.length; k++) {
            if (dims[k] < 0) {
                return "dimension " + k + " is " + dims[k];
            }
            product = Math.min(MAX_ELEMENTS + 1, product * Math.min(dims[k], MAX_ELEMENTS + 1));
        }
        // A zero anywhere makes the product 0 even after an earlier saturation; that is a valid empty tensor.
        if (product > MAX_ELEMENTS && Arrays.stream(dims).noneMatch(d -> d == 0)) {
            return "dims " + shown(dims) + " hold more than " + MAX_ELEMENTS + " elements, more than a Java array";
        }
        return null;
    }

    /** The product of valid {@code dims}. */
    static long elementCount(long[] dims) {
        long product = 1;
        for (long d : dims) {
            product *= d;
        }
        return product;
    }

    static String shown(long[] dims) {
        return dims.length <= 8 ? Arrays.toString(dims)
                : Arrays.toString(Arrays.copyOf(dims, 8)).replace("]", ", ... (" + dims.length + " dims)]");
    }

    /** Bytes per element in raw_data for a supported type. */
    static int elementSize(int dataType) {
        return switch (dataType) {
            case UINT8, INT8, BOOL -> 1;
            case UINT16, INT16, FLOAT16, BFLOAT16 -> 2;
            case FLOAT, INT32, UINT32 -> 4;
            case INT64, DOUBLE, UINT64 -> 8;
            default -> throw new IllegalArgumentException("no element size for " + OnnxTensor.typeName(dataType));
        };
    }

    /** Why a value of {@code longs} lies outside {@code dataType}'s range, or {@code null} if none does. */
    static String checkRange(int dataType, long[] longs) {
        long min, max;
        switch (dataType) {
            case BOOL -> { min = 0; max = 1; }
            case INT8 -> { min = Byte.MIN_VALUE; max = Byte.MAX_VALUE; }
            case UINT8 -> { min = 0; max = 0xFF; }
            case INT16 -> { min = Short.MIN_VALUE; max = Short.MAX_VALUE; }
            case UINT16 -> { min = 0; max = 0xFFFF; }
            case INT32 -> { min = Integer.MIN_VALUE; max = Integer.MAX_VALUE; }
            case UINT32 -> { min = 0; max = 0xFFFF_FFFFL; }
            default -> { return null; } // INT64 and UINT64 use all 64 bits
        }
        for (int k = 0; k < longs.length; k++) {
            if (longs[k] < min || longs[k] > max) {
                return "value " + longs[k] + " at index " + k + " is outside the range of "
                        + OnnxTensor.typeName(dataType);
            }
        }
        return null;
    }

    /** Decodes {@code count} little-endian elements of a floating type starting at {@code src[offset]}. */
    static float[] rawFloats(int dataType, byte[] src, int offset, int count) {
        ByteBuffer in = ByteBuffer.wrap(src, offset, count * elementSize(dataType)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[count];
        switch (dataType) {
            case FLOAT -> in.asFloatBuffer().get(out);
            case DOUBLE -> {
                var doubles = in.asLongBuffer();
                for (int k = 0; k < count; k++) {
                    out[k] = doubleBitsToFloat(doubles.get(k));
                }
            }
            case FLOAT16 -> {
                var halves = in.asShortBuffer();
                for (int k = 0; k < count; k++) {
                    out[k] = float16ToFloat(halves.get(k));
                }
            }
            case BFLOAT16 -> {
                var halves = in.asShortBuffer();
                for (int k = 0; k < count; k++) {
                    out[k] = bfloat16ToFloat(halves.get(k));
                }
            }
            default -> throw new IllegalArgumentException(OnnxTensor.typeName(dataType) + " is not a float type");
        }
        return out;
    }

    /** Decodes {@code count} little-endian elements of an integer or BOOL type starting at {@code src[offset]}. */
    static long[] rawLongs(int dataType, byte[] src, int offset, int count) {
        ByteBuffer in = ByteBuffer.wrap(src, offset, count * elementSize(dataType)).order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[count];
        switch (dataType) {
            case INT8, BOOL -> {
                for (int k = 0; k < count; k++) {
                    out[k] = src[offset + k];
                }
            }
            case UINT8 -> {
                for (int k = 0; k < count; k++) {
                    out[k] = src[offset + k] & 0xFF;
                }
            }
            case INT16 -> {
                var shorts = in.asShortBuffer();
                for (int k = 0; k < count; k++) {
                    out[k] = shorts.get(k);
                }
            }
            case UINT16 -> {
                var shorts = in.asShortBuffer();
                for (int k = 0; k < count; k++) {
                    out[k] = shorts.get(k) & 0xFFFF;
                }
            }
            case INT32 -> {
                var ints = in.asIntBuffer();
                for (int k = 0; k < count; k++) {
                    out[k] = ints.get(k);
                }
            }
            case UINT32 -> {
                var ints = in.asIntBuffer();
                for (int k = 0; k < count; k++) {
                    out[k] = ints.get(k) & 0xFFFF_FFFFL;
                }
            }
            case INT64, UINT64 -> in.asLongBuffer().get(out);
            default -> throw new IllegalArgumentException(OnnxTensor.typeName(dataType) + " is not an integer type");
        }
        return out;
    }

    // NaNs are converted by hand: the JDK's conversions (and the CPU instructions C2 turns them into) may quieten
    // a signalling NaN, and a NaN read from a file must be written back with the same bits.

    static float float16ToFloat(short half) {
        if ((half & 0x7C00) == 0x7C00 && (half & 0x03FF) != 0) {
            return Float.intBitsToFloat((half & 0x8000) << 16 | 0x7F80_0000 | (half & 0x03FF) << 13);
        }
        return Float.float16ToFloat(half);
    }

    /** Rounds to the nearest float16, ties to even; a NaN keeps its sign and upper payload bits. */
    static short floatToFloat16(float value) {
        if (Float.isNaN(value)) {
            int bits = Float.floatToRawIntBits(value);
            int payload = (bits & 0x007F_FFFF) >>> 13;
            return (short) ((bits >>> 16 & 0x8000) | 0x7C00 | (payload == 0 ? 0x0200 : payload));
        }
        return Float.floatToFloat16(value);
    }

    /** The float nearest the double with IEEE bits {@code bits}; a NaN keeps its sign and upper payload bits. */
    static float doubleBitsToFloat(long bits) {
        if ((bits & 0x7FF0_0000_0000_0000L) == 0x7FF0_0000_0000_0000L && (bits & 0x000F_FFFF_FFFF_FFFFL) != 0) {
            int payload = (int) ((bits & 0x000F_FFFF_FFFF_FFFFL) >>> 29);
            return Float.intBitsToFloat((int) (bits >>> 32 & 0x8000_0000L) | 0x7F80_0000
                    | (payload == 0 ? 0x0040_0000 : payload));
        }
        return (float) Double.longBitsToDouble(bits);
    }

    /** The IEEE bits of {@code value} widened to double (exact; a NaN keeps its payload). */
    static long floatToDoubleBits(float value) {
        if (Float.isNaN(value)) {
            int bits = Float.floatToRawIntBits(value);
            return (long) (bits & 0x8000_0000) << 32 | 0x7FF0_0000_0000_0000L | (long) (bits & 0x007F_FFFF) << 29;
        }
        return Double.doubleToRawLongBits(value);
    }

    static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Rounds to the nearest bfloat16, ties to even; a NaN stays a NaN with its upper payload bits. */
    static short floatToBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            int upper = bits >>> 16;
            // Dropping the low payload bits could leave an all-zero significand, which would read as infinity.
            return (short) ((upper & 0x7F) == 0 ? upper | 0x40 : upper);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** Bytes the tensor's raw_data takes. */
    static long rawSize(OnnxTensor t) {
        return t.elementCount() * elementSize(t.dataType());
    }

    /** Writes the tensor's values as raw_data bytes (no tag, no length), a chunk at a time. */
    static void writeRaw(OnnxTensor t, CodedOutputStream out) throws IOException {
        int size = elementSize(t.dataType());
        int perChunk = CHUNK_BYTES / size;
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int count = (int) t.elementCount();
        for (int from = 0; from < count; from += perChunk) {
            int n = Math.min(perChunk, count - from);
            chunk.clear();
            encode(t, from, n, chunk);
            out.writeRawBytes(chunk.array(), 0, n * size);
        }
    }

    private static void encode(OnnxTensor t, int from, int n, ByteBuffer chunk) {
        float[] f = t.floats();
        long[] l = t.longs();
        switch (t.dataType()) {
            case FLOAT -> chunk.asFloatBuffer().put(f, from, n);
            case DOUBLE -> {
                for (int k = 0; k < n; k++) {
                    chunk.putLong(floatToDoubleBits(f[from + k]));
                }
            }
            case FLOAT16 -> {
                for (int k = 0; k < n; k++) {
                    chunk.putShort(floatToFloat16(f[from + k]));
                }
            }
            case BFLOAT16 -> {
                for (int k = 0; k < n; k++) {
                    chunk.putShort(floatToBfloat16(f[from + k]));
                }
            }
            case INT8, UINT8, BOOL -> {
                for (int k = 0; k < n; k++) {
                    chunk.put((byte) l[from + k]);
                }
            }
            case INT16, UINT16 -> {
                for (int k = 0; k < n; k++) {
                    chunk.putShort((short) l[from + k]);
                }
            }
            case INT32, UINT32 -> {
                for (int k = 0; k < n; k++) {
                    chunk.putInt((int) l[from + k]);
                }
            }
            case INT64, UINT64 -> chunk.asLongBuffer().put(l, from, n);
            default -> throw new IllegalArgumentException("cannot encode " + OnnxTensor.typeName(t.dataType()));
        }
    }
}
