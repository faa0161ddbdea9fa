package org.shiftnet4j.io.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.Node;
import org.shiftnet4j.graph.Weights;
import org.shiftnet4j.models.ModelZoo;
import org.shiftnet4j.runtime.Model;
import org.shiftnet4j.runtime.Session;
import org.shiftnet4j.tensor.Layout;

/**
 * ONNX Runtime is the reference: ShiftResNet-20 (e = 6) and ShiftNet-B exported by the engine, with seeded weights and
 * randomised BatchNorm, give the same outputs in ONNX Runtime and in the engine after import (within 1e-4 of the
 * largest logit magnitude), every shift comes back as a shift, and export → import → export is byte-stable.
 * Hand-built models with every imported op are checked against ONNX Runtime in the engine's OnnxImporterTest.
 */
class OnnxRuntimeAgreementTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    static Stream<Arguments> networks() {
        return Stream.of(
                Arguments.of("shiftresnet20", OnnxExporter.ShiftForm.ONE_HOT_DEPTHWISE),
                Arguments.of("shiftresnet20", OnnxExporter.ShiftForm.PAD_SLICE_CONCAT),
                Arguments.of("shiftnet-b", OnnxExporter.ShiftForm.ONE_HOT_DEPTHWISE),
                Arguments.of("shiftnet-b", OnnxExporter.ShiftForm.PAD_SLICE_CONCAT));
    }

    @ParameterizedTest(name = "{0}, shift as {1}")
    @MethodSource("networks")
    void exportedNetworkRunsAlikeInOnnxRuntimeAndAfterImport(String name, OnnxExporter.ShiftForm form) throws Exception {
        Graph graph = ModelZoo.build(name); // ShiftResNet-20 at the default expansion 6
        Weights weights = Weights.randomized(graph, 20261128L);
        byte[] bytes = OnnxExporter.export(graph, weights, form).toByteArray();

        ImportedNetwork imported = OnnxImporter.importModel(OnnxModel.parse(bytes), "x");
        long shiftNodes = count(graph, Node.Shift.class);
        assertTrue(shiftNodes > 0);
        assertEquals(shiftNodes, imported.shifts().size(), "every exported shift is recognised");
        assertEquals(shiftNodes, count(imported.graph(), Node.Shift.class));
        assertEquals(count(graph, Node.Conv.class), count(imported.graph(), Node.Conv.class),
                "no shift is left running as a convolution");
        String expectedPattern = form == OnnxExporter.ShiftForm.ONE_HOT_DEPTHWISE
                ? OnnxImporter.ONE_HOT_DEPTHWISE : OnnxImporter.PAD_SLICE_CONCAT;
        assertTrue(imported.shifts().stream().allMatch(s -> s.pattern().equals(expectedPattern)));

        int batch = 2;
        float[] x = input(graph, batch, 7);
        float[] reference = ort(bytes, "input", x, new long[] {batch, graph.input().channels(), graph.input().height(),
                graph.input().width()});
        for (Layout layout : Layout.values()) {
            float[] ours = run(imported.graph(), imported.weights(), layout, x, batch);
            assertClose(reference, ours, name + " " + form + " " + layout);
        }

        byte[] again = OnnxExporter.export(imported.graph(), imported.weights(), form).toByteArray();
        assertArrayEquals(bytes, again, "export -> import -> export gives the same bytes");
    }

    // ------------------------------------------------------------------ helpers

    static long count(Graph g, Class<? extends Node> type) {
        return g.nodes().stream().filter(type::isInstance).count();
    }

    static float[] input(Graph g, int batch, long seed) {
        return input(g.input().channels(), g.input().height(), g.input().width(), batch, seed);
    }

    static float[] input(int c, int h, int w, int batch, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[batch * c * h * w];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    static float[] run(Graph graph, Weights weights, Layout layout, float[] x, int batch) {
        Model model = Model.prepare(graph, weights, Model.Options.defaults().withLayout(layout));
        try (Session s = model.newSession(batch)) {
            return s.run(x, Layout.NCHW, batch);
        }
    }

    static float[] ort(byte[] model, String inputName, float[] x, long[] shape) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
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

    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": output size");
        double scale = 0;
        for (float e : expected) scale = Math.max(scale, Math.abs(e));
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs((double) expected[i] - actual[i]);
            if (err > worst) {
                worst = err;
                at = i;
            }
        }
        assertTrue(worst <= 1e-4 * scale, what + ": output " + at + " differs by " + worst + " (ONNX Runtime "
                + (at < 0 ? 0 : expected[at]) + ", ours " + (at < 0 ? 0 : actual[at]) + "; largest |output| " + scale + ")");
    }
}
