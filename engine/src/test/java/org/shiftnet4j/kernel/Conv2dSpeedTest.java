package org.shiftnet4j.kernel;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * Rough conv2d speed report, not a benchmark (no JMH; the machine is shared). Off by default: run with
 * {@code -Dconv2d.speed=true}. Prints GFLOP/s (2 FLOP per multiply-add) by wall clock (System.nanoTime) and by
 * this thread's CPU time (which ignores time the thread was descheduled on a busy machine), best of five batches
 * after a warm-up, plus the bytes the vector kernel allocated per call once warm.
 */
class Conv2dSpeedTest {
    private record Shape(String name, int cin, int cout, int groups, int k, int stride, int pad, int hw) {
    }

    private static final Shape[] SHAPES = {
            new Shape("stem 7x7 s2 3->32 @224", 3, 32, 1, 7, 2, 3, 224),
            new Shape("3x3 s1 32->32 @16", 32, 32, 1, 3, 1, 1, 16),
            new Shape("stem 3x3 s1 3->16 @32", 3, 16, 1, 3, 1, 1, 32),
            new Shape("3x3 s2 16->32 @32", 16, 32, 1, 3, 2, 1, 32),
            new Shape("3x3 s1 64->64 @8", 64, 64, 1, 3, 1, 1, 8),
            new Shape("depthwise 3x3 s1 64 @32", 64, 64, 64, 3, 1, 1, 32),
    };

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void report() {
        assumeTrue(Boolean.getBoolean("conv2d.speed"), "speed report is off; enable with -Dconv2d.speed=true");
        Kernels vector = KernelProvider.vector().orElseThrow();
        System.out.println("conv2d speed, " + vector.name() + ", 1 thread, N=1, ReLU; GFLOP/s wall / CPU-time");
        for (Shape s : SHAPES) {
            for (Layout layout : Layout.values()) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-25s %s", s.name, layout));
                try (Arena arena = Arena.ofConfined()) {
                    Conv2dWeights w = weights(s);
                    Tensor o = Tensor.allocate(arena, layout, 1, s.cout, w.outputSize(s.hw), w.outputSize(s.hw));
                    double flop = 2.0 * s.cout * o.height() * o.width() * (s.cin / s.groups) * s.k * s.k;
                    Tensor plain = input(arena, s, layout, 0), bordered = input(arena, s, layout, s.pad);
                    line.append("  scalar ").append(rate(KernelProvider.scalar(), plain, w, o, flop, 0.5));
                    line.append("  vector ").append(rate(vector, plain, w, o, flop, 1.5));
                    line.append("  vector, border=pad ").append(rate(vector, bordered, w, o, flop, 1.0));
                    line.append(String.format(Locale.ROOT, "  [%d B/call]", allocatedPerCall(vector, plain, w, o)));
                }
                System.out.println(line);
            }
        }
    }

    private static Tensor input(Arena arena, Shape s, Layout layout, int border) {
        Tensor in = Tensor.allocate(arena, layout, 1, s.cin, s.hw, s.hw, border);
        Random rnd = new Random(1);
        float[] x = new float[s.cin * s.hw * s.hw];
        for (int i = 0; i < x.length; i++) x[i] = rnd.nextFloat() - 0.5f;
        in.copyFrom(x);
        return in;
    }

    private static Conv2dWeights weights(Shape s) {
        Random rnd = new Random(2);
        float[] w = new float[s.cout * (s.cin / s.groups) * s.k * s.k];
        for (int i = 0; i < w.length; i++) w[i] = rnd.nextFloat() - 0.5f;
        float[] b = new float[s.cout];
        for (int i = 0; i < b.length; i++) b[i] = rnd.nextFloat() - 0.5f;
        return new Conv2dWeights(s.cin, s.cout, s.groups, s.k, s.stride, s.pad, 1, w, b);
    }

    /**
     * Warms up for at least {@code seconds} and until a batch of calls allocates nothing (the Vector API boxes
     * every vector until C2 has compiled the kernel, which takes a while on a busy machine; at most 30 s), then
     * "wall / cpu" GFLOP/s, each the best of five timed batches.
     */
    private static String rate(Kernels k, Tensor in, Conv2dWeights w, Tensor out, double flop, double seconds) {
        long start = System.nanoTime(), minEnd = start + (long) (seconds * 1e9), maxEnd = start + 30_000_000_000L;
        long id = Thread.currentThread().threadId();
        int calls = 0;
        boolean allocating = true;
        while ((System.nanoTime() < minEnd || allocating) && System.nanoTime() < maxEnd) {
            long before = THREADS.getThreadAllocatedBytes(id);
            for (int i = 0; i < 4; i++) k.conv2d(in, w, true, out);
            allocating = THREADS.getThreadAllocatedBytes(id) != before;
            calls += 4;
        }
        double perCall = (System.nanoTime() - start) / (double) calls;
        int batch = (int) Math.max(1, Math.min(calls, 0.1e9 / perCall));
        double wall = Double.MAX_VALUE, cpu = Double.MAX_VALUE;
        for (int r = 0; r < 5; r++) {
            long t0 = System.nanoTime(), c0 = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < batch; i++) k.conv2d(in, w, true, out);
            cpu = Math.min(cpu, (THREADS.getCurrentThreadCpuTime() - c0) / (double) batch);
            wall = Math.min(wall, (System.nanoTime() - t0) / (double) batch);
        }
        return String.format(Locale.ROOT, "%6.2f / %6.2f", flop / wall, flop / cpu);
    }

    private static long allocatedPerCall(Kernels k, Tensor in, Conv2dWeights w, Tensor out) {
        long id = Thread.currentThread().threadId();
        int calls = 20;
        long before = THREADS.getThreadAllocatedBytes(id);
        for (int i = 0; i < calls; i++) k.conv2d(in, w, true, out);
        return (THREADS.getThreadAllocatedBytes(id) - before) / calls;
    }
}
