package org.shiftnet4j.kernel;

import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * A rough comparison of the vector and scalar depthwise kernels: best of 7 runs of this thread's CPU time per call
 * (CPU time rather than wall time because the build machine is shared; not JMH). Off by default; run with
 * {@code -Dshiftnet4j.timing=true}.
 */
@EnabledIfSystemProperty(named = "shiftnet4j.timing", matches = "true")
class VectorDepthwiseTimingTest {
    @Test
    void printTimings() {
        Kernels simd = KernelProvider.vector().orElseThrow();
        System.out.println("depthwise timing, " + simd.name() + " vs scalar (us of thread CPU time per call, best of 7)");
        for (Layout layout : Layout.values()) {
            time(layout, simd, 64, 56, 5, 1, 2, 0, true);
            time(layout, simd, 64, 56, 5, 1, 2, 2, true);
            time(layout, simd, 512, 7, 3, 1, 1, 0, false);
            time(layout, simd, 512, 7, 3, 1, 1, 1, false);
            time(layout, simd, 64, 56, 3, 1, 1, 0, false);
            time(layout, simd, 64, 56, 3, 1, 1, 1, false);
            time(layout, simd, 128, 56, 3, 2, 1, 0, false);
        }
    }

    private static void time(Layout layout, Kernels simd, int c, int hw, int k, int stride, int pad, int border,
                             boolean oneHot) {
        Random random = new Random(1);
        float[] w = new float[c * k * k];
        for (int ch = 0; ch < c; ch++) {
            if (oneHot) w[ch * k * k + random.nextInt(k * k)] = 1f;
            else for (int t = 0; t < k * k; t++) w[ch * k * k + t] = random.nextFloat() - 0.5f;
        }
        DepthwiseWeights wt = new DepthwiseWeights(c, k, stride, pad, 1, w, null);
        int o = wt.outputSize(hw);
        try (Arena arena = Arena.ofConfined()) {
            Tensor in = Tensor.allocate(arena, layout, 1, c, hw, hw, border);
            float[] values = new float[c * hw * hw];
            for (int i = 0; i < values.length; i++) values[i] = random.nextFloat();
            in.copyFrom(values);
            Tensor out = Tensor.allocate(arena, layout, 1, c, o, o);
            double vector = bestMicros(simd, in, wt, out);
            long allocated = allocatedPerCall(simd, in, wt, out);
            double scalar = bestMicros(KernelProvider.scalar(), in, wt, out);
            double gflops = 2.0 * c * o * o * k * k / (vector * 1e3);
            System.out.println(String.format(Locale.ROOT,
                    "%s %dx%d%s C%d@%dx%d s%d border %d: vector %.1f us (%.1f GFLOP/s, %d B allocated/call), "
                            + "scalar %.1f us, speed-up %.1fx",
                    layout, k, k, oneHot ? " one-hot" : "", c, hw, hw, stride, border, vector, gflops, allocated,
                    scalar, scalar / vector));
        }
    }

    private static double bestMicros(Kernels kernels, Tensor in, DepthwiseWeights wt, Tensor out) {
        var threads = ManagementFactory.getThreadMXBean();
        long deadline = System.nanoTime() + 1_000_000_000L; // warm-up so that C2 has compiled the kernel
        int calls = 0;
        while (System.nanoTime() < deadline) {
            kernels.depthwiseConv2d(in, wt, out);
            calls++;
        }
        int reps = Math.max(1, calls / 10);
        double best = Double.MAX_VALUE;
        for (int run = 0; run < 7; run++) {
            long start = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < reps; i++) kernels.depthwiseConv2d(in, wt, out);
            best = Math.min(best, (threads.getCurrentThreadCpuTime() - start) / 1e3 / reps);
        }
        return best;
    }

    private static long allocatedPerCall(Kernels kernels, Tensor in, DepthwiseWeights wt, Tensor out) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        int calls = 1000;
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < calls; i++) kernels.depthwiseConv2d(in, wt, out);
        return (threads.getThreadAllocatedBytes(id) - before) / calls;
    }
}
