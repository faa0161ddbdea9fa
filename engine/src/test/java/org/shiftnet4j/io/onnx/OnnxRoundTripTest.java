package org.shiftnet4j.io.onnx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shiftnet4j.io.onnx.OnnxAssert.assertSameModel;
import static org.shiftnet4j.io.onnx.OnnxAssert.assertSameTensor;

class OnnxRoundTripTest {
    private static final long[] DIMS_2x3 = {2, 3};

    // ------------------------------------------------------------------ models to round-trip

    /** One tensor of every supported type, with awkward values (extremes, -0, NaN, infinities, subnormals). */
    static List<OnnxTensor> tensorsOfEveryType() {
        float[] awkward = {0f, -0f, 1.5f, -65504f, Float.NaN, Float.POSITIVE_INFINITY};
        float[] fine = {1e-8f, 3.1415927f, -2.5e30f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY};
        List<OnnxTensor> tensors = new ArrayList<>();
        tensors.add(OnnxTensor.ofFloats("float", DIMS_2x3, fine));
        tensors.add(new OnnxTensor("double", OnnxTensor.DOUBLE, DIMS_2x3, fine, null));
        // Values representable in the 16-bit formats, so the writer's rounding is the identity.
        tensors.add(new OnnxTensor("float16", OnnxTensor.FLOAT16, DIMS_2x3, awkward, null));
        tensors.add(new OnnxTensor("bfloat16", OnnxTensor.BFLOAT16, DIMS_2x3,
                new float[]{0f, -0f, 1.5f, Float.intBitsToFloat(0xFF7F_0000), Float.NaN, Float.NEGATIVE_INFINITY}, null));
        tensors.add(new OnnxTensor("int8", OnnxTensor.INT8, DIMS_2x3, null, new long[]{-128, -1, 0, 1, 100, 127}));
        tensors.add(new OnnxTensor("uint8", OnnxTensor.UINT8, DIMS_2x3, null, new long[]{0, 1, 127, 128, 200, 255}));
        tensors.add(new OnnxTensor("int16", OnnxTensor.INT16, DIMS_2x3, null,
                new long[]{-32768, -1, 0, 1, 1000, 32767}));
        tensors.add(new OnnxTensor("uint16", OnnxTensor.UINT16, DIMS_2x3, null,
                new long[]{0, 1, 32767, 32768, 40000, 65535}));
        tensors.add(new OnnxTensor("int32", OnnxTensor.INT32, DIMS_2x3, null,
                new long[]{Integer.MIN_VALUE, -1, 0, 1, 123456789, Integer.MAX_VALUE}));
        tensors.add(new OnnxTensor("uint32", OnnxTensor.UINT32, DIMS_2x3, null,
                new long[]{0, 1, Integer.MAX_VALUE, 1L << 31, 4_000_000_000L, 0xFFFF_FFFFL}));
        tensors.add(OnnxTensor.ofLongs("int64", DIMS_2x3,
                new long[]{Long.MIN_VALUE, -1, 0, 1, 1L << 40, Long.MAX_VALUE}));
        tensors.add(new OnnxTensor("uint64", OnnxTensor.UINT64, DIMS_2x3, null,
                new long[]{0, 1, Long.MAX_VALUE, Long.MIN_VALUE, -2, -1}));
        tensors.add(new OnnxTensor("bool", OnnxTensor.BOOL, DIMS_2x3, null, new long[]{0, 1, 1, 0, 0, 1}));
        tensors.add(OnnxTensor.ofFloats("scalar", new long[0], new float[]{42f}));
        tensors.add(OnnxTensor.ofFloats("empty", new long[]{0, 5}, new float[0]));
        tensors.add(OnnxTensor.ofLongs("empty_long", new long[]{3, 0}, new long[0]));
        tensors.add(OnnxTensor.ofFloats("", new long[]{1}, new float[]{7f})); // unnamed, as in attributes
        return tensors;
    }

    static OnnxGraph branch(String name) {
        OnnxNode identity = new OnnxNode("id", "Identity", "", List.of("x"), List.of("y"), List.of(), "");
        return new OnnxGraph(name, List.of(identity), List.of(), List.of(), List.of(
                OnnxValueInfo.tensor("y", OnnxTensor.FLOAT, OnnxDim.symbolic("N"))), List.of(), "");
    }

