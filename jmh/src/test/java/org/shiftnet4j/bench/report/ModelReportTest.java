package org.shiftnet4j.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.shiftnet4j.bench.BenchModels;
import org.shiftnet4j.bench.BenchModels.RunConfig;

/** The model report from a hand-written JMH JSON file whose rates and ratios are known. */
class ModelReportTest {
    private static final String BENCH = "org.shiftnet4j.bench.";
    private static final String NO_COUNTERS = null;

    @Test
    void computesRatesPeakSharesAndRatios() throws IOException {
        String markdown = render(json(
                fmaPeak("8.0"),
                model("shiftresnet20", "b1-t1", "NHWC", "2.0", "0.1", counters(0, 2500, 12.5)),
                model("shiftresnet20", "b1-t2", "NHWC", "1.25", "0.05", counters(0, 4000, 7.0)),
                model("resnet20", "b1-t1", "NHWC", "2.5", "0.1", counters(0, 2000, 15.0)),
                model("shiftnet-a", "b8-t2", "NCHW", "800.0", "\"NaN\"", counters(0, 12, 900.0))));

        // FMA: 2 * 4096 steps * 12 chains * 8 lanes = 786432 FLOP in 8 µs = 98.3 GFLOP/s.
        assertTrue(markdown.contains("| FMA peak | 8.00 | 0.100 | 98.3 | 1.23 |"), markdown);
        // shiftresnet20-e6: 32,162,432 multiply-adds = 64.3 MFLOP per image; 2 ms per image = 500 images/s
        // = 32.2 GFLOP/s = 33% of one thread's peak.
        assertTrue(markdown.contains("| shiftresnet20-e6 @32×32 | NHWC | 1 | 1 | 2.00 | 0.100 | 500 | 32.2 | 33% | 0 | 12.5 | 1.00 |"),
                markdown);
        // Two threads: 800 images/s = 51.5 GFLOP/s against 2 × 98.3.
        assertTrue(markdown.contains("| shiftresnet20-e6 @32×32 | NHWC | 1 | 2 | 1.25 | 0.050 | 800 | 51.5 | 26% |"),
                markdown);
        assertTrue(markdown.contains("| shiftresnet20-e6 @32×32 | NHWC | 2.00 | 0.100 | 1.25 | 0.050 | 1.60× |"),
                markdown);
        // 2.0 / 2.5 ms; 32,162,432 / 40,813,184 multiply-adds.
        assertTrue(markdown.contains("| NHWC | 1 | 1 | 2.00 | 2.50 | 0.800× | 0.788× |"), markdown);
        // ShiftNet-A: 1,424,306,176 multiply-adds; batch 8 in 800 ms = 10 images/s = 28.5 GFLOP/s = 14% of 2 threads.
        assertTrue(markdown.contains("| shiftnet-a @224×224 | NCHW | 8 | 2 | 800 | n/a | 10.0 | 28.5 | 14% | 0 | 900 |"),
                markdown);
        assertTrue(markdown.contains("allocated **0 bytes** in all 8,512 measured calls of the 4 configurations"),
                markdown);
        assertTrue(markdown.contains("| shiftnet-a | 3×224×224 | 1000 | 4,188,680 | 1424 | 2.85 |"), markdown);
        assertTrue(markdown.contains("| Command | `scripts/run-benchmarks --suite models` |"), markdown);
        assertTrue(markdown.contains("runs at expansion 6 (shiftresnet20-e6)."), markdown);
        assertFalse(markdown.contains("## Other results in the file"), markdown);
        // 18 configurations in the default grid, 4 in the file.
        assertTrue(markdown.contains("Left out with `-p`, or failed: the JMH log shows why. shiftnet-a b1-t1 NHWC; "
                + "shiftnet-a b1-t1 NCHW; shiftnet-a b1-t2 NHWC;"), markdown);
        assertFalse(markdown.contains("shiftresnet20 b1-t1 NHWC;"), markdown);
    }

    @Test
    void saysSoWhenNoNetworkRan() throws IOException {
        String markdown = render(json(fmaPeak("8.0")));
        assertTrue(markdown.contains("## Batch-1 latency\n\nNo results."), markdown);
        assertTrue(markdown.contains("shiftnet-a b1-t1 NHWC; "), markdown);
    }

