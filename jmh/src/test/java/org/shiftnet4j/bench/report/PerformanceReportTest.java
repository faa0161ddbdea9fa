package org.shiftnet4j.bench.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The performance report from hand-written JMH JSON whose ratios and verdicts are known. */
class PerformanceReportTest {
    private static final String BENCH = "org.shiftnet4j.bench.";
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final LimitNotes NOTES = LimitNotes.parse("docs/benchmarks/limits.md", List.of(
            "# What limits each target", "Text before the first section is not printed.", "",
            "## conv1x1-peak", "The NHWC kernel reloads its weight panel for every pixel tile.", "",
            "Second paragraph.", "## csc-shift-overhead", "The shift is a separate pass over 4·C channels.",
            "## shift-vs-ort", "Never printed: this target is met."));

    @Test
    void pointwiseRowsAgainstThePeakOrtAndTwoThreads() throws IOException {
        String md = render(
                fmaPeak("8.0"),
                pointwiseStep("C512to512_7x7_S1", "NHWC", 1, "300.0"),
                pointwiseStep("C512to512_7x7_S1", "NHWC", 2, "200.0"),
                ort("conv1x1", "C512to512_7x7_S1", "400.0"),
                pointwiseStep("C64to256_56x56_S1", "NHWC", 1, "2000.0"),
                pointwiseStep("C64to256_56x56_S1", "NHWC", 2, "1000.0"),
                ort("conv1x1", "C64to256_56x56_S1", "2200.0"));

        // FMA: 2 * 4096 * 12 * 8 lanes = 786,432 FLOP in 8 µs = 98.3 GFLOP/s.
        // 512->512 @7x7: 25.69 MFLOP in 300 µs = 85.6 GFLOP/s = 87% of peak; ORT 400/300 = 1.33x;
        // 2 threads 1.50x, but the shape is below 50 MFLOP, so no verdict.
        assertTrue(md.contains("| 512->512 @7x7 | 4 | 25.7 | NHWC | 300 | 0.100 | 85.6 | 87% | MET | 400 | 0.100 "
                + "| 1.33× | MET | 200 | 1.50× | n/a (small) |"), md);
        // 64->256 @56x56: 102.8 MFLOP in 2000 µs = 51.4 GFLOP/s = 52%; ORT 1.10x; 2 threads 2.00x.
        assertTrue(md.contains("| 64->256 @56x56 | 5 | 103 | NHWC | 2000 | 0.100 | 51.4 | 52% | **NOT MET** | 2200 "
                + "| 0.100 | 1.10× | **NOT MET** | 1000 | 2.00× | MET |"), md);
        // A shape the run does not have: dashes, counted as missing.
        assertTrue(md.contains("| 32->128 @112x112 | 1 | 103 | NCHW | — | — | — | — | — | — | — | — | — | — | — | — |"),
                md);
        assertTrue(md.contains("- `conv1x1-peak`, 1×1 conv ≥ 80% of the FMA peak (1 thread, every shape in one "
                + "layout): **NOT MET**. NHWC: 1 of 12 met, 1 not, 10 without data; NCHW: 0 of 12 met, 12 without "
                + "data; worst 52% (64->256 @56x56, NHWC) (one group meeting it suffices)."), md);
        // The hand-written note, quoted under the failed target; its text before the first section is not.
        assertTrue(md.contains("  What limits it (from `docs/benchmarks/limits.md`):\n\n"
                + "  > The NHWC kernel reloads its weight panel for every pixel tile.\n  >\n  > Second paragraph.\n"), md);
        assertFalse(md.contains("Text before the first section"), md);
        // A target with only met rows but missing ones is "met where measured", never plain MET.
        assertTrue(md.contains("- `conv1x1-2-threads`, 1×1 conv 2 threads ≥ 1.80× 1 thread on shapes ≥ 50.0 MFLOP "
                + "(in one layout): MET where measured."), md);
        assertTrue(md.contains("| `conv1x1-vs-ort` | 1×1 conv ≥ 1.20× ONNX Runtime's speed (1 thread, every shape in "
                + "one layout) | **NOT MET** |"), md);
    }

