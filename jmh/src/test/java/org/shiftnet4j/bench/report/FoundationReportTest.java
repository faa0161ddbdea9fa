package org.shiftnet4j.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report from a hand-written JMH JSON file whose ratios are known. */
class FoundationReportTest {
    private static final String BENCH = "org.shiftnet4j.bench.";

    @Test
    void computesRatesAndRatiosAgainstTheSameRunReferences() throws IOException {
        String markdown = render(json(
                entry("FmaPeakBench.fmaPeak", "", "8.0", "0.1", ""),
                entry("MemoryCopyBench.copy", "C64_56x56_K5", "20.0", "1.0", null),
                entry("ShiftBench.shiftVector", "C64_56x56_K5", "40.0", "2.0", "NCHW"),
                entry("ShiftBench.shiftVectorBorderedInput", "C64_56x56_K5", "32.0", "\"NaN\"", "NCHW"),
                entry("ShiftBench.oneHotDepthwiseVector", "C64_56x56_K5", "120.0", "3.0", "NCHW"),
                entry("ShiftBench.shiftScalar", "C64_56x56_K5", "800.0", "9.0", "NCHW"),
                entry("Conv1x1Bench.conv1x1Vector", "C64to64_56x56", "500.0", "5.0", "NHWC"),
                entry("SomethingNew.bench", "", "1.5", "0.5", "")));

        // FMA: 2 * 4096 steps * 12 chains * 8 lanes = 786432 FLOP in 8 µs.
        assertTrue(markdown.contains("| FMA peak | 8.00 | 0.100 | 98.3 | 1.23 |"), markdown);
        // Shift C64: 2 * 64*56*56*4 = 1.606 MB moved; shift 40 µs = 40.1 GB/s, 50% of the 20 µs copy.
        assertTrue(markdown.contains("| C64 @56x56 K5 | NCHW | 1.61 | 40.1 | 2.01 | 50% | 50.2 | 63% | 13.4 | 80.3 | 4.01 | 3.00× | 20.0× |"),
                markdown);
        assertTrue(markdown.contains("| C64 @56x56 K5 | NCHW | 40.0 | 2.00 | 32.0 | n/a | 120 | 3.00 | 800 | 9.00 | 20.0 | 1.00 |"),
                markdown);
        // NHWC shift results are absent: dashes, but the copy is layout-independent.
        assertTrue(markdown.contains("| C64 @56x56 K5 | NHWC | — | — | — | — | — | — | — | — | 20.0 | 1.00 |"), markdown);
        // 1x1 conv: 2*64*64*3136 = 25.69 MFLOP in 500 µs = 51.4 GFLOP/s = 52% of 98.3.
        assertTrue(markdown.contains("| 64->64 @56x56 | NHWC | 25.7 | 500 | 5.00 | 51.4 | 0.514 | 52% |"), markdown);
        assertTrue(markdown.contains("## Other results in the file"), markdown);
        assertTrue(markdown.contains("| SomethingNew.bench |"), markdown);
        assertTrue(markdown.contains("| Command | `scripts/run-benchmarks --quick` |"), markdown);
        assertTrue(markdown.contains("| CPU | AMD EPYC 7B13 (2 logical CPUs; avx2 fma) |"), markdown);
        assertTrue(markdown.contains("25.0.3, OpenJDK 64-Bit Server VM 25.0.3+9-LTS"), markdown);
        assertFalse(markdown.contains("## Allocation"), "no -prof gc metrics were given");
    }

    @Test
    void listsAllocationWhenTheGcProfilerRan() throws IOException {
        String withGc = json(entry("ShiftBench.shiftVector", "C512_7x7_K3", "5.0", "0.2", "NHWC")
                .replace("\"secondaryMetrics\" : {}", "\"secondaryMetrics\" : {\"gc.alloc.rate.norm\" : "
                        + "{\"score\" : 0.0012, \"scoreError\" : \"NaN\", \"scoreUnit\" : \"B/op\"}}"));
        String markdown = render(withGc);
        assertTrue(markdown.contains("| ShiftBench.shiftVector | layout=NHWC, shape=C512_7x7_K3 | 0.0012 | n/a |"),
                markdown);
    }

    @Test
    void convertsThroughputAndOtherTimeUnitsToMicroseconds() throws IOException {
        List<JmhResult> results = JmhJsonReader.read(stream(json(
                entry("MemoryCopyBench.copy", "C64_56x56_K5", "20000.0", "1000.0", null).replace("us/op", "ns/op"),
                entry("MemoryCopyBench.copy", "C128_28x28_K5", "0.05", "0.005", null).replace("us/op", "ops/us"))));
        FoundationReport.Timing nanos = FoundationReport.toMicros(results.get(0)).orElseThrow();
        assertEquals(20.0, nanos.micros(), 1e-9);
        assertEquals(1.0, nanos.errorMicros(), 1e-9);
        FoundationReport.Timing throughput = FoundationReport.toMicros(results.get(1)).orElseThrow();
        assertEquals(20.0, throughput.micros(), 1e-9);
        assertEquals(2.0, throughput.errorMicros(), 1e-9);
    }

    @Test
    void readsTheCpuModelFromCpuinfo() {
        MachineInfo info = MachineInfo.fromCpuinfo(List.of("processor\t: 0", "model name\t: AMD EPYC 7B13",
                "flags\t\t: fpu sse4_2 avx fma avx2 avx512f avx512vl", "", "processor\t: 1",
                "model name\t: AMD EPYC 7B13", "flags\t\t: fpu"), 7);
        assertEquals(new MachineInfo("AMD EPYC 7B13", 2, "sse4_2 avx avx2 fma avx512f avx512vl"), info);
        assertEquals(7, MachineInfo.fromCpuinfo(List.of(), 7).logicalCpus());
    }

    private static String render(String json) throws IOException {
        List<JmhResult> results = JmhJsonReader.read(stream(json));
        FoundationReport.Context context = new FoundationReport.Context(new MachineInfo("AMD EPYC 7B13", 2, "avx2 fma"), 256,
                "scripts/run-benchmarks --quick", "2026-11-28 01:00:00 UTC", "2026-11-28 01:20:00 UTC",
                "docs/benchmarks/foundation.json");
        return new FoundationReport(results, context).render();
    }

    private static ByteArrayInputStream stream(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String json(String... entries) {
        return "[\n" + String.join(",\n", entries) + "\n]\n";
    }

    /** One JMH JSON entry as JMH 1.37 writes it (rawData shortened); null layout = no layout param. */
    private static String entry(String bench, String shape, String score, String error, String layout) {
        StringBuilder params = new StringBuilder();
        if (!shape.isEmpty()) {
            params.append("\"shape\" : \"").append(shape).append('"');
        }
        if (layout != null && !layout.isEmpty()) {
            params.append(", \"layout\" : \"").append(layout).append('"');
        }
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
                        "scoreUnit" : "us/op",
                        "rawData" : [[1.0, 2.0], [1.5, 1.6]]
                    },
                    "secondaryMetrics" : {}
                }""".formatted(BENCH, bench, params.toString().replaceFirst("^, ", ""), score, error);
    }
}
