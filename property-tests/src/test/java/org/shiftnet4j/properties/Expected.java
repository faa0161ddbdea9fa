package org.shiftnet4j.properties;

/**
 * What an op must produce: a double-precision value per output element (NCHW order) and how far a float kernel may
 * be from it. {@link #rule} says in words how the tolerance was made, for failure messages.
 */
record Expected(Shape shape, double[] value, double[] tolerance, String rule) {

    /** No rounding is allowed: copies, ReLU and single correctly rounded float operations. */
    static Expected exactly(Shape shape, double[] value) {
        return new Expected(shape, value, new double[value.length], "exact");
    }

    /**
     * Sums of {@code terms} products: {@code 1e-6·(terms+1)·Σ|a·b|}, some 16 times the worst float error of any
     * summation order with or without FMA (the same allowance as {@link Exact#tolerance}).
     */
    static Expected sums(Shape shape, double[] value, double[] magnitude, int terms) {
        double[] tolerance = new double[value.length];
        for (int i = 0; i < value.length; i++) {
            tolerance[i] = Exact.RELATIVE_PER_TERM * (terms + 1) * magnitude[i] + Exact.ABSOLUTE_FLOOR;
        }
        return new Expected(shape, value, tolerance, "1e-6·(" + terms + "+1)·Σ|a·b| + 1e-30");
    }
}
