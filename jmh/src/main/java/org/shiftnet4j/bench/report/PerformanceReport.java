package org.shiftnet4j.bench.report;

import static org.shiftnet4j.bench.report.FoundationReport.MISSING;
import static org.shiftnet4j.bench.report.FoundationReport.err;
import static org.shiftnet4j.bench.report.FoundationReport.num;
import static org.shiftnet4j.bench.report.FoundationReport.pct;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.shiftnet4j.bench.BenchModels;
import org.shiftnet4j.bench.BenchModels.RunConfig;
import org.shiftnet4j.bench.BenchShapes;
import org.shiftnet4j.bench.BenchShapes.PointwiseShape;
import org.shiftnet4j.bench.BenchShapes.ShiftShape;
import org.shiftnet4j.bench.CscBlockBench;
import org.shiftnet4j.bench.CscBlockBench.BlockShape;
import org.shiftnet4j.bench.FmaPeakBench;
import org.shiftnet4j.bench.report.FoundationReport.Context;
import org.shiftnet4j.bench.report.FoundationReport.Timing;
import org.shiftnet4j.bench.report.JmhResult.Metric;
import org.shiftnet4j.bench.report.TargetCheck.Rule;
import org.shiftnet4j.bench.report.TargetCheck.Status;
import org.shiftnet4j.bench.report.TargetCheck.Target;
import org.shiftnet4j.graph.Graph;

/**
 * Turns the JMH JSON of the performance suite into {@code docs/benchmarks/README.md}: one table per target group
 * (1×1 convolution, CSC block, standalone shift, whole models), each figure next to its same-run reference (FMA
 * peak, memory copy, ONNX Runtime on the same layer or network) with a MET / NOT MET verdict per row and per target,
 * a hand-written note on what limits each target that is not met, and a PNG chart of the models against ONNX
 * Runtime.
 *
 * <p>Usage: {@code PerformanceReport --json FILE --md FILE [--limits FILE] [--chart FILE] [--command TEXT]
 * [--started TEXT]}. {@code --limits} defaults to {@code limits.md} and {@code --chart} to
 * {@value #CHART_FILE} next to the Markdown file. Run it with {@code --add-modules=jdk.incubator.vector} (for the
 * vector width of the FLOP counts) and {@code -Djava.awt.headless=true}.
 */
public final class PerformanceReport {
    static final String TOOL = "PerformanceReport";
    static final String CHART_FILE = "models-vs-onnxruntime.png";
    static final String LIMITS_FILE = "limits.md";

    static final String FMA = "FmaPeakBench.fmaPeak";
    static final String COPY = "MemoryCopyBench.copy";
    static final String SHIFT = "ShiftBench.shiftVector";
    static final String ORT_CONV = "OrtLayerBench.conv1x1";
    static final String ORT_SHIFT = "OrtLayerBench.oneHotDepthwiseShift";
    static final String POINTWISE_STEP = "ShiftNetPointwiseBench.pointwiseStep";
    static final String CONV1X1 = "Conv1x1Bench.conv1x1Vector";
    static final String CSC = "CscBlockBench.sessionRun";
    static final String MODEL = "ModelBench.sessionRun";
    static final String ORT_MODEL = "OrtModelBench.onnxRuntime";

    static final double CONV_PEAK_SHARE = 0.80;
    static final double CONV_VS_ORT = 1.2;
    static final double CONV_TWO_THREADS = 1.8;
    /** "The larger shapes" of the two-thread target: enough work per call to split it over two cores. */
    static final double LARGE_SHAPE_FLOPS = 50e6;
    static final double CSC_WITH_OVER_WITHOUT = 1.03;
    static final double SHIFT_COPY_SHARE = 0.80;
    static final double SHIFT_VS_ORT = 5;
    static final double MODEL_TIME_VS_ORT = 0.7;
    static final double MODEL_THROUGHPUT_VS_ORT = 1.3;
    static final int THROUGHPUT_BATCH = 8;
    static final int THROUGHPUT_THREADS = 2;