    static OnnxModel richModel() {
        OnnxTensor weight = OnnxTensor.ofFloats("conv1.weight", new long[]{2, 3, 1, 1},
                new float[]{0.5f, -1f, 2f, 0.25f, 0f, -0.75f});
        List<OnnxAttribute> everyKind = List.of(
                OnnxAttribute.ofFloat("alpha", 0.2f),
                OnnxAttribute.ofFloat("zero_float", 0f),
                OnnxAttribute.ofFloat("negative_zero", -0f),
                OnnxAttribute.ofInt("axis", 0),
                OnnxAttribute.ofInt("big", Long.MIN_VALUE),
                OnnxAttribute.ofString("auto_pad", "SAME_UPPER"),
                OnnxAttribute.ofString("empty_string", ""),
                OnnxAttribute.ofString("unicode", "\u00e9t\u00e9 \u6f22\u5b57 \ud83d\ude00"),
                OnnxAttribute.ofInts("kernel_shape", 3, 3),
                OnnxAttribute.ofInts("no_ints"),
                OnnxAttribute.ofInts("pads", -1, 0, Long.MAX_VALUE, Long.MIN_VALUE),
                OnnxAttribute.ofFloats("scales", 1f, 2f, -0f, Float.NaN),
                OnnxAttribute.ofTensor("value", OnnxTensor.ofLongs("", new long[]{2}, new long[]{1, -1})),
                new OnnxAttribute("then_branch", OnnxAttribute.Type.GRAPH, 0, 0, "", null, branch("then"),
                        null, null, null),
                new OnnxAttribute("modes", OnnxAttribute.Type.STRINGS, 0, 0, "", null, null, null, null,
                        List.of("a", "", "\u00fc")),
                new OnnxAttribute("tensors_not_kept", OnnxAttribute.Type.TENSORS, 0, 0, "", null, null, null,
                        null, null),
                new OnnxAttribute("undefined", OnnxAttribute.Type.UNDEFINED, 0, 0, "", null, null, null, null,
                        null),
                // A file may set fields other than the one its type names; they survive a round trip.
                new OnnxAttribute("mixed", OnnxAttribute.Type.INT, 1.5f, 7, "s", null, null, new float[]{1f},
                        new long[]{2}, List.of("x")));
        List<OnnxNode> nodes = List.of(
                new OnnxNode("conv1", "Conv", "", List.of("input", "conv1.weight", ""), List.of("c1"),
                        List.of(OnnxAttribute.ofInts("kernel_shape", 1, 1), OnnxAttribute.ofInts("strides", 1, 1),
                                OnnxAttribute.ofInt("group", 1)), "a convolution"),
                new OnnxNode("", "Relu", "", List.of("c1"), List.of("r1"), List.of(), ""),
                new OnnxNode("custom", "Everything", "com.example", List.of("r1"), List.of("out", "aux"),
                        everyKind, ""));
        List<OnnxTensor> initializers = new ArrayList<>(tensorsOfEveryType());
        initializers.addFirst(weight);
        List<OnnxValueInfo> inputs = List.of(
                OnnxValueInfo.tensor("input", OnnxTensor.FLOAT, OnnxDim.symbolic("batch"), OnnxDim.of(3),
                        OnnxDim.of(0), new OnnxDim(-1, null)),
                OnnxValueInfo.tensor("scalar_in", OnnxTensor.INT64),
                new OnnxValueInfo("rank_unknown", OnnxTensor.FLOAT16, null),
                new OnnxValueInfo("untyped", 0, null),
                new OnnxValueInfo("shape_only", 0, List.of(OnnxDim.of(2))));
        List<OnnxValueInfo> outputs = List.of(OnnxValueInfo.tensor("out", OnnxTensor.FLOAT, OnnxDim.symbolic("batch"),
                OnnxDim.of(2)), OnnxValueInfo.tensor("aux", 99));
        List<OnnxValueInfo> valueInfo = List.of(OnnxValueInfo.tensor("c1", OnnxTensor.FLOAT, OnnxDim.of(1)));
        OnnxGraph graph = new OnnxGraph("main", nodes, initializers, inputs, outputs, valueInfo, "the graph");
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("zeta", "last letter first");
        metadata.put("alpha", "");
        metadata.put("", "empty key");
        return new OnnxModel(9, List.of(new OpsetImport("", 17), new OpsetImport("com.example", 1),
                new OpsetImport("ai.onnx.ml", 0)), "shiftnet4j", "0.1", "org.shiftnet4j", 3, "doc", graph,
                metadata);
    }

