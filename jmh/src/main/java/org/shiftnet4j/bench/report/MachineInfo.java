package org.shiftnet4j.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the report says about the machine; read from {@code /proc/cpuinfo} where it exists.
 *
 * @param vectorFlags the SIMD features that decide kernel speed (e.g. "avx2 fma avx512f"), as the kernel reports them
 */
record MachineInfo(String cpuModel, int logicalCpus, String vectorFlags) {
    private static final List<String> INTERESTING_FLAGS = List.of("sse4_2", "avx", "avx2", "fma", "avx512f",
            "avx512vl", "avx512_bf16", "asimd", "sve");

    static MachineInfo current() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        int cpus = Runtime.getRuntime().availableProcessors();
        try {
            return fromCpuinfo(Files.readAllLines(cpuinfo), cpus);
        } catch (IOException | RuntimeException e) {
            return new MachineInfo("unknown (" + cpuinfo + " unreadable: " + e.getMessage() + ")", cpus, "unknown");
        }
    }

    /**
     * The first "model name" line, the number of "processor" entries (the JVM's count as a fallback) and the
     * vector features among the first "flags" (x86) or "Features" (ARM) line.
     */
    static MachineInfo fromCpuinfo(List<String> lines, int fallbackCpus) {
        String model = "unknown (no model name in /proc/cpuinfo)";
        String flags = null;
        int processors = 0;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            if (key.equals("processor")) {
                processors++;
            } else if (key.equals("model name") && model.startsWith("unknown")) {
                model = line.substring(colon + 1).trim();
            } else if ((key.equals("flags") || key.equals("Features")) && flags == null) {
                flags = vectorFlags(List.of(line.substring(colon + 1).trim().split("\\s+")));
            }
        }
        return new MachineInfo(model, processors > 0 ? processors : fallbackCpus, flags == null ? "unknown" : flags);
    }

    private static String vectorFlags(List<String> all) {
        List<String> present = INTERESTING_FLAGS.stream().filter(all::contains).toList();
        return present.isEmpty() ? "none of " + String.join(", ", INTERESTING_FLAGS) : String.join(" ", present);
    }
}
