package org.shiftnet4j.bench.report;

import static org.shiftnet4j.bench.report.FoundationReport.MISSING;
import static org.shiftnet4j.bench.report.FoundationReport.err;
import static org.shiftnet4j.bench.report.FoundationReport.num;
import static org.shiftnet4j.bench.report.FoundationReport.pct;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openjdk.jmh.annotations.Param;
import org.shiftnet4j.bench.BenchModels;
import org.shiftnet4j.bench.BenchModels.RunConfig;
import org.shiftnet4j.bench.FmaPeakBench;
import org.shiftnet4j.bench.ModelBench;
import org.shiftnet4j.bench.report.FoundationReport.Context;
import org.shiftnet4j.bench.report.FoundationReport.Timing;
import org.shiftnet4j.bench.report.JmhResult.Metric;
import org.shiftnet4j.graph.Graph;

/**
 * Turns the JMH JSON of the model run ({@code ModelBench} plus the FMA peak) into {@code docs/benchmarks/models.md}:
 * per network, layout, batch and thread count the time of one {@code Session.run}, images/s, GFLOP/s, the share of
 * the same-run FMA peak, and what {@code run} allocates, plus the machine, JDK, date and command.
 *
 * <p>Usage: {@code ModelReport --json FILE --md FILE [--command TEXT] [--started TEXT]}. Run it with
 * {@code --add-modules=jdk.incubator.vector} so it can tell the vector width the forks used. Results it does not
 * know are listed raw at the end; missing ones show as "—".
 */
public final class ModelReport {
    static final String MODEL_BENCH = "ModelBench.sessionRun";
    private static final String FMA = "FmaPeakBench.fmaPeak";
    private static final String GC_ALLOCATION = "gc.alloc.rate.norm";
    /** The exact counters of {@code ModelBench.SessionAllocation}. */
    private static final String SESSION_BYTES = "sessionAllocatedBytes";
    private static final String SESSION_RUNS = "sessionRuns";

    /** Known networks first, in this order; others follow by name. */
    private static final List<String> MODEL_ORDER = List.of(BenchModels.SHIFTNET_A, BenchModels.SHIFTRESNET20,
            BenchModels.RESNET20);
    private static final List<String> LAYOUT_ORDER = List.of("NHWC", "NCHW");

    /** One timed configuration, with the network it ran. */
    record Row(JmhResult result, String model, Graph graph, String layout, RunConfig run, Timing timing) {
        double flopsPerImage() {
            return 2.0 * graph.multiplyAdds();
        }

        double imagesPerSecond() {
            return run.batch() / (timing.micros() * 1e-6);
        }

        double gflops() {
            return imagesPerSecond() * flopsPerImage() / 1e9;
        }

        /** Exact bytes per call from the session-thread counters, or NaN when the run did not record them. */
        double sessionBytesPerRun() {
            Metric bytes = result.secondary().get(SESSION_BYTES);
            Metric runs = result.secondary().get(SESSION_RUNS);
            return bytes == null || runs == null || !(runs.score() > 0) ? Double.NaN : bytes.score() / runs.score();
        }

        long sessionRuns() {
            Metric runs = result.secondary().get(SESSION_RUNS);
            return runs == null ? 0 : Math.round(runs.score());
        }
    }

    private final List<JmhResult> results;
    private final Context context;
    private final List<Row> rows = new ArrayList<>();
    private final Set<JmhResult> reported = new HashSet<>();
    private final Map<String, Graph> graphs = new HashMap<>();

    ModelReport(List<JmhResult> results, Context context) {
        this.results = List.copyOf(results);
        this.context = context;
        for (JmhResult r : results) {
            toRow(r).ifPresent(rows::add);
        }
        rows.sort(Comparator.comparingInt((Row row) -> rank(MODEL_ORDER, row.model()))
                .thenComparing(Row::model)
                .thenComparingInt(row -> row.run().batch())
                .thenComparingInt(row -> row.run().threads())
                .thenComparingInt(row -> rank(LAYOUT_ORDER, row.layout()))
                .thenComparing(Row::layout));
    }

    public static void main(String[] args) throws IOException {
        FoundationReport.writeReport(args, "ModelReport", (results, context) -> new ModelReport(results, context).render());
    }