    private static final List<String> LAYOUTS = List.of("NHWC", "NCHW");
    private static final List<String> SHIFTNET_A_POINTWISE = List.of(BenchShapes.SHIFTNET_A_32TO128_112,
            BenchShapes.SHIFTNET_A_128TO32_112_S2, BenchShapes.SHIFTNET_A_64TO256_56,
            BenchShapes.SHIFTNET_A_256TO64_56, BenchShapes.SHIFTNET_A_256TO64_56_S2,
            BenchShapes.SHIFTNET_A_128TO384_28, BenchShapes.SHIFTNET_A_384TO128_28,
            BenchShapes.SHIFTNET_A_384TO128_28_S2, BenchShapes.SHIFTNET_A_256TO512_14,
            BenchShapes.SHIFTNET_A_512TO256_14, BenchShapes.SHIFTNET_A_512TO256_14_S2,
            BenchShapes.SHIFTNET_A_512TO512_7);
    private static final List<String> SHIFT_SHAPES = List.of(BenchShapes.SHIFT_C64, BenchShapes.SHIFT_C128,
            BenchShapes.SHIFT_C256, BenchShapes.SHIFT_C512);
    private static final List<String> BLOCKS = List.of(CscBlockBench.BLOCK_C64, CscBlockBench.BLOCK_C128,
            CscBlockBench.BLOCK_C256);
    private static final List<String> MODELS = List.of(BenchModels.SHIFTNET_A, BenchModels.SHIFTRESNET20);
    private static final List<String> CONFIGS = List.of(BenchModels.BATCH1_THREADS1, BenchModels.BATCH1_THREADS2,
            BenchModels.BATCH8_THREADS2);

    private final List<JmhResult> results;
    private final Context context;
    private final LimitNotes notes;
    /** Where the chart is, relative to the Markdown file; null when no chart is written. */
    private final String chartLink;
    private final Map<String, List<JmhResult>> byBenchmark = new HashMap<>();
    private final Set<JmhResult> reported = new HashSet<>();
    private final Map<String, Graph> graphs = new HashMap<>();
    private final List<Target> targets = new ArrayList<>();

    PerformanceReport(List<JmhResult> results, Context context, LimitNotes notes, String chartLink) {
        this.results = List.copyOf(results);
        this.context = context;
        this.notes = notes;
        this.chartLink = chartLink;
        for (JmhResult r : results) {
            byBenchmark.computeIfAbsent(r.shortName(), k -> new ArrayList<>()).add(r);
        }
    }

    public static void main(String[] args) throws IOException {
        FoundationReport.writeReportWithOptions(args, TOOL, (results, context, options, md) -> {
            Path dir = md.toAbsolutePath().getParent();
            Path chart = Path.of(options.getOrDefault("--chart", dir.resolve(CHART_FILE).toString()));
            LimitNotes notes = LimitNotes.read(Path.of(options.getOrDefault("--limits",
                    dir.resolve(LIMITS_FILE).toString())));
            String link = dir.relativize(chart.toAbsolutePath()).toString().replace('\\', '/');
            PerformanceReport report = new PerformanceReport(results, context, notes, link);
            List<PerformanceChart.Bar> bars = report.chartBars();
            if (!bars.isEmpty()) {
                PerformanceChart.writePng(chart, bars);
                System.out.println(TOOL + ": wrote " + chart);
            }
            return report.render();
        });
    }

    String render() {
        targets.clear();
        reported.clear();
        StringBuilder body = new StringBuilder();
        appendPointwise(body);
        appendCscBlock(body);
        appendShift(body);
        appendModels(body);
        appendOthers(body);

        StringBuilder out = new StringBuilder();
        appendPreamble(out);
        if (results.isEmpty()) {
            out.append("## Results\n\nNo performance run is recorded in this file yet: run ")
                    .append("`scripts/run-benchmarks --suite performance` on an idle machine. The targets it checks:\n\n");
            appendSummary(out);
            return out.toString();
        }
        FoundationReport.appendRunTable(out, results, context);
        out.append("Peer: ONNX Runtime ").append(onnxRuntimeVersion()).append(" (Java API, CPU execution provider), ")
                .append("the same intra-op thread count as ours, inter-op 1, sequential execution, no spinning, all ")
                .append("graph optimisations, a direct input tensor and a preallocated output.\n\n");
        out.append("## Targets\n\n");
        appendSummary(out);
        out.append(body);
        return out.toString();
    }

