package org.shiftnet4j.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.ReferenceExecutor;
import org.shiftnet4j.graph.Weights;
import org.shiftnet4j.kernel.KernelProvider;
import org.shiftnet4j.kernel.Kernels;
import org.shiftnet4j.models.ModelZoo;
import org.shiftnet4j.models.ShiftNet;
import org.shiftnet4j.models.ShiftResNet;
import org.shiftnet4j.tensor.Layout;

/** Prepared models (BN folded, fused, planned, threaded) against the unfused double-precision reference. */
class ModelRuntimeTest {
    static List<Graph> smallNetworks() {
        return List.of(
                ShiftResNet.shiftResNet(20, 1.5, 10, 3, 12),
                ShiftResNet.shiftResNet(20, 3, 7, 1, 9),
                ShiftResNet.resNet(20, 5, 3, 8, 1, true),
                ShiftResNet.resNet(20, 5, 3, 8, 2.5, false),
                ShiftNet.build(ShiftNet.B, 11, 3, 33),
                ShiftNet.build(ShiftNet.C, 6, 1, 32));
    }

    static float[] input(Graph g, int batch, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[(int) (batch * g.input().elementsPerImage())];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    static void assertClose(double[] expected, float[] actual, String what) {
        double scale = 0;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]);
            assertTrue(err <= 1e-4 * scale + 1e-6, what + ": output " + i + " is " + actual[i] + ", reference "
                    + expected[i] + " (error " + err + ", largest |logit| " + scale + ")");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smallNetworks")
    void preparedModelMatchesTheUnfusedReferenceInEveryLayoutAndFamily(Graph g) {
        Weights w = Weights.randomized(g, 3);
        int batch = 2;
        float[] x = input(g, batch, 5);
        double[] expected = new ReferenceExecutor(g, w).run(x, batch);
        List<Kernels> families = new ArrayList<>(List.of(KernelProvider.scalar()));
        KernelProvider.vector().ifPresent(families::add);
        for (Kernels k : families) {
            for (Layout layout : Layout.values()) {
                Model m = Model.prepare(g, w, new Model.Options(layout, k));
                try (Session s = m.newSession(batch)) {
                    assertClose(expected, s.run(x, Layout.NCHW, batch), g.name() + " " + layout + " " + k.name());
                }
            }
        }
    }

    @Test
    void resultsDoNotDependOnThreadsBatchCompositionOrInputLayout() {
        Graph g = ShiftNet.build(ShiftNet.C, 10, 3, 40);
        Weights w = Weights.randomized(g, 11);
        Model m = Model.prepare(g, w);
        float[] x = input(g, 4, 9);
        float[] one;
        try (Session s = m.newSession(4)) {
            one = s.run(x, Layout.NCHW, 4);
        }
        try (Session s = m.newSession(4, 2)) {
            assertArrayEquals(one, s.run(x, Layout.NCHW, 4), "2 threads differ from 1");
        }
        int per = (int) g.input().elementsPerImage(), classes = (int) g.output().elementsPerImage();
        try (Session s = m.newSession(4)) {
            for (int i = 0; i < 4; i++) {
                float[] image = java.util.Arrays.copyOfRange(x, i * per, (i + 1) * per);
                float[] alone = s.run(image, Layout.NCHW, 1);
                assertArrayEquals(java.util.Arrays.copyOfRange(one, i * classes, (i + 1) * classes), alone,
                        "image " + i + " alone differs from its batch-4 run");
            }
        }
    }