    private Optional<Row> toRow(JmhResult r) {
        String model = r.param("model");
        String config = r.param("config");
        String layout = r.param("layout");
        if (!r.shortName().equals(MODEL_BENCH) || model == null || config == null || layout == null) {
            return Optional.empty();
        }
        String source = r.param("source");
        if (source != null && !source.equals("native")) {
            layout = layout + " (" + source + " import)"; // the same network brought in through ONNX
        }
        Optional<Timing> timing = FoundationReport.toMicros(r);
        if (timing.isEmpty()) {
            return Optional.empty();
        }
        try {
            RunConfig run = RunConfig.parse(config);
            Graph graph = graphs.computeIfAbsent(model, BenchModels::build);
            reported.add(r);
            return Optional.of(new Row(r, model, graph, layout, run, timing.get()));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // an unknown network or configuration: listed raw at the end
        }
    }

    private static int rank(List<String> order, String value) {
        int i = order.indexOf(value);
        return i < 0 ? order.size() : i;
    }

    String render() {
        StringBuilder out = new StringBuilder();
        out.append("# Model benchmarks: Session.run latency, throughput and allocation\n\n");
        out.append("Generated by `ModelReport` from `").append(context.jsonFile()).append("` (raw JMH JSON). ")
                .append("One operation is one `Session.run` of a batch: input copy into the model's layout, every ")
                .append("layer, logits out; seeded random weights (`Weights.randomized`), NCHW float input. ")
                .append("Times are JMH averages over all measurement iterations of all forks; **±** is JMH's 99.9% ")
                .append("confidence half-width (n/a when there were too few iterations). Rates carry the same ")
                .append("relative error.\n\n");
        FoundationReport.appendRunTable(out, results, context);
        appendNetworks(out);
        appendPeak(out);
        appendLatency(out);
        appendAll(out);
        appendShiftAgainstConventional(out);
        appendAllocation(out);
        appendMissing(out);
        appendOthers(out);
        return out.toString();
    }

    /**
     * The configurations of {@code ModelBench}'s default parameter grid that have no result: left out on purpose
     * (a {@code -p} restriction) or failed (JMH goes on after a failing setup; its log has the exception).
     */
    private void appendMissing(StringBuilder out) {
        List<String> missing = new ArrayList<>();
        for (String model : defaultParams("model")) {
            for (String config : defaultParams("config")) {
                for (String layout : defaultParams("layout")) {
                    boolean present = rows.stream().anyMatch(r -> r.model().equals(model)
                            && r.result().param("config").equals(config) && r.layout().equals(layout));
                    if (!present) {
                        missing.add(model + " " + config + " " + layout);
                    }
                }
            }
        }
        if (!missing.isEmpty()) {
            out.append("## Configurations not in this run\n\n");
            out.append("Left out with `-p`, or failed: the JMH log shows why. ")
                    .append(String.join("; ", missing)).append(".\n\n");
        }
    }

    /** The values of one {@code @Param} of {@code ModelBench}, read from the annotation so they cannot drift. */
    private static List<String> defaultParams(String field) {
        try {
            return List.of(ModelBench.class.getField(field).getAnnotation(Param.class).value());
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("ModelBench has no @Param field " + field, e);
        }
    }

    private void appendNetworks(StringBuilder out) {
        out.append("## Networks\n\n");
        out.append("FLOPs count 2 per multiply-add of the convolutions and the classifier (`Graph.multiplyAdds()`); ")
                .append("batch norm, ReLU, shifts, additions and pooling are not counted.\n\n");
        MarkdownTable table = new MarkdownTable("network", "input", "outputs", "parameters", "M multiply-adds/image",
                "GFLOP/image");
        Map<String, Graph> shown = new LinkedHashMap<>();
        for (Row row : rows) {
            shown.putIfAbsent(row.model(), row.graph());
        }
        for (Graph g : shown.values()) {
            table.row(g.name(), g.input().shape(), String.valueOf(g.output().elementsPerImage()),
                    String.format(Locale.ROOT, "%,d", g.parameterCount(true)), num(g.multiplyAdds() / 1e6),
                    num(2.0 * g.multiplyAdds() / 1e9));
        }
        appendOrNone(table, out);
    }

