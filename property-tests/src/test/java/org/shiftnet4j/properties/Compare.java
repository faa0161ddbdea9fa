package org.shiftnet4j.properties;

/**
 * Comparisons against an {@link Expected}: they fail with the case, the first offending element's coordinates and
 * the number of offenders, so a shrunk counterexample explains itself.
 */
final class Compare {
    private Compare() {
    }

    /** Every element within its tolerance of the double-precision value; NaN (an unwritten output) never is. */
    static void toDefinition(Object context, String what, Expected expected, float[] actual) {
        check(context, what, expected, actual.length);
        int offenders = 0, first = -1;
        for (int i = 0; i < actual.length; i++) {
            if (!(Math.abs(actual[i] - expected.value()[i]) <= expected.tolerance()[i])) {
                if (offenders++ == 0) first = i;
            }
        }
        if (offenders > 0) {
            fail(context, what + ": " + offenders + " of " + actual.length + " values are off the definition; first at "
                    + expected.shape().coordinates(first) + ": exact " + expected.value()[first] + ", got "
                    + actual[first] + ", error " + Math.abs(actual[first] - expected.value()[first]) + " > tolerance "
                    + expected.tolerance()[first] + " (" + expected.rule() + ")");
        }
    }

    /**
     * Two float results of one op agree within twice the tolerance (each may sit that far from the exact value, on
     * opposite sides); bit for bit when the tolerance is zero.
     */
    static void toEachOther(Object context, String what, Expected expected, float[] first, float[] second) {
        check(context, what, expected, first.length);
        check(context, what, expected, second.length);
        int offenders = 0, at = -1;
        for (int i = 0; i < first.length; i++) {
            // With a zero tolerance this is float equality: NaN (an unwritten element) agrees with nothing.
            boolean agree = Math.abs(first[i] - second[i]) <= 2 * expected.tolerance()[i];
            if (!agree) {
                if (offenders++ == 0) at = i;
            }
        }
        if (offenders > 0) {
            fail(context, what + ": " + offenders + " of " + first.length + " values differ by more than twice the "
                    + "tolerance; first at " + expected.shape().coordinates(at) + ": " + first[at] + " vs "
                    + second[at] + " (exact " + expected.value()[at] + ", tolerance " + 2 * expected.tolerance()[at]
                    + ", " + expected.rule() + ")");
        }
    }

    /** Bit for bit (+0 and −0 count as equal; NaN equals nothing). */
    static void identical(Object context, String what, Shape shape, float[] first, float[] second) {
        Expect.identical(context, what, shape, first, second, Expect.NO_NOTE);
    }

    private static void check(Object context, String what, Expected expected, int length) {
        if (length != expected.value().length) {
            fail(context, what + ": result holds " + length + " values, " + expected.value().length
                    + " expected for " + expected.shape());
        }
    }

    private static void fail(Object context, String message) {
        throw new AssertionError(context + "\n  " + message);
    }
}