    private void appendPreamble(StringBuilder out) {
        out.append("# Performance: shiftnet4j against its targets\n\n");
        if (results.isEmpty()) {
            out.append("Generated by `PerformanceReport` from a run without results; do not edit it by hand, run ")
                    .append("the suite.\n\n");
        } else {
            out.append("Generated by `PerformanceReport` from `").append(context.jsonFile()).append("` (the raw JMH ")
                    .append("JSON of one run); do not edit it by hand, rerun the suite.\n\n");
        }
        out.append("## How to run\n\n```\n")
                .append("scripts/run-benchmarks --suite performance          # the measurement: one JMH run, then this page,\n")
                .append("                                                    # performance.json and ").append(CHART_FILE).append('\n')
                .append("scripts/run-benchmarks --suite performance --quick  # smoke run (1 fork, short iterations); writes to\n")
                .append("                                                    # a temporary folder, never here\n")
                .append("```\n\n")
                .append("Run it on an otherwise idle machine: anything else on the same cores distorts every figure. ")
                .append("What limits a target that is not met is written by hand in `").append(LIMITS_FILE)
                .append("` (one `## <target id>` section per target) and printed under the target. The foundation ")
                .append("and models suites, their settings and the runs recorded in this folder are described in ")
                .append("[suites.md](suites.md).\n\n");
        out.append("## How to read\n\n")
                .append("- Every ratio divides two figures of the same JMH run: ours against the FMA peak, a memory ")
                .append("copy of the same bytes, or ONNX Runtime (*ORT*) on the same layer or network with the same ")
                .append("thread count.\n")
                .append("- Times are JMH's mean over all measured iterations of all forks; **±** is JMH's 99.9% ")
                .append("confidence half-width (n/a with too few iterations). Rates carry the same relative error; ")
                .append("the error of a ratio combines both relative errors.\n")
                .append("- Each row says MET or **NOT MET** by comparing the mean with the target. A target is MET ")
                .append("when its rows meet it as its rule says (every layout, or one layout when a model would run ")
                .append("in one); *MET where measured* means rows are missing from the run; *NO DATA* means the run ")
                .append("had none of its benchmarks.\n")
                .append("- *ours* is shiftnet4j with its Vector API kernels; batch 1 and one thread unless a column ")
                .append("says otherwise.\n\n");
    }

    private void appendSummary(StringBuilder out) {
        MarkdownTable table = new MarkdownTable("target", "goal", "status", "result").text();
        for (Target t : targets) {
            table.row("`" + t.id() + "`", t.goal(), t.status().text, t.result());
        }
        table.appendTo(out);
    }

    /** Records a target and writes its verdict, with the limits note when it is not met. */
    private void appendTarget(StringBuilder out, TargetCheck check) {
        Target t = check.result();
        targets.add(t);
        out.append("- `").append(t.id()).append("`, ").append(t.goal()).append(": ").append(t.status().text)
                .append(". ").append(t.result()).append(".\n");
        if (t.status() == Status.NOT_MET) {
            Optional<String> note = notes.of(t.id());
            if (note.isPresent()) {
                out.append("\n  What limits it (from `").append(notes.source()).append("`):\n\n");
                for (String line : note.get().split("\n", -1)) {
                    out.append(line.isBlank() ? "  >\n" : "  > " + line + "\n");
                }
                out.append('\n');
            } else {
                out.append("  What limits it: no note yet; add a `## ").append(t.id()).append("` section to `")
                        .append(notes.source()).append("`.\n");
            }
        }
    }

    // ---------------------------------------------------------------- 1×1 convolution

