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
import org.shiftnet4j.kernel.Kernels;
import org.shiftnet4j.runtime.PointwiseStepHarness;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * ShiftNet-A's pointwise convolutions (every distinct shape, batch 1) as the runtime runs them: the pointwise step
 * split by output channels over {@code threads} intra-op threads ({@link PointwiseStepHarness}). With one thread
 * that is a single kernel call. Read the GFLOP/s against {@link FmaPeakBench} from the same run, and 2 threads
 * against 1 thread of the same shape and layout.
 *
 * <p>Zero bias and no ReLU, as ShiftNet-A's 1×1 convolutions are prepared (their BatchNorms follow a shift or
 * precede the next block, so none folds into them).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = BenchSettings.FORKS, jvmArgsAppend = {BenchSettings.ADD_VECTOR_MODULE, BenchSettings.NATIVE_ACCESS,
        BenchSettings.HEAP_MIN, BenchSettings.HEAP_MAX, BenchSettings.PRE_TOUCH})
@Warmup(iterations = BenchSettings.WARMUP_ITERATIONS, time = BenchSettings.ITERATION_SECONDS)
@Measurement(iterations = BenchSettings.MEASUREMENT_ITERATIONS, time = BenchSettings.ITERATION_SECONDS)
public class ShiftNetPointwiseBench {
    @Param({BenchShapes.SHIFTNET_A_32TO128_112, BenchShapes.SHIFTNET_A_128TO32_112_S2,
            BenchShapes.SHIFTNET_A_64TO256_56, BenchShapes.SHIFTNET_A_256TO64_56, BenchShapes.SHIFTNET_A_256TO64_56_S2,
            BenchShapes.SHIFTNET_A_128TO384_28, BenchShapes.SHIFTNET_A_384TO128_28,
            BenchShapes.SHIFTNET_A_384TO128_28_S2, BenchShapes.SHIFTNET_A_256TO512_14,
            BenchShapes.SHIFTNET_A_512TO256_14, BenchShapes.SHIFTNET_A_512TO256_14_S2,
            BenchShapes.SHIFTNET_A_512TO512_7})
    public String shape;

    @Param({"NHWC", "NCHW"})
    public Layout layout;

    @Param({"1", "2"})
    public int threads;

    private Arena arena;
    private Tensor input;
    private Tensor output;
    private PointwiseStepHarness step;

    @Setup(Level.Trial)
    public void setUp() {
        PointwiseShape s = PointwiseShape.parse(shape);
        Kernels vector = KernelProvider.vector().orElseThrow(() -> new IllegalStateException(
                "the Vector API kernels are unavailable; the fork needs " + BenchSettings.ADD_VECTOR_MODULE));
        arena = Arena.ofShared(); // the pool's worker touches the tensors too
        input = Tensor.fromArray(arena, layout, 1, s.inChannels(), s.height(), s.width(),
                BenchSettings.randomFloats(s.inChannels() * s.height() * s.width(), 1f, BenchSettings.SEED));
        output = Tensor.allocate(arena, layout, 1, s.outChannels(), s.outHeight(), s.outWidth());
        // Scaled like a trained layer's weights so that the outputs stay of order one.
        float[] weights = BenchSettings.randomFloats(s.outChannels() * s.inChannels(),
                (float) (1 / Math.sqrt(s.inChannels())), BenchSettings.SEED + 1);
        float[] bias = new float[s.outChannels()];
        step = new PointwiseStepHarness(vector, input, output, weights, bias, s.stride(), false, threads);
        step.run();
        requireCloseToScalar(s, weights, bias);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        step.close();
        arena.close();
    }

    @Benchmark
    public void pointwiseStep() {
        step.run();
    }

    /** Guards against timing a broken kernel or split: the scalar reference within a summation-order bound. */
    private void requireCloseToScalar(PointwiseShape s, float[] weights, float[] bias) {
        Tensor expectedOut = Tensor.allocate(arena, layout, 1, s.outChannels(), s.outHeight(), s.outWidth());
        KernelProvider.scalar().conv1x1(input, new Conv1x1Weights(s.inChannels(), s.outChannels(), weights, bias),
                s.stride(), false, expectedOut);
        float[] expected = expectedOut.toArray(), actual = output.toArray(), in = input.toArray();
        int cin = s.inChannels(), oh = s.outHeight(), ow = s.outWidth();
        for (int co = 0; co < s.outChannels(); co++) {
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    double magnitude = 0;
                    for (int ci = 0; ci < cin; ci++) {
                        int pixel = (ci * s.height() + y * s.stride()) * s.width() + x * s.stride();
                        magnitude += Math.abs(weights[co * cin + ci] * in[pixel]);
                    }
                    int i = (co * oh + y) * ow + x;
                    if (!(Math.abs(actual[i] - expected[i]) <= 2e-6 * (cin + 1) * magnitude + 1e-30)) {
                        throw new IllegalStateException("the vector pointwise step differs from the scalar reference at "
                                + shape + " " + layout + " " + threads + " thread(s), output " + co + ", pixel (" + y
                                + "," + x + "): " + actual[i] + " vs " + expected[i]
                                + "; benchmarking it would time a wrong kernel");
                    }
                }
            }
        }
    }
}
