package org.shiftnet4j.io.onnx;

import java.util.Arrays;
import java.util.Objects;

/**
 * A constant tensor of a model: an initializer (weights) or the value of a tensor attribute.
 *
 * <p>Values are decoded to Java arrays: the floating types (FLOAT, DOUBLE, FLOAT16, BFLOAT16) to {@code floats},
 * all integer types and BOOL to {@code longs}; exactly one of the two is non-null and holds
 * {@link #elementCount()} values in row-major order. UINT64 values above {@link Long#MAX_VALUE} appear as
 * negative longs (read them with {@link Long#toUnsignedString(long)}); BOOL values are 0 or 1.
 *
 * <p>The arrays are shared, not copied, because weights can be hundreds of megabytes: neither the caller who
 * builds a tensor nor one who reads it may modify them. For the same reason {@code equals} compares the arrays
 * by identity, as records do.
 *
 * <p>DOUBLE values are rounded to float when read. When written, FLOAT16 and BFLOAT16 values are rounded to the
 * nearest representable value (ties to even) and DOUBLE values are widened exactly, so writing a tensor and
 * reading it back gives the same values bit for bit.
 *
 * @param name     the tensor's name (initializers are referenced by it)
 * @param dataType the ONNX element type code, one of the supported constants of this class
 * @param dims     the dimensions, each >= 0 (none: a scalar)
 * @param floats   the values of a floating type, else {@code null}
 * @param longs    the values of an integer or BOOL type, else {@code null}
 */
public record OnnxTensor(String name, int dataType, long[] dims, float[] floats, long[] longs) {
    public static final int FLOAT = 1, UINT8 = 2, INT8 = 3, UINT16 = 4, INT16 = 5, INT32 = 6, INT64 = 7, STRING = 8,
            BOOL = 9, FLOAT16 = 10, DOUBLE = 11, UINT32 = 12, UINT64 = 13, BFLOAT16 = 16;

    /** Names of every ONNX data type code, supported or not, indexed by code. */
    private static final String[] TYPE_NAMES = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32",
            "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16",
            "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1",
            "FLOAT8E8M0"};

    public OnnxTensor {
        name = Objects.requireNonNullElse(name, "");
        Objects.requireNonNull(dims, "dims");
        String problem = TensorCodec.checkDims(dims);
        if (problem != null) {
            throw new IllegalArgumentException("tensor '" + name + "': " + problem);
        }
        if (!isSupported(dataType)) {
            throw new IllegalArgumentException("tensor '" + name + "': data type " + typeName(dataType)
                    + " is not supported");
        }
        long count = TensorCodec.elementCount(dims);
        boolean floating = isFloating(dataType);
        if ((floats != null) != floating || (longs != null) == floating) {
            throw new IllegalArgumentException("tensor '" + name + "' of type " + typeName(dataType) + " needs "
                    + (floating ? "floats" : "longs") + " and only those");
        }
        int length = floating ? floats.length : longs.length;
        if (length != count) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + length + " values for dims "
                    + Arrays.toString(dims) + " (" + count + " elements)");
        }
        if (!floating) {
            problem = TensorCodec.checkRange(dataType, longs);
            if (problem != null) {
                throw new IllegalArgumentException("tensor '" + name + "': " + problem);
            }
        }
    }

    /** A FLOAT tensor. */
    public static OnnxTensor ofFloats(String name, long[] dims, float[] data) {
        return new OnnxTensor(name, FLOAT, dims, data, null);
    }

    /** An INT64 tensor. */
    public static OnnxTensor ofLongs(String name, long[] dims, long[] data) {
        return new OnnxTensor(name, INT64, dims, null, data);
    }

    /** The product of the dimensions (1 for a scalar). */
    public long elementCount() {
        return TensorCodec.elementCount(dims);
    }

    /** Whether the values are in {@link #floats()} (FLOAT, DOUBLE, FLOAT16, BFLOAT16) rather than {@link #longs()}. */
    public boolean isFloating() {
        return isFloating(dataType);
    }

    static boolean isFloating(int dataType) {
        return dataType == FLOAT || dataType == DOUBLE || dataType == FLOAT16 || dataType == BFLOAT16;
    }

    /** Whether shiftnet4j decodes tensors of this element type. */
    static boolean isSupported(int dataType) {
        return dataType >= FLOAT && dataType <= UINT64 && dataType != STRING || dataType == BFLOAT16;
    }

    /** The ONNX name of a data type code ("FLOAT", "INT64"...), or "type N" for a code ONNX does not define. */
    public static String typeName(int dataType) {
        return dataType >= 0 && dataType < TYPE_NAMES.length ? TYPE_NAMES[dataType] : "type " + dataType;
    }

    @Override
    public String toString() {
        return "OnnxTensor['" + name + "' " + typeName(dataType) + Arrays.toString(dims) + "]";
    }
}
