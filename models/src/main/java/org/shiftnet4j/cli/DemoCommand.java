package org.shiftnet4j.cli;

import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.shiftnet4j.kernel.Conv1x1Weights;
import org.shiftnet4j.kernel.DepthwiseWeights;
import org.shiftnet4j.kernel.KernelProvider;
import org.shiftnet4j.kernel.Kernels;
import org.shiftnet4j.kernel.ShiftPolicy;
import org.shiftnet4j.kernel.ShiftTable;
import org.shiftnet4j.ops.Conv1x1;
import org.shiftnet4j.ops.DepthwiseConv2d;
import org.shiftnet4j.ops.Shift;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs the shift and the 1x1 convolution of one ShiftNet-A layer (CSC-3: 384 channels at 28x28, "
                + "K=5) in both layouts and prints their measured throughput next to a one-hot depthwise conv.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--seconds", paramLabel = "S", defaultValue = "0.5", description = "Time per measurement (default ${DEFAULT-VALUE}).")
    double seconds;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private static final int CHANNELS = 384, OUT = 128, SIZE = 28, K = 5;

    @Override
    public Integer call() {
        if (!(seconds > 0)) throw new IllegalArgumentException("--seconds must be > 0");
        PrintWriter out = spec.commandLine().getOut();
        Kernels kernels = KernelProvider.get();
        out.printf("kernels: %s (%s)%nJava %s%n%n", kernels.name(), KernelProvider.reason(), Runtime.version());
        ShiftTable table = ShiftTable.of(ShiftPolicy.MODULO, CHANNELS, K, 1);
        SplittableRandom random = new SplittableRandom(7);
        float[] w = new float[OUT * CHANNELS];
        for (int i = 0; i < w.length; i++) w[i] = (float) (random.nextDouble() - 0.5);
        Shift shift = new Shift(table, kernels);
        Shift scalarShift = new Shift(table, KernelProvider.scalar());
        DepthwiseConv2d depthwise = new DepthwiseConv2d(new DepthwiseWeights(CHANNELS, K, 1, K / 2, 1,
                table.oneHotDepthwiseWeights(), null), kernels);
        Conv1x1 conv = new Conv1x1(new Conv1x1Weights(CHANNELS, OUT, w, null), 1, true, kernels);
        double shiftBytes = 2.0 * CHANNELS * SIZE * SIZE * Float.BYTES;
        double convFlops = 2.0 * OUT * CHANNELS * SIZE * SIZE;
        out.printf("%-6s %-34s %12s %14s%n", "layout", "op", "time/op", "throughput");
        try (Arena arena = Arena.ofConfined()) {
            for (Layout layout : Layout.values()) {
                Tensor x = Tensor.allocate(arena, layout, 1, CHANNELS, SIZE, SIZE);
                float[] data = new float[CHANNELS * SIZE * SIZE];
                for (int i = 0; i < data.length; i++) data[i] = (float) random.nextDouble();
                x.copyFrom(data);
                Tensor shifted = Tensor.allocate(arena, layout, 1, CHANNELS, SIZE, SIZE);
                Tensor y = Tensor.allocate(arena, layout, 1, OUT, SIZE, SIZE);
                double tShift = time(() -> shift.apply(x, shifted));
                double tDepthwise = time(() -> depthwise.apply(x, shifted));
                double tScalar = time(() -> scalarShift.apply(x, shifted));
                double tConv = time(() -> conv.apply(shifted, y));
                row(out, layout, "shift " + kernels.name(), tShift, shiftBytes / tShift / 1e9, "GB/s");
                row(out, layout, "one-hot depthwise conv (same shift)", tDepthwise, shiftBytes / tDepthwise / 1e9, "GB/s");
                row(out, layout, "shift, scalar reference", tScalar, shiftBytes / tScalar / 1e9, "GB/s");
                row(out, layout, "conv1x1 384->128 + relu", tConv, convFlops / tConv / 1e9, "GFLOP/s");
                out.printf("%-6s shift is %.1fx faster than the one-hot depthwise conv%n%n", layout, tDepthwise / tShift);
                out.flush();
            }
        }
        out.println("Rough single-run figures on a shared machine; the JMH suite (scripts/run-benchmarks) is the reference.");
        return 0;
    }

    private static void row(PrintWriter out, Layout layout, String op, double seconds, double rate, String unit) {
        out.printf("%-6s %-34s %9.1f us %9.2f %s%n", layout, op, seconds * 1e6, rate, unit);
    }

    /** Best time of repeated calls over about {@code seconds}, after a warm-up of the same length. */
    private double time(Runnable op) {
        long budget = (long) (seconds * 1e9);
        for (long start = System.nanoTime(); System.nanoTime() - start < budget; ) op.run();
        long best = Long.MAX_VALUE;
        for (long start = System.nanoTime(); System.nanoTime() - start < budget; ) {
            long t0 = System.nanoTime();
            op.run();
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best / 1e9;
    }
}
