package org.shiftnet4j.bench;

import java.util.SplittableRandom;

/**
 * Settings shared by every benchmark class. They are compile-time constants because JMH reads them from
 * annotations; {@code scripts/run-benchmarks --quick} overrides the counts on the command line.
 */
public final class BenchSettings {
    /** Two forks: the 2-core host is noisy and JIT outcomes differ between JVMs, so one fork is not enough. */
    public static final int FORKS = 2;
    public static final int WARMUP_ITERATIONS = 5;
    public static final int MEASUREMENT_ITERATIONS = 5;
    public static final int ITERATION_SECONDS = 1;

    public static final String ADD_VECTOR_MODULE = "--add-modules=jdk.incubator.vector";
    public static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    /** Equal heap bounds and pre-touched pages: no heap resizing or first-touch page faults inside a measurement. */
    public static final String HEAP_MIN = "-Xms1g";
    public static final String HEAP_MAX = "-Xmx1g";
    public static final String PRE_TOUCH = "-XX:+AlwaysPreTouch";

    /** One seed for all inputs, so every run times the same data. */
    public static final long SEED = 0x5EED_2026L;

    private BenchSettings() {
    }

    /** Uniform values in [-scale, scale): no zeros, denormals or infinities to change the timing. */
    public static float[] randomFloats(int count, float scale, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return values;
    }
}
