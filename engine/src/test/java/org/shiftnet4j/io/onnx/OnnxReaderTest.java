package org.shiftnet4j.io.onnx;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.shiftnet4j.io.onnx.OnnxAssert.bits;
import static org.shiftnet4j.io.onnx.Pb.END_GROUP;
import static org.shiftnet4j.io.onnx.Pb.FIXED32;
import static org.shiftnet4j.io.onnx.Pb.FIXED64;
import static org.shiftnet4j.io.onnx.Pb.LEN;
import static org.shiftnet4j.io.onnx.Pb.START_GROUP;
import static org.shiftnet4j.io.onnx.Pb.VARINT;
import static org.shiftnet4j.io.onnx.Pb.graphWithInitializer;
import static org.shiftnet4j.io.onnx.Pb.graphWithNode;
import static org.shiftnet4j.io.onnx.Pb.model;
import static org.shiftnet4j.io.onnx.Pb.tensor;

/** The reader on hand-encoded bytes: the encodings it must accept, and every rejection with its message. */
class OnnxReaderTest {

    private static OnnxTensor initializer(Pb tensor) throws OnnxFormatException {
        return OnnxModel.parse(model(graphWithInitializer(tensor))).graph().initializers().getFirst();
    }

    private static OnnxNode node(Pb node) throws OnnxFormatException {
        return OnnxModel.parse(model(graphWithNode(node))).graph().nodes().getFirst();
    }

