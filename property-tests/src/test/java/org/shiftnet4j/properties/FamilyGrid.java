package org.shiftnet4j.properties;

import java.lang.foreign.Arena;
import org.shiftnet4j.kernel.Kernels;
import org.shiftnet4j.tensor.Layout;

/**
 * Runs one op case in both kernel families and both layouts (four calls) and checks the whole grid: every result
 * against the definition, memory around every call, the Vector API family against the scalar reference in each
 * layout, and each family's NHWC result against its NCHW result.
 */
final class FamilyGrid {
    /** How closely two results of one op must agree. */
    enum Agreement {
        /** Bit for bit: no reduction is involved, or both sides round the same way by definition. */
        IDENTICAL,
        /** Within twice the definition's tolerance: the two may sum in different orders. */
        WITHIN_TOLERANCE
    }

    /** One kernel call of the case in the given family and layout. */
    @FunctionalInterface
    interface Runner {
        OpRuns.Call run(Arena arena, Kernels kernels, Layout layout);
    }

    private static final Layout[] LAYOUTS = {Layout.NCHW, Layout.NHWC};

    private FamilyGrid() {
    }

    /**
     * @param vectorVsScalar how the two families must agree in one layout
     * @param vectorLayouts  how the Vector API family's two layouts must agree; the scalar reference walks the same
     *                       elements in the same order in either layout, so its layouts always agree bit for bit
     */
    static void check(Object testCase, String op, Expected expected, Agreement vectorVsScalar, Agreement vectorLayouts,
                      Runner runner) {
        float[][] scalar = new float[LAYOUTS.length][], vector = new float[LAYOUTS.length][];
        for (int l = 0; l < LAYOUTS.length; l++) {
            scalar[l] = runChecked(testCase, op, expected, Families.SCALAR, LAYOUTS[l], runner);
            vector[l] = runChecked(testCase, op, expected, Families.VECTOR, LAYOUTS[l], runner);
            agree(testCase + " in " + LAYOUTS[l], op + ": " + Families.VECTOR.name() + " vs scalar", expected,
                    vectorVsScalar, scalar[l], vector[l]);
        }
        agree(testCase + " on scalar kernels", op + ": NHWC vs NCHW", expected, Agreement.IDENTICAL,
                scalar[0], scalar[1]);
        agree(testCase + " on " + Families.VECTOR.name() + " kernels", op + ": NHWC vs NCHW", expected, vectorLayouts,
                vector[0], vector[1]);
    }

    private static float[] runChecked(Object testCase, String op, Expected expected, Kernels kernels, Layout layout,
                                      Runner runner) {
        String context = testCase + " on " + kernels.name() + " kernels, " + layout;
        try (Arena arena = Arena.ofConfined()) {
            OpRuns.Call call = runner.run(arena, kernels, layout);
            float[] result = call.result();
            Compare.toDefinition(context, op + " vs the definition", expected, result);
            call.verifyMemory(context, op);
            return result;
        }
    }

    private static void agree(Object context, String what, Expected expected, Agreement agreement, float[] first,
                              float[] second) {
        if (agreement == Agreement.IDENTICAL) {
            Compare.identical(context, what + " (bit for bit)", expected.shape(), first, second);
        } else {
            Compare.toEachOther(context, what, expected, first, second);
        }
    }
}
