package org.shiftnet4j.properties;

import static org.shiftnet4j.properties.FamilyGrid.Agreement.IDENTICAL;
import static org.shiftnet4j.properties.FamilyGrid.Agreement.WITHIN_TOLERANCE;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The elementwise kernels of a prepared network in both kernel families and both layouts, including the in-place
 * calls the {@code Kernels} javadoc allows (scaleShift, add with out = a or b, relu, clamp and softmax with
 * out = in):
 * <ul>
 *   <li>add, relu, clamp and copy are exact: one IEEE operation or none per element, so every family and layout gives
 *       the definition's bits;</li>
 *   <li>scaleShift is one fused multiply-add per element by the reference's definition, so the Vector API family
 *       must give the reference's bits, and both are held to the double-precision value within two terms'
 *       rounding;</li>
 *   <li>softmax is held to its double-precision value within the error its float evaluation earns (see
 *       {@link OpOracle#softmax}); logits up to ±128 check that no exponential overflows.</li>
 * </ul>
 * See {@link FamilyGrid} for the grid of checks and {@link Placed} for the guards around views and borders.
 */
class ElementwiseFamiliesTest {

    @Provide
    Arbitrary<OpCases.ScaleShift> scaleShiftCases() {
        return OpCases.scaleShiftCases();
    }

    @Provide
    Arbitrary<OpCases.Add> addCases() {
        return OpCases.addCases();
    }

    @Provide
    Arbitrary<OpCases.Unary> reluCases() {
        return OpCases.unaryCases("Relu", true);
    }

    @Provide
    Arbitrary<OpCases.Clamp> clampCases() {
        return OpCases.clampCases();
    }

    @Provide
    Arbitrary<OpCases.Unary> copyCases() {
        return OpCases.unaryCases("Copy", false);
    }

    @Provide
    Arbitrary<OpCases.Softmax> softmaxCases() {
        return OpCases.softmaxCases();
    }

    @Property
    void scaleShiftIsOneFusedMultiplyAddPerElement(@ForAll("scaleShiftCases") OpCases.ScaleShift c) {
        float[] x = Values.activations(c.seed(), Values.Stream.INPUT, c.shape().count());
        Expected expected = OpOracle.scaleShift(c.shape(), x, c.scale(), c.shift(), c.relu());
        FamilyGrid.check(c, "scaleShift" + (c.relu() ? " + relu" : ""), expected, IDENTICAL, IDENTICAL,
                (arena, kernels, layout) -> OpRuns.scaleShift(arena, kernels, layout, c, x));
    }

    @Property
    void addIsExact(@ForAll("addCases") OpCases.Add c) {
        float[] a = Values.activations(c.seed(), Values.Stream.INPUT, c.shape().count());
        float[] b = c.aliasing() == OpCases.Aliasing.SAME_OPERANDS ? a
                : Values.activations(c.seed(), Values.Stream.SECOND_INPUT, c.shape().count());
        Expected expected = OpOracle.add(c.shape(), a, b, c.relu());
        FamilyGrid.check(c, "add" + (c.relu() ? " + relu" : ""), expected, IDENTICAL, IDENTICAL,
                (arena, kernels, layout) -> OpRuns.add(arena, kernels, layout, c, a, b));
    }

    @Property
    void reluIsExact(@ForAll("reluCases") OpCases.Unary c) {
        float[] x = Values.activations(c.seed(), Values.Stream.INPUT, c.shape().count());
        FamilyGrid.check(c, "relu", OpOracle.relu(c.shape(), x), IDENTICAL, IDENTICAL,
                (arena, kernels, layout) -> OpRuns.relu(arena, kernels, layout, c, x));
    }

    @Property
    void clampIsExact(@ForAll("clampCases") OpCases.Clamp c) {
        float[] x = Values.activations(c.seed(), Values.Stream.INPUT, c.shape().count());
        FamilyGrid.check(c, "clamp", OpOracle.clamp(c.shape(), x, c.min(), c.max()), IDENTICAL, IDENTICAL,
                (arena, kernels, layout) -> OpRuns.clamp(arena, kernels, layout, c, x));
    }

    @Property
    void copyIsExact(@ForAll("copyCases") OpCases.Unary c) {
        float[] x = Values.activations(c.seed(), Values.Stream.INPUT, c.shape().count());
        FamilyGrid.check(c, "copy", OpOracle.copy(c.shape(), x), IDENTICAL, IDENTICAL,
                (arena, kernels, layout) -> OpRuns.copy(arena, kernels, layout, c, x));
    }

    @Property
    void softmaxMatchesTheDefinition(@ForAll("softmaxCases") OpCases.Softmax c) {
        float[] logits = c.logits();
        FamilyGrid.check(c, "softmax", OpOracle.softmax(c.shape(), logits), WITHIN_TOLERANCE, WITHIN_TOLERANCE,
                (arena, kernels, layout) -> OpRuns.softmax(arena, kernels, layout, c, logits));
    }
}