    private Optional<Timing> peakTiming() {
        for (JmhResult r : results) {
            if (r.shortName().equals(FMA) && r.params().isEmpty()) {
                Optional<Timing> timing = FoundationReport.toMicros(r);
                timing.ifPresent(t -> reported.add(r));
                return timing;
            }
        }
        return Optional.empty();
    }

    /** Single-thread FMA peak in GFLOP/s, or NaN when it was not run or the vector width is unknown. */
    private double peakGflops() {
        Optional<Timing> peak = peakTiming();
        if (peak.isEmpty() || context.vectorBits() <= 0) {
            return Double.NaN;
        }
        return peak.get().giga(FmaPeakBench.flopsPerCall(context.vectorBits() / Float.SIZE));
    }

    private void appendPeak(StringBuilder out) {
        out.append("## Reference: FMA peak (one thread)\n\n");
        out.append("`FmaPeakBench.fmaPeak` from the same run: ").append(FmaPeakBench.CHAINS)
                .append(" independent `FloatVector` FMA chains, `SPECIES_PREFERRED`. *% of peak* below divides by ")
                .append("threads × this figure, which assumes every thread has a core of its own.\n\n");
        MarkdownTable table = new MarkdownTable("benchmark", "µs/call", "±", "GFLOP/s", "±");
        Optional<Timing> peak = peakTiming();
        double flops = context.vectorBits() > 0
                ? FmaPeakBench.flopsPerCall(context.vectorBits() / Float.SIZE) : Double.NaN;
        table.row("FMA peak", peak.map(t -> num(t.micros())).orElse(MISSING),
                peak.map(t -> err(t.errorMicros())).orElse(MISSING),
                peak.map(t -> num(t.giga(flops))).orElse(MISSING),
                peak.map(t -> err(t.gigaError(flops))).orElse(MISSING));
        table.appendTo(out);
    }

    /** Batch 1: the latency a single request sees, and what a second thread buys. */
    private void appendLatency(StringBuilder out) {
        out.append("## Batch-1 latency\n\n");
        MarkdownTable table = new MarkdownTable("network", "layout", "1 thread (ms)", "±", "2 threads (ms)", "±",
                "speed-up");
        Set<String> shown = new HashSet<>();
        for (Row any : rows) {
            if (any.run().batch() != 1 || !shown.add(any.model() + "|" + any.layout())) {
                continue;
            }
            Optional<Row> one = find(any.model(), any.layout(), 1, 1);
            Optional<Row> two = find(any.model(), any.layout(), 1, 2);
            table.row(BenchModels.label(any.graph()), any.layout(),
                    one.map(ModelReport::millis).orElse(MISSING), one.map(ModelReport::millisError).orElse(MISSING),
                    two.map(ModelReport::millis).orElse(MISSING), two.map(ModelReport::millisError).orElse(MISSING),
                    one.isPresent() && two.isPresent()
                            ? num(one.get().timing().micros() / two.get().timing().micros()) + "×" : MISSING);
        }
        appendOrNone(table, out);
    }

    private void appendAll(StringBuilder out) {
        out.append("## Every configuration\n\n");
        out.append("*ms/run* is the time of one `Session.run` of the whole batch; *images/s* = batch / that time. ")
                .append("*B/run (session)* is exact: bytes allocated by the benchmark thread and the session's ")
                .append("workers during the measured iterations, over the calls made. *B/op (-prof gc)* is JMH's ")
                .append("`gc.alloc.rate.norm`: the whole JVM including the harness (a few KB per iteration, ")
                .append("so not zero when a call takes milliseconds).\n\n");
        MarkdownTable table = new MarkdownTable("network", "layout", "batch", "threads", "ms/run", "±", "images/s",
                "GFLOP/s", "% of peak", "B/run (session)", "B/op (-prof gc)", "±");
        double peak = peakGflops();
        for (Row row : rows) {
            Metric gc = row.result().secondary().get(GC_ALLOCATION);
            table.row(BenchModels.label(row.graph()), row.layout(), String.valueOf(row.run().batch()),
                    String.valueOf(row.run().threads()), millis(row), millisError(row), num(row.imagesPerSecond()),
                    num(row.gflops()), pct(row.gflops() / (row.run().threads() * peak)),
                    bytes(row.sessionBytesPerRun()), gc == null ? MISSING : num(gc.score()),
                    gc == null ? MISSING : err(gc.error()));
        }
        appendOrNone(table, out);
    }

