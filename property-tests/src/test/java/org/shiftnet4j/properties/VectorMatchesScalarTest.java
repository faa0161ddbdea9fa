package org.shiftnet4j.properties;

import java.lang.foreign.Arena;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.shiftnet4j.kernel.Conv1x1Weights;
import org.shiftnet4j.kernel.DepthwiseWeights;
import org.shiftnet4j.kernel.Kernels;
import org.shiftnet4j.kernel.ShiftTable;
import org.shiftnet4j.tensor.Layout;

/**
 * Law 3: every Vector API kernel computes what its scalar reference computes. Both families are held to a
 * double-precision oracle of the op's definition, with a tolerance that grows with the reduction length
 * ({@link Exact#tolerance}), and then to each other; a failure therefore says whether the SIMD kernel, the
 * reference, or both disagree with the definition. Cases cover both layouts, input borders from none to wider
 * than the op's reach, bordered outputs, and channel- and batch-slice views (see {@link Placed} for the poison and
 * sentinel checks around them).
 *
 * <p>The shift is a copy: there it is exact equality, not a tolerance.
 */
class VectorMatchesScalarTest {

    @Provide
    Arbitrary<ShiftCase> shiftCases() {
        return Cases.shiftCases();
    }

    @Provide
    Arbitrary<DepthwiseCase> depthwiseCases() {
        return Cases.depthwiseCases();
    }

    @Provide
    Arbitrary<Conv1x1Case> conv1x1Cases() {
        return Cases.conv1x1Cases();
    }

    @Property
    void vectorShiftEqualsScalarShiftAndTheDefinition(@ForAll("shiftCases") ShiftCase shiftCase) {
        ShiftTable table = shiftCase.table();
        Shape shape = shiftCase.shape();
        Layout layout = shiftCase.placement().layout();
        float[] input = Values.activations(shiftCase.seed(), Values.Stream.INPUT, shape.count());
        float[] definition = toFloats(Oracle.shift(shape, input, table));
        float[] scalar = null;
        for (Kernels kernels : Families.BOTH) {
            String context = Runs.context(shiftCase, kernels, layout) + ", " + table;
            try (Arena arena = Arena.ofShared()) {
                Runs.Outcome run = Runs.shift(arena, kernels, layout, shiftCase.placement(), shape, input, table);
                float[] result = run.result();
                Expect.identical(context, kernels.name() + " shift vs the definition", shape, definition, result,
                        ShiftCase.offsetsOf(table));
                run.verifyMemory(context, kernels.name() + " shift");
                if (scalar == null) {
                    scalar = result;
                } else {
                    Expect.identical(context, kernels.name() + " shift vs scalar shift", shape, scalar, result,
                            ShiftCase.offsetsOf(table));
                }
            }
        }
    }

    @Property
    void vectorDepthwiseConvolutionMatchesScalarAndTheDefinition(@ForAll("depthwiseCases") DepthwiseCase dwCase) {
        DepthwiseWeights weights = dwCase.weights();
        Layout layout = dwCase.placement().layout();
        float[] input = Values.activations(dwCase.seed(), Values.Stream.INPUT, dwCase.shape().count());
        Exact exact = Oracle.depthwise(dwCase.shape(), input, weights);
        float[] scalar = null;
        for (Kernels kernels : Families.BOTH) {
            String context = Runs.context(dwCase, kernels, layout);
            try (Arena arena = Arena.ofShared()) {
                Runs.Outcome run = Runs.depthwise(arena, kernels, layout, dwCase.placement(), dwCase.shape(), input,
                        weights);
                float[] result = run.result();
                Expect.closeToOracle(context, kernels.name() + " depthwise conv vs the definition", exact, result);
                run.verifyMemory(context, kernels.name() + " depthwise conv");
                if (scalar == null) {
                    scalar = result;
                } else {
                    Expect.closeToEachOther(context, kernels.name() + " vs scalar depthwise conv", exact, scalar,
                            result);
                }
            }
        }
    }

    @Property
    void vectorPointwiseConvolutionMatchesScalarAndTheDefinition(@ForAll("conv1x1Cases") Conv1x1Case pwCase) {
        Conv1x1Weights weights = pwCase.weights();
        Layout layout = pwCase.placement().layout();
        float[] input = Values.activations(pwCase.seed(), Values.Stream.INPUT, pwCase.shape().count());
        Exact exact = Oracle.conv1x1(pwCase.shape(), input, weights, pwCase.stride(), pwCase.relu());
        float[] scalar = null;
        for (Kernels kernels : Families.BOTH) {
            String context = Runs.context(pwCase, kernels, layout);
            try (Arena arena = Arena.ofShared()) {
                Runs.Outcome run = Runs.conv1x1(arena, kernels, layout, pwCase.placement(), pwCase.shape(), input,
                        weights, pwCase.stride(), pwCase.relu());
                float[] result = run.result();
                Expect.closeToOracle(context, kernels.name() + " 1x1 conv vs the definition", exact, result);
                run.verifyMemory(context, kernels.name() + " 1x1 conv");
                if (scalar == null) {
                    scalar = result;
                } else {
                    Expect.closeToEachOther(context, kernels.name() + " vs scalar 1x1 conv", exact, scalar, result);
                }
            }
        }
    }

    /** A shift's oracle values are input floats, so converting them back is exact. */
    private static float[] toFloats(Exact exact) {
        float[] values = new float[exact.value().length];
        for (int i = 0; i < values.length; i++) values[i] = (float) exact.value()[i];
        return values;
    }
}