    @Test
    void fallsBackToConv1x1BenchForOurPointwiseFigure() throws IOException {
        String md = render(fmaPeak("8.0"), entry("Conv1x1Bench.conv1x1Vector",
                "\"shape\" : \"C512to512_7x7\", \"layout\" : \"NCHW\"", "300.0", "0.1", "us/op", ""));
        assertTrue(md.contains("| 512->512 @7x7 | 4 | 25.7 | NCHW | 300 | 0.100 | 85.6 | 87% | MET |"), md);
        assertFalse(md.contains("## Other results in the file"), md);
    }

    @Test
    void cscBlockMetOnlyWhenBothLayoutsMeetIt() throws IOException {
        List<String> rows = new ArrayList<>();
        for (String block : List.of("C64_56x56_E4_K5", "C128_28x28_E3_K5", "C256_14x14_E2_K3")) {
            for (String layout : List.of("NHWC", "NCHW")) {
                rows.add(csc(block, layout, "with-shift", "1020.0"));
                rows.add(csc(block, layout, "without-shift", "1000.0"));
            }
        }
        String met = render(rows.toArray(String[]::new));
        // 1020 / 1000 = 1.02x; error sqrt((0.1/1020)^2 + (0.1/1000)^2) * 1.02 = 0.00014.
        assertTrue(met.contains("| C64 @56x56 ε4 K5 | 206 | NHWC | 1020 | 0.100 | 1000 | 0.100 | 20.0 | 1.02× "
                + "| 0.00014 | MET |"), met);
        assertTrue(met.contains("| `csc-shift-overhead` | CSC block with its shift ≤ 1.03× the block without "
                + "(both layouts) | MET | NHWC: 3 of 3 met; NCHW: 3 of 3 met; worst 1.02× (C64 @56x56 ε4 K5, NHWC) "
                + "(every group must meet it) |"), met);

        rows.set(rows.size() - 2, csc("C256_14x14_E2_K3", "NCHW", "with-shift", "1200.0"));
        String notMet = render(rows.toArray(String[]::new));
        assertTrue(notMet.contains("| C256 @14x14 ε2 K3 | 103 | NCHW | 1200 | 0.100 | 1000 | 0.100 | 200 | 1.20× "
                + "| 0.00016 | **NOT MET** |"), notMet);
        assertTrue(notMet.contains("- `csc-shift-overhead`, CSC block with its shift ≤ 1.03× the block without "
                + "(both layouts): **NOT MET**."), notMet);
        assertTrue(notMet.contains("  > The shift is a separate pass over 4·C channels.\n"), notMet);
    }

    @Test
    void shiftAgainstTheCopyAndOrtInBothLayouts() throws IOException {
        String md = render(
                entry("MemoryCopyBench.copy", "\"shape\" : \"C64_56x56_K5\"", "15.0", "0.1", "us/op", ""),
                shift("C64_56x56_K5", "NCHW", "20.0"),
                shift("C64_56x56_K5", "NHWC", "10.0"),
                ort("oneHotDepthwiseShift", "C64_56x56_K5", "120.0"));
        // 1.606 MB in 20 µs = 80.3 GB/s; the copy 107 GB/s; 15/20 = 75%; ORT 120/20 = 6x.
        assertTrue(md.contains("| C64 @56x56 K5 | NCHW | 1.61 | 20.0 | 0.100 | 80.3 | 107 | 75% | **NOT MET** "
                + "| 120 | 0.100 | 6.00× | MET |"), md);
        assertTrue(md.contains("| C64 @56x56 K5 | NHWC | 1.61 | 10.0 | 0.100 | 161 | 107 | 150% | MET | 120 "
                + "| 0.100 | 12.0× | MET |"), md);
        assertTrue(md.contains("- `shift-bandwidth`, shift ≥ 80% of the memory copy's GB/s (both layouts): "
                + "**NOT MET**."), md);
        assertTrue(md.contains("  What limits it: no note yet; add a `## shift-bandwidth` section to "
                + "`docs/benchmarks/limits.md`.\n"), md);
        assertTrue(md.contains("- `shift-vs-ort`, shift ≥ 5.00× faster than ONNX Runtime's one-hot depthwise Conv "
                + "(both layouts): MET where measured."), md);
        assertFalse(md.contains("Never printed"), md);
    }

