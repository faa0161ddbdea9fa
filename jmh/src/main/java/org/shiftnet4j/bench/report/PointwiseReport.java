package org.shiftnet4j.bench.report;

import static org.shiftnet4j.bench.report.FoundationReport.MISSING;
import static org.shiftnet4j.bench.report.FoundationReport.err;
import static org.shiftnet4j.bench.report.FoundationReport.num;
import static org.shiftnet4j.bench.report.FoundationReport.pct;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.shiftnet4j.bench.BenchShapes;
import org.shiftnet4j.bench.BenchShapes.PointwiseShape;
import org.shiftnet4j.bench.FmaPeakBench;
import org.shiftnet4j.bench.report.FoundationReport.Context;
import org.shiftnet4j.bench.report.FoundationReport.Timing;

/**
 * Turns the JMH JSON of the pointwise run ({@code ShiftNetPointwiseBench} plus the FMA peak) into
 * {@code docs/benchmarks/conv1x1-shiftnet-a.md}: per ShiftNet-A pointwise shape and layout the time on 1 and 2
 * threads, GFLOP/s, the share of the same-run FMA peak (1 thread) and the 2-thread speedup, plus the network's
 * pointwise total (each shape times its number of layers). With {@code --baseline FILE} (an earlier run's JSON) the
 * baseline's share of its own run's peak and speedup are shown beside them.
 *
 * <p>Usage: {@code PointwiseReport --json FILE --md FILE [--baseline FILE] [--command TEXT] [--started TEXT]}.
 * Run it with {@code --add-modules=jdk.incubator.vector} so it can tell the vector width the forks used.
 */
public final class PointwiseReport {
    private static final String POINTWISE = "ShiftNetPointwiseBench.pointwiseStep";
    private static final String FMA = "FmaPeakBench.fmaPeak";
    private static final List<String> SHAPES = List.of(BenchShapes.SHIFTNET_A_32TO128_112,
            BenchShapes.SHIFTNET_A_128TO32_112_S2, BenchShapes.SHIFTNET_A_64TO256_56, BenchShapes.SHIFTNET_A_256TO64_56,
            BenchShapes.SHIFTNET_A_256TO64_56_S2, BenchShapes.SHIFTNET_A_128TO384_28,
            BenchShapes.SHIFTNET_A_384TO128_28, BenchShapes.SHIFTNET_A_384TO128_28_S2,
            BenchShapes.SHIFTNET_A_256TO512_14, BenchShapes.SHIFTNET_A_512TO256_14,
            BenchShapes.SHIFTNET_A_512TO256_14_S2, BenchShapes.SHIFTNET_A_512TO512_7);
    private static final List<String> LAYOUTS = List.of("NHWC", "NCHW");

    /** The timings of one run, by shape, layout and thread count, and its FMA peak in GFLOP/s. */
    record Run(Map<String, Timing> timings, double peakGflops) {
        static Run of(List<JmhResult> results, int vectorBits) {
            Map<String, Timing> timings = new HashMap<>();
            double peak = Double.NaN;
            for (JmhResult r : results) {
                Optional<Timing> t = FoundationReport.toMicros(r);
                if (t.isEmpty()) continue;
                if (r.shortName().equals(FMA) && vectorBits > 0) {
                    peak = t.get().giga(FmaPeakBench.flopsPerCall(vectorBits / Float.SIZE));
                } else if (r.shortName().equals(POINTWISE)) {
                    timings.put(key(r.param("shape"), r.param("layout"), r.param("threads")), t.get());
                }
            }
            return new Run(timings, peak);
        }

        Optional<Timing> timing(String shape, String layout, int threads) {
            return Optional.ofNullable(timings.get(key(shape, layout, Integer.toString(threads))));
        }

        /** GFLOP/s of a shape over this run's peak, or NaN. */
        double ofPeak(String shape, String layout, int threads) {
            double flops = PointwiseShape.parse(shape).flops();
            return timing(shape, layout, threads).map(t -> t.giga(flops) / peakGflops).orElse(Double.NaN);
        }

        double speedup(String shape, String layout) {
            Optional<Timing> one = timing(shape, layout, 1), two = timing(shape, layout, 2);
            return one.isPresent() && two.isPresent() ? one.get().micros() / two.get().micros() : Double.NaN;
        }

        /** µs of all of ShiftNet-A's pointwise layers (each shape times its layer count), or NaN if one is missing. */
        double networkMicros(String layout, int threads) {
            double total = 0;
            for (int i = 0; i < SHAPES.size(); i++) {
                Optional<Timing> t = timing(SHAPES.get(i), layout, threads);
                if (t.isEmpty()) return Double.NaN;
                total += BenchShapes.SHIFTNET_A_POINTWISE_LAYERS[i] * t.get().micros();
            }
            return total;
        }

        private static String key(String shape, String layout, String threads) {
            return shape + "|" + layout + "|" + threads;
        }
    }

    private PointwiseReport() {
    }

