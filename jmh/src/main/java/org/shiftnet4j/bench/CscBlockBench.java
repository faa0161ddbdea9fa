package org.shiftnet4j.bench;

import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.ReferenceExecutor;
import org.shiftnet4j.graph.Value;
import org.shiftnet4j.graph.Weights;
import org.shiftnet4j.kernel.KernelProvider;
import org.shiftnet4j.kernel.ShiftPolicy;
import org.shiftnet4j.kernel.ShiftTable;
import org.shiftnet4j.runtime.Model;
import org.shiftnet4j.runtime.Session;
import org.shiftnet4j.tensor.Layout;

/**
 * What a shift costs inside the block it was designed for: one ShiftNet-A-style CSC block,
 * {@code x + conv2(relu(bn2(shift(conv1(relu(bn1(x)))))))} with 1×1 convolutions C → εC → C and a MODULO shift,
 * timed through {@link Model#prepare} and {@link Session#run} (batch 1, one thread) "with-shift" and
 * "without-shift" (the same graph and weights with the shift node left out). The ratio of the two is the shift's
 * share of the block as the runtime actually executes it, whatever fusions {@code Model.prepare} applies.
 *
 * <p>Leaving the shift out also lets bn2 fold into conv1, which a shift in between prevents; that is part of what the
 * shift costs. Each call includes the session's copy of the input in (given in the model's own layout, so a plain
 * copy) and of the output out (NCHW), the same in both variants; the report shows the difference in µs as well.
 * Before timing, the block's output is checked against the double-precision {@link ReferenceExecutor}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = BenchSettings.FORKS, jvmArgsAppend = {BenchSettings.ADD_VECTOR_MODULE, BenchSettings.NATIVE_ACCESS,
        BenchSettings.HEAP_MIN, BenchSettings.HEAP_MAX, BenchSettings.PRE_TOUCH})
@Warmup(iterations = BenchSettings.WARMUP_ITERATIONS, time = BenchSettings.ITERATION_SECONDS)
@Measurement(iterations = BenchSettings.MEASUREMENT_ITERATIONS, time = BenchSettings.ITERATION_SECONDS)
public class CscBlockBench {
    /** ShiftNet-A's stage widths with the expansion and shift kernel of that stage's later blocks. */
    public static final String BLOCK_C64 = "C64_56x56_E4_K5";
    public static final String BLOCK_C128 = "C128_28x28_E3_K5";
    public static final String BLOCK_C256 = "C256_14x14_E2_K3";

    public static final String WITH_SHIFT = "with-shift";
    public static final String WITHOUT_SHIFT = "without-shift";

    @Param({BLOCK_C64, BLOCK_C128, BLOCK_C256})
    public String block;

    @Param({WITH_SHIFT, WITHOUT_SHIFT})
    public String variant;

    @Param({"NHWC", "NCHW"})
    public Layout layout;

    private Session session;
    private float[] input;
    private float[] output;

    @Setup(Level.Trial)
    public void setUp() {
        BlockShape shape = BlockShape.parse(block);
        boolean withShift = switch (variant) {
            case WITH_SHIFT -> true;
            case WITHOUT_SHIFT -> false;
            default -> throw new IllegalArgumentException("variant must be " + WITH_SHIFT + " or " + WITHOUT_SHIFT
                    + ", got " + variant);
        };
        Graph graph = shape.build(withShift);
        // The shift has no parameters, so both variants get the same weights from the same seed.
        Weights weights = Weights.randomized(graph, BenchSettings.SEED);
        Model model = Model.prepare(graph, weights, new Model.Options(layout, KernelProvider.vector().orElseThrow(
                () -> new IllegalStateException("the Vector API kernels are unavailable; the fork needs "
                        + BenchSettings.ADD_VECTOR_MODULE))));
        // In the JMH log: what prepare made of the block (which fusions the timing includes).
        System.out.println(block + " " + variant + " " + layout + " prepared as: " + model.describeSteps());
        session = model.newSession(1, 1);
        try {
            float[] nchw = BenchSettings.randomFloats(session.inputSize(), 1f, BenchSettings.SEED + 1);
            output = new float[session.outputSize()];
            session.run(nchw, Layout.NCHW, 1, output);
            ModelCheck.requireClose(block + " " + variant + " " + layout + " against the double-precision reference",
                    new ReferenceExecutor(graph, weights).run(nchw, 1), output);
            // Timed with the input already in the model's layout, so the copy in is a plain copy in both layouts.
            input = toLayout(nchw, shape, layout);
        } catch (RuntimeException | Error e) {
            session.close();
            throw e;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        session.close();
    }

    @Benchmark
    public float[] sessionRun() {
        session.run(input, layout, 1, output);
        return output;
    }

    private static float[] toLayout(float[] nchw, BlockShape s, Layout layout) {
        if (layout == Layout.NCHW) {
            return nchw;
        }
        int c = s.channels(), hw = s.height() * s.width();
        float[] nhwc = new float[nchw.length];
        for (int ch = 0; ch < c; ch++) {
            for (int p = 0; p < hw; p++) {
                nhwc[p * c + ch] = nchw[ch * hw + p];
            }
        }
        return nhwc;
    }

    /** A block written {@code C<channels>_<height>x<width>_E<expansion>_K<shift kernel>}, batch 1. */
    public record BlockShape(int channels, int height, int width, int expansion, int kernelSize) {
        private static final Pattern FORMAT = Pattern.compile("C(\\d+)_(\\d+)x(\\d+)_E(\\d+)_K(\\d+)");

        public static BlockShape parse(String text) {
            Matcher m = FORMAT.matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException("block '" + text + "' does not read as"
                        + " C<channels>_<height>x<width>_E<expansion>_K<kernel>, e.g. " + BLOCK_C64);
            }
            return new BlockShape(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)));
        }

        public int middleChannels() {
            return channels * expansion;
        }

        /** Both 1×1 convolutions: 2 FLOP per multiply-add. */
        public double flops() {
            return 2.0 * 2 * channels * middleChannels() * height * width;
        }

        public String label() {
            return "C" + channels + " @" + height + "x" + width + " ε" + expansion + " K" + kernelSize;
        }

        /** BN → ReLU → 1×1 (C→εC) → [shift] → BN → ReLU → 1×1 (εC→C), plus the input. */
        public Graph build(boolean withShift) {
            Graph g = new Graph("csc-block-" + channels + (withShift ? "" : "-noshift"));
            Value x = g.input(channels, height, width);
            Value y = g.conv(g.relu(g.batchNorm(x, "bn1")), "conv1", middleChannels(), 1, 1, 0, 1);
            if (withShift) {
                y = g.shift(y, ShiftTable.of(ShiftPolicy.MODULO, middleChannels(), kernelSize, 1));
            }
            y = g.conv(g.relu(g.batchNorm(y, "bn2")), "conv2", channels, 1, 1, 0, 1);
            return g.output(g.add(x, y));
        }
    }
}
