package org.shiftnet4j.properties;

/**
 * A double-precision oracle result: the exact-enough value of every output element (NCHW order), the sum of the
 * magnitudes of the terms that made it (Σ|a·b|, bias included) and the reduction length.
 *
 * <p>A float kernel may sum in any order and with or without FMA; its error is then bounded by about
 * {@code terms · 2^-24 · Σ|a·b|}. {@link #tolerance} allows {@code 1e-6 · (terms + 1) · Σ|a·b|}, some 16 times that
 * worst case, plus a tiny absolute floor for all-zero sums.
 */
record Exact(Shape shape, double[] value, double[] magnitude, int terms) {
    static final double RELATIVE_PER_TERM = 1e-6;
    static final double ABSOLUTE_FLOOR = 1e-30;

    double tolerance(int i) {
        return RELATIVE_PER_TERM * (terms + 1) * magnitude[i] + ABSOLUTE_FLOOR;
    }

    String describeTolerance() {
        return RELATIVE_PER_TERM + "·(" + terms + "+1)·Σ|a·b| + " + ABSOLUTE_FLOOR;
    }
}
