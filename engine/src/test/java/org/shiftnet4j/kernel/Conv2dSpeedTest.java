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
 * Rough conv2d speed report (System.nanoTime, best of a few timed batches; not JMH, and the machine is shared).
 * Off by default: run with {@code -Dconv2d.speed=true}. Prints GFLOP/s (2 FLOP per multiply-add) and the bytes
 * the vector kernel allocated per call once warm.
 */
class Conv2dSpeedTest {
    private record Shape(String name, int cin, int cout, int groups, int k, int stride, int pad, int hw) {
    }

    private static final Shape[] SHAPES = {
            new Shape("stem 7x7 s2 3->32 @224", 3, 32, 1, 7, 2, 3, 224),
            new Shape("3x3 s1 32->32 @16", 32, 32, 1, 3, 1, 1, 16),
            new Shape("stem 3x3 s1 3->16 @32", 3, 16, 1, 3, 1, 1, 32),
            new Shape("3x3 s1 16->16 @32", 16, 16, 1, 3, 1, 1, 32),
            new Shape("3x3 s2 16->32 @32", 16, 32, 1, 3, 2, 1, 32),
            new Shape("3x3 s1 64->64 @8", 64, 64, 1, 3, 1, 1, 8),
            new Shape("depthwise 3x3 s1 64 @32", 64, 64, 64, 3, 1, 1, 32),
    };

    @Test
    void report() {
        assumeTrue(Boolean.getBoolean("conv2d.speed"), "speed report is off; enable with -Dconv2d.speed=true");
        Kernels vector = KernelProvider.vector().orElseThrow();
        System.out.println("conv2d speed, " + vector.name() + ", 1 thread, N=1, GFLOP/s (border 0 / border = pad)");
        for (Shape s : SHAPES) {
            for (Layout layout : Layout.values()) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-26s %s", s.name, layout));
                for (int border : new int[] {0, s.pad}) {
                    try (Arena arena = Arena.ofConfined()) {
                        Conv2dWeights w = weights(s);
                        int out = w.outputSize(s.hw);
                        Tensor in = Tensor.allocate(arena, layout, 1, s.cin, s.hw, s.hw, border);
                        Random rnd = new Random(1);
                        float[] x = new float[s.cin * s.hw * s.hw];
                        for (int i = 0; i < x.length; i++) x[i] = rnd.nextFloat() - 0.5f;
                        in.copyFrom(x);
                        Tensor o = Tensor.allocate(arena, layout, 1, s.cout, out, out);
                        double flop = 2.0 * s.cout * out * out * (s.cin / s.groups) * s.k * s.k;
                        double vec = gflops(vector, in, w, o, flop, 0.4);
                        long bytes = allocatedPerCall(vector, in, w, o);
                        if (border == 0) {
                            double scalar = gflops(KernelProvider.scalar(), in, w, o, flop, 0.15);
                            line.append(String.format(Locale.ROOT, "  scalar %6.2f", scalar));
                        }
                        line.append(String.format(Locale.ROOT, "  vector(b%d) %6.2f [%d B/call]", border, vec, bytes));
                    }
                }
                System.out.println(line);
            }
        }
    }

    private static Conv2dWeights weights(Shape s) {
        Random rnd = new Random(2);
        float[] w = new float[s.cout * (s.cin / s.groups) * s.k * s.k];
        for (int i = 0; i < w.length; i++) w[i] = rnd.nextFloat() - 0.5f;
        float[] b = new float[s.cout];
        for (int i = 0; i < b.length; i++) b[i] = rnd.nextFloat() - 0.5f;
        return new Conv2dWeights(s.cin, s.cout, s.groups, s.k, s.stride, s.pad, 1, w, b);
    }

    /** Warms up for about {@code seconds}, then returns the best of five timed batches of similar length. */
    private static double gflops(Kernels k, Tensor in, Conv2dWeights w, Tensor out, double flop, double seconds) {
        long warmEnd = System.nanoTime() + (long) (seconds * 1e9);
        int calls = 0;
        while (System.nanoTime() < warmEnd) {
            k.conv2d(in, w, true, out);
            calls++;
        }
        int batch = Math.max(1, calls / 3);
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 5; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < batch; i++) k.conv2d(in, w, true, out);
            best = Math.min(best, (System.nanoTime() - t0) / (double) batch);
        }
        return flop / best;
    }

    private static long allocatedPerCall(Kernels k, Tensor in, Conv2dWeights w, Tensor out) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        int calls = 20;
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < calls; i++) k.conv2d(in, w, true, out);
        return (threads.getThreadAllocatedBytes(id) - before) / calls;
    }
}
