package org.shiftnet4j.io.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Hand-encodes protobuf bytes, independently of protobuf-java and of {@link OnnxWriter}, so tests can build the
 * exact (and exactly wrong) byte sequences they need: packed or unpacked runs, wrong wire types, bad lengths.
 */
final class Pb {
    static final int VARINT = 0, FIXED64 = 1, LEN = 2, START_GROUP = 3, END_GROUP = 4, FIXED32 = 5;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Pb tag(int field, int wireType) {
        return rawVarint(((long) field << 3) | wireType);
    }

    Pb rawVarint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return this;
    }

    Pb raw(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    Pb raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    Pb varint(int field, long v) {
        return tag(field, VARINT).rawVarint(v);
    }

    Pb fixed32(int field, float v) {
        return tag(field, FIXED32).le(Float.floatToRawIntBits(v), 4);
    }

    Pb fixed64(int field, double v) {
        return tag(field, FIXED64).le(Double.doubleToRawLongBits(v), 8);
    }

    Pb le(long bits, int width) {
        for (int k = 0; k < width; k++) {
            out.write((int) (bits >>> (8 * k)));
        }
        return this;
    }

    Pb bytes(int field, byte[] value) {
        return tag(field, LEN).rawVarint(value.length).raw(value);
    }

    Pb string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    Pb message(int field, Pb body) {
        return bytes(field, body.build());
    }

    Pb packedVarints(int field, long... values) {
        Pb body = new Pb();
        for (long v : values) {
            body.rawVarint(v);
        }
        return message(field, body);
    }

    Pb packedFloats(int field, float... values) {
        Pb body = new Pb();
        for (float v : values) {
            body.le(Float.floatToRawIntBits(v), 4);
        }
        return message(field, body);
    }

    Pb packedDoubles(int field, double... values) {
        Pb body = new Pb();
        for (double v : values) {
            body.le(Double.doubleToRawLongBits(v), 8);
        }
        return message(field, body);
    }

    byte[] build() {
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ ONNX shortcuts

    /** A ModelProto with ir_version 9, opset 17 and {@code graph}. */
    static byte[] model(Pb graph) {
        return new Pb().varint(1, 9).message(7, graph).message(8, new Pb().varint(2, 17)).build();
    }

    /** A GraphProto holding one initializer. */
    static Pb graphWithInitializer(Pb tensor) {
        return new Pb().string(2, "g").message(5, tensor);
    }

    /** A GraphProto holding one node. */
    static Pb graphWithNode(Pb node) {
        return new Pb().message(1, node).string(2, "g");
    }

    /** A TensorProto header: dims (unpacked), data type, name. */
    static Pb tensor(String name, int dataType, long... dims) {
        Pb t = new Pb();
        for (long d : dims) {
            t.varint(1, d);
        }
        return t.varint(2, dataType).string(8, name);
    }
}