    @Test
    void modelsUseOurBestLayoutAndJudgeLatencyThroughputAndAllocation() throws IOException {
        String md = render(
                model("shiftresnet20", "b1-t1", "NHWC", "0.5", 0),
                model("shiftresnet20", "b1-t1", "NCHW", "0.6", 0),
                ortModel("shiftresnet20", "b1-t1", "1.0"),
                model("shiftresnet20", "b8-t2", "NHWC", "3.5", 0),
                model("shiftresnet20", "b8-t2", "NCHW", "3.0", 0),
                ortModel("shiftresnet20", "b8-t2", "3.6"),
                model("shiftnet-a", "b1-t2", "NHWC", "15.0", 480),
                ortModel("shiftnet-a", "b1-t2", "20.0"));
        assertTrue(md.contains("| shiftresnet20-e6 @32×32 | 1 | 1 | NHWC | 0.500 | 0.100 | 1.00 | 0.100 | 2000 | 1000 "
                + "| 0.500× | 2.00× | time ≤ 0.700× | MET |"), md);
        // Batch 8: 8 / 3 ms = 2667 images/s against 2222: 1.2x, below 1.3x.
        assertTrue(md.contains("| shiftresnet20-e6 @32×32 | 8 | 2 | NCHW | 3.00 | 0.100 | 3.60 | 0.100 | 2667 | 2222 "
                + "| 0.833× | 1.20× | images/s ≥ 1.30× | **NOT MET** |"), md);
        assertTrue(md.contains("| shiftnet-a @224×224 | 1 | 2 | NHWC | 15.0 | 0.100 | 20.0 | 0.100 | 66.7 | 50.0 "
                + "| 0.750× | 1.33× | time ≤ 0.700× | **NOT MET** |"), md);
        assertTrue(md.contains("| shiftnet-a @224×224 | 1 | 1 | — | — | — | — | — | — | — | — | — | time ≤ 0.700× | — |"),
                md);
        // 480 bytes over 1000 calls.
        assertTrue(md.contains("| shiftnet-a @224×224 | NHWC | 1 | 2 | 0.480 | 1000 | 120 | 1.00 | **NOT MET** |"), md);
        assertTrue(md.contains("| shiftresnet20-e6 @32×32 | NCHW | 8 | 2 | 0 | 1000 | 120 | 1.00 | MET |"), md);
        assertTrue(md.contains("![ShiftNet-A and ShiftResNet-20: latency and throughput, shiftnet4j against ONNX "
                + "Runtime](models-vs-onnxruntime.png)"), md);
        assertTrue(md.contains("| `model-latency` | batch-1 latency ≤ 0.700× ONNX Runtime's, 1 and 2 threads "
                + "| **NOT MET** | 1 of 4 met, 1 not, 2 without data; worst 0.750× (shiftnet-a @224×224 b1-t2 NHWC) |"),
                md);
    }