    /** ShiftResNet-20 against ResNet-20 in the same configuration: the paper's trade, on this engine. */
    private void appendShiftAgainstConventional(StringBuilder out) {
        MarkdownTable table = new MarkdownTable("layout", "batch", "threads", BenchModels.SHIFTRESNET20 + " (ms)",
                BenchModels.RESNET20 + " (ms)", "time ratio", "multiply-add ratio");
        for (Row shift : rows) {
            if (!shift.model().equals(BenchModels.SHIFTRESNET20)) {
                continue;
            }
            find(BenchModels.RESNET20, shift.layout(), shift.run().batch(), shift.run().threads()).ifPresent(conv ->
                    table.row(shift.layout(), String.valueOf(shift.run().batch()),
                            String.valueOf(shift.run().threads()), millis(shift), millis(conv),
                            num(shift.timing().micros() / conv.timing().micros()) + "×",
                            num((double) shift.graph().multiplyAdds() / conv.graph().multiplyAdds()) + "×"));
        }
        if (!table.isEmpty()) {
            out.append("## ShiftResNet-20 against ResNet-20\n\n");
            out.append("Ratios below 1× mean the shift network is faster or cheaper. ")
                    .append(BenchModels.SHIFTRESNET20).append(" runs at expansion ")
                    .append(BigDecimal.valueOf(BenchModels.SHIFTRESNET_EXPANSION).stripTrailingZeros().toPlainString())
                    .append(" (").append(BenchModels.build(BenchModels.SHIFTRESNET20).name()).append(").\n\n");
            table.appendTo(out);
        }
    }

    private void appendAllocation(StringBuilder out) {
        List<Row> counted = rows.stream().filter(r -> !Double.isNaN(r.sessionBytesPerRun())).toList();
        if (counted.isEmpty()) {
            return;
        }
        out.append("## Allocation per Session.run\n\n");
        List<Row> allocating = counted.stream().filter(r -> r.sessionBytesPerRun() != 0).toList();
        long calls = counted.stream().mapToLong(Row::sessionRuns).sum();
        if (allocating.isEmpty()) {
            out.append("`Session.run` allocated **0 bytes** in all ").append(String.format(Locale.ROOT, "%,d", calls))
                    .append(" measured calls of the ").append(counted.size())
                    .append(" configurations (benchmark thread and session workers).\n\n");
        } else {
            out.append("`Session.run` **allocated** in ").append(allocating.size()).append(" of ")
                    .append(counted.size()).append(" configurations:\n\n");
            MarkdownTable table = new MarkdownTable("network", "layout", "batch", "threads", "B/run (session)");
            for (Row r : allocating) {
                table.row(BenchModels.label(r.graph()), r.layout(), String.valueOf(r.run().batch()),
                        String.valueOf(r.run().threads()), bytes(r.sessionBytesPerRun()));
            }
            table.appendTo(out);
            out.append("Bytes here usually mean kernel code that was not yet compiled by C2 when the warm-up ended: ")
                    .append("the Vector API allocates for every operation in interpreted and C1-compiled code, and ")
                    .append("a kernel called once per `run` reaches C2 only after several hundred calls. More warm-up, ")
                    .append("or `-- -jvmArgsPrepend -XX:CompileThresholdScaling=0.05` for a diagnosis, tells this ")
                    .append("apart from a real allocation.\n\n");
        }
    }

    private void appendOthers(StringBuilder out) {
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
            table.appendTo(out);
        }
    }

    private static void appendOrNone(MarkdownTable table, StringBuilder out) {
        if (table.isEmpty()) {
            out.append("No results.\n\n");
        } else {
            table.appendTo(out);
        }
    }

    private Optional<Row> find(String model, String layout, int batch, int threads) {
        return rows.stream().filter(r -> r.model().equals(model) && r.layout().equals(layout)
                && r.run().batch() == batch && r.run().threads() == threads).findFirst();
    }

    private static String millis(Row row) {
        return num(row.timing().micros() / 1e3);
    }

    private static String millisError(Row row) {
        return err(row.timing().errorMicros() / 1e3);
    }

    /** Exact zero stays "0": it is the claim the column exists to show. */
    private static String bytes(double value) {
        return value == 0 ? "0" : num(value);
    }
}
