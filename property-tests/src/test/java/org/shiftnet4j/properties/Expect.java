package org.shiftnet4j.properties;

import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Comparisons that fail with the whole case, the first differing element's coordinates and the number of
 * differences, so that a shrunk counterexample explains itself.
 */
final class Expect {
    private Expect() {
    }

    /** No extra per-channel detail. */
    static final IntFunction<String> NO_NOTE = c -> "";

    /**
     * Every element equal as a float ({@code ==}, so +0 equals -0; NaN equals nothing, which flags unwritten outputs).
     */
    static void identical(Object context, String what, Shape shape, float[] expected, float[] actual,
                          IntFunction<String> channelNote) {
        sameLength(context, what, shape, expected.length, actual.length);
        int differing = 0, first = -1;
        for (int i = 0; i < expected.length; i++) {
            if (!(expected[i] == actual[i])) {
                if (differing++ == 0) first = i;
            }
        }
        if (differing > 0) {
            fail(context, what + ": " + differing + " of " + expected.length + " values differ (exact equality "
                    + "expected); first at " + shape.coordinates(first) + channelNote.apply(shape.channelOf(first))
                    + ": expected " + expected[first] + " but got " + actual[first]);
        }
    }

    /** Every element within {@link Exact#tolerance} of the oracle. NaN is never close. */
    static void closeToOracle(Object context, String what, Exact exact, float[] actual) {
        Shape shape = exact.shape();
        sameLength(context, what, shape, exact.value().length, actual.length);
        int differing = 0, first = -1;
        for (int i = 0; i < actual.length; i++) {
            if (!(Math.abs(actual[i] - exact.value()[i]) <= exact.tolerance(i))) {
                if (differing++ == 0) first = i;
            }
        }
        if (differing > 0) {
            fail(context, what + ": " + differing + " of " + actual.length + " values are off the double-precision "
                    + "oracle; first at " + shape.coordinates(first) + ": exact " + exact.value()[first] + ", got "
                    + actual[first] + ", error " + Math.abs(actual[first] - exact.value()[first]) + " > tolerance "
                    + exact.tolerance(first) + " = " + exact.describeTolerance() + " with Σ|a·b| = "
                    + exact.magnitude()[first]);
        }
    }

    /**
     * Two float results of the same op agree within twice the oracle's tolerance (each may be that far from the
     * exact value, on opposite sides).
     */
    static void closeToEachOther(Object context, String what, Exact exact, float[] expected, float[] actual) {
        Shape shape = exact.shape();
        sameLength(context, what, shape, expected.length, actual.length);
        int differing = 0, first = -1;
        for (int i = 0; i < actual.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= 2 * exact.tolerance(i))) {
                if (differing++ == 0) first = i;
            }
        }
        if (differing > 0) {
            fail(context, what + ": " + differing + " of " + actual.length + " values differ by more than twice the "
                    + "oracle tolerance; first at " + shape.coordinates(first) + ": " + expected[first] + " vs "
                    + actual[first] + " (exact " + exact.value()[first] + ", tolerance " + 2 * exact.tolerance(first)
                    + ")");
        }
    }

    /** {@code problem} is null when all is well (see {@link Placed}). */
    static void untouched(Object context, String what, String problem) {
        if (problem != null) fail(context, what + ": " + problem);
    }

    static void near(Object context, String what, double expected, double actual, double tolerance) {
        if (!(Math.abs(expected - actual) <= tolerance)) {
            fail(context, what + ": " + expected + " vs " + actual + " differ by " + Math.abs(expected - actual)
                    + " > tolerance " + tolerance);
        }
    }

    /** {@code what} is only built on failure: some callers check thousands of conditions per try. */
    static void that(Object context, boolean condition, Supplier<String> what) {
        if (!condition) fail(context, what.get());
    }

    private static void sameLength(Object context, String what, Shape shape, int expected, int actual) {
        if (expected != actual) {
            fail(context, what + ": result holds " + actual + " values, " + expected + " expected for " + shape);
        }
    }

    private static void fail(Object context, String message) {
        throw new AssertionError(context + "\n  " + message);
    }
}
