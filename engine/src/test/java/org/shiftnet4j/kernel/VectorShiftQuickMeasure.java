package org.shiftnet4j.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * Rough timing for the report, not a test of speed (no assertion): the vector shift against a memory copy of the
 * same bytes, the scalar shift and the scalar one-hot depthwise convolution, at the product's four shapes, with
 * and without a zero border on the input ("b": as wide as the largest offset, so reads need no tests). Plain
 * {@code System.nanoTime} loops, best of several rounds, on a shared machine: read the ratios, not the times.
 *
 * <p>Run: {@code ./mvnw -B -q -pl engine test -Dtest=VectorShiftQuickMeasure -Dshift.measure=true
 * -Dsurefire.failIfNoSpecifiedTests=false} (add {@code -Dshift.measure.depthwise=false} to skip the slow one).
 */
@EnabledIfSystemProperty(named = "shift.measure", matches = "true")
class VectorShiftQuickMeasure {
    private static final int[][] SHAPES = {{64, 56, 5}, {128, 28, 5}, {256, 14, 3}, {512, 7, 3}};
    private static final int ROUNDS = 31;
    private static final long ROUND_NANOS = 3_000_000;
    private static final long WARMUP_NANOS = Long.getLong("shift.measure.warmupMillis", 1500) * 1_000_000;

    @Test
    void measure() {
        Kernels vector = KernelProvider.vector().orElseThrow();
        Kernels scalar = KernelProvider.scalar();
        boolean depthwise = !"false".equals(System.getProperty("shift.measure.depthwise"));
        String only = System.getProperty("shift.measure.only", "");
        System.out.println("kernels " + vector.name() + "; times in microseconds, best of " + ROUNDS
                + "; ratios = time / memcpy time of the same bytes (in -> out)");
        System.out.println(String.format(Locale.ROOT, "%-6s %-10s %-16s %9s %9s %7s %9s %9s %9s %9s",
                "layout", "policy", "shape", "memcpy", "vector", "v/copy", "scalar", "s/v", "dwconv", "dw/v"));
        for (Layout layout : Layout.values()) {
            for (ShiftPolicy policy : ShiftPolicy.values()) {
                for (int[] shape : SHAPES) {
                    for (boolean bordered : new boolean[] {false, true}) {
                        String label = layout + " " + policy + " C" + shape[0] + "@" + shape[1] + (bordered ? " b" : "");
                        if (!label.contains(only)) continue;
                        measureShape(vector, scalar, layout, policy, shape[0], shape[1], shape[2], bordered,
                                depthwise && !bordered);
                    }
                }
            }
        }
    }

    /** {@code bordered}: the input carries a zero border as wide as the largest offset (reads need no tests). */
    private static void measureShape(Kernels vector, Kernels scalar, Layout layout, ShiftPolicy policy,
                                     int c, int hw, int k, boolean bordered, boolean depthwise) {
        try (Arena arena = Arena.ofConfined()) {
            Tensor in = Tensor.allocate(arena, layout, 1, c, hw, hw, bordered ? k / 2 : 0);
            Tensor out = Tensor.allocate(arena, layout, 1, c, hw, hw);
            Random random = new Random(1);
            float[] values = new float[c * hw * hw];
            for (int i = 0; i < values.length; i++) values[i] = random.nextFloat();
            in.copyFrom(values);
            ShiftTable table = ShiftTable.of(policy, c, k, 1);
            MemorySegment src = in.segment(), dst = out.segment();
            long bytes = dst.byteSize();
            double copy = time(() -> MemorySegment.copy(src, 0, dst, 0, bytes));
            double vec = time(() -> vector.shift(in, table, out));
            long allocated = allocatedPerCall(() -> vector.shift(in, table, out));
            double sca = time(() -> scalar.shift(in, table, out));
            double dw = Double.NaN;
            if (depthwise) {
                DepthwiseWeights weights = new DepthwiseWeights(c, table.kernelSize(), 1,
                        table.dilation() * (table.kernelSize() / 2), table.dilation(), table.oneHotDepthwiseWeights(), null);
                dw = time(() -> scalar.depthwiseConv2d(in, weights, out));
            }
            System.out.println(String.format(Locale.ROOT, "%-6s %-10s %-16s %9.2f %9.2f %7.2f %9.1f %9.1f %9.1f %9.1f%s",
                    layout, policy, "C" + c + "@" + hw + "x" + hw + " K" + k + (bordered ? " b" : ""), copy / 1e3, vec / 1e3, vec / copy,
                    sca / 1e3, sca / vec, dw / 1e3, dw / vec, allocated > 0 ? "  (allocates " + allocated + " B/call)" : ""));
        }
    }

    /** Best nanoseconds per call over {@link #ROUNDS} rounds of about {@link #ROUND_NANOS} each, after warm-up. */
    private static double time(Runnable call) {
        long start = System.nanoTime();
        int calls = 0;
        // Warm-up long enough for C2 to compile the kernel and its loops (C1 code boxes every vector).
        while (System.nanoTime() - start < WARMUP_NANOS || calls < 100) {
            call.run();
            calls++;
        }
        long perRound = Math.max(1, calls * ROUND_NANOS / Math.max(1, System.nanoTime() - start));
        double best = Double.MAX_VALUE;
        for (int r = 0; r < ROUNDS; r++) {
            long t0 = System.nanoTime();
            for (long i = 0; i < perRound; i++) call.run();
            best = Math.min(best, (System.nanoTime() - t0) / (double) perRound);
        }
        return best;
    }

    private static long allocatedPerCall(Runnable call) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(id);
        int calls = 0;
        for (long start = System.nanoTime(); System.nanoTime() - start < 300_000_000L; calls++) call.run();
        return (threads.getThreadAllocatedBytes(id) - before) / calls;
    }
}
