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
import org.shiftnet4j.bench.BenchShapes.ShiftShape;
import org.shiftnet4j.kernel.DepthwiseWeights;
import org.shiftnet4j.kernel.KernelProvider;
import org.shiftnet4j.kernel.Kernels;
import org.shiftnet4j.kernel.ShiftPolicy;
import org.shiftnet4j.kernel.ShiftTable;
import org.shiftnet4j.ops.DepthwiseConv2d;
import org.shiftnet4j.ops.Shift;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * The shift against what a framework without a shift op runs instead (a depthwise convolution with one-hot kernels,
 * the ONNX export of a shift) and against the scalar reference. Same table (MODULO, the official policy), same input,
 * same output tensor; the setup checks that all variants produce the same values, so the timings compare equal work.
 * {@link MemoryCopyBench} times a plain copy of the same bytes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = BenchSettings.FORKS, jvmArgsAppend = {BenchSettings.ADD_VECTOR_MODULE, BenchSettings.NATIVE_ACCESS,
        BenchSettings.HEAP_MIN, BenchSettings.HEAP_MAX, BenchSettings.PRE_TOUCH})
@Warmup(iterations = BenchSettings.WARMUP_ITERATIONS, time = BenchSettings.ITERATION_SECONDS)
@Measurement(iterations = BenchSettings.MEASUREMENT_ITERATIONS, time = BenchSettings.ITERATION_SECONDS)
public class ShiftBench {
    @Param({BenchShapes.SHIFT_C64, BenchShapes.SHIFT_C128, BenchShapes.SHIFT_C256, BenchShapes.SHIFT_C512})
    public String shape;

    @Param({"NCHW", "NHWC"})
    public Layout layout;

    /**
     * MODULO (the official interleaved order) by default. CONTIGUOUS is the grouping a prepared model reaches by
     * permuting the neighbouring convolutions' channels; run it with {@code -p policy=CONTIGUOUS}.
     */
    @Param({"MODULO"})
    public ShiftPolicy policy;

    private Arena arena;
    private Tensor input;
    /** The same values inside a zero border of the largest offset: the layout a planned network gives a shift. */
    private Tensor borderedInput;
    private Tensor output;
    private Shift vectorShift;
    private Shift scalarShift;
    private DepthwiseConv2d oneHotDepthwise;

    @Setup(Level.Trial)
    public void setUp() {
        ShiftShape s = ShiftShape.parse(shape);
        ShiftTable table = ShiftTable.of(policy, s.channels(), s.kernelSize(), 1);
        Kernels vector = KernelProvider.vector().orElseThrow(() -> new IllegalStateException(
                "the Vector API kernels are unavailable; the fork needs " + BenchSettings.ADD_VECTOR_MODULE));

        arena = Arena.ofShared();
        float[] values = BenchSettings.randomFloats(s.elements(), 1f, BenchSettings.SEED);
        input = Tensor.fromArray(arena, layout, 1, s.channels(), s.height(), s.width(), values);
        borderedInput = Tensor.allocate(arena, layout, 1, s.channels(), s.height(), s.width(), table.maxAbsOffset());
        borderedInput.copyFrom(values);
        output = Tensor.allocate(arena, layout, 1, s.channels(), s.height(), s.width());

        vectorShift = new Shift(table, vector);
        scalarShift = new Shift(table, KernelProvider.scalar());
        int k = s.kernelSize();
        oneHotDepthwise = new DepthwiseConv2d(
                new DepthwiseWeights(s.channels(), k, 1, k / 2, 1, table.oneHotDepthwiseWeights(), null), vector);

        requireSameResults();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /** The Vector API shift reading an unbordered input (bounds handled by the kernel). */
    @Benchmark
    public void shiftVector() {
        vectorShift.apply(input, output);
    }

    /** The Vector API shift reading a zero-bordered input (no bounds handling needed). */
    @Benchmark
    public void shiftVectorBorderedInput() {
        vectorShift.apply(borderedInput, output);
    }

    /** The reference to beat: the shift as a depthwise K×K convolution with one-hot kernels, padding K/2. */
    @Benchmark
    public void oneHotDepthwiseVector() {
        oneHotDepthwise.apply(input, output);
    }

    /** The scalar reference kernel. */
    @Benchmark
    public void shiftScalar() {
        scalarShift.apply(input, output);
    }

    private void requireSameResults() {
        scalarShift.apply(input, output);
        float[] expected = output.toArray();
        requireEqual("vector shift", expected, () -> vectorShift.apply(input, output));
        requireEqual("vector shift of the bordered input", expected, () -> vectorShift.apply(borderedInput, output));
        requireEqual("one-hot depthwise conv", expected, () -> oneHotDepthwise.apply(input, output));
    }

    private void requireEqual(String variant, float[] expected, Runnable run) {
        output.zero();
        run.run();
        float[] actual = output.toArray();
        for (int i = 0; i < expected.length; i++) {
            // A one-hot product is exact, so every variant must give the scalar shift's value (±0 compare equal).
            if (actual[i] != expected[i]) {
                throw new IllegalStateException(variant + " differs from the scalar shift at " + shape + " " + layout
                        + ", NCHW index " + i + ": " + actual[i] + " vs " + expected[i]
                        + "; benchmarking it would compare different work");
            }
        }
    }
}
