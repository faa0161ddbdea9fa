package org.shiftnet4j.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.ReferenceExecutor;
import org.shiftnet4j.graph.Value;
import org.shiftnet4j.graph.Weights;
import org.shiftnet4j.kernel.KernelProvider;
import org.shiftnet4j.kernel.Kernels;
import org.shiftnet4j.tensor.Layout;

/**
 * Prepared models with the nodes an imported PyTorch CNN brings (max pooling, clip, flatten, softmax, BatchNorm with
 * its own epsilon) against the double-precision reference, in both layouts, both kernel families, several batch
 * sizes and thread counts. Flatten of an H×W > 1 value is where an NHWC model could hand the next layer its
 * features in the wrong order, so it is checked on its own, exactly.
 */
class ImportNodesRuntimeTest {
    private static List<Kernels> families() {
        List<Kernels> out = new ArrayList<>(List.of(KernelProvider.scalar()));
        KernelProvider.vector().ifPresent(out::add);
        return out;
    }

    private static float[] input(Graph g, int batch, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[(int) (batch * g.input().elementsPerImage())];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    private static float[] toNhwc(float[] nchw, Value v, int batch) {
        int c = v.channels(), hw = v.height() * v.width(), per = c * hw;
        float[] out = new float[nchw.length];
        for (int n = 0; n < batch; n++) {
            for (int p = 0; p < hw; p++) for (int ch = 0; ch < c; ch++) out[n * per + p * c + ch] = nchw[n * per + ch * hw + p];
        }
        return out;
    }

    @Test
    void flattenGivesChannelMajorFeaturesInEveryLayout() {
        int[][] shapes = {{3, 4, 5}, {17, 3, 2}, {20, 1, 1}, {1, 6, 7}};
        for (int[] s : shapes) {
            Graph g = new Graph("flatten");
            g.output(g.flatten(g.input(s[0], s[1], s[2])));
            Weights none = Weights.heNormal(g, 0);
            for (Kernels k : families()) {
                for (Layout layout : Layout.values()) {
                    Model m = Model.prepare(g, none, new Model.Options(layout, k));
                    for (int threads = 1; threads <= 3; threads++) {
                        try (Session session = m.newSession(3, threads)) {
                            for (int batch = 1; batch <= 3; batch++) {
                                float[] x = input(g, batch, batch * 31L + threads);
                                String what = k.name() + " " + layout + " " + g.input().shape() + " batch " + batch
                                        + " threads " + threads;
                                assertArrayEquals(x, session.run(x, Layout.NCHW, batch), what);
                                assertArrayEquals(x, session.run(toNhwc(x, g.input(), batch), Layout.NHWC, batch),
                                        what + ", NHWC input");
                            }
                        }
                    }
                }
            }
        }
    }

    /** conv → bn (own ε) → relu6 → maxpool → 1×1 conv → relu → maxpool → flatten (3×3 pixels) → linear. */
    private static Graph flattenHead(boolean softmax) {
        Graph g = new Graph("flatten-head");
        Value x = g.input(3, 13, 11);
        x = g.conv(x, "features.0", 21, 3, 1, 1, 1, true);
        x = g.batchNorm(x, "features.1", 1e-3f);
        x = g.clip(x, 0f, 6f);
        x = g.maxPool(x, 3, 2, 1);                      // 13×11 → 7×6
        x = g.conv(x, "features.4", 18, 1, 1, 0, 1, false);
        x = g.relu(x);
        x = g.maxPool(x, 2, 2, 0);                      // 7×6 → 3×3
        x = g.flatten(x);                               // 162 features
        x = g.linear(x, "classifier", 10);
        return g.output(softmax ? g.softmax(x) : x);
    }

    /** conv → clip [−1, 2] → maxpool → global average pool → flatten (1×1) → linear → softmax. */
    private static Graph poolHead() {
        Graph g = new Graph("pool-head");
        Value x = g.input(2, 9, 9);
        x = g.conv(x, "conv1", 40, 3, 2, 1, 1, false);
        x = g.batchNorm(x, "bn1");
        x = g.clip(x, -1f, 2f);
        x = g.maxPool(x, 3, 1, 1);
        x = g.flatten(g.globalAvgPool(x));
        x = g.linear(x, "fc", 6);
        return g.output(g.softmax(x));
    }

    @Test
    void importedStyleNetworksMatchTheReference() {
        for (Graph g : List.of(flattenHead(false), flattenHead(true), poolHead())) {
            Weights w = Weights.randomized(g, 7);
            int batch = 3;
            float[] x = input(g, batch, 5);
            double[] expected = new ReferenceExecutor(g, w).run(x, batch);
            for (Kernels k : families()) {
                for (Layout layout : Layout.values()) {
                    Model m = Model.prepare(g, w, new Model.Options(layout, k));
                    float[] single = null;
                    for (int threads = 1; threads <= 3; threads++) {
                        try (Session s = m.newSession(batch, threads)) {
                            float[] y = s.run(x, Layout.NCHW, batch);
                            String what = g.name() + " " + layout + " " + k.name() + " threads " + threads;
                            assertClose(expected, y, what);
                            if (single == null) single = y;
                            else assertArrayEquals(single, y, what + ": differs from 1 thread");
                        }
                    }
                }
            }
        }
    }

    @Test
    void clipIsNotFusedLikeRelu() {
        Model m = Model.prepare(flattenHead(true), Weights.randomized(flattenHead(true), 1));
        List<String> steps = new ArrayList<>();
        for (String line : m.describeSteps()) steps.add(line.substring(0, line.indexOf(" -> ")));
        assertEquals(List.of("conv 3×3 + bn", "relu6", "maxpool 3×3/2", "conv 1×1 + relu", "maxpool 2×2/2", "flatten",
                "linear", "softmax"), steps);
    }

    /** ReLU6 clamps from both sides: a prepared model must not treat it as max(0, ·). */
    @Test
    void reluSixClampsLargeActivations() {
        Graph g = new Graph("relu6");
        Value x = g.input(1, 1, 4);
        x = g.conv(x, "c", 1, 1, 1, 0, 1, true);
        g.output(g.flatten(g.clip(x, 0f, 6f)));
        Weights w = Weights.of(g, java.util.Map.of("c.weight", new float[] {10f}, "c.bias", new float[] {0f}));
        for (Kernels k : families()) {
            for (Layout layout : Layout.values()) {
                try (Session s = Model.prepare(g, w, new Model.Options(layout, k)).newSession(1)) {
                    assertArrayEquals(new float[] {0f, 5f, 6f, 6f}, s.run(new float[] {-1f, 0.5f, 0.7f, 3f},
                            Layout.NCHW, 1), k.name() + " " + layout);
                }
            }
        }
    }

    @Test
    void steadyStateRunsAllocateNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (Layout layout : Layout.values()) {
            Graph g = flattenHead(true);
            Model m = Model.prepare(g, Weights.randomized(g, 1),
                    new Model.Options(layout, KernelProvider.scalar()));
            float[] x = input(g, 2, 1);
            float[] out = new float[2 * 10];
            try (Session s = m.newSession(2, 2)) {
                for (int i = 0; i < 200; i++) s.run(x, Layout.NCHW, 2, out);
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 50; i++) s.run(x, Layout.NCHW, 2, out);
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                assertEquals(0, allocated, layout + ": Session.run allocated " + allocated + " bytes in 50 runs");
            }
        }
    }

    private static void assertClose(double[] expected, float[] actual, String what) {
        double scale = 0;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        assertTrue(scale > 0, what + ": degenerate reference");
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]);
            if (!(err <= 1e-4 * scale)) {
                fail(what + ": output " + i + " is " + actual[i] + ", reference " + expected[i] + " (error " + err
                        + ", largest |output| " + scale + ")");
            }
        }
    }
}
