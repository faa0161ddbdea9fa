package org.shiftnet4j.properties;

import static org.shiftnet4j.properties.FamilyGrid.Agreement.IDENTICAL;
import static org.shiftnet4j.properties.FamilyGrid.Agreement.WITHIN_TOLERANCE;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Average pooling (with and without counting the padding, as ShiftNet's downsampling shortcut and PyTorch's
 * default differ) and global average pooling, in both kernel families and both layouts, against their
 * double-precision definitions with a tolerance that grows with the window (K²) or the image (H·W); max pooling,
 * whose result is one of its inputs, bit for bit in every family and layout (padding never wins). See
 * {@link FamilyGrid}.
 */
class PoolingFamiliesTest {

    @Provide
    Arbitrary<OpCases.AvgPool> avgPoolCases() {
        return OpCases.avgPoolCases();
    }

    @Provide
    Arbitrary<OpCases.MaxPool> maxPoolCases() {
        return OpCases.maxPoolCases();
    }

    @Provide
    Arbitrary<OpCases.Unary> globalCases() {
        return OpCases.unaryCases("GlobalAvgPool", false);
    }

    @Property
    void avgPoolMatchesTheDefinition(@ForAll("avgPoolCases") OpCases.AvgPool c) {
        float[] x = Values.activations(c.seed(), Values.Stream.INPUT, c.input().count());
        Expected expected = OpOracle.avgPool(c.input(), x, c.window(), c.countIncludePad(), c.output());
        FamilyGrid.check(c, "avgPool", expected, WITHIN_TOLERANCE, WITHIN_TOLERANCE,
                (arena, kernels, layout) -> OpRuns.avgPool(arena, kernels, layout, c, x));
    }

    /** The largest tap is one of the inputs: every family and layout must give its bits exactly. */
    @Property
    void maxPoolIsExact(@ForAll("maxPoolCases") OpCases.MaxPool c) {
        float[] x = Values.activations(c.seed(), Values.Stream.INPUT, c.input().count());
        Expected expected = OpOracle.maxPool(c.input(), x, c.window(), c.output());
        FamilyGrid.check(c, "maxPool", expected, IDENTICAL, IDENTICAL,
                (arena, kernels, layout) -> OpRuns.maxPool(arena, kernels, layout, c, x));
    }

    @Property
    void globalAvgPoolMatchesTheDefinition(@ForAll("globalCases") OpCases.Unary c) {
        float[] x = Values.activations(c.seed(), Values.Stream.INPUT, c.shape().count());
        FamilyGrid.check(c, "globalAvgPool", OpOracle.globalAvgPool(c.shape(), x),
                WITHIN_TOLERANCE, WITHIN_TOLERANCE,
                (arena, kernels, layout) -> OpRuns.globalAvgPool(arena, kernels, layout, c, x));
    }
}
