package org.shiftnet4j.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.shiftnet4j.io.onnx.ImportedNetwork;
import org.shiftnet4j.kernel.KernelProvider;
import org.shiftnet4j.kernel.Kernels;
import org.shiftnet4j.runtime.Model;
import org.shiftnet4j.runtime.Session;
import org.shiftnet4j.tensor.Layout;

/**
 * Whole networks: the time of one {@link Session#run} (input copy in, every layer, logits out) on seeded random
 * weights, for a batch of images with a number of intra-op threads. The report turns it into images/s and GFLOP/s
 * (2 × {@link Graph#multiplyAdds()} per image) against {@link FmaPeakBench} from the same run.
 *
 * <p>Average time, not sample mode: sample mode's per-call bookkeeping allocates in the benchmark thread, which
 * would hide whether {@code run} itself allocates. Allocation is reported twice: JMH's {@code -prof gc}
 * ({@code gc.alloc.rate.norm}, the whole JVM including the harness, a few KB per iteration, which at tens of
 * milliseconds per call shows as hundreds of B/op) and the exact {@link SessionAllocation} counters, which read the
 * per-thread allocation of the benchmark thread and the session's workers around each iteration.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = BenchSettings.FORKS, jvmArgsAppend = {BenchSettings.ADD_VECTOR_MODULE, BenchSettings.NATIVE_ACCESS,
        BenchSettings.HEAP_MIN, BenchSettings.HEAP_MAX, BenchSettings.PRE_TOUCH})
@Warmup(iterations = BenchSettings.WARMUP_ITERATIONS, time = BenchSettings.ITERATION_SECONDS)
@Measurement(iterations = BenchSettings.MEASUREMENT_ITERATIONS, time = BenchSettings.ITERATION_SECONDS)
public class ModelBench {
    /** The session's worker threads are named after it (see {@code IntraOpPool}); used only to find them. */
    private static final String WORKER_NAME_PREFIX = "shiftnet4j-";

    @Param({BenchModels.SHIFTNET_A, BenchModels.SHIFTRESNET20, BenchModels.RESNET20})
    public String model;

    @Param({BenchModels.BATCH1_THREADS1, BenchModels.BATCH1_THREADS2, BenchModels.BATCH8_THREADS2})
    public String config;

    /** The model's internal activation layout; the caller's input is NCHW either way. */
    @Param({"NHWC", "NCHW"})
    public Layout layout;

    /**
     * Where the timed network comes from: "native" (the model builder) or "onnx" (exported to ONNX with its shifts as
     * one-hot depthwise Convs, as PyTorch writes them, and imported back: the shifts must come back as shifts). Only
     * native runs by default; add {@code -p source=native,onnx} to time both.
     */
    @Param({"native"})
    public String source;

    private Session session;
    private int batch;
    private float[] input;
    private float[] logits;
    private long[] workerThreadIds;

    @Setup(Level.Trial)
    public void setUp() {
        RunConfig run = RunConfig.parse(config);
        batch = run.batch();
        Graph graph = BenchModels.build(model);
        Weights weights = Weights.randomized(graph, BenchSettings.SEED);
        Model.Options options = new Model.Options(layout, vectorKernels());
        Model timed = switch (source) {
            case "native" -> Model.prepare(graph, weights, options);
            case "onnx" -> {
                ImportedNetwork imported = BenchModels.throughOnnx(graph, weights);
                yield Model.prepare(imported.graph(), imported.weights(), options);
            }
            default -> throw new IllegalArgumentException("source must be native or onnx, got " + source);
        };
        Set<Long> threadsBefore = liveThreadIds();
        session = timed.newSession(batch, run.threads());
        try {
            workerThreadIds = newWorkerThreadIds(threadsBefore, run.threads() - 1);
            input = BenchSettings.randomFloats(batch * session.inputSize(), 1f, BenchSettings.SEED + 1);
            logits = new float[batch * session.outputSize()];
            ModelCheck.requireCorrect(BenchModels.label(graph) + " " + layout + " " + config, session, input,
                    batch, logits, BenchModels.referenceCheckGraph(model), weights, options, run.threads());
        } catch (RuntimeException | Error e) {
            session.close();
            throw e;
        }
        // As a server would (Session.warmUp): let C2 compile every kernel before JMH's own warm-up, which at 5 × 1 s
        // ends before ShiftNet-A's once-per-inference kernels are compiled (they allocate until then).
        session.warmUp(java.time.Duration.ofSeconds(BenchModels.isShiftNet(model) ? 15 : 5));
        // The reference check leaves hundreds of MB of garbage; collect it before the first timed iteration.
        System.gc();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        session.close();
    }

    @Benchmark
    public float[] sessionRun(SessionAllocation allocation) {
        session.run(input, Layout.NCHW, batch, logits);
        allocation.sessionRuns++;
        return logits;
    }

    /** The benchmark thread first, then the session's workers. */
    long[] sessionThreadIds(long benchmarkThreadId) {
        long[] ids = new long[workerThreadIds.length + 1];
        ids[0] = benchmarkThreadId;
        System.arraycopy(workerThreadIds, 0, ids, 1, workerThreadIds.length);
        return ids;
    }

    private static Kernels vectorKernels() {
        return KernelProvider.vector().orElseThrow(() -> new IllegalStateException(
                "the Vector API kernels are unavailable; the fork needs " + BenchSettings.ADD_VECTOR_MODULE));
    }

    private static Set<Long> liveThreadIds() {
        Set<Long> ids = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            ids.add(t.threadId());
        }
        return ids;
    }

    /** The session's workers: threads started by {@code newSession}, found by name and required to be all there. */
    private static long[] newWorkerThreadIds(Set<Long> before, int expected) {
        List<Thread> workers = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!before.contains(t.threadId()) && t.getName().startsWith(WORKER_NAME_PREFIX)) {
                workers.add(t);
            }
        }
        if (workers.size() != expected) {
            throw new IllegalStateException("expected " + expected + " new session worker thread(s) named "
                    + WORKER_NAME_PREFIX + "*, found " + workers + "; without them the allocation count is incomplete");
        }
        return workers.stream().mapToLong(Thread::threadId).toArray();
    }

    /**
     * Bytes allocated by the threads that execute {@code Session.run} (the benchmark thread and the session's
     * workers) during each measured iteration, and the calls made in it; their ratio is the exact allocation per
     * call. JMH reports both as secondary metrics ({@code EVENTS}: summed over the iterations, so the ratio holds).
     * The benchmark thread's own loop allocates nothing in average-time mode, so anything counted is {@code run}'s.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class SessionAllocation {
        private static final com.sun.management.ThreadMXBean THREADS = threadBean();

        public long sessionAllocatedBytes;
        public long sessionRuns;
        private long[] threadIds = new long[0];
        private long[] startBytes = new long[0];

        @Setup(Level.Iteration)
        public void startCounting(ModelBench bench) {
            threadIds = bench.sessionThreadIds(Thread.currentThread().threadId());
            startBytes = new long[threadIds.length];
            sessionAllocatedBytes = 0;
            sessionRuns = 0;
            // The benchmark thread (index 0) is read last, after everything this method allocates.
            for (int i = threadIds.length - 1; i >= 0; i--) {
                startBytes[i] = allocatedBytes(threadIds[i]);
            }
        }

        @TearDown(Level.Iteration)
        public void stopCounting() {
            long total = 0;
            for (int i = 0; i < threadIds.length; i++) {
                total += allocatedBytes(threadIds[i]) - startBytes[i];
            }
            sessionAllocatedBytes = total;
        }

        private static long allocatedBytes(long threadId) {
            long bytes = THREADS.getThreadAllocatedBytes(threadId);
            if (bytes < 0) {
                throw new IllegalStateException("thread " + threadId + " of the session has ended;"
                        + " its allocation can no longer be counted");
            }
            return bytes;
        }

        private static com.sun.management.ThreadMXBean threadBean() {
            if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean)
                    || !bean.isThreadAllocatedMemorySupported()) {
                throw new IllegalStateException("this JVM cannot count allocation per thread");
            }
            bean.setThreadAllocatedMemoryEnabled(true);
            return bean;
        }
    }
}
