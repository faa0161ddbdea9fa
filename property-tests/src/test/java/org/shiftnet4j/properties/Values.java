package org.shiftnet4j.properties;

import java.util.SplittableRandom;

/**
 * Deterministic test data from a case's seed, so a counterexample is reproduced by its printed case alone.
 * Each use of the seed takes its own {@link Stream} so that input, weights and bias stay independent.
 */
final class Values {
    /** Which quantity a stream of numbers feeds; part of the stream's seed. */
    enum Stream { INPUT, SECOND_INPUT, WEIGHTS, BIAS, TABLE }

    private Values() {
    }

    static SplittableRandom random(long seed, Stream stream) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + stream.ordinal() * 0xBF58476D1CE4E5B9L + 1);
    }

    /**
     * Activation-like floats: mostly uniform in ±1 at varied scales (2^-3..2^3), with exact zeros and small
     * integers mixed in. Never NaN, infinite or negative zero: a -0 would make "exact" comparisons depend on
     * the sign of zero, which no op promises.
     */
    static float[] activations(long seed, Stream stream, int count) {
        SplittableRandom random = random(seed, stream);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            double kind = random.nextDouble();
            if (kind < 0.08) {
                values[i] = 0f;
            } else if (kind < 0.16) {
                values[i] = random.nextInt(-4, 5) + 0f;
            } else {
                values[i] = (float) (random.nextDouble(-1, 1) * Math.scalb(1.0, random.nextInt(-3, 4)));
            }
        }
        return values;
    }

    /** Weights uniform in ±1. */
    static float[] weights(long seed, Stream stream, int count) {
        SplittableRandom random = random(seed, stream);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float) random.nextDouble(-1, 1);
        return values;
    }

    static float[] filled(int count, float value) {
        float[] values = new float[count];
        java.util.Arrays.fill(values, value);
        return values;
    }
}
