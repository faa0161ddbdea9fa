package org.shiftnet4j.io.onnx;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.shiftnet4j.io.onnx.OnnxFields.*;

/**
 * Encodes the {@code Onnx*} records as a canonical ONNX protobuf (see {@link OnnxModel} for the rules).
 *
 * <p>Each message is described once, as a {@link Body} that emits its fields into a {@link Sink}. A counting sink
 * gives a sub-message's length before it is written, so weights go straight from their arrays to the output
 * without an intermediate copy per nesting level. Strings are encoded as UTF-8; an unpaired surrogate becomes '?'.
 */
final class OnnxWriter {
    private static final int STREAM_BUFFER_BYTES = 1 << 16;

    private OnnxWriter() {
    }

    static byte[] toByteArray(OnnxModel model) {
        byte[] bytes = new byte[(int) checkedSize(model)];
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            writeModel(new Emitter(out), model);
        } catch (IOException e) {
            throw new UncheckedIOException("the size computed for the model does not match its encoding", e);
        }
        out.checkNoSpaceLeft();
        return bytes;
    }

    static void write(OnnxModel model, OutputStream stream) throws IOException {
        checkedSize(model);
        CodedOutputStream out = CodedOutputStream.newInstance(stream, STREAM_BUFFER_BYTES);
        writeModel(new Emitter(out), model);
        out.flush();
    }

    /** The encoded size; fails before anything is written if no protobuf reader would accept it. */
    static long checkedSize(OnnxModel model) {
        long size;
        try {
            size = sizeOf(sink -> writeModel(sink, model));
        } catch (IOException e) {
            throw new UncheckedIOException("counting bytes cannot fail", e);
        }
        if (size > OnnxModel.MAX_FILE_BYTES) {
            throw new IllegalStateException("the model encodes to " + size + " bytes, more than an ONNX file "
                    + "without external data can hold (2 GiB)");
        }
        return size;
    }

    // ------------------------------------------------------------------ messages

    private static void writeModel(Sink s, OnnxModel m) throws IOException {
        s.varintUnlessZero(MODEL_IR_VERSION, m.irVersion());
        s.stringUnlessEmpty(MODEL_PRODUCER_NAME, m.producerName());
        s.stringUnlessEmpty(MODEL_PRODUCER_VERSION, m.producerVersion());
        s.stringUnlessEmpty(MODEL_DOMAIN, m.domain());
        s.varintUnlessZero(MODEL_VERSION, m.modelVersion());
        s.stringUnlessEmpty(MODEL_DOC_STRING, m.docString());
        s.message(MODEL_GRAPH, g -> writeGraph(g, m.graph()));
        for (OpsetImport opset : m.opsets()) {
            s.message(MODEL_OPSET_IMPORT, o -> {
                o.stringUnlessEmpty(OPSET_DOMAIN, opset.domain());
                o.varintUnlessZero(OPSET_VERSION, opset.version());
            });
        }
        for (Map.Entry<String, String> entry : m.metadata().entrySet()) {
            s.message(MODEL_METADATA_PROPS, e -> {
                e.stringUnlessEmpty(ENTRY_KEY, entry.getKey());
                e.stringUnlessEmpty(ENTRY_VALUE, entry.getValue());
            });
        }
    }

    private static void writeGraph(Sink s, OnnxGraph g) throws IOException {
        for (OnnxNode node : g.nodes()) {
            s.message(GRAPH_NODE, n -> writeNode(n, node));
        }
        s.stringUnlessEmpty(GRAPH_NAME, g.name());
        for (OnnxTensor tensor : g.initializers()) {
            s.message(GRAPH_INITIALIZER, t -> writeTensor(t, tensor));
        }
        s.stringUnlessEmpty(GRAPH_DOC_STRING, g.docString());
        writeValueInfos(s, GRAPH_INPUT, g.inputs());
        writeValueInfos(s, GRAPH_OUTPUT, g.outputs());
        writeValueInfos(s, GRAPH_VALUE_INFO, g.valueInfo());
    }

    private static void writeNode(Sink s, OnnxNode n) throws IOException {
        // Repeated strings are written even when empty: "" marks an omitted optional input.
        for (String input : n.inputs()) {
            s.string(NODE_INPUT, input);
        }
        for (String output : n.outputs()) {
            s.string(NODE_OUTPUT, output);
        }
        s.stringUnlessEmpty(NODE_NAME, n.name());
        s.stringUnlessEmpty(NODE_OP_TYPE, n.opType());
        for (OnnxAttribute attribute : n.attributes()) {
            s.message(NODE_ATTRIBUTE, a -> writeAttribute(a, attribute));
        }
        s.stringUnlessEmpty(NODE_DOC_STRING, n.docString());
        s.stringUnlessEmpty(NODE_DOMAIN, n.domain());
    }

    /**
     * The value field the type names is written even when it holds the default: onnx.proto is proto2, which tracks
     * presence, and ONNX's own helper always sets the field, so a reader testing {@code has_i()} must find
     * {@code axis=0}. Other value fields are written only when set. Repeated values are unpacked, the proto2
     * default for fields not declared packed.
     */
    private static void writeAttribute(Sink s, OnnxAttribute a) throws IOException {
        OnnxAttribute.Type type = a.type();
        s.stringUnlessEmpty(ATTR_NAME, a.name());
        if (type == OnnxAttribute.Type.FLOAT || Float.floatToRawIntBits(a.f()) != 0) {
            s.fixed32(ATTR_F, a.f());
        }
        if (type == OnnxAttribute.Type.INT || a.i() != 0) {
            s.varint(ATTR_I, a.i());
        }
        if (type == OnnxAttribute.Type.STRING || !a.s().isEmpty()) {
            s.string(ATTR_S, a.s());
        }
        if (a.t() != null) {
            s.message(ATTR_T, t -> writeTensor(t, a.t()));
        }
        if (a.g() != null) {
            s.message(ATTR_G, g -> writeGraph(g, a.g()));
        }
        for (float f : a.floats()) {
            s.fixed32(ATTR_FLOATS, f);
        }
        for (long i : a.ints()) {
            s.varint(ATTR_INTS, i);
        }
        for (String string : a.strings()) {
            s.string(ATTR_STRINGS, string);
        }
        s.varint(ATTR_TYPE, type.code());
    }

    private static void writeTensor(Sink s, OnnxTensor t) throws IOException {
        for (long dim : t.dims()) {
            s.varint(TENSOR_DIMS, dim); // unpacked: onnx.proto does not declare dims packed
        }
        s.varint(TENSOR_DATA_TYPE, t.dataType());
        s.stringUnlessEmpty(TENSOR_NAME, t.name());
        if (t.elementCount() > 0) {
            s.rawData(TENSOR_RAW_DATA, t);
        }
    }

    private static void writeValueInfos(Sink s, int field, List<OnnxValueInfo> values) throws IOException {
        for (OnnxValueInfo value : values) {
            s.message(field, v -> writeValueInfo(v, value));
        }
    }

    private static void writeValueInfo(Sink s, OnnxValueInfo v) throws IOException {
        s.stringUnlessEmpty(VALUE_NAME, v.name());
        if (v.elemType() == 0 && v.shape() == null) {
            return; // untyped, or a kind other than tensor: no TypeProto
        }
        s.message(VALUE_TYPE, type -> type.message(TYPE_TENSOR_TYPE, tensorType -> {
            tensorType.varintUnlessZero(TENSOR_TYPE_ELEM_TYPE, v.elemType());
            if (v.shape() != null) {
                // Written even with no dims: an empty shape is a scalar, a missing one an unknown rank.
                tensorType.message(TENSOR_TYPE_SHAPE, shape -> {
                    for (OnnxDim dim : v.shape()) {
                        shape.message(SHAPE_DIM, d -> writeDim(d, dim));
                    }
                });
            }
        }));
    }

    private static void writeDim(Sink s, OnnxDim dim) throws IOException {
        if (dim.value() >= 0) {
            s.varint(DIM_VALUE, dim.value()); // 0 is a size, not a default
        }
        if (dim.param() != null) {
            s.string(DIM_PARAM, dim.param());
        }
    }

    // ------------------------------------------------------------------ sinks

    /** The fields of one message, emitted into a sink. */
    @FunctionalInterface
    private interface Body {
        void writeTo(Sink sink) throws IOException;
    }

    static long sizeOf(Body body) throws IOException {
        Counter counter = new Counter();
        body.writeTo(counter);
        return counter.size;
    }

    /** Where a message's fields go: a byte counter or the real output. */
    private abstract static class Sink {
        abstract void varint(int field, long value) throws IOException;

        abstract void fixed32(int field, float value) throws IOException;

        abstract void bytes(int field, byte[] value) throws IOException;

        abstract void rawData(int field, OnnxTensor tensor) throws IOException;

        abstract void message(int field, Body body) throws IOException;

        final void string(int field, String value) throws IOException {
            bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        final void stringUnlessEmpty(int field, String value) throws IOException {
            if (!value.isEmpty()) {
                string(field, value);
            }
        }

        final void varintUnlessZero(int field, long value) throws IOException {
            if (value != 0) {
                varint(field, value);
            }
        }
    }

    private static final class Counter extends Sink {
        long size;

        @Override
        void varint(int field, long value) {
            size += CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt64SizeNoTag(value);
        }

        @Override
        void fixed32(int field, float value) {
            size += CodedOutputStream.computeTagSize(field) + Float.BYTES;
        }

        @Override
        void bytes(int field, byte[] value) {
            delimited(field, value.length);
        }

        @Override
        void rawData(int field, OnnxTensor tensor) {
            delimited(field, TensorCodec.rawSize(tensor));
        }

        @Override
        void message(int field, Body body) throws IOException {
            delimited(field, sizeOf(body));
        }

        private void delimited(int field, long length) {
            size += CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt64SizeNoTag(length)
                    + length;
        }
    }

    private static final class Emitter extends Sink {
        private final CodedOutputStream out;

        Emitter(CodedOutputStream out) {
            this.out = out;
        }

        @Override
        void varint(int field, long value) throws IOException {
            out.writeUInt64(field, value); // int64 and uint64 share the encoding
        }

        @Override
        void fixed32(int field, float value) throws IOException {
            out.writeFloat(field, value);
        }

        @Override
        void bytes(int field, byte[] value) throws IOException {
            out.writeByteArray(field, value);
        }

        @Override
        void rawData(int field, OnnxTensor tensor) throws IOException {
            out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt64NoTag(TensorCodec.rawSize(tensor));
            TensorCodec.writeRaw(tensor, out);
        }

        @Override
        void message(int field, Body body) throws IOException {
            out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt64NoTag(sizeOf(body));
            body.writeTo(this);
        }
    }
}
