package org.shiftnet4j.kernel;

import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
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
 *
 * <p>Every shape is run once before any is timed, and each is then run until its time per call settles: until C2
 * has compiled every tile the Vector API runs boxed, orders of magnitude slower, and on a busy 2-core machine the
 * compiler can take seconds to get there.
 */
@EnabledIfSystemProperty(named = "shiftnet4j.timing", matches = "true")
class VectorDepthwiseTimingTest {
    private record Shape(Layout layout, int c, int hw, int k, int stride, int pad, int border, boolean oneHot) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s %dx%d%s C%d@%dx%d s%d border %d", layout, k, k,
                    oneHot ? " one-hot" : "", c, hw, hw, stride, border);
        }
    }

    private record Case(Shape shape, Tensor in, DepthwiseWeights wt, Tensor out) {
        double flops() {
            return 2.0 * shape.c * out.height() * out.width() * shape.k * shape.k;
        }
    }

    @Test
    void printTimings() {
        Kernels simd = KernelProvider.vector().orElseThrow();
        try (Arena arena = Arena.ofConfined()) {
            List<Case> cases = new ArrayList<>();
            for (Layout layout : Layout.values()) {
                cases.add(build(arena, new Shape(layout, 64, 56, 5, 1, 2, 0, true)));
                cases.add(build(arena, new Shape(layout, 64, 56, 5, 1, 2, 2, true)));
                cases.add(build(arena, new Shape(layout, 512, 7, 3, 1, 1, 0, false)));
                cases.add(build(arena, new Shape(layout, 512, 7, 3, 1, 1, 1, false)));
                cases.add(build(arena, new Shape(layout, 64, 56, 3, 1, 1, 0, false)));
                cases.add(build(arena, new Shape(layout, 64, 56, 3, 1, 1, 1, false)));
                cases.add(build(arena, new Shape(layout, 128, 56, 3, 2, 1, 0, false)));
            }
            for (Case c : cases) {
                runFor(simd, c, 1_000_000_000L);
            }
            System.out.println("depthwise timing, " + simd.name() + " vs scalar (us of thread CPU time per call, best of 7)");
            for (Case c : cases) {
                double vector = bestMicros(simd, c);
                long allocated = allocatedPerCall(simd, c);
                double scalar = bestMicros(KernelProvider.scalar(), c);
                System.out.println(String.format(Locale.ROOT,
                        "%s: vector %.1f us (%.1f GFLOP/s, %d B allocated/call), scalar %.1f us, speed-up %.1fx",
                        c.shape, vector, c.flops() / (vector * 1e3), allocated, scalar, scalar / vector));
            }
        }
    }

    private static Case build(Arena arena, Shape s) {
        Random random = new Random(1);
        float[] w = new float[s.c * s.k * s.k];
        for (int ch = 0; ch < s.c; ch++) {
            if (s.oneHot) w[ch * s.k * s.k + random.nextInt(s.k * s.k)] = 1f;
            else for (int t = 0; t < s.k * s.k; t++) w[ch * s.k * s.k + t] = random.nextFloat() - 0.5f;
        }
        DepthwiseWeights wt = new DepthwiseWeights(s.c, s.k, s.stride, s.pad, 1, w, null);
        int o = wt.outputSize(s.hw);
        Tensor in = Tensor.allocate(arena, s.layout, 1, s.c, s.hw, s.hw, s.border);
        float[] values = new float[s.c * s.hw * s.hw];
        for (int i = 0; i < values.length; i++) values[i] = random.nextFloat();
        in.copyFrom(values);
        return new Case(s, in, wt, Tensor.allocate(arena, s.layout, 1, s.c, o, o));
    }

    /** Calls the kernel for about {@code nanos}; returns the number of calls. */
    private static int runFor(Kernels kernels, Case c, long nanos) {
        long start = System.nanoTime();
        int calls = 0;
        while (System.nanoTime() - start < nanos) {
            kernels.depthwiseConv2d(c.in, c.wt, c.out);
            calls++;
        }
        return calls;
    }

    private static double bestMicros(Kernels kernels, Case c) {
        var threads = ManagementFactory.getThreadMXBean();
        int reps = Math.max(1, settle(kernels, c) / 4);
        double best = Double.MAX_VALUE;
        for (int run = 0; run < 7; run++) {
            long start = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < reps; i++) kernels.depthwiseConv2d(c.in, c.wt, c.out);
            best = Math.min(best, (threads.getCurrentThreadCpuTime() - start) / 1e3 / reps);
        }
        return best;
    }

    /** Runs 250 ms windows until two in a row agree within 5 % (at most 10 s); returns the last window's calls. */
    private static int settle(Kernels kernels, Case c) {
        long begin = System.nanoTime();
        double previous = Double.MAX_VALUE;
        while (true) {
            long start = System.nanoTime();
            int calls = runFor(kernels, c, 250_000_000L);
            double perCall = (System.nanoTime() - start) / (double) calls;
            if (System.nanoTime() - begin > 10_000_000_000L || Math.abs(perCall - previous) < 0.05 * previous) {
                return calls;
            }
            previous = perCall;
        }
    }

    private static long allocatedPerCall(Kernels kernels, Case c) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        int calls = 200;
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < calls; i++) kernels.depthwiseConv2d(c.in, c.wt, c.out);
        return (threads.getThreadAllocatedBytes(id) - before) / calls;
    }
}