    public static void main(String[] args) throws IOException {
        List<String> rest = new ArrayList<>();
        Path baselineJson = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--baseline") && i + 1 < args.length) {
                baselineJson = Path.of(args[++i]);
            } else {
                rest.add(args[i]);
            }
        }
        Optional<List<JmhResult>> baseline = Optional.empty();
        if (baselineJson != null) {
            try (InputStream in = Files.newInputStream(baselineJson)) {
                baseline = Optional.of(JmhJsonReader.read(in));
            }
        }
        Optional<List<JmhResult>> base = baseline;
        String baselineName = baselineJson == null ? null : baselineJson.toString();
        FoundationReport.writeReport(rest.toArray(String[]::new), "PointwiseReport",
                (results, context) -> render(results, context, base, baselineName));
    }

    static String render(List<JmhResult> results, Context context, Optional<List<JmhResult>> baselineResults,
                         String baselineFile) {
        Run run = Run.of(results, context.vectorBits());
        Optional<Run> baseline = baselineResults.map(b -> Run.of(b, FoundationReport.vectorBits(b)));
        StringBuilder out = new StringBuilder();
        out.append("# ShiftNet-A's 1x1 convolutions: share of the FMA peak, 1 and 2 threads\n\n");
        out.append("Generated by `PointwiseReport` from `").append(context.jsonFile()).append("` (raw JMH JSON)");
        baseline.ifPresent(b -> out.append(", with the baseline run `").append(baselineFile).append('`'));
        out.append(". `ShiftNetPointwiseBench` runs the runtime's pointwise step (`Steps.Pointwise` on an ")
                .append("`IntraOpPool`, the split a `Session` uses) on every distinct 1x1 convolution of ShiftNet-A ")
                .append("at 224×224, batch 1, zero bias, no ReLU. GFLOP/s counts 2·Cin·Cout·Hout·Wout; *% of peak* ")
                .append("is 1-thread GFLOP/s over the same run's `FmaPeakBench` (one core); *2T/1T* is the ")
                .append("1-thread time over the 2-thread time. ± is JMH's 99.9% half-width.\n\n");
        FoundationReport.appendRunTable(out, results, context);
        out.append("## FMA peak\n\n");
        out.append(num(run.peakGflops())).append(" GFLOP/s");
        baseline.ifPresent(b -> out.append(" (baseline run: ").append(num(b.peakGflops())).append(" GFLOP/s)"));
        out.append(".\n\n");
        for (String layout : LAYOUTS) {
            appendLayout(out, run, baseline, layout);
        }
        appendNetwork(out, run, baseline);
        return out.toString();
    }

    private static void appendLayout(StringBuilder out, Run run, Optional<Run> baseline, String layout) {
        out.append("## ").append(layout).append("\n\n");
        List<String> header = new ArrayList<>(List.of("shape", "layers", "MFLOP", "1T µs", "±", "1T GFLOP/s",
                "% of peak", "2T µs", "±", "2T GFLOP/s", "2T/1T"));
        if (baseline.isPresent()) header.addAll(List.of("baseline % of peak", "baseline 2T/1T"));
        MarkdownTable table = new MarkdownTable(header.toArray(String[]::new));
        for (int i = 0; i < SHAPES.size(); i++) {
            String shape = SHAPES.get(i);
            PointwiseShape s = PointwiseShape.parse(shape);
            double flops = s.flops();
            Optional<Timing> one = run.timing(shape, layout, 1), two = run.timing(shape, layout, 2);
            List<String> cells = new ArrayList<>(List.of(s.label(),
                    Integer.toString(BenchShapes.SHIFTNET_A_POINTWISE_LAYERS[i]), num(flops / 1e6),
                    one.map(t -> num(t.micros())).orElse(MISSING), one.map(t -> err(t.errorMicros())).orElse(MISSING),
                    one.map(t -> num(t.giga(flops))).orElse(MISSING), pct(run.ofPeak(shape, layout, 1)),
                    two.map(t -> num(t.micros())).orElse(MISSING), two.map(t -> err(t.errorMicros())).orElse(MISSING),
                    two.map(t -> num(t.giga(flops))).orElse(MISSING), ratio(run.speedup(shape, layout))));
            baseline.ifPresent(b -> cells.addAll(List.of(pct(b.ofPeak(shape, layout, 1)),
                    ratio(b.speedup(shape, layout)))));
            table.row(cells.toArray(String[]::new));
        }
        table.appendTo(out);
    }

    private static void appendNetwork(StringBuilder out, Run run, Optional<Run> baseline) {
        out.append("## All of ShiftNet-A's pointwise layers\n\n");
        out.append("Each shape's time times its number of layers, summed (").append(num(networkFlops() / 1e9))
                .append(" GFLOP per image).\n\n");
        List<String> header = new ArrayList<>(List.of("layout", "1T µs", "1T % of peak", "2T µs", "2T/1T"));
        if (baseline.isPresent()) header.addAll(List.of("baseline 1T µs", "baseline % of peak", "baseline 2T/1T"));
        MarkdownTable table = new MarkdownTable(header.toArray(String[]::new));
        for (String layout : LAYOUTS) {
            List<String> cells = new ArrayList<>(networkCells(run, layout));
            baseline.ifPresent(b -> {
                List<String> base = networkCells(b, layout);
                cells.addAll(List.of(base.get(1), base.get(2), base.get(4)));
            });
            table.row(cells.toArray(String[]::new));
        }
        table.appendTo(out);
    }

    private static List<String> networkCells(Run run, String layout) {
        double one = run.networkMicros(layout, 1), two = run.networkMicros(layout, 2);
        double ofPeak = networkFlops() / (one * 1e3) / run.peakGflops();
        return List.of(layout, num(one), pct(ofPeak), num(two), ratio(one / two));
    }

    private static double networkFlops() {
        double flops = 0;
        for (int i = 0; i < SHAPES.size(); i++) {
            flops += BenchShapes.SHIFTNET_A_POINTWISE_LAYERS[i] * PointwiseShape.parse(SHAPES.get(i)).flops();
        }
        return flops;
    }

    private static String ratio(double value) {
        return Double.isFinite(value) ? String.format(java.util.Locale.ROOT, "%.2f", value) : MISSING;
    }
}
