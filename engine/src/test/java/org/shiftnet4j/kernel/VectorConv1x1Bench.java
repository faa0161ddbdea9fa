package org.shiftnet4j.kernel;

import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * Rough single-thread speed of the Vector API 1×1 convolution against the same run's FMA peak (not a JUnit test,
 * not run by the build). Run from engine/ after {@code test-compile}:
 * <pre>java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *   -cp target/classes:target/test-classes org.shiftnet4j.kernel.VectorConv1x1Bench [rounds]</pre>
 * Every figure is the best of many ~8 ms samples after a warm-up of many short calls: the build machine is shared,
 * and short samples are the ones that run undisturbed.
 */
public final class VectorConv1x1Bench {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private VectorConv1x1Bench() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Kernels kernels = KernelProvider.vector().orElseThrow();
        System.out.printf(Locale.ROOT, "%s, %d lanes, %s%n", kernels.name(), S.length(), System.getProperty("java.vm.version"));
        if (Boolean.getBoolean("bench.mixed")) mixed(kernels);
        double peak = peak(rounds);
        System.out.printf(Locale.ROOT, "FMA peak (12 accumulators): %.1f GFLOP/s%n", peak);
        int[][] shapes = {{64, 56}, {128, 28}, {256, 14}, {512, 7}};
        int passes = Integer.getInteger("bench.passes", 2); // the first pass also shows how warm-up went
        for (int pass = 1; pass <= passes; pass++)
        for (Layout layout : Layout.values()) {
            for (int[] shape : shapes) {
                int c = shape[0], hw = shape[1];
                if (!(layout + " " + c).contains(System.getProperty("bench.only", ""))) continue;
                try (Arena arena = Arena.ofConfined()) {
                    SplittableRandom random = new SplittableRandom(1);
                    float[] w = new float[c * c], b = new float[c];
                    for (int i = 0; i < w.length; i++) w[i] = (float) random.nextDouble(-1, 1);
                    for (int i = 0; i < b.length; i++) b[i] = (float) random.nextDouble(-1, 1);
                    Conv1x1Weights weights = new Conv1x1Weights(c, c, w, b);
                    Tensor in = Tensor.allocate(arena, layout, 1, c, hw, hw), out = Tensor.allocate(arena, layout, 1, c, hw, hw);
                    float[] x = new float[(int) in.elementCount()];
                    for (int i = 0; i < x.length; i++) x[i] = (float) random.nextDouble(-1, 1);
                    in.copyFrom(x);
                    double flop = 2.0 * c * c * hw * hw;
                    for (int i = 0; i < 3000; i++) kernels.conv1x1(in, weights, 1, false, out);
                    double best = Double.MAX_VALUE;
                    long calls = 0, bytes = 0;
                    for (int r = 0; r < rounds * 10; r++) {
                        int n = (int) Math.max(1, 8e6 / (flop / 100)); // ~8 ms at 100 GFLOP/s: short samples dodge neighbours' bursts
                        long a0 = THREADS.getCurrentThreadAllocatedBytes();
                        long t0 = System.nanoTime();
                        for (int i = 0; i < n; i++) kernels.conv1x1(in, weights, 1, false, out);
                        long t = System.nanoTime() - t0;
                        bytes += THREADS.getCurrentThreadAllocatedBytes() - a0;
                        calls += n;
                        best = Math.min(best, (double) t / n);
                    }
                    System.out.printf(Locale.ROOT, "pass %d  %s %4d->%-4d @%2dx%-2d  %8.1f us  %6.1f GFLOP/s  %5.1f%% of peak  alloc %.1f B/call%n",
                            pass, layout, c, c, hw, hw, best / 1e3, flop / best, 100 * flop / best / peak, (double) bytes / calls);
                }
            }
        }
        System.out.printf(Locale.ROOT, "FMA peak again: %.1f GFLOP/s%n", peak(rounds));
    }

    /**
     * Every kernel variant (tails, strides, borders, views, K blocks) for a while, as a network would call them:
     * run with -XX:+PrintCompilation to see that each one reaches C2 (and none is skipped by C1).
     */
    private static void mixed(Kernels kernels) {
        int[][] cases = { // cin, cout, h, w, stride, inBorder, inExtra, outBorder
            {70, 70, 13, 13, 1, 0, 0, 0}, {70, 37, 13, 13, 2, 0, 0, 0}, {300, 70, 9, 9, 1, 1, 3, 0},
            {300, 21, 14, 14, 2, 0, 0, 0}, {64, 64, 7, 7, 1, 1, 0, 0}, {64, 64, 28, 28, 2, 1, 0, 0}, {3, 5, 2, 2, 1, 0, 0, 0},
            {256, 256, 14, 14, 1, 0, 0, 1}, {512, 512, 7, 7, 1, 0, 0, 1}, {128, 128, 28, 28, 1, 0, 0, 1}};
        try (Arena arena = Arena.ofConfined()) {
            for (Layout layout : Layout.values()) {
                for (int[] c : cases) {
                    if (!(layout + " " + java.util.Arrays.toString(c)).contains(System.getProperty("bench.mixedOnly", ""))) continue;
                    Conv1x1Weights weights = new Conv1x1Weights(c[0], c[1], new float[c[0] * c[1]], new float[c[1]]);
                    Tensor in = Tensor.allocate(arena, layout, 1, c[0] + c[6], c[2], c[3], c[5]).channelSlice(c[6], c[0]);
                    int oh = (c[2] - 1) / c[4] + 1, ow = (c[3] - 1) / c[4] + 1;
                    Tensor out = Tensor.allocate(arena, layout, 1, c[1], oh, ow, c[7]);
                    long t0 = System.nanoTime();
                    for (int i = 0; i < 2000; i++) kernels.conv1x1(in, weights, c[4], i % 2 == 0, out);
                    long t1 = System.nanoTime();
                    for (int i = 0; i < 16000; i++) kernels.conv1x1(in, weights, c[4], i % 2 == 0, out);
                    double best = Double.MAX_VALUE; // then the best of 40 chunks of 50 calls: the steady state
                    for (int chunk = 0; chunk < 40; chunk++) {
                        long t2 = System.nanoTime();
                        for (int i = 0; i < 50; i++) kernels.conv1x1(in, weights, c[4], i % 2 == 0, out);
                        best = Math.min(best, (System.nanoTime() - t2) / 50.0);
                    }
                    System.out.printf(Locale.ROOT, "mixed %s %s: first 2000 calls %.1f us/call, then best %.2f us/call (%.1f GFLOP/s)%n",
                            layout, java.util.Arrays.toString(c), (t1 - t0) / 2e6, best / 1e3,
                            2.0 * c[0] * c[1] * oh * ow / best);
                }
            }
        }
    }

    private static double peak(int rounds) {
        for (int i = 0; i < 3000; i++) fmaChains(1000);
        double best = 0;
        int iterations = 2_000_000;
        for (int r = 0; r < rounds * 2; r++) {
            long t0 = System.nanoTime();
            float sink = fmaChains(iterations);
            long t = System.nanoTime() - t0;
            if (sink == 42f) System.out.print("");
            best = Math.max(best, 12.0 * 2 * S.length() * iterations / t);
        }
        return best;
    }

    /** 12 independent chains {@code acc = m.fma(c, acc)}: FMA-throughput bound. */
    private static float fmaChains(int iterations) {
        FloatVector m = FloatVector.broadcast(S, 0.999999f), c = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(S, 1), a1 = FloatVector.broadcast(S, 2), a2 = FloatVector.broadcast(S, 3);
        FloatVector a3 = FloatVector.broadcast(S, 4), a4 = FloatVector.broadcast(S, 5), a5 = FloatVector.broadcast(S, 6);
        FloatVector a6 = FloatVector.broadcast(S, 7), a7 = FloatVector.broadcast(S, 8), a8 = FloatVector.broadcast(S, 9);
        FloatVector a9 = FloatVector.broadcast(S, 10), a10 = FloatVector.broadcast(S, 11), a11 = FloatVector.broadcast(S, 12);
        for (int i = 0; i < iterations; i++) {
            a0 = m.fma(c, a0); a1 = m.fma(c, a1); a2 = m.fma(c, a2); a3 = m.fma(c, a3);
            a4 = m.fma(c, a4); a5 = m.fma(c, a5); a6 = m.fma(c, a6); a7 = m.fma(c, a7);
            a8 = m.fma(c, a8); a9 = m.fma(c, a9); a10 = m.fma(c, a10); a11 = m.fma(c, a11);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