    // ------------------------------------------------------------------ round trips

    @Test
    void richModelRoundTripsFieldByField() throws IOException {
        OnnxModel model = richModel();
        byte[] bytes = model.toByteArray();
        OnnxModel parsed = OnnxModel.parse(bytes);
        assertSameModel(model, parsed);
        assertArrayEquals(bytes, model.toByteArray(), "the same model gives the same bytes");
        assertArrayEquals(bytes, parsed.toByteArray(), "canonical: re-encoding what was read changes nothing");
    }

    @Test
    void minimalModelRoundTrips() throws IOException {
        OnnxGraph empty = new OnnxGraph("", List.of(), List.of(), List.of(), List.of(), List.of(), "");
        OnnxModel model = new OnnxModel(0, List.of(), "", "", "", 0, "", empty, Map.of());
        byte[] bytes = model.toByteArray();
        assertArrayEquals(new byte[]{0x3A, 0x00}, bytes, "only the (empty) graph field");
        assertSameModel(model, OnnxModel.parse(bytes));
        assertEquals(-1, model.defaultOpset());
    }

    @Test
    void nestedGraphsRoundTripToTheDepthLimit() throws IOException {
        OnnxGraph graph = branch("innermost");
        for (int depth = 1; depth < OnnxReader.MAX_GRAPH_DEPTH; depth++) {
            OnnxNode ifNode = new OnnxNode("if" + depth, "If", "", List.of("c"), List.of("y"),
                    List.of(new OnnxAttribute("then_branch", OnnxAttribute.Type.GRAPH, 0, 0, "", null, graph, null,
                            null, null)), "");
            graph = new OnnxGraph("level" + depth, List.of(ifNode), List.of(), List.of(), List.of(), List.of(), "");
        }
        OnnxModel model = new OnnxModel(9, List.of(new OpsetImport("", 17)), "", "", "", 0, "", graph, Map.of());
        assertSameModel(model, OnnxModel.parse(model.toByteArray()));

        OnnxNode tooDeep = new OnnxNode("", "If", "", List.of(), List.of(), List.of(new OnnxAttribute("g",
                OnnxAttribute.Type.GRAPH, 0, 0, "", null, graph, null, null, null)), "");
        OnnxGraph outer = new OnnxGraph("", List.of(tooDeep), List.of(), List.of(), List.of(), List.of(), "");
        OnnxModel deeper = new OnnxModel(9, List.of(), "", "", "", 0, "", outer, Map.of());
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModel.parse(deeper.toByteArray()));
        assertTrue(e.getMessage().contains("nested more than 32 deep"), e.getMessage());
    }

    @Test
    void everyFloat16AndBfloat16PatternSurvivesReadAndWrite() throws IOException {
        for (int type : new int[]{OnnxTensor.FLOAT16, OnnxTensor.BFLOAT16}) {
            Pb raw = Pb.tensor("all", type, 65536);
            byte[] data = new byte[2 * 65536];
            for (int k = 0; k < 65536; k++) {
                data[2 * k] = (byte) k;
                data[2 * k + 1] = (byte) (k >>> 8);
            }
            byte[] file = Pb.model(Pb.graphWithInitializer(raw.bytes(9, data)));
            OnnxModel model = OnnxModel.parse(file);
            OnnxTensor t = model.graph().initializers().getFirst();
            assertEquals(type, t.dataType());
            for (int k = 0; k < 65536; k++) {
                short expected = (short) k;
                short written = type == OnnxTensor.FLOAT16 ? TensorCodec.floatToFloat16(t.floats()[k])
                        : TensorCodec.floatToBfloat16(t.floats()[k]);
                assertEquals(expected, written, OnnxTensor.typeName(type) + " pattern 0x" + Integer.toHexString(k));
            }
            assertSameTensor(t, OnnxModel.parse(model.toByteArray()).graph().initializers().getFirst(), "again");
        }
    }

    @Test
    void sixteenBitFormatsRoundToNearestEven() {
        // 1 + 2^-11 lies halfway between float16 1.0 and 1 + 2^-10: ties go to the even significand, 1.0.
        assertEquals(Float.floatToFloat16(1f), TensorCodec.floatToFloat16(1f + 0x1p-11f));
        assertEquals((short) 0x3F80, TensorCodec.floatToBfloat16(1f + 0x1p-8f), "tie to even: 1.0");
        assertEquals((short) 0x3F82, TensorCodec.floatToBfloat16(1f + 0x3p-8f), "tie to even: 1 + 2^-6");
        assertEquals((short) 0x3F81, TensorCodec.floatToBfloat16(1f + 0x1p-8f + 0x1p-20f), "above the tie");
        assertEquals((short) 0x7F80, TensorCodec.floatToBfloat16(Float.MAX_VALUE), "overflows to infinity");
        short nan = TensorCodec.floatToBfloat16(Float.intBitsToFloat(0x7F80_0001));
        assertTrue(Float.isNaN(TensorCodec.bfloat16ToFloat(nan)), "a NaN whose payload is only low bits stays NaN");
        short halfNan = TensorCodec.floatToFloat16(Float.intBitsToFloat(0xFF80_0001));
        assertTrue(Float.isNaN(Float.float16ToFloat(halfNan)) && halfNan < 0, "sign kept, still NaN");
    }

    @Test
    void randomWeightsRoundTripBitForBit() throws IOException {
        Random random = new Random(7);
        List<OnnxTensor> tensors = new ArrayList<>();
        for (int k = 0; k < 20; k++) {
            long[] dims = {1 + random.nextInt(5), 1 + random.nextInt(40), 1 + random.nextInt(3)};
            float[] values = new float[(int) (dims[0] * dims[1] * dims[2])];
            for (int j = 0; j < values.length; j++) {
                values[j] = Float.intBitsToFloat(random.nextInt()); // includes NaN payloads and subnormals
            }
            tensors.add(OnnxTensor.ofFloats("w" + k, dims, values));
            tensors.add(new OnnxTensor("d" + k, OnnxTensor.DOUBLE, dims, values, null));
        }
        OnnxGraph graph = new OnnxGraph("w", List.of(), tensors, List.of(), List.of(), List.of(), "");
        OnnxModel model = new OnnxModel(9, List.of(), "", "", "", 0, "", graph, Map.of());
        assertSameModel(model, OnnxModel.parse(model.toByteArray()));
    }

    @Test
    void largeTensorStreamsInChunks() throws IOException {
        float[] values = new float[300_000]; // > several 64 KiB chunks
        for (int k = 0; k < values.length; k++) {
            values[k] = k * 0.5f;
        }
        OnnxTensor big = OnnxTensor.ofFloats("big", new long[]{300, 1000}, values);
        OnnxGraph graph = new OnnxGraph("g", List.of(), List.of(big), List.of(), List.of(), List.of(), "");
        OnnxModel model = new OnnxModel(9, List.of(), "", "", "", 0, "", graph, Map.of());
        assertSameModel(model, OnnxModel.parse(model.toByteArray()));
    }

    @Test
    void writeAndReadThroughAFile(@TempDir Path dir) throws IOException {
        OnnxModel model = richModel();
        Path file = dir.resolve("model.onnx");
        model.write(file);
        assertArrayEquals(model.toByteArray(), Files.readAllBytes(file), "write streams the same bytes");
        assertSameModel(model, OnnxModel.read(file));
        assertThrows(NoSuchFileException.class, () -> OnnxModel.read(dir.resolve("missing.onnx")));
        Files.write(file, new byte[]{0x3A, 0x05});
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModel.read(file));
        assertTrue(e.getMessage().startsWith(file + ": truncated ONNX file"), e.getMessage());
    }

    // ------------------------------------------------------------------ API details

    @Test
    void defaultOpsetFindsEitherSpellingOfTheOnnxDomain() {
        OnnxGraph empty = new OnnxGraph("", List.of(), List.of(), List.of(), List.of(), List.of(), "");
        assertEquals(13, new OnnxModel(8, List.of(new OpsetImport("com.microsoft", 1), new OpsetImport("ai.onnx", 13)),
                "", "", "", 0, "", empty, Map.of()).defaultOpset());
        assertEquals(17, richModel().defaultOpset());
    }

    @Test
    void recordsCheckTheirInvariants() {
        assertThrows(IllegalArgumentException.class, () -> OnnxTensor.ofFloats("x", new long[]{2}, new float[3]));
        assertThrows(IllegalArgumentException.class, () -> OnnxTensor.ofFloats("x", new long[]{-1}, new float[0]));
        assertThrows(IllegalArgumentException.class, () -> new OnnxTensor("x", OnnxTensor.FLOAT, new long[]{1},
                null, new long[1]));
        assertThrows(IllegalArgumentException.class, () -> new OnnxTensor("x", OnnxTensor.STRING, new long[]{1},
                null, new long[1]));
        assertThrows(IllegalArgumentException.class, () -> new OnnxTensor("x", OnnxTensor.UINT8, new long[]{1},
                null, new long[]{256}));
        assertThrows(IllegalArgumentException.class, () -> new OnnxTensor("x", OnnxTensor.BOOL, new long[]{1},
                null, new long[]{2}));
        assertThrows(IllegalArgumentException.class, () -> OnnxTensor.ofFloats("x",
                new long[]{1 << 16, 1 << 16}, new float[0]));
        assertEquals(0, OnnxTensor.ofFloats("x", new long[]{1L << 40, 0}, new float[0]).elementCount());
        assertThrows(IllegalArgumentException.class, () -> OnnxDim.of(-1));
        assertThrows(IllegalArgumentException.class, () -> new OnnxDim(3, "N"));
        assertEquals(new OnnxDim(-1, null), OnnxDim.symbolic(""), "an empty symbol is an unknown size");
        assertEquals(OnnxAttribute.Type.TYPE_PROTOS, OnnxAttribute.Type.of(14));
        assertEquals(null, OnnxAttribute.Type.of(15));
        assertEquals(null, OnnxAttribute.Type.of(-1));
        assertEquals("FLOAT", OnnxTensor.typeName(1));
        assertEquals("BFLOAT16", OnnxTensor.typeName(16));
        assertEquals("type 99", OnnxTensor.typeName(99));
        assertTrue(new OnnxTensor("h", OnnxTensor.FLOAT16, new long[0], new float[1], null).isFloating());
        assertTrue(!OnnxTensor.ofLongs("l", new long[0], new long[1]).isFloating());
    }

    @Test
    void attributeLookupAndDefaults() {
        OnnxNode node = richModel().graph().nodes().getFirst();
        assertEquals(1, node.attribute("group").orElseThrow().i());
        assertTrue(node.attribute("dilations").isEmpty());
        OnnxAttribute ints = OnnxAttribute.ofInts("k", 1, 2);
        assertEquals(0, ints.floats().length);
        assertEquals(List.of(), ints.strings());
        assertEquals("", ints.s());
    }

    @Test
    void toStringStaysShortForHugeValues() {
        OnnxTensor big = OnnxTensor.ofFloats("big", new long[]{1000, 1000}, new float[1_000_000]);
        assertEquals("OnnxTensor['big' FLOAT[1000, 1000]]", big.toString());
        OnnxAttribute many = OnnxAttribute.ofInts("many", new long[100_000]);
        assertTrue(many.toString().length() < 100, many.toString());
        assertTrue(many.toString().contains("100000 in all"), many.toString());
        OnnxModel model = richModel();
        assertTrue(model.toString().length() < 1000, model.toString());
        assertTrue(model.graph().nodes().getFirst().toString().startsWith("Conv 'conv1' (input, conv1.weight, )"),
                model.graph().nodes().getFirst().toString());
        assertTrue(OnnxAttribute.ofString("s", "x".repeat(10_000)).toString().length() < 120);
    }
}