    @Test
    void headerNamesTheRunAndUnknownResultsAreListedRaw() throws IOException {
        String md = render(fmaPeak("8.0"), entry("SomethingNew.bench", "", "1.5", "0.5", "us/op", ""));
        assertTrue(md.startsWith("# Performance: shiftnet4j against its targets\n"), md);
        assertTrue(md.contains("## How to run\n"), md);
        assertTrue(md.contains("## How to read\n"), md);
        assertTrue(md.contains("| Command | `scripts/run-benchmarks --suite performance` |"), md);
        assertTrue(md.contains("| CPU | AMD EPYC 9B45 (2 logical CPUs; avx2 fma avx512f) |"), md);
        assertTrue(md.contains("| JDK | 25.0.3, OpenJDK 64-Bit Server VM 25.0.3+9-LTS |"), md);
        assertTrue(md.contains("Peer: ONNX Runtime 1."), md);
        assertTrue(md.contains("| SomethingNew.bench |  | avgt | 1.50 | 0.500 | us/op |"), md);
        assertFalse(md.contains("| FmaPeakBench.fmaPeak |"), "the peak is used, not raw: " + md);
        assertFalse(md.contains("!["), "no model results, no chart: " + md);
    }

    @Test
    void anEmptyRunListsTheTargetsWithoutData() throws IOException {
        String md = render();
        assertTrue(md.contains("No performance run is recorded in this file yet"), md);
        assertTrue(md.contains("from a run without results"), md);
        assertFalse(md.contains("from `docs/benchmarks/performance.json`"), "no results file to name: " + md);
        for (String id : List.of("conv1x1-peak", "conv1x1-vs-ort", "conv1x1-2-threads", "csc-shift-overhead",
                "shift-bandwidth", "shift-vs-ort", "model-latency", "model-throughput", "model-allocation")) {
            assertTrue(md.contains("| `" + id + "` |"), id + " missing from " + md);
        }
        assertFalse(md.contains("MET |"), md);
        assertFalse(md.contains("## Run"), md);
    }

    @Test
    void readsLimitNotesBySection() {
        assertEquals("The NHWC kernel reloads its weight panel for every pixel tile.\n\nSecond paragraph.",
                NOTES.of("conv1x1-peak").orElseThrow());
        assertTrue(NOTES.of("model-latency").isEmpty());
        assertTrue(LimitNotes.parse("x", List.of("## `a-b`", "note", "## empty", "")).of("empty").isEmpty());
        assertEquals("note", LimitNotes.parse("x", List.of("## `a-b`", "note")).of("a-b").orElseThrow());
    }

    @Test
    void writesTheMarkdownAndAValidPngChart(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("performance.json");
        Files.writeString(json, json(
                model("shiftresnet20", "b1-t1", "NHWC", "0.5", 0),
                ortModel("shiftresnet20", "b1-t1", "1.0"),
                model("shiftnet-a", "b8-t2", "NCHW", "120.0", 0),
                ortModel("shiftnet-a", "b8-t2", "150.0")));
        Path limits = dir.resolve("notes.md");
        Files.writeString(limits, "## model-latency\nnothing limits it\n");
        Path md = dir.resolve("out/README.md");
        PerformanceReport.main(new String[] {"--json", json.toString(), "--md", md.toString(),
                "--limits", limits.toString(), "--command", "scripts/run-benchmarks --suite performance"});

        String markdown = Files.readString(md);
        assertTrue(markdown.contains("](models-vs-onnxruntime.png)"), markdown);
        Path chart = dir.resolve("out/models-vs-onnxruntime.png");
        byte[] png = Files.readAllBytes(chart);
        assertArrayEquals(PNG_MAGIC, Arrays.copyOf(png, PNG_MAGIC.length));
        BufferedImage image = ImageIO.read(chart.toFile());
        assertNotNull(image, "ImageIO cannot read the chart back");
        // Two networks: two rows of a latency and a throughput panel.
        assertEquals(1240, image.getWidth());
        assertEquals(720, image.getHeight());
    }

    private static String render(String... entries) throws IOException {
        List<JmhResult> results = JmhJsonReader.read(new ByteArrayInputStream(
                json(entries).getBytes(StandardCharsets.UTF_8)));
        FoundationReport.Context context = new FoundationReport.Context(
                new MachineInfo("AMD EPYC 9B45", 2, "avx2 fma avx512f"), 256,
                "scripts/run-benchmarks --suite performance", "2026-11-28 01:00:00 UTC", "2026-11-28 01:50:00 UTC",
                "docs/benchmarks/performance.json");
        return new PerformanceReport(results, context, NOTES, PerformanceReport.CHART_FILE).render();
    }

