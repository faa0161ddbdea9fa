package org.shiftnet4j.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.shiftnet4j.kernel.ShiftPolicy;
import org.shiftnet4j.kernel.ShiftTable;
import org.shiftnet4j.tensor.Layout;

/**
 * Shifts folded into the 1×1 conv after them: the prepared program has no shift step, and results equal the
 * unfused double-precision reference in both layouts and kernel families, for 1–3 threads. The pre-activation case
 * (shift → BN → ReLU → conv, as in ShiftNet) is where the border must hold relu(bn(0)) per channel rather than zero:
 * randomized BatchNorm makes that non-zero.
 */
class ShiftFoldingTest {
    private static List<Kernels> families() {
        List<Kernels> out = new ArrayList<>(List.of(KernelProvider.scalar()));
        KernelProvider.vector().ifPresent(out::add);
        return out;
    }

    /** conv → BN → ReLU → shift → conv → BN, + residual, ReLU (ShiftResNet's CSC block). */
    static Graph postActivation(int size, int stride) {
        Graph g = new Graph("post-activation");
        Value x = g.input(12, size, size);
        Value a = g.relu(g.batchNorm(g.conv(x, "c1", 30, 1, 1, 0, 1), "b1"));
        Value s = g.shift(a, ShiftTable.of(ShiftPolicy.MODULO, 30, 5, 1));
        Value b = g.batchNorm(g.conv(s, "c2", 12, 1, stride, 0, 1), "b2");
        return g.output(stride == 1 ? g.relu(g.add(b, x)) : g.relu(b));
    }

    /** BN → ReLU → conv → shift → BN → ReLU → conv (ShiftNet's pre-activation CSC). */
    static Graph preActivation(int size, int stride) {
        Graph g = new Graph("pre-activation");
        Value x = g.input(10, size, size);
        Value a = g.conv(g.relu(g.batchNorm(x, "b1")), "c1", 36, 1, 1, 0, 1);
        Value s = g.shift(a, ShiftTable.of(ShiftPolicy.MODULO, 36, 3, 1));
        Value t = g.relu(g.batchNorm(s, "b2"));
        return g.output(g.conv(t, "c2", 20, 1, stride, 0, 1, true));
    }

    /** The shift's input also feeds a residual, and a BN sits between shift and conv: BN gets its own step. */
    static Graph sharedInput(int size) {
        Graph g = new Graph("shared-input");
        Value x = g.input(16, size, size);
        Value s = g.shift(x, ShiftTable.of(ShiftPolicy.CONTIGUOUS, 16, 3, 2));
        Value c = g.conv(g.batchNorm(s, "bn"), "c", 16, 1, 1, 0, 1);
        return g.output(g.add(c, x));
    }

    @Test
    void foldedShiftsMatchTheUnfusedReference() {
        for (int size : new int[] {5, 17}) {
            check(postActivation(size, 1), true);
            check(postActivation(size, 2), false); // NCHW folds only unstrided convs over rows ≥ 16 wide
            check(preActivation(size, 1), true);
            check(preActivation(size, 2), false);
            check(sharedInput(size), true);
        }
    }

    private static void check(Graph g, boolean foldsInNchw) {
        Weights w = Weights.randomized(g, 42);
        int batch = 2;
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[(int) (batch * g.input().elementsPerImage())];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        double[] expected = new ReferenceExecutor(g, w).run(x, batch);
        double scale = 0;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        for (Kernels k : families()) {
            for (Layout layout : Layout.values()) {
                Model m = Model.prepare(g, w, new Model.Options(layout, k));
                boolean folded = m.describeSteps().stream().noneMatch(s -> s.startsWith("shift"));
                boolean shouldFold = layout == Layout.NHWC || (foldsInNchw && g.input().width() >= 16);
                assertEquals(shouldFold, folded, g.name() + " " + layout + " " + m.describeSteps());
                if (folded) assertTrue(m.describeSteps().stream().anyMatch(s -> s.contains("folded in")));
                float[] first = null;
                for (int threads = 1; threads <= 3; threads++) {
                    float[] y;
                    try (Session s = m.newSession(batch, threads)) {
                        y = s.run(x, Layout.NCHW, batch);
                    }
                    for (int i = 0; i < y.length; i++) {
                        assertEquals(expected[i], y[i], 1e-4 * scale + 1e-6,
                                g.name() + " " + k.name() + " " + layout + " threads " + threads + " at " + i);
                    }
                    if (first == null) first = y;
                    else assertArrayEquals(first, y, "thread count changes no bit");
                }
            }
        }
    }
}