    /** Parsing fails with an OnnxFormatException (nothing else) whose message holds every fragment. */
    private static String rejects(byte[] bytes, String... fragments) {
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModel.parse(bytes));
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
        }
        return e.getMessage();
    }

    private static String rejectsTensor(Pb tensor, String... fragments) {
        return rejects(model(graphWithInitializer(tensor)), fragments);
    }

    private static byte[] littleEndian(int width, long... values) {
        byte[] out = new byte[width * values.length];
        for (int k = 0; k < values.length; k++) {
            for (int b = 0; b < width; b++) {
                out[k * width + b] = (byte) (values[k] >>> (8 * b));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ encodings that must be accepted

    @Test
    void packedUnpackedAndSplitRunsReadTheSame() throws OnnxFormatException {
        float[] expected = {1f, -2f, 0.5f, 3f, 0f, -0f};
        OnnxTensor unpacked = initializer(new Pb().varint(1, 2).varint(1, 3).varint(2, 1).string(8, "w")
                .fixed32(4, 1f).fixed32(4, -2f).fixed32(4, 0.5f).fixed32(4, 3f).fixed32(4, 0f).fixed32(4, -0f));
        OnnxTensor packed = initializer(new Pb().packedVarints(1, 2, 3).varint(2, 1).string(8, "w")
                .packedFloats(4, expected));
        OnnxTensor split = initializer(new Pb().packedFloats(4, 1f, -2f).string(8, "w").varint(1, 2)
                .fixed32(4, 0.5f).varint(2, 1).packedVarints(1, 3).packedFloats(4, 3f, 0f).fixed32(4, -0f));
        for (OnnxTensor t : List.of(unpacked, packed, split)) {
            assertArrayEquals(new long[]{2, 3}, t.dims());
            assertArrayEquals(bits(expected), bits(t.floats()));
        }

        OnnxNode n = node(new Pb().string(4, "Conv")
                .message(5, new Pb().string(1, "pads").packedVarints(8, 0, 1).varint(8, 2).varint(20, 7))
                .message(5, new Pb().string(1, "scales").fixed32(7, 1f).packedFloats(7, 2f, 3f).varint(20, 6)));
        assertArrayEquals(new long[]{0, 1, 2}, n.attribute("pads").orElseThrow().ints());
        assertArrayEquals(new float[]{1f, 2f, 3f}, n.attribute("scales").orElseThrow().floats());
    }

    @Test
    void typedDataFieldsOfEveryType() throws OnnxFormatException {
        assertArrayEquals(new float[]{1.5f, -2f}, initializer(tensor("d", 11, 2).fixed64(10, 1.5).fixed64(10, -2))
                .floats());
        assertArrayEquals(new float[]{0.25f}, initializer(tensor("d", 11, 1).packedDoubles(10, 0.25)).floats());
        assertArrayEquals(new float[]{1f, -2f}, initializer(tensor("h", 10, 2).varint(5, 0x3C00).varint(5, 0xC000))
                .floats());
        assertArrayEquals(new float[]{1f, -2f}, initializer(tensor("b", 16, 2).packedVarints(5, 0x3F80, 0xC000))
                .floats());
        // A negative int32 is a sign-extended 10-byte varint; protobuf also accepts the 5-byte form.
        assertArrayEquals(new long[]{-5, -5, 127}, initializer(tensor("i8", 3, 3).varint(5, -5)
                .varint(5, 0xFFFF_FFFBL).varint(5, 127)).longs());
        assertArrayEquals(new long[]{0, 255}, initializer(tensor("u8", 2, 2).packedVarints(5, 0, 255)).longs());
        assertArrayEquals(new long[]{-32768, 32767}, initializer(tensor("i16", 5, 2).varint(5, -32768)
                .varint(5, 32767)).longs());
        assertArrayEquals(new long[]{65535}, initializer(tensor("u16", 4, 1).varint(5, 65535)).longs());
        assertArrayEquals(new long[]{1, 0}, initializer(tensor("bool", 9, 2).varint(5, 1).varint(5, 0)).longs());
        assertArrayEquals(new long[]{Integer.MIN_VALUE}, initializer(tensor("i32", 6, 1).varint(5, Integer.MIN_VALUE))
                .longs());
        assertArrayEquals(new long[]{Long.MIN_VALUE, 7}, initializer(tensor("i64", 7, 2).varint(7, Long.MIN_VALUE)
                .varint(7, 7)).longs());
        assertArrayEquals(new long[]{0xFFFF_FFFFL}, initializer(tensor("u32", 12, 1).varint(11, 0xFFFF_FFFFL))
                .longs());
        assertArrayEquals(new long[]{-1}, initializer(tensor("u64", 13, 1).varint(11, -1)).longs(),
                "2^64-1 reads as -1");
        assertEquals(0, initializer(tensor("empty", 1, 0, 4)).floats().length, "no data is fine for no elements");
        assertArrayEquals(new float[]{3f}, initializer(tensor("scalar", 1).fixed32(4, 3f)).floats());
    }

    @Test
    void rawDataIsLittleEndian() throws OnnxFormatException {
        assertArrayEquals(new float[]{1f}, initializer(tensor("f", 1, 1).bytes(9, new byte[]{0, 0, (byte) 0x80, 0x3F}))
                .floats());
        assertArrayEquals(new long[]{-32767, 1}, initializer(tensor("i16", 5, 2)
                .bytes(9, new byte[]{0x01, (byte) 0x80, 0x01, 0x00})).longs());
        assertArrayEquals(new long[]{0xFFFF_FFFEL}, initializer(tensor("u32", 12, 1)
                .bytes(9, littleEndian(4, 0xFFFF_FFFEL))).longs());
        assertArrayEquals(new long[]{-2, 1L << 40}, initializer(tensor("i64", 7, 2)
                .bytes(9, littleEndian(8, -2, 1L << 40))).longs());
        assertArrayEquals(new long[]{200, 1}, initializer(tensor("u8", 2, 2).bytes(9, new byte[]{(byte) 200, 1}))
                .longs());
        assertArrayEquals(new long[]{-56}, initializer(tensor("i8", 3, 1).bytes(9, new byte[]{(byte) 200})).longs());
        assertArrayEquals(new float[]{-1.25f}, initializer(tensor("d", 11, 1)
                .bytes(9, littleEndian(8, Double.doubleToLongBits(-1.25)))).floats());
    }

    @Test
    void unknownFieldsOfEveryWireTypeAreSkipped() throws OnnxFormatException {
        Pb unknowns = new Pb().varint(99, 5).fixed32(98, 1f).fixed64(97, 2.0).string(96, "future")
                .tag(95, START_GROUP).varint(1, 1).tag(94, START_GROUP).tag(94, END_GROUP).tag(95, END_GROUP);
        byte[] unknownBytes = unknowns.build();
        Pb typeWithSequence = new Pb().message(4, new Pb().message(1, new Pb().message(1, new Pb().varint(1, 1))));
        Pb graph = new Pb().raw(unknownBytes)
                .message(1, new Pb().raw(unknownBytes).string(4, "Relu")
                        .message(5, new Pb().string(1, "a").raw(unknownBytes).varint(3, 4).varint(20, 2)
                                .message(22, new Pb().varint(1, 1))))
                .message(5, tensor("w", 1, 1).raw(unknownBytes).fixed32(4, 2f).string(12, "doc"))
                .message(11, new Pb().string(1, "seq").message(2, typeWithSequence).raw(unknownBytes))
                .message(12, new Pb().string(1, "y").message(2, new Pb().message(1, new Pb().varint(1, 1)
                        .message(2, new Pb().message(1, new Pb().varint(1, 4).string(3, "denotation"))))))
                .message(14, new Pb().string(1, "quantization annotation"))
                .message(15, new Pb()); // an empty sparse initializer holds nothing
        byte[] bytes = new Pb().raw(unknownBytes).varint(1, 9).message(7, graph).message(20, new Pb().string(1, "t"))
                .message(25, new Pb().string(1, "function")).build();
        OnnxModel m = OnnxModel.parse(bytes);
        assertEquals(4, m.graph().nodes().getFirst().attribute("a").orElseThrow().i());
        assertArrayEquals(new float[]{2f}, m.graph().initializers().getFirst().floats());
        assertEquals(new OnnxValueInfo("seq", 0, null), m.graph().inputs().getFirst(), "a sequence is not a tensor");
        assertEquals(OnnxValueInfo.tensor("y", 1, OnnxDim.of(4)), m.graph().outputs().getFirst());
    }

    @Test
    void dimensionsFixedSymbolicUnknownAndLastOneWins() throws OnnxFormatException {
        Pb shape = new Pb()
                .message(1, new Pb().varint(1, 0))
                .message(1, new Pb().string(2, "N"))
                .message(1, new Pb())
                .message(1, new Pb().varint(1, -1))
                .message(1, new Pb().string(2, ""))
                .message(1, new Pb().varint(1, 5).string(2, "M"))
                .message(1, new Pb().string(2, "M").varint(1, 6));
        byte[] bytes = model(new Pb().message(11, new Pb().string(1, "x").message(2,
                new Pb().message(1, new Pb().varint(1, 1).message(2, shape))))
                .message(11, new Pb().string(1, "scalar").message(2, new Pb().message(1,
                        new Pb().varint(1, 7).message(2, new Pb()))))
                .message(11, new Pb().string(1, "no_type")));
        List<OnnxValueInfo> inputs = OnnxModel.parse(bytes).graph().inputs();
        OnnxDim unknown = new OnnxDim(-1, null);
        assertEquals(List.of(OnnxDim.of(0), OnnxDim.symbolic("N"), unknown, unknown, unknown, OnnxDim.symbolic("M"),
                OnnxDim.of(6)), inputs.get(0).shape());
        assertEquals(List.of(), inputs.get(1).shape(), "an empty shape is a scalar");
        assertEquals(7, inputs.get(1).elemType());
        assertNull(inputs.get(2).shape());
        assertEquals(0, inputs.get(2).elemType());
        rejects(model(new Pb().message(11, new Pb().string(1, "x").message(2, new Pb().message(1,
                        new Pb().message(2, new Pb().message(1, new Pb().varint(1, -2))))))),
                "graph.input[0] (name 'x').type.tensor_type.shape.dim[0]: dim_value -2 is negative");
    }

    // ------------------------------------------------------------------ wire-level errors

    @Test
    void wrongWireTypeNamesTheFieldAndThePlace() {
        Pb graph = new Pb();
        for (int k = 0; k < 12; k++) {
            graph.message(1, new Pb().string(4, "Relu"));
        }
        graph.message(1, new Pb().string(3, "Conv_3").string(4, "Conv")
                .message(5, new Pb().string(1, "kernel_shape").varint(8, 3).varint(20, 7))
                .message(5, new Pb().string(1, "group").varint(3, 1).varint(20, 2))
                .message(5, new Pb().string(1, "pads").varint(8, 0).string(20, "INTS")));
        String message = rejects(model(graph));
        assertEquals("malformed ONNX file: graph.node[12] (name 'Conv_3').attribute[2] (name 'pads'): "
                + "field 20 has wire type 2, expected varint (AttributeProto.type)", message);
        rejects(model(new Pb().fixed32(2, 1f)), "graph: field 2 has wire type 5, expected length-delimited");
        rejects(model(graphWithInitializer(tensor("w", 1, 1).varint(4, 7))),
                "field 4 has wire type 0, expected fixed32 or length-delimited (packed)");
        rejects(model(graphWithInitializer(tensor("w", 1, 1).fixed32(1, 1f))),
                "field 1 has wire type 5, expected varint or length-delimited (packed)");
        rejects(model(graphWithInitializer(tensor("w", 11, 1).fixed32(10, 1f))), "expected fixed64");
    }

    @Test
    void lengthsThatRunPastTheFileOrTheirMessage() {
        byte[] valid = model(graphWithInitializer(tensor("w", 1, 2).fixed32(4, 1f).fixed32(4, 2f)));
        rejects(Arrays.copyOf(valid, valid.length - 3), "truncated ONNX file");
        rejects(new byte[]{0x3A, 0x05}, "truncated ONNX file: graph: field 7 (ModelProto.graph) claims 5 bytes");
        // The node claims 10 bytes, the graph holding it only 2 more; the file goes on with other fields.
        byte[] overrun = new Pb().tag(7, LEN).rawVarint(4).tag(1, LEN).rawVarint(10).raw(0, 0)
                .string(2, "producer-name-long-enough").build();
        rejects(overrun, "graph.node[0]: field 1 (GraphProto.node) claims 10 bytes, but its enclosing message "
                + "has only 2 bytes left");
        byte[] hugeLength = new Pb().tag(7, LEN).rawVarint(Long.MIN_VALUE + 5).build();
        rejects(hugeLength, "truncated ONNX file", "claims 9223372036854775813 bytes");
        // A fixed32 cut by the end of its enclosing message, not the file.
        byte[] cutFloat = new Pb().message(7, new Pb().message(1, new Pb().string(4, "Elu").message(5,
                new Pb().tag(2, FIXED32).raw(0, 0)))).varint(1, 9).build();
        rejects(cutFloat, "malformed ONNX file: graph.node[0].attribute[0]: a field runs past the end of its "
                + "enclosing message");
        byte[] cutAtEnd = new Pb().tag(1, VARINT).raw(0x80, 0x80).build();
        rejects(cutAtEnd, "truncated ONNX file: the input ends inside model");
    }

    @Test
    void malformedProtobufIsAFormatErrorNotAProtobufException() {
        rejects(new byte[]{0x00}, "malformed ONNX file: model:", "invalid tag");
        rejects(new Pb().tag(99, 7).build(), "field 99 has invalid wire type 7");
        rejects(new Pb().tag(99, 6).build(), "field 99 has invalid wire type 6");
        rejects(model(new Pb().tag(9, END_GROUP)), "graph: field 9 has an unmatched end-group tag");
        // protobuf-java reads a 10-byte varint whatever its last byte holds; the stray 0x01 is then a field-0 tag.
        rejects(new Pb().tag(1, VARINT).raw(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01).build(),
                "malformed ONNX file: model:");
        rejects(model(graphWithInitializer(tensor("w", 1, 1).bytes(4, new byte[5]))),
                "packed field 4 (TensorProto.float_data) has 5 bytes, not a multiple of 4");
        rejects(model(graphWithInitializer(tensor("w", 11, 1).bytes(10, new byte[12]))), "not a multiple of 8");
        rejects(new byte[]{'p', 'k', 3, 4}, "malformed ONNX file"); // not protobuf at all, e.g. a zip
        rejects("{\"a\": 1}".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "ONNX file");
    }

    @Test
    void deeplyNestedGroupsAreRefusedWithoutStackOverflow() {
        int depth = 200_000;
        Pb nested = new Pb();
        for (int k = 0; k < depth; k++) {
            nested.tag(99, START_GROUP);
        }
        for (int k = 0; k < depth; k++) {
            nested.tag(99, END_GROUP);
        }
        rejects(nested.build(), "malformed ONNX file", "nesting");
    }

    @Test
    void missingGraph() {
        rejects(new byte[0], "the model has no graph");
        rejects(new Pb().varint(1, 9).message(8, new Pb().varint(2, 17)).build(), "the model has no graph");
    }

    @Test
    void invalidUtf8IsRejectedWherever() {
        byte[] bad = {'a', (byte) 0xC3, 0x28};
        rejects(model(graphWithNode(new Pb().bytes(3, bad))), "graph.node[0]: field 3 (NodeProto.name) is not valid UTF-8");
        rejects(model(graphWithInitializer(new Pb().bytes(8, bad))), "TensorProto.name) is not valid UTF-8");
        rejects(model(graphWithNode(new Pb().message(5, new Pb().string(1, "mode").bytes(4, bad)))),
                "attribute[0] (name 'mode'): field 4 (AttributeProto.s) is not valid UTF-8");
        rejects(model(graphWithNode(new Pb().message(5, new Pb().string(1, "x").bytes(9, bad)))), "AttributeProto.strings");
        // Encoded surrogates (CESU-8) and overlong forms are not UTF-8 either.
        rejects(model(new Pb().bytes(2, new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80})), "not valid UTF-8");
        rejects(model(new Pb().bytes(2, new byte[]{(byte) 0xC0, (byte) 0xAF})), "not valid UTF-8");
    }

    @Test
    void duplicateMetadataKeys() {
        byte[] bytes = new Pb().message(7, new Pb()).message(14, new Pb().string(1, "k").string(2, "a"))
                .message(14, new Pb().string(1, "k").string(2, "b")).build();
        rejects(bytes, "metadata_props[1]: metadata key 'k' appears twice");
    }

    // ------------------------------------------------------------------ tensor errors

    @Test
    void dimsMustBeNonNegativeAndFitAnArray() {
        rejectsTensor(tensor("w", 1, 2, -3), "graph.initializer[0] (name 'w'): tensor 'w': dimension 1 is -3");
        rejectsTensor(tensor("w", 1, 65536, 65536), "more than 2147483639 elements");
        rejectsTensor(tensor("w", 1, Long.MAX_VALUE, Long.MAX_VALUE, 2), "more than");
    }

    @Test
    void dataMustMatchTheElementCount() {
        rejectsTensor(tensor("w", 1, 2).bytes(9, new byte[7]),
                "tensor 'w': raw_data has 7 bytes, but 2 FLOAT elements (dims [2]) need 8");
        rejectsTensor(tensor("w", 7, 2).bytes(9, new byte[0]), "raw_data has 0 bytes, but 2 INT64 elements");
        rejectsTensor(tensor("w", 1, 2, 2).packedFloats(4, 1, 2, 3),
                "tensor 'w': float_data holds 3 values, but dims [2, 2] need 4");
        rejectsTensor(tensor("w", 1, 2, 2), "tensor 'w' has dims [2, 2] (4 elements) but no data");
        rejectsTensor(tensor("w", 7, 1).varint(7, 1).varint(7, 2), "int64_data holds 2 values");
        rejectsTensor(tensor("w", 1, 1).fixed32(4, 1f).bytes(9, new byte[4]),
                "tensor 'w' has both raw_data and 1 values in float_data");
        rejectsTensor(tensor("w", 1, 1).varint(7, 1), "tensor 'w' of type FLOAT has 1 values in int64_data; "
                + "FLOAT values belong in float_data or raw_data");
        rejectsTensor(tensor("w", 7, 1).varint(5, 1), "INT64 values belong in int64_data or raw_data");
        rejectsTensor(tensor("w", 10, 1).fixed32(4, 1f), "FLOAT16 values belong in int32_data or raw_data");
        rejectsTensor(tensor("w", 1, 1).string(6, "s"), "has 1 values in string_data");
        rejectsTensor(tensor("w", 6, 0).varint(7, 1), "INT32 values belong in int32_data");
    }

    @Test
    void valuesMustFitTheirType() {
        rejectsTensor(tensor("w", 2, 1).varint(5, 300), "tensor 'w': value 300 at index 0 is outside the range of UINT8");
        rejectsTensor(tensor("w", 3, 2).varint(5, 1).varint(5, -129), "value -129 at index 1 is outside the range of INT8");
        rejectsTensor(tensor("w", 9, 1).bytes(9, new byte[]{2}), "value 2 at index 0 is outside the range of BOOL");
        rejectsTensor(tensor("w", 12, 1).varint(11, 1L << 32), "outside the range of UINT32");
        rejectsTensor(tensor("w", 10, 1).varint(5, 70000), "int32_data value 70000 at index 0 is not a 16-bit FLOAT16");
        rejectsTensor(tensor("w", 16, 1).varint(5, -1), "not a 16-bit BFLOAT16");
    }

    @Test
    void unsupportedTensorFeaturesSayWhatToDo() {
        assertEquals("tensor 'conv.weight' keeps its data in an external file, which shiftnet4j does not read; "
                        + "re-export with the weights embedded (at graph.initializer[0] (name 'conv.weight'))",
                rejectsTensor(tensor("conv.weight", 1, 4).message(13, new Pb().string(1, "location")
                        .string(2, "weights.bin")).varint(14, 1)));
        rejectsTensor(tensor("w", 1, 4).varint(14, 1), "tensor 'w' keeps its data in an external file");
        rejectsTensor(tensor("w", 1, 4).message(13, new Pb().string(1, "location")), "external file");
        rejectsTensor(tensor("w", 1, 1).fixed32(4, 1).varint(14, 5), "tensor 'w' has data_location 5");
        rejectsTensor(tensor("w", 1, 1).message(3, new Pb().varint(1, 0).varint(2, 1)), "split into segments");
        rejectsTensor(tensor("w", 8, 1).string(6, "text"), "tensor 'w' has data type STRING, which shiftnet4j does "
                + "not read");
        rejectsTensor(tensor("w", 14, 1), "data type COMPLEX64");
        rejectsTensor(tensor("w", 17, 1), "data type FLOAT8E4M3FN");
        rejectsTensor(tensor("w", 99, 1), "data type type 99");
        rejectsTensor(new Pb().string(8, "w").varint(1, 1), "data type UNDEFINED");
        rejectsTensor(tensor("w", 1, 1).varint(2, 1L << 40), "data type type -1"); // last data_type wins
        rejects(model(new Pb().message(15, new Pb().message(1, tensor("v", 1, 1).fixed32(4, 1f)))),
                "the graph has a sparse initializer, which shiftnet4j does not read", "(at graph)");
    }

    @Test
    void tensorErrorsInsideAttributesNameTheAttribute() {
        rejects(model(graphWithNode(new Pb().string(3, "c").string(4, "Constant").message(5,
                        new Pb().string(1, "value").message(5, tensor("", 1, 3).fixed32(4, 1f)).varint(20, 4)))),
                "graph.node[0] (name 'c').attribute[0] (name 'value').t (name ''): tensor '': float_data holds 1 values");
    }

    // ------------------------------------------------------------------ attribute errors

    @Test
    void attributeErrors() {
        rejects(model(graphWithNode(new Pb().message(5, new Pb().string(1, "alpha").string(21, "outer_alpha")
                        .varint(20, 1)))),
                "attribute 'alpha' refers to the function attribute 'outer_alpha' (ref_attr_name), which is only "
                        + "valid inside a function body");
        rejects(model(graphWithNode(new Pb().message(5, new Pb().string(1, "x").varint(20, 99)))),
                "attribute[0] (name 'x'): attribute type code 99 is not an ONNX attribute type");
        rejects(model(graphWithNode(new Pb().message(5, new Pb().string(1, "x").varint(20, -1)))),
                "attribute type code -1");
        rejects(model(graphWithNode(new Pb().message(5, new Pb().string(1, "f").tag(2, FIXED64).le(0, 8)))),
                "field 2 has wire type 1, expected fixed32 (AttributeProto.f)");
    }

    @Test
    void attributesOfKindsWithoutAFieldKeepTheirType() throws OnnxFormatException {
        OnnxNode n = node(new Pb().string(4, "Loop")
                .message(5, new Pb().string(1, "ts").message(10, tensor("a", 1, 1).fixed32(4, 1f)).varint(20, 9))
                .message(5, new Pb().string(1, "gs").message(11, new Pb()).varint(20, 10))
                .message(5, new Pb().string(1, "sp").message(22, new Pb()).varint(20, 11)));
        assertEquals(OnnxAttribute.Type.TENSORS, n.attribute("ts").orElseThrow().type());
        assertEquals(OnnxAttribute.Type.GRAPHS, n.attribute("gs").orElseThrow().type());
        assertEquals(OnnxAttribute.Type.SPARSE_TENSOR, n.attribute("sp").orElseThrow().type());
        assertTrue(n.attribute("ts").orElseThrow().toString().contains("not kept"));
    }

    // ------------------------------------------------------------------ hostile sizes and cut files

    @Test
    void declaredSizesAreCheckedAgainstTheBytesPresentBeforeAllocating() {
        // Each file is a few bytes but declares a tensor of about a billion elements: none may allocate for it.
        long billion = 1_000_000_000L;
        rejectsTensor(tensor("w", 1, billion), "(1000000000 elements) but no data");
        rejectsTensor(tensor("w", 1, billion).bytes(9, new byte[4]), "raw_data has 4 bytes");
        rejects(model(graphWithInitializer(tensor("w", 1, billion).tag(9, LEN).rawVarint(4 * billion))),
                "truncated ONNX file", "claims 4000000000 bytes");
        rejects(model(graphWithInitializer(tensor("w", 1, billion).tag(4, LEN).rawVarint(4 * billion))),
                "truncated ONNX file");
        rejects(model(graphWithInitializer(tensor("w", 7, billion).packedVarints(7, 1, 2))), "int64_data holds 2");
        rejects(model(graphWithNode(new Pb().message(5, new Pb().tag(8, LEN).rawVarint(billion)))), "truncated");
        rejects(new Pb().tag(7, LEN).rawVarint(Integer.MAX_VALUE).build(), "truncated");
    }

    @Test
    void everyTruncationOfAValidModelFailsCleanly() throws OnnxFormatException {
        OnnxModel model = OnnxRoundTripTest.richModel();
        byte[] bytes = model.toByteArray();
        int parsed = 0;
        for (int cut = 0; cut < bytes.length; cut++) {
            try {
                OnnxModel.parse(Arrays.copyOf(bytes, cut));
                parsed++; // a cut right after a complete top-level field is a valid, smaller model
            } catch (OnnxFormatException expected) {
                // the only acceptable failure
            } catch (RuntimeException | Error e) {
                fail("cut at " + cut + " of " + bytes.length + " threw " + e, e);
            }
        }
        // The graph comes before opsets and metadata, so only cuts between those trailing fields parse.
        assertTrue(parsed <= 1 + model.opsets().size() + model.metadata().size(), "parsed " + parsed);
        OnnxAssert.assertSameModel(model, OnnxModel.parse(bytes));
    }
}