    private static String json(String... entries) {
        return "[\n" + String.join(",\n", entries) + "\n]\n";
    }

    private static String fmaPeak(String micros) {
        return entry("FmaPeakBench.fmaPeak", "", micros, "0.1", "us/op", "");
    }

    private static String pointwiseStep(String shape, String layout, int threads, String micros) {
        return entry("ShiftNetPointwiseBench.pointwiseStep", "\"shape\" : \"%s\", \"layout\" : \"%s\", \"threads\" : \"%d\""
                .formatted(shape, layout, threads), micros, "0.1", "us/op", "");
    }

    private static String ort(String method, String shape, String micros) {
        return entry("OrtLayerBench." + method, "\"shape\" : \"" + shape + "\"", micros, "0.1", "us/op", "");
    }

    private static String csc(String block, String layout, String variant, String micros) {
        return entry("CscBlockBench.sessionRun", "\"block\" : \"%s\", \"layout\" : \"%s\", \"variant\" : \"%s\""
                .formatted(block, layout, variant), micros, "0.1", "us/op", "");
    }

    private static String shift(String shape, String layout, String micros) {
        return entry("ShiftBench.shiftVector", "\"shape\" : \"%s\", \"layout\" : \"%s\", \"policy\" : \"MODULO\""
                .formatted(shape, layout), micros, "0.1", "us/op", "");
    }

    private static String model(String model, String config, String layout, String millis, long sessionBytes) {
        String counters = """
                "sessionAllocatedBytes" : {"score" : %d, "scoreError" : "NaN", "scoreUnit" : "#"},
                "sessionRuns" : {"score" : 1000, "scoreError" : "NaN", "scoreUnit" : "#"},
                "gc.alloc.rate.norm" : {"score" : 120.0, "scoreError" : 1.0, "scoreUnit" : "B/op"}
                """.formatted(sessionBytes);
        return entry("ModelBench.sessionRun", "\"model\" : \"%s\", \"config\" : \"%s\", \"layout\" : \"%s\", \"source\" : \"native\""
                .formatted(model, config, layout), millis, "0.1", "ms/op", counters);
    }

    private static String ortModel(String model, String config, String millis) {
        return entry("OrtModelBench.onnxRuntime", "\"model\" : \"%s\", \"config\" : \"%s\"".formatted(model, config),
                millis, "0.1", "ms/op", "");
    }

    /** One JMH JSON entry as JMH 1.37 writes it (rawData shortened). */
    private static String entry(String bench, String params, String score, String error, String unit,
                                String secondary) {
        return """
                {
                    "jmhVersion" : "1.37",
                    "benchmark" : "%s%s",
                    "mode" : "avgt",
                    "threads" : 1,
                    "forks" : 2,
                    "jvm" : "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java",
                    "jvmArgs" : ["--add-modules=jdk.incubator.vector", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"],
                    "jdkVersion" : "25.0.3",
                    "vmName" : "OpenJDK 64-Bit Server VM",
                    "vmVersion" : "25.0.3+9-LTS",
                    "warmupIterations" : 5,
                    "warmupTime" : "1 s",
                    "warmupBatchSize" : 1,
                    "measurementIterations" : 5,
                    "measurementTime" : "1 s",
                    "measurementBatchSize" : 1,
                    "params" : {%s},
                    "primaryMetric" : {
                        "score" : %s,
                        "scoreError" : %s,
                        "scoreConfidence" : [1.0, 2.0],
                        "scorePercentiles" : {"0.0" : 1.0, "100.0" : 2.0},
                        "scoreUnit" : "%s",
                        "rawData" : [[1.0, 2.0], [1.5, 1.6]]
                    },
                    "secondaryMetrics" : {%s}
                }""".formatted(BENCH, bench, params, score, error, unit, secondary);
    }
}
