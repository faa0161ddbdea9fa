package org.shiftnet4j.bench;

import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.shiftnet4j.bench.BenchShapes.PointwiseShape;
import org.shiftnet4j.kernel.Conv1x1Weights;
import org.shiftnet4j.kernel.KernelProvider;
import org.shiftnet4j.ops.Conv1x1;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * The pointwise convolution, where a shift network spends nearly all its FLOPs; reported in GFLOP/s against
 * {@link FmaPeakBench} from the same run. No bias, no ReLU, stride 1: the bare GEMM.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = BenchSettings.FORKS, jvmArgsAppend = {BenchSettings.ADD_VECTOR_MODULE, BenchSettings.NATIVE_ACCESS,
        BenchSettings.HEAP_MIN, BenchSettings.HEAP_MAX, BenchSettings.PRE_TOUCH})
@Warmup(iterations = BenchSettings.WARMUP_ITERATIONS, time = BenchSettings.ITERATION_SECONDS)
@Measurement(iterations = BenchSettings.MEASUREMENT_ITERATIONS, time = BenchSettings.ITERATION_SECONDS)
public class Conv1x1Bench {
    @Param({BenchShapes.POINTWISE_C64, BenchShapes.POINTWISE_C128, BenchShapes.POINTWISE_C256,
            BenchShapes.POINTWISE_C512})
    public String shape;

    @Param({"NCHW", "NHWC"})
    public Layout layout;

    private Arena arena;
    private Tensor input;
    private Tensor output;
    private Conv1x1 conv;

    @Setup(Level.Trial)
    public void setUp() {
        PointwiseShape s = PointwiseShape.parse(shape);
        arena = Arena.ofShared();
        int pixels = s.height() * s.width();
        input = Tensor.fromArray(arena, layout, 1, s.inChannels(), s.height(), s.width(),
                BenchSettings.randomFloats(s.inChannels() * pixels, 1f, BenchSettings.SEED));
        output = Tensor.allocate(arena, layout, 1, s.outChannels(), s.height(), s.width());
        // Scaled like a trained layer's weights so that the outputs stay of order one.
        float[] weights = BenchSettings.randomFloats(s.outChannels() * s.inChannels(),
                (float) (1 / Math.sqrt(s.inChannels())), BenchSettings.SEED + 1);
        conv = new Conv1x1(new Conv1x1Weights(s.inChannels(), s.outChannels(), weights, null), 1, false,
                KernelProvider.vector().orElseThrow(() -> new IllegalStateException(
                        "the Vector API kernels are unavailable; the fork needs " + BenchSettings.ADD_VECTOR_MODULE)));
        requireCloseToScalar(s, weights);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void conv1x1Vector() {
        conv.apply(input, output);
    }

    /** Guards against timing a broken kernel: compares with the scalar reference within a summation-order bound. */
    private void requireCloseToScalar(PointwiseShape s, float[] weights) {
        Tensor expectedOut = Tensor.allocate(arena, layout, 1, s.outChannels(), s.height(), s.width());
        new Conv1x1(conv.weights(), 1, false, KernelProvider.scalar()).apply(input, expectedOut);
        conv.apply(input, output);
        float[] expected = expectedOut.toArray();
        float[] actual = output.toArray();
        float[] in = input.toArray();
        int pixels = s.height() * s.width();
        for (int co = 0; co < s.outChannels(); co++) {
            for (int p = 0; p < pixels; p++) {
                double magnitude = 0;
                for (int ci = 0; ci < s.inChannels(); ci++) {
                    magnitude += Math.abs(weights[co * s.inChannels() + ci] * in[ci * pixels + p]);
                }
                int i = co * pixels + p;
                if (!(Math.abs(actual[i] - expected[i]) <= 2e-6 * (s.inChannels() + 1) * magnitude + 1e-30)) {
                    throw new IllegalStateException("vector 1x1 conv differs from the scalar reference at " + shape
                            + " " + layout + ", output " + co + ", pixel " + p + ": " + actual[i] + " vs "
                            + expected[i] + "; benchmarking it would time a wrong kernel");
                }
            }
        }
    }
}
