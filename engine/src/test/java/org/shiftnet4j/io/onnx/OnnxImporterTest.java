package org.shiftnet4j.io.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.Node;
import org.shiftnet4j.graph.Weights;
import org.shiftnet4j.kernel.ShiftPolicy;
import org.shiftnet4j.kernel.ShiftTable;
import org.shiftnet4j.runtime.Model;
import org.shiftnet4j.runtime.Session;
import org.shiftnet4j.tensor.Layout;

class OnnxImporterTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    // ------------------------------------------------------------ agreement with ONNX Runtime

    @Test
    void everyImportedOpAgreesWithOnnxRuntime() throws Exception {
        OnnxTestModels.Built m = OnnxTestModels.everyOp(5);
        ImportedNetwork imported = OnnxImporter.importModel(m.model(), "every-op");
        assertEquals(0, imported.shifts().size(), "a depthwise Conv with dense kernels stays a convolution");
        assertAgrees(m, imported, 3);
    }

    @Test
    void shiftsWrittenAsOneHotConvsOrPadSliceConcatAreRecognisedAndAgree() throws Exception {
        OnnxTestModels.Built m = OnnxTestModels.pytorchStyleShifts();
        ImportedNetwork imported = OnnxImporter.importModel(m.model(), "shifts");
        assertEquals(List.of(OnnxImporter.ONE_HOT_DEPTHWISE, OnnxImporter.ONE_HOT_DEPTHWISE, OnnxImporter.PAD_SLICE_CONCAT,
                        OnnxImporter.SCALED_ONE_HOT_DEPTHWISE),
                imported.shifts().stream().map(ImportedNetwork.RecognizedShift::pattern).toList());
        assertEquals(4, imported.graph().nodes().stream().filter(n -> n instanceof Node.Shift).count());
        assertEquals(0, imported.graph().nodes().stream().filter(n -> n instanceof Node.Conv c && c.groups() > 1).count(),
                "no depthwise convolution is left");
        ShiftTable padded = imported.shifts().get(2).table();
        assertEquals(-1, padded.dy(0));
        assertEquals(0, padded.dx(0));
        assertEquals(1, padded.dx(6));
        assertEquals(1, padded.dy(17));
        assertEquals(-1, padded.dx(17));
        assertAgrees(m, imported, 2);
    }

    @Test
    void torchViewHeadWithShapeArithmeticAgrees() throws Exception {
        OnnxTestModels.Built m = OnnxTestModels.torchViewHead();
        assertAgrees(m, OnnxImporter.importModel(m.model(), "view"), 3);
    }

    @Test
    void flattenAndSoftmaxAgree() throws Exception {
        OnnxTestModels.Built m = OnnxTestModels.softmaxHead(9);
        assertAgrees(m, OnnxImporter.importModel(m.model(), "softmax"), 4);
    }

    @Test
    void exportedGraphsWithEveryNodeTypeAgreeWithOnnxRuntimeAndRoundTrip() throws Exception {
        Graph g = new Graph("all-nodes");
        var x = g.input(6, 8, 8);
        var a = g.conv(x, "stem", 16, 3, 1, 1, 1, true);
        var b = g.batchNorm(a, "bn");
        var c = g.clip(b, 0f, 6f);
        var s = g.shift(c, ShiftTable.of(ShiftPolicy.MODULO, 16, 3, 1));
        var d = g.conv(s, "pw", 16, 1, 1, 0, 1);
        var e = g.relu(g.add(d, c));
        var p = g.maxPool(e, 3, 2, 1);
        var q = g.avgPool(e, 3, 2, 1, false);
        var cat = g.concat(p, q);
        var f = g.flatten(cat);
        var l = g.linear(f, "fc", 10);
        g.output(g.softmax(l));
        Weights w = Weights.randomized(g, 5);
        for (OnnxExporter.ShiftForm form : OnnxExporter.ShiftForm.values()) {
            OnnxModel model = OnnxExporter.export(g, w, form);
            byte[] bytes = model.toByteArray();
            ImportedNetwork imported = OnnxImporter.importModel(OnnxModel.parse(bytes), "x");
            assertEquals(1, imported.shifts().size());
            assertEquals(s.channels(), imported.shifts().get(0).table().channels());
            assertTrue(imported.shifts().get(0).table().sameOffsets(ShiftTable.of(ShiftPolicy.MODULO, 16, 3, 1)));
            assertAgrees(new OnnxTestModels.Built(bytes, model, 6, 8, 8), imported, 2);
            assertEquals(java.util.Arrays.toString(bytes),
                    java.util.Arrays.toString(OnnxExporter.export(imported.graph(), imported.weights(), form).toByteArray()),
                    "export -> import -> export is stable");
        }
    }

    // ------------------------------------------------------------ errors name node, op and attribute

    @Test
    void unsupportedOpNamesTheNodeAndOp() {
        OnnxTestModels.Builder b = new OnnxTestModels.Builder(1);
        b.node("Relu", List.of("image"), "r");
        b.node("Sigmoid", List.of("r"), "y");
        OnnxImportException e = assertThrows(OnnxImportException.class,
                () -> OnnxImporter.importModel(b.build("image", 2, 3, 3, "y", OnnxDim.of(2), OnnxDim.of(3), OnnxDim.of(3)).model(), "t"));
        assertEquals("Sigmoid_1", e.node());
        assertEquals("Sigmoid", e.opType());
        assertTrue(e.getMessage().contains("Sigmoid_1") && e.getMessage().contains("not supported"), e.getMessage());
    }

    @Test
    void unsupportedAttributeIsNamed() {
        OnnxTestModels.Builder b = new OnnxTestModels.Builder(1);
        b.node("Conv", List.of("image", b.random("w", 4, 2, 3, 3)), "y", OnnxTestModels.ints("dilations", 2, 2));
        OnnxImportException e = assertThrows(OnnxImportException.class,
                () -> OnnxImporter.importModel(b.build("image", 2, 9, 9, "y").model(), "t"));
        assertEquals("dilations", e.attribute());
        assertTrue(e.getMessage().contains("'Conv_0' (Conv), attribute 'dilations'"), e.getMessage());

        OnnxTestModels.Builder c = new OnnxTestModels.Builder(1);
        c.node("MaxPool", List.of("image"), "y", OnnxTestModels.ints("kernel_shape", 2, 2), OnnxAttribute.ofString("foo", "bar"));
        e = assertThrows(OnnxImportException.class, () -> OnnxImporter.importModel(c.build("image", 2, 9, 9, "y").model(), "t"));
        assertEquals("foo", e.attribute());
    }

    @Test
    void modelLevelProblemsAreExplained() {
        OnnxTestModels.Builder old = new OnnxTestModels.Builder(1);
        old.opset = 11;
        old.node("Relu", List.of("image"), "y");
        OnnxImportException e = assertThrows(OnnxImportException.class,
                () -> OnnxImporter.importModel(old.build("image", 2, 3, 3, "y").model(), "t"));
        assertTrue(e.getMessage().contains("opset 11"), e.getMessage());

        OnnxTestModels.Builder order = new OnnxTestModels.Builder(1);
        order.node("Relu", List.of("later"), "y");
        order.node("Relu", List.of("image"), "later");
        e = assertThrows(OnnxImportException.class, () -> OnnxImporter.importModel(order.build("image", 2, 3, 3, "y").model(), "t"));
        assertTrue(e.getMessage().contains("topological"), e.getMessage());

        OnnxTestModels.Builder weightsAtRunTime = new OnnxTestModels.Builder(1);
        weightsAtRunTime.node("Relu", List.of("image"), "w");
        weightsAtRunTime.node("Conv", List.of("image", "w"), "y");
        e = assertThrows(OnnxImportException.class,
                () -> OnnxImporter.importModel(weightsAtRunTime.build("image", 2, 3, 3, "y").model(), "t"));
        assertTrue(e.getMessage().contains("must be an initializer"), e.getMessage());

        OnnxTestModels.Builder misdeclared = new OnnxTestModels.Builder(1);
        misdeclared.node("GlobalAveragePool", List.of("image"), "y");
        e = assertThrows(OnnxImportException.class, () -> OnnxImporter.importModel(
                misdeclared.build("image", 2, 3, 3, "y", OnnxDim.of(5), OnnxDim.of(1), OnnxDim.of(1)).model(), "t"));
        assertTrue(e.getMessage().contains("declared"), e.getMessage());
    }

    @Test
    void aPadThatIsNotAShiftIsRejected() {
        OnnxTestModels.Builder b = new OnnxTestModels.Builder(1);
        b.node("Pad", List.of("image", b.longs("pads", 0, 0, 1, 1, 0, 0, 1, 1)), "y");
        OnnxImportException e = assertThrows(OnnxImportException.class,
                () -> OnnxImporter.importModel(b.build("image", 2, 3, 3, "y").model(), "t"));
        assertEquals("Pad", e.opType());
    }

    @Test
    void almostOneHotKernelsStayAConvolution() throws Exception {
        OnnxTestModels.Builder b = new OnnxTestModels.Builder(1);
        String w = b.oneHot("w", 4, 3);
        // Channel 2 gets a second tap: it is not a shift any more.
        OnnxTensor t = b.initializers.remove(b.initializers.size() - 1);
        float[] v = t.floats().clone();
        v[2 * 9 + (v[2 * 9] == 1f ? 1 : 0)] = 0.5f;
        b.floats(w, t.dims(), v);
        b.node("Conv", List.of("image", w), "y", OnnxTestModels.i("group", 4), OnnxTestModels.ints("pads", 1, 1, 1, 1));
        OnnxTestModels.Built m = b.build("image", 4, 5, 5, "y", OnnxDim.of(4), OnnxDim.of(5), OnnxDim.of(5));
        ImportedNetwork imported = OnnxImporter.importModel(m.model(), "t");
        assertEquals(0, imported.shifts().size());
        assertAgrees(m, imported, 2);
    }

    // ------------------------------------------------------------ helpers

    private static void assertAgrees(OnnxTestModels.Built m, ImportedNetwork imported, int batch) throws OrtException {
        float[] x = new float[batch * m.channels() * m.height() * m.width()];
        SplittableRandom r = new SplittableRandom(99);
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 4 - 2);
        float[] reference = ort(m.bytes(), imported.inputName(), x, new long[] {batch, m.channels(), m.height(), m.width()});
        for (Layout layout : Layout.values()) {
            Model model = Model.prepare(imported.graph(), imported.weights(), Model.Options.defaults().withLayout(layout));
            float[] ours;
            try (Session s = model.newSession(batch)) {
                ours = s.run(x, Layout.NCHW, batch);
            }
            assertEquals(reference.length, ours.length);
            double scale = 0, worst = 0;
            for (float v : reference) scale = Math.max(scale, Math.abs(v));
            List<Integer> bad = new ArrayList<>();
            for (int i = 0; i < ours.length; i++) {
                double err = Math.abs((double) reference[i] - ours[i]);
                worst = Math.max(worst, err);
                if (err > 1e-4 * scale && bad.size() < 5) bad.add(i);
            }
            assertTrue(bad.isEmpty(), imported.graph().name() + " " + layout + ": worst error " + worst + " (scale " + scale
                    + ") at " + bad + ", e.g. ORT " + (bad.isEmpty() ? 0 : reference[bad.get(0)]) + " vs ours "
                    + (bad.isEmpty() ? 0 : ours[bad.get(0)]));
        }
    }

    static float[] ort(byte[] model, String inputName, float[] x, long[] shape) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            try (OrtSession session = ENV.createSession(model, options);
                 ai.onnxruntime.OnnxTensor input = ai.onnxruntime.OnnxTensor.createTensor(ENV, FloatBuffer.wrap(x), shape);
                 OrtSession.Result result = session.run(Map.of(inputName, input))) {
                FloatBuffer out = ((ai.onnxruntime.OnnxTensor) result.get(0)).getFloatBuffer();
                float[] y = new float[out.remaining()];
                out.get(y);
                return y;
            }
        }
    }
}