    private void appendPointwise(StringBuilder out) {
        double peak = peakGflops();
        out.append("## 1×1 convolution at ShiftNet-A's shapes\n\n");
        out.append("Every distinct pointwise convolution of ShiftNet-A at 224×224, batch 1 (*layers*: how many of ")
                .append("the network's 1×1 convolutions have the shape; */2*: stride 2). *ours*: `")
                .append(POINTWISE_STEP).append("` (the runtime's pointwise step, 1 and 2 threads) or, where it has ")
                .append("no result, `").append(CONV1X1).append("` (1 thread). *ORT*: `").append(ORT_CONV)
                .append("`, a Conv 1×1 node without bias, NCHW, 1 thread. GFLOP/s counts 2·Cout·Cin per output ")
                .append("pixel; *% of peak* divides by this run's one-thread FMA peak (")
                .append(Double.isFinite(peak) ? num(peak) + " GFLOP/s" : "not in the run").append("). The ")
                .append("two-thread target applies to shapes of at least ").append(num(LARGE_SHAPE_FLOPS / 1e6))
                .append(" MFLOP.\n\n");
        TargetCheck peakShare = new TargetCheck("conv1x1-peak", "1×1 conv ≥ " + pct(CONV_PEAK_SHARE)
                + " of the FMA peak (1 thread, every shape in one layout)", CONV_PEAK_SHARE, true, Rule.SOME_GROUP,
                FoundationReport::pct);
        TargetCheck vsOrt = new TargetCheck("conv1x1-vs-ort", "1×1 conv ≥ " + num(CONV_VS_ORT)
                + "× ONNX Runtime's speed (1 thread, every shape in one layout)", CONV_VS_ORT, true, Rule.SOME_GROUP,
                PerformanceReport::times);
        TargetCheck twoThreads = new TargetCheck("conv1x1-2-threads", "1×1 conv 2 threads ≥ " + num(CONV_TWO_THREADS)
                + "× 1 thread on shapes ≥ " + num(LARGE_SHAPE_FLOPS / 1e6) + " MFLOP (in one layout)",
                CONV_TWO_THREADS, true, Rule.SOME_GROUP, PerformanceReport::times);
        MarkdownTable table = new MarkdownTable("shape", "layers", "MFLOP", "layout", "ours µs", "±", "GFLOP/s",
                "% of peak", "≥ " + pct(CONV_PEAK_SHARE), "ORT µs", "±", "ORT / ours", "≥ " + times(CONV_VS_ORT),
                "2 threads µs", "2T / 1T", "≥ " + times(CONV_TWO_THREADS));
        for (PointwiseShape shape : pointwiseShapes()) {
            Optional<Timing> ort = time(ORT_CONV, pointwise(shape));
            for (String layout : LAYOUTS) {
                Optional<Timing> one = time(POINTWISE_STEP, pointwise(shape).and(param("layout", layout))
                        .and(param("threads", "1")));
                if (one.isEmpty()) {
                    one = time(CONV1X1, pointwise(shape).and(param("layout", layout)));
                }
                Optional<Timing> two = time(POINTWISE_STEP, pointwise(shape).and(param("layout", layout))
                        .and(param("threads", "2")));
                String row = shape.label() + ", " + layout;
                double gflops = one.map(t -> t.giga(shape.flops())).orElse(Double.NaN);
                double share = gflops / peak;
                double ortRatio = ratio(ort, one);
                double scaling = ratio(one, two);
                boolean large = shape.flops() >= LARGE_SHAPE_FLOPS;
                table.row(shape.label(), layers(shape), num(shape.flops() / 1e6), layout, micros(one), error(one),
                        num(gflops), pct(share), peakShare.record(layout, row, share),
                        micros(ort), error(ort), times(ortRatio), vsOrt.record(layout, row, ortRatio),
                        micros(two), times(scaling), large ? twoThreads.record(layout, row, scaling) : "n/a (small)");
            }
        }
        table.appendTo(out);
        appendTarget(out, peakShare);
        appendTarget(out, vsOrt);
        appendTarget(out, twoThreads);
        out.append('\n');
    }

    /** ShiftNet-A's shapes in network order, then any other shape the run has for ours or ORT. */
    private List<PointwiseShape> pointwiseShapes() {
        Set<PointwiseShape> shapes = new LinkedHashSet<>();
        SHIFTNET_A_POINTWISE.forEach(s -> shapes.add(PointwiseShape.parse(s)));
        for (String bench : List.of(POINTWISE_STEP, ORT_CONV)) {
            for (JmhResult r : byBenchmark.getOrDefault(bench, List.of())) {
                pointwiseShapeOf(r).ifPresent(shapes::add);
            }
        }
        return List.copyOf(shapes);
    }

    private static String layers(PointwiseShape shape) {
        for (int i = 0; i < SHIFTNET_A_POINTWISE.size(); i++) {
            if (PointwiseShape.parse(SHIFTNET_A_POINTWISE.get(i)).equals(shape)) {
                return String.valueOf(BenchShapes.SHIFTNET_A_POINTWISE_LAYERS[i]);
            }
        }
        return MISSING;
    }

    private static Predicate<JmhResult> pointwise(PointwiseShape shape) {
        return r -> pointwiseShapeOf(r).filter(shape::equals).isPresent();
    }

