package org.shiftnet4j.bench.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.shiftnet4j.bench.BenchShapes;
import org.shiftnet4j.bench.BenchShapes.PointwiseShape;
import org.shiftnet4j.bench.BenchShapes.ShiftShape;
import org.shiftnet4j.bench.FmaPeakBench;
import org.shiftnet4j.bench.report.JmhResult.Metric;
import org.shiftnet4j.bench.report.JmhResult.RunSettings;
import org.shiftnet4j.kernel.KernelProvider;
import org.shiftnet4j.kernel.Kernels;

/**
 * Turns the JMH JSON of the foundation run into {@code docs/benchmarks/foundation.md}: every figure next to its
 * same-run reference (one-hot depthwise conv and memory copy for the shift, the FMA peak for the 1×1 conv) and the
 * ratio between them, plus the machine, JDK, date and command, so the page can be read without the raw file.
 *
 * <p>Usage: {@code FoundationReport --json FILE --md FILE [--command TEXT] [--started TEXT]}. Run it with
 * {@code --add-modules=jdk.incubator.vector} so it can tell the vector width the forks used (for FLOP counting).
 * Results it does not know are listed raw at the end; missing ones show as "—".
 */
public final class FoundationReport {
    private static final String SHIFT_BENCH = "ShiftBench.";
    private static final String COPY = "MemoryCopyBench.copy";
    private static final String CONV1X1 = "Conv1x1Bench.conv1x1Vector";
    private static final String FMA = "FmaPeakBench.fmaPeak";
    private static final String SHIFT_VECTOR = SHIFT_BENCH + "shiftVector";
    private static final String SHIFT_BORDERED = SHIFT_BENCH + "shiftVectorBorderedInput";
    private static final String ONE_HOT_DEPTHWISE = SHIFT_BENCH + "oneHotDepthwiseVector";
    private static final String SHIFT_SCALAR = SHIFT_BENCH + "shiftScalar";
    private static final String ALLOCATION = "gc.alloc.rate.norm";

    private static final List<String> SHIFT_SHAPES = List.of(BenchShapes.SHIFT_C64, BenchShapes.SHIFT_C128,
            BenchShapes.SHIFT_C256, BenchShapes.SHIFT_C512);
    private static final List<String> POINTWISE_SHAPES = List.of(BenchShapes.POINTWISE_C64,
            BenchShapes.POINTWISE_C128, BenchShapes.POINTWISE_C256, BenchShapes.POINTWISE_C512);
    private static final List<String> LAYOUTS = List.of("NCHW", "NHWC");
    static final String MISSING = "—";

    /** What the report states about the run besides the JMH results. */
    record Context(MachineInfo machine, int vectorBits, String command, String started, String written,
                   String jsonFile) {
    }

    /** A JMH score converted to microseconds per operation. */
    record Timing(double micros, double errorMicros) {
        /** {@code amount} units per operation as units per second ×1e-9 (GB/s, GFLOP/s). */
        double giga(double amount) {
            return amount / (micros * 1e3);
        }

        /** The same relative error as the time, to first order. */
        double gigaError(double amount) {
            return giga(amount) * errorMicros / micros;
        }
    }

    private final List<JmhResult> results;
    private final Context context;
    private final Map<String, JmhResult> byKey = new HashMap<>();
    private final Set<JmhResult> reported = new HashSet<>();

    FoundationReport(List<JmhResult> results, Context context) {
        this.results = List.copyOf(results);
        this.context = context;
        for (JmhResult r : results) {
            byKey.put(key(r.shortName(), r.param("shape"), r.param("layout")), r);
        }
    }

    public static void main(String[] args) throws IOException {
        writeReport(args, "FoundationReport", (results, context) -> new FoundationReport(results, context).render());
    }

    /** How a report turns JMH results and the run's context into Markdown. */
    @FunctionalInterface
    interface Renderer {
        String render(List<JmhResult> results, Context context);
    }