    @Test
    void threadsSharingOneModelGetBitIdenticalResults() throws Exception {
        Graph g = ShiftResNet.shiftResNet(20, 2, 10, 3, 16);
        Model m = Model.prepare(g, Weights.randomized(g, 4));
        float[] x = input(g, 3, 2);
        float[] expected;
        try (Session s = m.newSession(3)) {
            expected = s.run(x, Layout.NCHW, 3);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    try (Session s = m.newSession(3)) {
                        float[] out = null;
                        for (int r = 0; r < 20; r++) out = s.run(x, Layout.NCHW, 3);
                        return out;
                    }
                }));
            }
            for (Future<float[]> f : results) assertArrayEquals(expected, f.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void steadyStateRunsAllocateNothing() {
        Graph g = ModelZoo.build("shiftresnet20", ModelZoo.Options.defaults().withExpansion(1).withImage(3, 16));
        Model m = Model.prepare(g, Weights.randomized(g, 1), Model.Options.defaults().withKernels(KernelProvider.scalar()));
        float[] x = input(g, 2, 1);
        float[] out = new float[2 * 10];
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Session s = m.newSession(2, 2)) {
            for (int i = 0; i < 200; i++) s.run(x, Layout.NCHW, 2, out);
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 50; i++) s.run(x, Layout.NCHW, 2, out);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(0, allocated, "Session.run allocated " + allocated + " bytes in 50 steady-state runs");
        }
    }

    @Test
    void wrongInputsAreRejectedClearly() {
        Graph g = ShiftResNet.shiftResNet(20, 1, 10, 3, 8);
        Model m = Model.prepare(g, Weights.heNormal(g, 1));
        try (Session s = m.newSession(2)) {
            var e = assertThrows(IllegalArgumentException.class, () -> s.run(new float[10], Layout.NCHW, 1));
            assertTrue(e.getMessage().contains("192 expected"), e.getMessage());
            var e2 = assertThrows(IllegalArgumentException.class, () -> s.run(new float[3 * 192], Layout.NCHW, 3));
            assertTrue(e2.getMessage().contains("outside 1..2"), e2.getMessage());
        }
        var e3 = assertThrows(IllegalArgumentException.class,
                () -> Model.prepare(g, Weights.of(ShiftResNet.shiftResNet(20, 2, 10, 3, 8), Weights.heNormal(
                        ShiftResNet.shiftResNet(20, 2, 10, 3, 8), 1).asMap())));
        assertTrue(e3.getMessage().contains("wrong size layer1.0.conv1.weight"), e3.getMessage());
    }

    @Test
    void segmentAndNhwcInputsGiveTheSameLogits() {
        Graph g = ShiftResNet.shiftResNet(20, 1, 10, 3, 8);
        Model m = Model.prepare(g, Weights.randomized(g, 2));
        int batch = 2, per = (int) g.input().elementsPerImage();
        float[] nchw = input(g, batch, 4);
        float[] expected;
        try (Session s = m.newSession(batch); java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            expected = s.run(nchw, Layout.NCHW, batch);
            float[] nhwc = new float[nchw.length];
            int c = g.input().channels(), h = g.input().height(), w = g.input().width();
            for (int n = 0; n < batch; n++) for (int ch = 0; ch < c; ch++) for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
                nhwc[n * per + (y * w + x) * c + ch] = nchw[n * per + (ch * h + y) * w + x];
            }
            assertArrayEquals(expected, s.run(nhwc, Layout.NHWC, batch), "NHWC input");
            var in = arena.allocate((long) nchw.length * Float.BYTES, 64);
            var out = arena.allocate((long) expected.length * Float.BYTES, 64);
            java.lang.foreign.MemorySegment.copy(nchw, 0, in, java.lang.foreign.ValueLayout.JAVA_FLOAT, 0, nchw.length);
            s.run(in, Layout.NCHW, batch, out);
            assertArrayEquals(expected, out.toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT), "segment input");
            var small = arena.allocate(16);
            assertThrows(IllegalArgumentException.class, () -> s.run(small, Layout.NCHW, 1, out));
        }
    }

    @Test
    void softmaxAndTopK() {
        float[] logits = {1, 3, 2, 0, 0, 5};
        Session.softmax(logits, 3);
        assertEquals(1.0, logits[0] + logits[1] + logits[2], 1e-6);
        assertArrayEquals(new int[] {1, 2}, Session.topK(logits, 0, 3, 2));
        assertArrayEquals(new int[] {2, 0, 1}, Session.topK(logits, 1, 3, 3));
    }
}