    private static Optional<PointwiseShape> pointwiseShapeOf(JmhResult r) {
        try {
            return Optional.ofNullable(r.param("shape")).map(PointwiseShape::parse);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------- CSC block

    private void appendCscBlock(StringBuilder out) {
        out.append("## CSC block: with and without its shift\n\n");
        out.append("`").append(CSC).append("`: one ShiftNet-A block, x + 1×1(εC→C)(ReLU(BN(shift(1×1(C→εC)")
                .append("(ReLU(BN(x))))))), MODULO shift, prepared by `Model.prepare` and timed through ")
                .append("`Session.run` (batch 1, one thread), and the same block and weights with the shift node ")
                .append("left out (which also lets the second BN fold into the first 1×1 conv). Each call includes ")
                .append("the session's copy of the input in and the output out, the same in both variants; ")
                .append("*shift cost* is the difference. MFLOP counts the two 1×1 convolutions.\n\n");
        TargetCheck overhead = new TargetCheck("csc-shift-overhead", "CSC block with its shift ≤ "
                + times(CSC_WITH_OVER_WITHOUT) + " the block without (both layouts)", CSC_WITH_OVER_WITHOUT, false,
                Rule.EVERY_GROUP, PerformanceReport::times);
        MarkdownTable table = new MarkdownTable("block", "MFLOP", "layout", "with shift µs", "±", "without µs", "±",
                "shift cost µs", "with / without", "±", "≤ " + times(CSC_WITH_OVER_WITHOUT));
        for (String block : blocks()) {
            BlockShape shape = BlockShape.parse(block);
            for (String layout : LAYOUTS) {
                Predicate<JmhResult> row = param("block", block).and(param("layout", layout));
                Optional<Timing> with = time(CSC, row.and(param("variant", CscBlockBench.WITH_SHIFT)));
                Optional<Timing> without = time(CSC, row.and(param("variant", CscBlockBench.WITHOUT_SHIFT)));
                double ratio = ratio(with, without);
                double difference = with.isPresent() && without.isPresent()
                        ? with.get().micros() - without.get().micros() : Double.NaN;
                table.row(shape.label(), num(shape.flops() / 1e6), layout, micros(with), error(with),
                        micros(without), error(without), num(difference), times(ratio),
                        err(ratioError(ratio, with, without)),
                        overhead.record(layout, shape.label() + ", " + layout, ratio));
            }
        }
        table.appendTo(out);
        appendTarget(out, overhead);
        out.append('\n');
    }

    private List<String> blocks() {
        Set<String> blocks = new LinkedHashSet<>(BLOCKS);
        for (JmhResult r : byBenchmark.getOrDefault(CSC, List.of())) {
            String block = r.param("block");
            if (block != null && parses(block)) {
                blocks.add(block);
            }
        }
        return List.copyOf(blocks);
    }

    private static boolean parses(String block) {
        try {
            BlockShape.parse(block);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- shift

    private void appendShift(StringBuilder out) {
        out.append("## Standalone shift (MODULO policy), both layouts\n\n");
        out.append("*ours*: `").append(SHIFT).append("` (vector kernel, unbordered input). *copy*: `").append(COPY)
                .append("`, `MemorySegment.copy` of the same activation between native segments. *ORT*: `")
                .append(ORT_SHIFT).append("`, the shift as PyTorch exports it: a depthwise Conv with one-hot ")
                .append("K×K kernels, group = C, pads K/2, NCHW, 1 thread. GB/s counts the input read once and the ")
                .append("output written once (2·C·H·W·4 bytes); *% of copy* = copy time / shift time.\n\n");
        TargetCheck bandwidth = new TargetCheck("shift-bandwidth", "shift ≥ " + pct(SHIFT_COPY_SHARE)
                + " of the memory copy's GB/s (both layouts)", SHIFT_COPY_SHARE, true, Rule.EVERY_GROUP,
                FoundationReport::pct);
        TargetCheck vsOrt = new TargetCheck("shift-vs-ort", "shift ≥ " + times(SHIFT_VS_ORT)
                + " faster than ONNX Runtime's one-hot depthwise Conv (both layouts)", SHIFT_VS_ORT, true,
                Rule.EVERY_GROUP, PerformanceReport::times);
        MarkdownTable table = new MarkdownTable("shape", "layout", "MB moved", "ours µs", "±", "GB/s", "copy GB/s",
                "% of copy", "≥ " + pct(SHIFT_COPY_SHARE), "ORT µs", "±", "ORT / ours", "≥ " + times(SHIFT_VS_ORT));
        for (String shapeText : SHIFT_SHAPES) {
            ShiftShape shape = ShiftShape.parse(shapeText);
            double bytes = shape.trafficBytes();
            Optional<Timing> copy = time(COPY, param("shape", shapeText));
            Optional<Timing> ort = time(ORT_SHIFT, param("shape", shapeText));
            for (String layout : LAYOUTS) {
                Optional<Timing> ours = time(SHIFT, param("shape", shapeText).and(param("layout", layout))
                        .and(r -> r.param("policy") == null || r.param("policy").equals("MODULO")));
                String row = shape.label() + ", " + layout;
                double share = ratio(copy, ours);
                double speedup = ratio(ort, ours);
                table.row(shape.label(), layout, num(bytes / 1e6), micros(ours), error(ours),
                        num(ours.map(t -> t.giga(bytes)).orElse(Double.NaN)),
                        num(copy.map(t -> t.giga(bytes)).orElse(Double.NaN)), pct(share),
                        bandwidth.record(layout, row, share), micros(ort), error(ort), times(speedup),
                        vsOrt.record(layout, row, speedup));
            }
        }
        table.appendTo(out);
        appendTarget(out, bandwidth);
        appendTarget(out, vsOrt);
        out.append('\n');
    }

    // ---------------------------------------------------------------- models

    /** One network configuration: our fastest layout and ONNX Runtime, either possibly missing. */
    private record ModelPair(String model, String config, RunConfig run, Optional<Timing> ours, String oursLayout,
                             Optional<Timing> peer) {
        double timeRatio() {
            return ratio(ours, peer);
        }

        /** Our images/s over ORT's: the inverse of the time ratio for the same batch. */
        double throughputRatio() {
            return ratio(peer, ours);
        }
    }

    private List<ModelPair> modelPairs() {
        List<ModelPair> pairs = new ArrayList<>();
        for (String model : MODELS) {
            for (String config : CONFIGS) {
                Optional<Timing> best = Optional.empty();
                String bestLayout = MISSING;
                for (String layout : LAYOUTS) {
                    Optional<Timing> t = time(MODEL, modelRow(model, config).and(param("layout", layout)));
                    if (t.isPresent() && (best.isEmpty() || t.get().micros() < best.get().micros())) {
                        best = t;
                        bestLayout = layout;
                    }
                }
                pairs.add(new ModelPair(model, config, RunConfig.parse(config), best, bestLayout,
                        time(ORT_MODEL, param("model", model).and(param("config", config)))));
            }
        }
        return pairs;
    }

    /** The chart's bars; empty when the run has no model results on either side. */
    List<PerformanceChart.Bar> chartBars() {
        List<PerformanceChart.Bar> bars = new ArrayList<>();
        for (ModelPair p : modelPairs()) {
            if (p.ours().isPresent() || p.peer().isPresent()) {
                bars.add(new PerformanceChart.Bar(label(p.model()), p.config(), p.run().batch(),
                        p.ours().map(t -> t.micros() / 1e3).orElse(Double.NaN),
                        p.peer().map(t -> t.micros() / 1e3).orElse(Double.NaN)));
            }
        }
        return bars;
    }

    private void appendModels(StringBuilder out) {
        out.append("## Models against ONNX Runtime\n\n");
        out.append("*ours*: `").append(MODEL).append("`, one `Session.run` (NCHW input copied in, every layer, ")
                .append("logits out) on seeded random weights; the faster of our two layouts, named in the table. ")
                .append("*ORT*: `").append(ORT_MODEL).append("`, ONNX Runtime on the engine's ONNX export of the ")
                .append("same network and weights (shifts as one-hot depthwise Convs), same batch and threads, ")
                .append("its logits checked against ours before timing. Batch 1 is judged on latency (time ratio), ")
                .append("batch ").append(THROUGHPUT_BATCH).append(" with ").append(THROUGHPUT_THREADS)
                .append(" threads on throughput (images/s ratio).\n\n");
        TargetCheck latency = new TargetCheck("model-latency", "batch-1 latency ≤ " + times(MODEL_TIME_VS_ORT)
                + " ONNX Runtime's, 1 and 2 threads", MODEL_TIME_VS_ORT, false, Rule.EVERY_GROUP,
                PerformanceReport::times);
        TargetCheck throughput = new TargetCheck("model-throughput", "batch-" + THROUGHPUT_BATCH + " throughput with "
                + THROUGHPUT_THREADS + " threads ≥ " + times(MODEL_THROUGHPUT_VS_ORT) + " ONNX Runtime's",
                MODEL_THROUGHPUT_VS_ORT, true, Rule.EVERY_GROUP, PerformanceReport::times);
        MarkdownTable table = new MarkdownTable("network", "batch", "threads", "ours layout", "ours ms", "±",
                "ORT ms", "±", "ours images/s", "ORT images/s", "time ours / ORT", "images/s ours / ORT", "target",
                "verdict");
        List<ModelPair> pairs = modelPairs();
        for (ModelPair p : pairs) {
            String target;
            String verdict;
            String row = label(p.model()) + " " + p.config() + " " + p.oursLayout();
            if (p.run().batch() == 1) {
                target = "time ≤ " + times(MODEL_TIME_VS_ORT);
                verdict = latency.record("", row, p.timeRatio());
            } else if (p.run().batch() == THROUGHPUT_BATCH && p.run().threads() == THROUGHPUT_THREADS) {
                target = "images/s ≥ " + times(MODEL_THROUGHPUT_VS_ORT);
                verdict = throughput.record("", row, p.throughputRatio());
            } else {
                target = MISSING;
                verdict = MISSING;
            }
            table.row(label(p.model()), String.valueOf(p.run().batch()), String.valueOf(p.run().threads()),
                    p.oursLayout(), millis(p.ours()), millisError(p.ours()), millis(p.peer()), millisError(p.peer()),
                    num(imagesPerSecond(p.run(), p.ours())), num(imagesPerSecond(p.run(), p.peer())),
                    times(p.timeRatio()), times(p.throughputRatio()), target, verdict);
        }
        table.appendTo(out);
        appendTarget(out, latency);
        appendTarget(out, throughput);
        out.append('\n');
        if (chartLink != null && !chartBars().isEmpty()) {
            out.append("![ShiftNet-A and ShiftResNet-20: latency and throughput, shiftnet4j against ONNX Runtime](")
                    .append(chartLink).append(")\n\n");
        }
        appendAllocation(out);
    }

    private void appendAllocation(StringBuilder out) {
        out.append("### Allocation per Session.run\n\n");
        out.append("*B/run (exact)*: `ModelBench.SessionAllocation` reads the allocation counters of the benchmark ")
                .append("thread and the session's workers around every measured iteration; in average-time mode ")
                .append("JMH's own loop allocates nothing there, so every byte counted is `Session.run`'s. ")
                .append("*B/op (-prof gc)* is JMH's `gc.alloc.rate.norm`: the whole JVM including the harness's own ")
                .append("work per iteration (a few KB), spread over the calls of the iteration, so for a call of ")
                .append("milliseconds it is tens to hundreds of bytes even when `run` allocates nothing. The target ")
                .append("is judged on the exact column. Bytes there usually mean a kernel that C2 had not compiled ")
                .append("by the end of the warm-up (interpreted and C1 Vector API code allocates); see ")
                .append("[suites.md](suites.md) for how to tell that from a real allocation.\n\n");
        TargetCheck allocation = new TargetCheck("model-allocation", "`Session.run` allocates 0 bytes (every "
                + "configuration and layout)", 0, false, Rule.EVERY_GROUP, PerformanceReport::bytes);
        MarkdownTable table = new MarkdownTable("network", "layout", "batch", "threads", "B/run (exact)", "calls",
                "B/op (-prof gc)", "±", "0 B");
        for (String model : MODELS) {
            for (String config : CONFIGS) {
                for (String layout : LAYOUTS) {
                    Optional<JmhResult> r = find(MODEL, modelRow(model, config).and(param("layout", layout)));
                    RunConfig run = RunConfig.parse(config);
                    double exact = r.map(PerformanceReport::sessionBytesPerRun).orElse(Double.NaN);
                    Optional<Metric> gc = r.map(x -> x.secondary().get("gc.alloc.rate.norm"));
                    table.row(label(model), layout, String.valueOf(run.batch()), String.valueOf(run.threads()),
                            bytes(exact), r.map(PerformanceReport::sessionRuns).map(String::valueOf).orElse(MISSING),
                            gc.map(m -> num(m.score())).orElse(MISSING), gc.map(m -> err(m.error())).orElse(MISSING),
                            allocation.record("", label(model) + " " + config + " " + layout, exact));
                }
            }
        }
        table.appendTo(out);
        appendTarget(out, allocation);
        out.append('\n');
    }

    private static Predicate<JmhResult> modelRow(String model, String config) {
        return param("model", model).and(param("config", config))
                .and(r -> r.param("source") == null || r.param("source").equals("native"));
    }

    private static double sessionBytesPerRun(JmhResult r) {
        Metric bytes = r.secondary().get("sessionAllocatedBytes");
        Metric runs = r.secondary().get("sessionRuns");
        return bytes == null || runs == null || !(runs.score() > 0) ? Double.NaN : bytes.score() / runs.score();
    }

    private static long sessionRuns(JmhResult r) {
        Metric runs = r.secondary().get("sessionRuns");
        return runs == null ? 0 : Math.round(runs.score());
    }

    private String label(String model) {
        return BenchModels.label(graphs.computeIfAbsent(model, BenchModels::build));
    }

    private static double imagesPerSecond(RunConfig run, Optional<Timing> t) {
        return t.map(x -> run.batch() / (x.micros() * 1e-6)).orElse(Double.NaN);
    }

    // ---------------------------------------------------------------- the rest

    private void appendOthers(StringBuilder out) {
        // Marks the references as reported: they appear in the text and the ratios.
        peakGflops();
        MarkdownTable table = new MarkdownTable("benchmark", "params", "mode", "score", "±", "unit");
        for (JmhResult r : results) {
            if (!reported.contains(r)) {
                List<String> parts = new ArrayList<>();
                r.params().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .forEach(e -> parts.add(e.getKey() + "=" + e.getValue()));
                table.row(r.shortName(), String.join(", ", parts), r.mode(), num(r.primary().score()),
                        err(r.primary().error()), r.primary().unit());
            }
        }
        if (!table.isEmpty()) {
            out.append("## Other results in the file\n\n");
            out.append("Results that no table above uses (other parameters, or benchmarks the report does not ")
                    .append("know), raw:\n\n");
            table.appendTo(out);
        }
    }

    /** Single-thread FMA peak in GFLOP/s; NaN when it was not run or the vector width is unknown. */
    private double peakGflops() {
        Optional<Timing> peak = time(FMA, r -> true);
        if (peak.isEmpty() || context.vectorBits() <= 0) {
            return Double.NaN;
        }
        return peak.get().giga(FmaPeakBench.flopsPerCall(context.vectorBits() / Float.SIZE));
    }

    private Optional<JmhResult> find(String benchmark, Predicate<JmhResult> match) {
        for (JmhResult r : byBenchmark.getOrDefault(benchmark, List.of())) {
            if (match.test(r)) {
                reported.add(r);
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    private Optional<Timing> time(String benchmark, Predicate<JmhResult> match) {
        return find(benchmark, match).flatMap(FoundationReport::toMicros);
    }

    private static Predicate<JmhResult> param(String name, String value) {
        return r -> value.equals(r.param(name));
    }

    /** {@code numerator / denominator} of two times; NaN when either is missing. */
    private static double ratio(Optional<Timing> numerator, Optional<Timing> denominator) {
        return numerator.isPresent() && denominator.isPresent()
                ? numerator.get().micros() / denominator.get().micros() : Double.NaN;
    }

    /** The ratio's error from both relative errors, added in quadrature; NaN when either has none. */
    private static double ratioError(double ratio, Optional<Timing> a, Optional<Timing> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return Double.NaN;
        }
        double ra = a.get().errorMicros() / a.get().micros();
        double rb = b.get().errorMicros() / b.get().micros();
        return ratio * Math.sqrt(ra * ra + rb * rb);
    }

    private static String micros(Optional<Timing> t) {
        return t.map(x -> num(x.micros())).orElse(MISSING);
    }

    private static String error(Optional<Timing> t) {
        return t.map(x -> err(x.errorMicros())).orElse(MISSING);
    }

    private static String millis(Optional<Timing> t) {
        return t.map(x -> num(x.micros() / 1e3)).orElse(MISSING);
    }

    private static String millisError(Optional<Timing> t) {
        return t.map(x -> err(x.errorMicros() / 1e3)).orElse(MISSING);
    }

    static String times(double ratio) {
        return Double.isFinite(ratio) ? num(ratio) + "×" : MISSING;
    }

    /** Exact zero stays "0": it is the claim the column exists to show. */
    static String bytes(double value) {
        return value == 0 ? "0" : num(value);
    }

    /** The version of the ONNX Runtime Java package on the class path, read without loading its native library. */
    static String onnxRuntimeVersion() {
        String version = ai.onnxruntime.OrtEnvironment.class.getPackage().getImplementationVersion();
        if (version != null) {
            return version;
        }
        try (InputStream pom = PerformanceReport.class.getResourceAsStream(
                "/META-INF/maven/com.microsoft.onnxruntime/onnxruntime/pom.xml")) {
            if (pom != null) {
                Matcher m = Pattern.compile("<artifactId>onnxruntime</artifactId>\\s*<version>([^<]+)</version>")
                        .matcher(new String(pom.readAllBytes(), StandardCharsets.UTF_8));
                if (m.find()) {
                    return m.group(1).trim();
                }
            }
        } catch (IOException e) {
            // Falls through to "version unknown": the version is a label, not a result.
        }
        return "(version unknown)";
    }
}
