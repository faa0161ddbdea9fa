package org.shiftnet4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
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
import org.shiftnet4j.bench.BenchShapes.ShiftShape;
import org.shiftnet4j.io.onnx.OnnxAttribute;
import org.shiftnet4j.io.onnx.OnnxDim;
import org.shiftnet4j.io.onnx.OnnxExporter;
import org.shiftnet4j.io.onnx.OnnxGraph;
import org.shiftnet4j.io.onnx.OnnxModel;
import org.shiftnet4j.io.onnx.OnnxNode;
import org.shiftnet4j.io.onnx.OnnxValueInfo;
import org.shiftnet4j.io.onnx.OpsetImport;
import org.shiftnet4j.kernel.Conv1x1Weights;
import org.shiftnet4j.kernel.KernelProvider;
import org.shiftnet4j.kernel.ShiftPolicy;
import org.shiftnet4j.kernel.ShiftTable;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * The peer at layer level: ONNX Runtime, one intra-op thread with {@link OrtModelBench#fairOptions}, running one
 * ONNX node at a time, so that the engine's layer figures ({@code ShiftNetPointwiseBench} or {@link Conv1x1Bench},
 * {@link ShiftBench}) have a same-run reference from another runtime:
 * <ul>
 *   <li>{@link #conv1x1}: a Conv 1×1 without bias at each of ShiftNet-A's pointwise shapes (same shape strings as
 *       {@code ShiftNetPointwiseBench}, so the report joins them);</li>
 *   <li>{@link #oneHotDepthwiseShift}: the shift as PyTorch exports it, a depthwise Conv (group = C, pads K/2) with
 *       {@link ShiftTable#oneHotDepthwiseWeights()} of the MODULO table, at {@link ShiftBench}'s shapes.</li>
 * </ul>
 * NCHW (ONNX's layout), batch 1, a direct input buffer made once and a preallocated (pinned) output. Before timing,
 * ONNX Runtime's output is checked against the engine's scalar kernels, so both sides compute the same thing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = BenchSettings.FORKS, jvmArgsAppend = {BenchSettings.ADD_VECTOR_MODULE, BenchSettings.NATIVE_ACCESS,
        BenchSettings.HEAP_MIN, BenchSettings.HEAP_MAX, BenchSettings.PRE_TOUCH})
@Warmup(iterations = BenchSettings.WARMUP_ITERATIONS, time = BenchSettings.ITERATION_SECONDS)
@Measurement(iterations = BenchSettings.MEASUREMENT_ITERATIONS, time = BenchSettings.ITERATION_SECONDS)
public class OrtLayerBench {
    /** One intra-op thread: the layer targets compare single-thread figures. */
    static final int THREADS = 1;

    @Benchmark
    public OnnxTensor conv1x1(PointwiseLayer layer) throws OrtException {
        return layer.runner.run();
    }

    @Benchmark
    public OnnxTensor oneHotDepthwiseShift(ShiftLayer layer) throws OrtException {
        return layer.runner.run();
    }

    /** A ShiftNet-A pointwise convolution as one ONNX Conv node. */
    @State(Scope.Thread)
    public static class PointwiseLayer {
        @Param({BenchShapes.SHIFTNET_A_32TO128_112, BenchShapes.SHIFTNET_A_128TO32_112_S2,
                BenchShapes.SHIFTNET_A_64TO256_56, BenchShapes.SHIFTNET_A_256TO64_56,
                BenchShapes.SHIFTNET_A_256TO64_56_S2, BenchShapes.SHIFTNET_A_128TO384_28,
                BenchShapes.SHIFTNET_A_384TO128_28, BenchShapes.SHIFTNET_A_384TO128_28_S2,
                BenchShapes.SHIFTNET_A_256TO512_14, BenchShapes.SHIFTNET_A_512TO256_14,
                BenchShapes.SHIFTNET_A_512TO256_14_S2, BenchShapes.SHIFTNET_A_512TO512_7})
        public String shape;

        OrtRunner runner;

        @Setup(Level.Trial)
        public void setUp() throws OrtException {
            PointwiseShape s = PointwiseShape.parse(shape);
            float[] input = BenchSettings.randomFloats(s.inChannels() * s.height() * s.width(), 1f,
                    BenchSettings.SEED);
            // Scaled like a trained layer's weights so that the outputs stay of order one (as Conv1x1Bench).
            float[] weights = BenchSettings.randomFloats(s.outChannels() * s.inChannels(),
                    (float) (1 / Math.sqrt(s.inChannels())), BenchSettings.SEED + 1);
            long[] inDims = {1, s.inChannels(), s.height(), s.width()};
            long[] outDims = {1, s.outChannels(), s.outHeight(), s.outWidth()};
            byte[] model = singleConv("conv1x1 " + shape, inDims, outDims,
                    new long[] {s.outChannels(), s.inChannels(), 1, 1}, weights,
                    OnnxAttribute.ofInts("kernel_shape", 1, 1),
                    OnnxAttribute.ofInts("strides", s.stride(), s.stride()));
            runner = new OrtRunner(model, input, inDims, outDims);
            try {
                requireCloseToEngine(s, input, weights, runner.runAndRead());
            } catch (RuntimeException | OrtException e) {
                runner.close();
                throw e;
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws OrtException {
            runner.close();
        }

        /** The engine's scalar 1×1 conv on the same data, within a summation-order bound per output. */
        private void requireCloseToEngine(PointwiseShape s, float[] input, float[] weights, float[] actual) {
            float[] expected;
            try (Arena arena = Arena.ofConfined()) {
                Tensor in = Tensor.fromArray(arena, Layout.NCHW, 1, s.inChannels(), s.height(), s.width(), input);
                Tensor out = Tensor.allocate(arena, Layout.NCHW, 1, s.outChannels(), s.outHeight(), s.outWidth());
                KernelProvider.scalar().conv1x1(in, new Conv1x1Weights(s.inChannels(), s.outChannels(), weights, null),
                        s.stride(), false, out);
                expected = out.toArray();
            }
            int cin = s.inChannels(), oh = s.outHeight(), ow = s.outWidth();
            for (int co = 0; co < s.outChannels(); co++) {
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        double magnitude = 0;
                        for (int ci = 0; ci < cin; ci++) {
                            int pixel = (ci * s.height() + y * s.stride()) * s.width() + x * s.stride();
                            magnitude += Math.abs(weights[co * cin + ci] * input[pixel]);
                        }
                        int i = (co * oh + y) * ow + x;
                        if (!(Math.abs(actual[i] - expected[i]) <= 2e-6 * (cin + 1) * magnitude + 1e-30)) {
                            throw new IllegalStateException("ONNX Runtime's Conv 1x1 differs from the engine's at "
                                    + shape + ", output " + co + ", pixel (" + y + "," + x + "): " + actual[i]
                                    + " vs " + expected[i] + "; the two would not be timing the same work");
                        }
                    }
                }
            }
        }
    }

    /** A MODULO shift written as a one-hot depthwise ONNX Conv, as PyTorch exports a shift. */
    @State(Scope.Thread)
    public static class ShiftLayer {
        @Param({BenchShapes.SHIFT_C64, BenchShapes.SHIFT_C128, BenchShapes.SHIFT_C256, BenchShapes.SHIFT_C512})
        public String shape;

        OrtRunner runner;

        @Setup(Level.Trial)
        public void setUp() throws OrtException {
            ShiftShape s = ShiftShape.parse(shape);
            ShiftTable table = ShiftTable.of(ShiftPolicy.MODULO, s.channels(), s.kernelSize(), 1);
            int k = s.kernelSize();
            float[] input = BenchSettings.randomFloats(s.elements(), 1f, BenchSettings.SEED);
            long[] dims = {1, s.channels(), s.height(), s.width()};
            byte[] model = singleConv("one-hot depthwise shift " + shape, dims, dims,
                    new long[] {s.channels(), 1, k, k}, table.oneHotDepthwiseWeights(),
                    OnnxAttribute.ofInts("kernel_shape", k, k),
                    OnnxAttribute.ofInts("pads", k / 2, k / 2, k / 2, k / 2),
                    OnnxAttribute.ofInt("group", s.channels()));
            runner = new OrtRunner(model, input, dims, dims);
            try {
                requireEqualToEngine(s, table, input, runner.runAndRead());
            } catch (RuntimeException | OrtException e) {
                runner.close();
                throw e;
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws OrtException {
            runner.close();
        }

        /** One-hot products and sums with zeros are exact, so ONNX Runtime must give the scalar shift's values. */
        private void requireEqualToEngine(ShiftShape s, ShiftTable table, float[] input, float[] actual) {
            float[] expected;
            try (Arena arena = Arena.ofConfined()) {
                Tensor in = Tensor.fromArray(arena, Layout.NCHW, 1, s.channels(), s.height(), s.width(), input);
                Tensor out = Tensor.allocate(arena, Layout.NCHW, 1, s.channels(), s.height(), s.width());
                KernelProvider.scalar().shift(in, table, out);
                expected = out.toArray();
            }
            for (int i = 0; i < expected.length; i++) {
                if (actual[i] != expected[i]) {
                    throw new IllegalStateException("ONNX Runtime's one-hot depthwise Conv differs from the engine's"
                            + " shift at " + shape + ", NCHW index " + i + ": " + actual[i] + " vs " + expected[i]
                            + "; the two would not be timing the same work");
                }
            }
        }
    }

    /**
     * A one-node ONNX model: {@code input} → Conv(weight) → {@code output}, no bias, fixed batch-1 shapes, written
     * with the engine's own ONNX records (the opset and IR version its exporter uses).
     */
    static byte[] singleConv(String name, long[] inDims, long[] outDims, long[] weightDims, float[] weights,
                             OnnxAttribute... attributes) {
        org.shiftnet4j.io.onnx.OnnxTensor weight =
                org.shiftnet4j.io.onnx.OnnxTensor.ofFloats("weight", weightDims, weights);
        OnnxNode conv = new OnnxNode("conv", "Conv", "", List.of("input", "weight"), List.of("output"),
                List.of(attributes), "");
        OnnxGraph graph = new OnnxGraph(name, List.of(conv), List.of(weight), List.of(valueInfo("input", inDims)),
                List.of(valueInfo("output", outDims)), List.of(), "");
        return new OnnxModel(OnnxExporter.IR_VERSION, List.of(new OpsetImport("", OnnxExporter.OPSET)),
                OnnxExporter.PRODUCER, "", "", 0, "", graph, Map.of()).toByteArray();
    }

    private static OnnxValueInfo valueInfo(String name, long[] dims) {
        OnnxDim[] shape = new OnnxDim[dims.length];
        for (int i = 0; i < dims.length; i++) {
            shape[i] = OnnxDim.of(dims[i]);
        }
        return OnnxValueInfo.tensor(name, org.shiftnet4j.io.onnx.OnnxTensor.FLOAT, shape);
    }

    /** An ONNX Runtime session with its input tensor and pinned output made once. */
    static final class OrtRunner implements AutoCloseable {
        private final OrtSession.SessionOptions options;
        private final OrtSession session;
        private final OnnxTensor input;
        private final OnnxTensor output;
        private final Map<String, OnnxTensor> inputs;
        private final Map<String, OnnxTensor> outputs;

        OrtRunner(byte[] model, float[] values, long[] inDims, long[] outDims) throws OrtException {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            options = OrtModelBench.fairOptions(THREADS);
            session = env.createSession(model, options);
            input = OnnxTensor.createTensor(env, direct(values.length).put(values).flip(), inDims);
            output = OnnxTensor.createTensor(env, direct(Math.toIntExact(product(outDims))), outDims);
            inputs = Map.of("input", input);
            outputs = Map.of("output", output);
        }

        OnnxTensor run() throws OrtException {
            try (OrtSession.Result ignored = session.run(inputs, outputs)) {
                return output;
            }
        }

        float[] runAndRead() throws OrtException {
            run();
            FloatBuffer buffer = output.getFloatBuffer();
            float[] values = new float[buffer.remaining()];
            buffer.get(values);
            return values;
        }

        @Override
        public void close() throws OrtException {
            session.close();
            input.close();
            output.close();
            options.close();
        }

        private static FloatBuffer direct(int floats) {
            return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }

        private static long product(long[] dims) {
            long p = 1;
            for (long d : dims) {
                p *= d;
            }
            return p;
        }
    }
}
