package org.shiftnet4j.bench.report;

import java.util.List;
import java.util.Map;

/**
 * One entry of JMH's JSON result file ({@code -rf json}): a benchmark method at one set of {@code @Param} values.
 *
 * @param benchmark fully qualified method name, e.g. {@code org.shiftnet4j.bench.ShiftBench.shiftVector}
 * @param primary   the timed metric (score ± error in {@code unit})
 * @param secondary profiler metrics by name, e.g. {@code gc.alloc.rate.norm} with {@code -prof gc}
 */
public record JmhResult(String benchmark, String mode, Map<String, String> params, Metric primary,
                        Map<String, Metric> secondary, RunSettings settings) {

    /**
     * A score with its error: JMH's half-width of the 99.9% confidence interval over all measurement iterations of
     * all forks, NaN when there were too few iterations to compute one.
     */
    public record Metric(double score, double error, String unit) {
        public boolean hasError() {
            return Double.isFinite(error);
        }
    }

    /** How the benchmark was run; the same for every entry of a normal run. */
    public record RunSettings(String jmhVersion, int forks, int threads, int warmupIterations, String warmupTime,
                              int measurementIterations, String measurementTime, String jvm, List<String> jvmArgs,
                              String jdkVersion, String vmName, String vmVersion) {
    }

    /** The class's simple name and the method, e.g. {@code ShiftBench.shiftVector}. */
    public String shortName() {
        int method = benchmark.lastIndexOf('.');
        int type = benchmark.lastIndexOf('.', method - 1);
        return benchmark.substring(type + 1);
    }

    public String param(String name) {
        return params.get(name);
    }
}
