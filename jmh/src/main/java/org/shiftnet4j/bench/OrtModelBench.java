package org.shiftnet4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
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
import org.shiftnet4j.bench.BenchModels.RunConfig;
import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.Weights;
import org.shiftnet4j.io.onnx.OnnxExporter;
import org.shiftnet4j.runtime.Model;
import org.shiftnet4j.runtime.Session;
import org.shiftnet4j.tensor.Layout;

/**
 * The peer: ONNX Runtime on the same networks, weights and input as {@link ModelBench}, exported by the engine with
 * every shift as a one-hot depthwise Conv (how PyTorch users hand shift networks to runtimes). Configured fairly: the
 * same intra-op thread count, inter-op 1, sequential execution, idle spinning off, all graph optimisations, one
 * reused direct input tensor and a preallocated (pinned) output. Before timing, ONNX Runtime's logits are checked
 * against the engine's on the same input.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = BenchSettings.FORKS, jvmArgsAppend = {BenchSettings.ADD_VECTOR_MODULE, BenchSettings.NATIVE_ACCESS,
        BenchSettings.HEAP_MIN, BenchSettings.HEAP_MAX, BenchSettings.PRE_TOUCH})
@Warmup(iterations = BenchSettings.WARMUP_ITERATIONS, time = BenchSettings.ITERATION_SECONDS)
@Measurement(iterations = BenchSettings.MEASUREMENT_ITERATIONS, time = BenchSettings.ITERATION_SECONDS)
public class OrtModelBench {
    @Param({BenchModels.SHIFTNET_A, BenchModels.SHIFTRESNET20})
    public String model;

    @Param({BenchModels.BATCH1_THREADS1, BenchModels.BATCH1_THREADS2, BenchModels.BATCH8_THREADS2})
    public String config;

    private OrtSession.SessionOptions options;
    private OrtSession session;
    private OnnxTensor input;
    private OnnxTensor output;
    private Map<String, OnnxTensor> inputs;
    private Map<String, OnnxTensor> outputs;

    @Setup(Level.Trial)
    public void setUp() throws OrtException {
        RunConfig run = RunConfig.parse(config);
        Graph graph = BenchModels.build(model);
        Weights weights = Weights.randomized(graph, BenchSettings.SEED);
        byte[] onnx = OnnxExporter.export(graph, weights, OnnxExporter.ShiftForm.ONE_HOT_DEPTHWISE).toByteArray();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        options = fairOptions(run.threads());
        session = env.createSession(onnx, options);
        int batch = run.batch();
        float[] x = BenchSettings.randomFloats(batch * (int) graph.input().elementsPerImage(), 1f, BenchSettings.SEED + 1);
        input = OnnxTensor.createTensor(env, direct(x.length).put(x).flip(), new long[] {batch,
                graph.input().channels(), graph.input().height(), graph.input().width()});
        int classes = (int) graph.output().elementsPerImage();
        output = OnnxTensor.createTensor(env, direct(batch * classes), new long[] {batch, classes});
        inputs = Map.of("input", input);
        outputs = Map.of("output", output);
        onnxRuntime();
        float[] ours;
        try (Session s = Model.prepare(graph, weights).newSession(batch)) {
            ours = s.run(x, Layout.NCHW, batch);
        }
        FloatBuffer theirs = output.getFloatBuffer();
        double[] expected = new double[ours.length];
        for (int i = 0; i < ours.length; i++) expected[i] = ours[i];
        float[] actual = new float[theirs.remaining()];
        theirs.get(actual);
        ModelCheck.requireClose("ONNX Runtime on " + BenchModels.label(graph) + " vs shiftnet4j", expected, actual);
    }

    /** Same threads as the engine, sequential, no spinning (it would steal the other core), full optimisation. */
    static OrtSession.SessionOptions fairOptions(int threads) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(threads);
        o.setInterOpNumThreads(1);
        o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        o.addConfigEntry("session.intra_op.allow_spinning", "0");
        o.addConfigEntry("session.inter_op.allow_spinning", "0");
        return o;
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        session.close();
        input.close();
        output.close();
        options.close();
    }

    @Benchmark
    public OnnxTensor onnxRuntime() throws OrtException {
        try (OrtSession.Result ignored = session.run(inputs, outputs)) {
            return output;
        }
    }
}