    @Test
    void ordersRowsByNetworkBatchThreadsAndLayout() throws IOException {
        String markdown = render(json(
                model("resnet20", "b1-t1", "NHWC", "2.5", "0.1", NO_COUNTERS),
                model("shiftresnet20", "b8-t2", "NHWC", "9.0", "0.1", NO_COUNTERS),
                model("shiftresnet20", "b1-t1", "NCHW", "2.2", "0.1", NO_COUNTERS),
                model("shiftresnet20", "b1-t1", "NHWC", "2.0", "0.1", NO_COUNTERS)));
        int nhwc = markdown.indexOf("| shiftresnet20-e6 @32×32 | NHWC | 1 | 1 |");
        int nchw = markdown.indexOf("| shiftresnet20-e6 @32×32 | NCHW | 1 | 1 |");
        int batch8 = markdown.indexOf("| shiftresnet20-e6 @32×32 | NHWC | 8 | 2 |");
        int resnet = markdown.indexOf("| resnet20 @32×32 | NHWC | 1 | 1 |");
        assertTrue(nhwc > 0 && nhwc < nchw && nchw < batch8 && batch8 < resnet, markdown);
        // No FMA peak in the file: no share of it, and no allocation section without the counters.
        assertTrue(markdown.contains("| FMA peak | — | — | — | — |"), markdown);
        assertFalse(markdown.contains("## Allocation in steady state"), markdown);
    }

    @Test
    void namesTheConfigurationsThatAllocate() throws IOException {
        String markdown = render(json(
                model("shiftresnet20", "b1-t1", "NHWC", "2.0", "0.1", counters(0, 1000, 10.0)),
                model("shiftresnet20", "b1-t2", "NCHW", "1.5", "0.1", counters(4800, 300, 40.0))));
        assertTrue(markdown.contains("**allocated** in 1 of 2 configurations"), markdown);
        assertTrue(markdown.contains("| shiftresnet20-e6 @32×32 | NCHW | 1 | 2 | 16.0 |"), markdown);
    }

    @Test
    void listsUnknownNetworksAndBenchmarksRaw() throws IOException {
        String markdown = render(json(
                model("lenet", "b1-t1", "NHWC", "2.0", "0.1", NO_COUNTERS),
                model("resnet20", "batch-one", "NHWC", "2.0", "0.1", NO_COUNTERS)));
        assertTrue(markdown.contains("## Other results in the file"), markdown);
        assertTrue(markdown.contains("| ModelBench.sessionRun | config=b1-t1, layout=NHWC, model=lenet | avgt |"),
                markdown);
        assertTrue(markdown.contains("config=batch-one"), markdown);
    }

    @Test
    void parsesRunConfigurations() {
        assertEquals(new RunConfig(8, 2), RunConfig.parse(BenchModels.BATCH8_THREADS2));
        assertEquals(new RunConfig(1, 1), RunConfig.parse(BenchModels.BATCH1_THREADS1));
        assertThrows(IllegalArgumentException.class, () -> RunConfig.parse("b0-t1"));
        assertThrows(IllegalArgumentException.class, () -> RunConfig.parse("8x2"));
    }

    @Test
    void checksShiftNetsOnASmallerImageWithTheSameParameters() {
        var timed = BenchModels.build(BenchModels.SHIFTNET_A);
        var check = BenchModels.referenceCheckGraph(BenchModels.SHIFTNET_A);
        assertEquals(224, timed.input().height());
        assertEquals(BenchModels.SHIFTNET_CHECK_IMAGE_SIZE, check.input().height());
        assertEquals(timed.params().keySet(), check.params().keySet());
        assertEquals(32, BenchModels.referenceCheckGraph(BenchModels.RESNET20).input().height());
        assertEquals("shiftresnet20-e6", BenchModels.build(BenchModels.SHIFTRESNET20).name());
    }

    private static String render(String json) throws IOException {
        List<JmhResult> results = JmhJsonReader.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        FoundationReport.Context context = new FoundationReport.Context(new MachineInfo("AMD EPYC", 2, "avx2 fma"),
                256, "scripts/run-benchmarks --suite models", "2026-11-28 01:00:00 UTC", "2026-11-28 01:12:00 UTC",
                "docs/benchmarks/models.json");
        return new ModelReport(results, context).render();
    }

    private static String json(String... entries) {
        return "[\n" + String.join(",\n", entries) + "\n]\n";
    }

    private static String counters(long bytes, long runs, double gcBytesPerOp) {
        return """
                "sessionAllocatedBytes" : {"score" : %d, "scoreError" : "NaN", "scoreUnit" : "#"},
                "sessionRuns" : {"score" : %d, "scoreError" : "NaN", "scoreUnit" : "#"},
                "gc.alloc.rate.norm" : {"score" : %s, "scoreError" : 1.0, "scoreUnit" : "B/op"}
                """.formatted(bytes, runs, gcBytesPerOp);
    }

    private static String fmaPeak(String micros) {
        return entry("FmaPeakBench.fmaPeak", "", micros, "0.1", "us/op", "");
    }

    private static String model(String model, String config, String layout, String millis, String error,
                                String secondary) {
        return entry("ModelBench.sessionRun", "\"model\" : \"%s\", \"config\" : \"%s\", \"layout\" : \"%s\""
                .formatted(model, config, layout), millis, error, "ms/op", secondary == null ? "" : secondary);
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
