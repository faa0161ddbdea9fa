package org.shiftnet4j.io.onnx;

import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * A named attribute of a node ({@code kernel_shape}, {@code strides}, a Constant's {@code value}...).
 *
 * <p>{@code type} says which field holds the value; the other fields keep their defaults (0, "", {@code null},
 * empty arrays and lists), unless a file set several, which the reader keeps as they were. The arrays are shared,
 * not copied: do not modify them. Values of the kinds this record has no field for (TENSORS, GRAPHS, sparse tensors
 * and type protos) are skipped when reading; their {@code type} is kept so an importer can report the attribute.
 *
 * @param name    the attribute name
 * @param type    the kind of value
 * @param f       a FLOAT value
 * @param i       an INT value
 * @param s       a STRING value (ONNX stores bytes; shiftnet4j requires UTF-8)
 * @param t       a TENSOR value, else {@code null}
 * @param g       a GRAPH value (the body of an If, Loop or Scan), else {@code null}
 * @param floats  a FLOATS value (never {@code null})
 * @param ints    an INTS value (never {@code null})
 * @param strings a STRINGS value (never {@code null})
 */
public record OnnxAttribute(String name, Type type, float f, long i, String s, OnnxTensor t, OnnxGraph g,
                            float[] floats, long[] ints, List<String> strings) {
    private static final float[] NO_FLOATS = {};
    private static final long[] NO_INTS = {};
    /** How many elements of a list value toString shows. */
    private static final int SHOWN_ELEMENTS = 8;

    /** The kinds of attribute value, with their ONNX codes. */
    public enum Type {
        UNDEFINED(0), FLOAT(1), INT(2), STRING(3), TENSOR(4), GRAPH(5), FLOATS(6), INTS(7), STRINGS(8), TENSORS(9),
        GRAPHS(10), SPARSE_TENSOR(11), SPARSE_TENSORS(12), TYPE_PROTO(13), TYPE_PROTOS(14);

        private static final Type[] BY_CODE = values();

        private final int code;

        Type(int code) {
            this.code = code;
        }

        /** The ONNX code of this kind. */
        public int code() {
            return code;
        }

        /** The kind with ONNX code {@code code}, or {@code null} if ONNX defines none. */
        public static Type of(int code) {
            return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        }
    }

    public OnnxAttribute {
        name = Objects.requireNonNullElse(name, "");
        Objects.requireNonNull(type, "type");
        s = Objects.requireNonNullElse(s, "");
        floats = floats == null ? NO_FLOATS : floats;
        ints = ints == null ? NO_INTS : ints;
        strings = strings == null ? List.of() : List.copyOf(strings);
    }

    public static OnnxAttribute ofFloat(String name, float f) {
        return new OnnxAttribute(name, Type.FLOAT, f, 0, "", null, null, null, null, null);
    }

    public static OnnxAttribute ofInt(String name, long i) {
        return new OnnxAttribute(name, Type.INT, 0, i, "", null, null, null, null, null);
    }

    public static OnnxAttribute ofString(String name, String s) {
        return new OnnxAttribute(name, Type.STRING, 0, 0, Objects.requireNonNull(s, "s"), null, null, null, null,
                null);
    }

    public static OnnxAttribute ofInts(String name, long... v) {
        return new OnnxAttribute(name, Type.INTS, 0, 0, "", null, null, null, Objects.requireNonNull(v, "v"), null);
    }

    public static OnnxAttribute ofFloats(String name, float... v) {
        return new OnnxAttribute(name, Type.FLOATS, 0, 0, "", null, null, Objects.requireNonNull(v, "v"), null,
                null);
    }

    public static OnnxAttribute ofTensor(String name, OnnxTensor t) {
        return new OnnxAttribute(name, Type.TENSOR, 0, 0, "", Objects.requireNonNull(t, "t"), null, null, null,
                null);
    }

    /** {@code name=value}, with long lists cut short. */
    @Override
    public String toString() {
        return name + "=" + switch (type) {
            case FLOAT -> Float.toString(f);
            case INT -> Long.toString(i);
            case STRING -> "'" + Shown.cut(s) + "'";
            case TENSOR -> String.valueOf(t);
            case GRAPH -> g == null ? "graph (none)" : "graph '" + g.name() + "'";
            case FLOATS -> shown(floats.length, k -> Float.toString(floats[k]));
            case INTS -> shown(ints.length, k -> Long.toString(ints[k]));
            case STRINGS -> shown(strings.size(), k -> "'" + Shown.cut(strings.get(k)) + "'");
            default -> "(" + type + " value not kept)";
        };
    }

    private static String shown(int length, IntFunction<String> element) {
        StringBuilder b = new StringBuilder("[");
        for (int k = 0; k < Math.min(length, SHOWN_ELEMENTS); k++) {
            b.append(k == 0 ? "" : ", ").append(element.apply(k));
        }
        return b.append(length > SHOWN_ELEMENTS ? ", ... (" + length + " in all)]" : "]").toString();
    }
}
