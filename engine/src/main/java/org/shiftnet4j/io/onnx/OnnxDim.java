package org.shiftnet4j.io.onnx;

/**
 * One dimension of a value's shape: a fixed size, a named symbolic size (such as a batch dimension {@code "N"}), or
 * unknown (neither).
 *
 * @param value the size, or -1 when the dimension is symbolic or unknown
 * @param param the symbol, or {@code null} when the dimension is fixed or unknown (an empty symbol means unknown)
 */
public record OnnxDim(long value, String param) {
    public OnnxDim {
        if (param != null && param.isEmpty()) {
            param = null; // ONNX writes an empty dim_param for "unknown"; one spelling keeps round trips exact
        }
        if (value < -1) {
            throw new IllegalArgumentException("dimension " + value + " is negative");
        }
        if (param != null && value != -1) {
            throw new IllegalArgumentException("symbolic dimension '" + param + "' cannot also have the size " + value);
        }
    }

    /** A dimension of fixed size {@code v} (>= 0). */
    public static OnnxDim of(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("dimension " + v + " is negative");
        }
        return new OnnxDim(v, null);
    }

    /** A dimension whose size is named by {@code p} and fixed only when the model runs. */
    public static OnnxDim symbolic(String p) {
        if (p == null) {
            throw new IllegalArgumentException("a symbolic dimension needs a name");
        }
        return new OnnxDim(-1, p);
    }

    /** Whether the size is a known number. */
    public boolean isFixed() {
        return value >= 0;
    }

    @Override
    public String toString() {
        return param != null ? param : value >= 0 ? Long.toString(value) : "?";
    }
}