    /**
     * A report that reads options of its own besides the shared ones and may write files next to the Markdown
     * (a chart); {@code md} is where the Markdown will be written.
     */
    @FunctionalInterface
    interface OptionsRenderer {
        String render(List<JmhResult> results, Context context, Map<String, String> options, Path md)
                throws IOException;
    }

    /**
     * The command line every report shares: {@code --json FILE --md FILE [--command TEXT] [--started TEXT]};
     * reads the JMH JSON, renders with the run's context and writes the Markdown file.
     */
    static void writeReport(String[] args, String tool, Renderer renderer) throws IOException {
        writeReportWithOptions(args, tool, (results, context, options, md) -> renderer.render(results, context));
    }

    /** As {@link #writeReport}, handing every {@code --name VALUE} pair of the command line to the renderer. */
    static void writeReportWithOptions(String[] args, String tool, OptionsRenderer renderer) throws IOException {
        Map<String, String> options = parseOptions(args, tool);
        Path json = Path.of(required(options, "--json", tool));
        Path md = Path.of(required(options, "--md", tool));
        List<JmhResult> results;
        try (InputStream in = Files.newInputStream(json)) {
            results = JmhJsonReader.read(in);
        }
        String now = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
                .format(Instant.now().atZone(ZoneOffset.UTC));
        Context context = new Context(MachineInfo.current(), vectorBits(results),
                options.getOrDefault("--command", "(not given)"), options.getOrDefault("--started", "(not given)"),
                now, json.toString());
        String markdown = renderer.render(results, context, options, md);
        Path parent = md.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(md, markdown);
        System.out.println(tool + ": wrote " + md + " from " + results.size() + " JMH results in " + json);
    }

