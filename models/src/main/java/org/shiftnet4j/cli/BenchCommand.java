package org.shiftnet4j.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.Weights;
import org.shiftnet4j.kernel.KernelProvider;
import org.shiftnet4j.runtime.Model;
import org.shiftnet4j.runtime.Session;
import org.shiftnet4j.tensor.Layout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures a network's latency (p50/p90/p99) and throughput: a zoo network on seeded random "
                + "weights, or an .onnx file on its own weights.")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "1", description = "Images per run (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "1", description = "Intra-op threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "5", description = "Measurement time (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--warmup", paramLabel = "S", defaultValue = "2", description = "Warm-up time (default ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--layout", paramLabel = "L", defaultValue = "NHWC", description = "Internal layout: NHWC (default) or NCHW.")
    Layout layout;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the random weights and input (default ${DEFAULT-VALUE}).")
    long seed;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws java.io.IOException {
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        if (threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        if (!(seconds > 0) || !(warmup >= 0)) throw new IllegalArgumentException("--seconds must be > 0 and --warmup >= 0");
        Graph graph;
        Weights weights;
        if (modelOptions.isOnnx()) {
            org.shiftnet4j.io.onnx.ImportedNetwork imported = modelOptions.importOnnx();
            graph = imported.graph();
            weights = imported.weights();
        } else {
            graph = modelOptions.build();
            weights = Weights.randomized(graph, seed);
        }
        PrintWriter out = spec.commandLine().getOut();
        Model model = Model.prepare(graph, weights, Model.Options.defaults().withLayout(layout));
        float[] input = new float[batch * graph.input().channels() * graph.input().height() * graph.input().width()];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < input.length; i++) input[i] = (float) (random.nextDouble() * 2 - 1);
        float[] logits = new float[batch * (int) graph.output().elementsPerImage()];
        Progress progress = new Progress(System.err);
        long[] samples = new long[1 << 16];
        int count = 0;
        try (Session session = model.newSession(batch, threads)) {
            long start = System.nanoTime(), warmupNanos = (long) (warmup * 1e9);
            while (System.nanoTime() - start < warmupNanos) {
                session.run(input, Layout.NCHW, batch, logits);
                progress.update("warm-up", (System.nanoTime() - start) / (double) warmupNanos);
            }
            long measureNanos = (long) (seconds * 1e9);
            start = System.nanoTime();
            long now = start;
            while (now - start < measureNanos && count < samples.length) {
                long t0 = System.nanoTime();
                session.run(input, Layout.NCHW, batch, logits);
                now = System.nanoTime();
                samples[count++] = now - t0;
                progress.update("measuring", (now - start) / (double) measureNanos);
            }
            progress.done();
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        double total = 0;
        for (long s : sorted) total += s;
        out.printf("%s  batch %d  threads %d  layout %s  kernels %s  Java %s%n", graph.name(), batch, threads, layout,
                KernelProvider.get().name(), Runtime.version());
        out.printf("%,d parameters, %,d multiply-adds per image; runs %d shifts and %d convolutions%n",
                graph.parameterCount(true), graph.multiplyAdds(),
                graph.nodes().stream().filter(n -> n instanceof org.shiftnet4j.graph.Node.Shift).count(),
                graph.nodes().stream().filter(n -> n instanceof org.shiftnet4j.graph.Node.Conv).count());
        out.printf("runs %d   p50 %.3f ms   p90 %.3f ms   p99 %.3f ms   %.1f images/s   %.1f GMAC/s%n", count,
                percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99),
                batch * count / (total / 1e9), graph.multiplyAdds() * (double) batch * count / total);
        out.flush();
        return 0;
    }

    static double percentile(long[] sorted, double p) {
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
}