    private static Map<String, String> parseOptions(String[] args, String tool) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: " + tool + " --json FILE --md FILE"
                        + " [--command TEXT] [--started TEXT]; got '" + args[i] + "'");
            }
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name, String tool) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException(tool + ": " + name + " FILE is required");
        }
        return value;
    }

    /**
     * The vector width the forks ran with: this JVM's preferred width (same JDK and machine as the run), capped by
     * a {@code -XX:MaxVectorSize} found among the forks' JVM arguments; 0 when the Vector API is not loaded here.
     */
    static int vectorBits(List<JmhResult> results) {
        int bits = KernelProvider.vector().map(Kernels::name).map(FoundationReport::bitsOf).orElse(0);
        Pattern maxVectorSize = Pattern.compile("-XX:MaxVectorSize=(\\d+)");
        for (JmhResult r : results) {
            for (String arg : r.settings().jvmArgs()) {
                Matcher m = maxVectorSize.matcher(arg);
                if (m.matches()) {
                    bits = Math.min(bits, Integer.parseInt(m.group(1)) * Byte.SIZE);
                }
            }
        }
        return bits;
    }

    private static int bitsOf(String kernelsName) {
        return Integer.parseInt(kernelsName.substring(kernelsName.lastIndexOf('-') + 1));
    }

    String render() {
        StringBuilder out = new StringBuilder();
        out.append("# Foundation benchmarks: shift, 1x1 convolution, and same-run references\n\n");
        out.append("Generated by `FoundationReport` from `").append(context.jsonFile()).append("` (raw JMH JSON). ")
                .append("Times are JMH averages over all measurement iterations of all forks; ")
                .append("**±** is JMH's 99.9% confidence half-width (n/a when there were too few iterations). ")
                .append("Rates (GB/s, GFLOP/s) come from the average time and carry the same relative error. ")
                .append("Batch 1, one thread.\n\n");
        appendRun(out);
        appendPeak(out);
        appendShift(out);
        appendPointwise(out);
        appendAllocation(out);
        appendOthers(out);
        return out.toString();
    }

    private void appendRun(StringBuilder out) {
        appendRunTable(out, results, context);
    }

    /** The "Run" section: date, CPU, JDK, fork arguments, vector width, JMH settings and the command. */
    static void appendRunTable(StringBuilder out, List<JmhResult> results, Context context) {
        out.append("## Run\n\n");
        MarkdownTable table = new MarkdownTable("", "").text();
        table.row("Date", "run started " + context.started() + "; report written " + context.written());
        table.row("CPU", context.machine().cpuModel() + " (" + context.machine().logicalCpus() + " logical CPUs; "
                + context.machine().vectorFlags() + ")");
        table.row("JDK", distinctSetting(s -> s.jdkVersion() + ", " + s.vmName() + " " + s.vmVersion(), results));
        table.row("JVM", distinctSetting(RunSettings::jvm, results));
        table.row("Fork JVM arguments", distinctSetting(s -> "`" + String.join(" ", s.jvmArgs()) + "`", results));
        table.row("Vector width for FLOP counts", context.vectorBits() > 0
                ? context.vectorBits() + " bits (" + context.vectorBits() / Float.SIZE + " floats)"
                : "unknown (the report ran without jdk.incubator.vector)");
        table.row("JMH", distinctSetting(s -> s.jmhVersion() + ": " + s.forks() + " fork(s) × "
                + s.measurementIterations() + " iterations of " + s.measurementTime() + " after "
                + s.warmupIterations() + " warm-up iterations of " + s.warmupTime() + ", " + s.threads()
                + " thread(s)", results));
        table.row("Mode", distinct(r -> r.mode() + " (" + r.primary().unit() + ")", results));
        table.row("Command", "`" + context.command() + "`");
        table.appendTo(out);
    }

    private static String distinctSetting(Function<RunSettings, String> field, List<JmhResult> results) {
        return distinct(r -> field.apply(r.settings()), results);
    }

    static String distinct(Function<JmhResult, String> field, List<JmhResult> results) {
        Set<String> values = new LinkedHashSet<>();
        for (JmhResult r : results) {
            values.add(field.apply(r));
        }
        return values.isEmpty() ? MISSING : String.join("; ", values);
    }

    private Optional<Timing> peakTiming() {
        return timing(FMA, null, null);
    }

    /** GFLOP/s of one FMA-peak call, or NaN when the vector width is unknown. */
    private double peakFlopsPerCall() {
        return context.vectorBits() > 0 ? FmaPeakBench.flopsPerCall(context.vectorBits() / Float.SIZE) : Double.NaN;
    }

    private void appendPeak(StringBuilder out) {
        out.append("## Reference: FMA peak (one core)\n\n");
        out.append(FmaPeakBench.CHAINS).append(" independent `FloatVector` chains `acc = a.fma(b, acc)`, ")
                .append(FmaPeakBench.STEPS).append(" steps per call, `SPECIES_PREFERRED`; 2 FLOP per lane and FMA.\n\n");
        MarkdownTable table = new MarkdownTable("benchmark", "µs/call", "±", "GFLOP/s", "±");
        Optional<Timing> peak = peakTiming();
        double flops = peakFlopsPerCall();
        table.row("FMA peak", peak.map(t -> num(t.micros())).orElse(MISSING),
                peak.map(t -> err(t.errorMicros())).orElse(MISSING),
                peak.map(t -> num(t.giga(flops))).orElse(MISSING),
                peak.map(t -> err(t.gigaError(flops))).orElse(MISSING));
        table.appendTo(out);
    }

    private void appendShift(StringBuilder out) {
        out.append("## Shift (MODULO policy, the official one)\n\n");
        out.append("The same table, input and output for every variant (the benchmark setup checks the outputs are ")
                .append("equal). *one-hot depthwise* is the shift as a K×K depthwise convolution with one-hot kernels ")
                .append("and padding K/2 (what an ONNX export runs); *bordered input* reads the same values from a ")
                .append("tensor with a zero border of the largest offset. *memory copy* is `MemorySegment.copy` of ")
                .append("one activation between two native segments.\n\n");
        out.append("### Time per operation (µs)\n\n");
        MarkdownTable times = new MarkdownTable("shape", "layout", "shift (vector)", "±", "bordered input", "±",
                "one-hot depthwise (vector)", "±", "shift (scalar)", "±", "memory copy", "±");
        for (String shape : SHIFT_SHAPES) {
            for (String layout : LAYOUTS) {
                List<String> cells = new ArrayList<>(List.of(ShiftShape.parse(shape).label(), layout));
                for (String bench : List.of(SHIFT_VECTOR, SHIFT_BORDERED, ONE_HOT_DEPTHWISE, SHIFT_SCALAR)) {
                    addTime(cells, timing(bench, shape, layout));
                }
                addTime(cells, timing(COPY, shape, null));
                times.row(cells.toArray(String[]::new));
            }
        }
        times.appendTo(out);

        out.append("### Bandwidth and ratios\n\n");
        out.append("GB/s counts the input read once plus the output written once (2·C·H·W·4 bytes); the copy moves ")
                .append("the same bytes, so *% of copy* = copy time / shift time. *Speedup* = other time / vector ")
                .append("shift time (unbordered input).\n\n");
        MarkdownTable rates = new MarkdownTable("shape", "layout", "MB moved", "shift GB/s", "±", "% of copy",
                "bordered GB/s", "% of copy", "one-hot dw GB/s", "copy GB/s", "±",
                "speedup over one-hot dw", "speedup over scalar");
        for (String shape : SHIFT_SHAPES) {
            ShiftShape s = ShiftShape.parse(shape);
            double bytes = s.trafficBytes();
            Optional<Timing> copy = timing(COPY, shape, null);
            for (String layout : LAYOUTS) {
                Optional<Timing> shift = timing(SHIFT_VECTOR, shape, layout);
                Optional<Timing> bordered = timing(SHIFT_BORDERED, shape, layout);
                Optional<Timing> depthwise = timing(ONE_HOT_DEPTHWISE, shape, layout);
                Optional<Timing> scalar = timing(SHIFT_SCALAR, shape, layout);
                rates.row(s.label(), layout, num(bytes / 1e6),
                        shift.map(t -> num(t.giga(bytes))).orElse(MISSING),
                        shift.map(t -> err(t.gigaError(bytes))).orElse(MISSING),
                        percent(copy, shift),
                        bordered.map(t -> num(t.giga(bytes))).orElse(MISSING),
                        percent(copy, bordered),
                        depthwise.map(t -> num(t.giga(bytes))).orElse(MISSING),
                        copy.map(t -> num(t.giga(bytes))).orElse(MISSING),
                        copy.map(t -> err(t.gigaError(bytes))).orElse(MISSING),
                        speedup(depthwise, shift),
                        speedup(scalar, shift));
            }
        }
        rates.appendTo(out);
    }

    private void appendPointwise(StringBuilder out) {
        out.append("## 1x1 convolution (vector kernels, no bias, no ReLU, stride 1)\n\n");
        out.append("GFLOP/s counts 2·Cout·Cin·H·W per operation; *% of peak* is against the FMA peak above.\n\n");
        MarkdownTable table = new MarkdownTable("shape", "layout", "MFLOP", "µs", "±", "GFLOP/s", "±", "% of peak");
        Optional<Timing> peak = peakTiming();
        double peakFlops = peakFlopsPerCall();
        for (String shape : POINTWISE_SHAPES) {
            PointwiseShape s = PointwiseShape.parse(shape);
            double flops = s.flops();
            for (String layout : LAYOUTS) {
                Optional<Timing> conv = timing(CONV1X1, shape, layout);
                String ofPeak = conv.isPresent() && peak.isPresent() && Double.isFinite(peakFlops)
                        ? pct(conv.get().giga(flops) / peak.get().giga(peakFlops)) : MISSING;
                table.row(s.label(), layout, num(flops / 1e6),
                        conv.map(t -> num(t.micros())).orElse(MISSING),
                        conv.map(t -> err(t.errorMicros())).orElse(MISSING),
                        conv.map(t -> num(t.giga(flops))).orElse(MISSING),
                        conv.map(t -> err(t.gigaError(flops))).orElse(MISSING),
                        ofPeak);
            }
        }
        table.appendTo(out);
    }

    /** Only present when the run used {@code -prof gc}: kernels must not allocate. */
    private void appendAllocation(StringBuilder out) {
        MarkdownTable table = new MarkdownTable("benchmark", "params", "bytes allocated per op", "±");
        for (JmhResult r : results) {
            Metric alloc = r.secondary().get(ALLOCATION);
            if (alloc != null) {
                table.row(r.shortName(), params(r), num(alloc.score()), err(alloc.error()));
            }
        }
        if (!table.isEmpty()) {
            out.append("## Allocation (`-prof gc`)\n\n");
            table.appendTo(out);
        }
    }

    private void appendOthers(StringBuilder out) {
        MarkdownTable table = new MarkdownTable("benchmark", "params", "mode", "score", "±", "unit");
        for (JmhResult r : results) {
            if (!reported.contains(r)) {
                table.row(r.shortName(), params(r), r.mode(), num(r.primary().score()), err(r.primary().error()),
                        r.primary().unit());
            }
        }
        if (!table.isEmpty()) {
            out.append("## Other results in the file\n\n");
            table.appendTo(out);
        }
    }

    private static String params(JmhResult r) {
        List<String> parts = new ArrayList<>();
        r.params().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> parts.add(e.getKey() + "=" + e.getValue()));
        return parts.isEmpty() ? "" : String.join(", ", parts);
    }

    private Optional<Timing> timing(String bench, String shape, String layout) {
        JmhResult r = byKey.get(key(bench, shape, layout));
        if (r == null) {
            return Optional.empty();
        }
        Optional<Timing> timing = toMicros(r);
        timing.ifPresent(t -> reported.add(r));
        return timing;
    }

    private static String key(String shortName, String shape, String layout) {
        return shortName + "|" + shape + "|" + layout;
    }

    /** Converts a time-per-op score ({@code avgt}, {@code sample}, {@code ss}) or a throughput score to µs/op. */
    static Optional<Timing> toMicros(JmhResult r) {
        Metric m = r.primary();
        String[] unit = m.unit().split("/");
        if (unit.length != 2) {
            return Optional.empty();
        }
        if (unit[1].equals("op")) {
            double scale = microsPer(unit[0]);
            return Double.isNaN(scale) ? Optional.empty() : Optional.of(new Timing(m.score() * scale, m.error() * scale));
        }
        if (unit[0].equals("ops")) {
            double scale = microsPer(unit[1]);
            if (Double.isNaN(scale) || m.score() <= 0) {
                return Optional.empty();
            }
            double micros = scale / m.score();
            return Optional.of(new Timing(micros, micros * m.error() / m.score()));
        }
        return Optional.empty();
    }

    private static double microsPer(String timeUnit) {
        return switch (timeUnit) {
            case "ns" -> 1e-3;
            case "us" -> 1;
            case "ms" -> 1e3;
            case "s" -> 1e6;
            case "min" -> 60e6;
            default -> Double.NaN;
        };
    }

    private static void addTime(List<String> cells, Optional<Timing> timing) {
        cells.add(timing.map(t -> num(t.micros())).orElse(MISSING));
        cells.add(timing.map(t -> err(t.errorMicros())).orElse(MISSING));
    }

    /** The reference's time over ours: how much of the reference's rate we reach. */
    private static String percent(Optional<Timing> reference, Optional<Timing> ours) {
        return reference.isPresent() && ours.isPresent() ? pct(reference.get().micros() / ours.get().micros()) : MISSING;
    }

    private static String speedup(Optional<Timing> other, Optional<Timing> ours) {
        return other.isPresent() && ours.isPresent() ? num(other.get().micros() / ours.get().micros()) + "×" : MISSING;
    }

    static String pct(double fraction) {
        return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.0f%%", 100 * fraction) : MISSING;
    }

    /** Three significant digits, without exponent notation for the magnitudes that occur here. */
    static String num(double value) {
        if (!Double.isFinite(value)) {
            return MISSING;
        }
        double abs = Math.abs(value);
        String pattern = abs >= 100 ? "%.0f" : abs >= 10 ? "%.1f" : abs >= 1 ? "%.2f" : abs >= 0.01 ? "%.3f" : "%.2g";
        return String.format(Locale.ROOT, pattern, value);
    }

    static String err(double value) {
        return Double.isFinite(value) ? num(value) : "n/a";
    }
}
