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
 * Law 2: layout is a storage choice, not a semantic one. For each kernel family, the same values in NCHW and in
 * NHWC (same borders and views) give the same results.
 *
 * <p>"The same" means bit-for-bit wherever no rounding is involved or the summation order is fixed: the shift (a
 * copy) in both families, and every op of the scalar reference (it sums in ascending tap or channel order in
 * either layout). The Vector API kernels vectorise over pixels in NCHW and over channels in NHWC and may block or
 * reorder their sums differently per layout; their two layouts must then agree within twice the oracle's tolerance.
 *
 * <p>The other ops of a prepared network (pooling including max pooling, the elementwise ops including clamp,
 * softmax, general convolution) are held to this law by {@link FamilyGrid}, which runs each of their cases in both
 * layouts.
 */
class LayoutEquivalenceTest {
    /** These properties run each case in both layouts, so the layout printed in the case is not the one used. */
    private static final String BOTH_LAYOUTS = " (run in NCHW and in NHWC; the case's own layout is unused)";

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
    void shiftGivesTheSameValuesInBothLayouts(@ForAll("shiftCases") ShiftCase shiftCase) {
        ShiftTable table = shiftCase.table();
        Shape shape = shiftCase.shape();
        float[] input = Values.activations(shiftCase.seed(), Values.Stream.INPUT, shape.count());
        for (Kernels kernels : Families.BOTH) {
            String context = shiftCase + " on " + kernels.name() + " kernels, " + table + BOTH_LAYOUTS;
            try (Arena arena = Arena.ofShared()) {
                Runs.Outcome nchw = Runs.shift(arena, kernels, Layout.NCHW, shiftCase.placement(), shape, input, table);
                Runs.Outcome nhwc = Runs.shift(arena, kernels, Layout.NHWC, shiftCase.placement(), shape, input, table);
                Expect.identical(context, "shift: NHWC vs NCHW", shape, nchw.result(), nhwc.result(),
                        ShiftCase.offsetsOf(table));
                nchw.verifyMemory(context, "NCHW shift");
                nhwc.verifyMemory(context, "NHWC shift");
            }
        }
    }

    @Property
    void depthwiseConvolutionGivesTheSameValuesInBothLayouts(@ForAll("depthwiseCases") DepthwiseCase dwCase) {
        DepthwiseWeights weights = dwCase.weights();
        float[] input = Values.activations(dwCase.seed(), Values.Stream.INPUT, dwCase.shape().count());
        Exact exact = Oracle.depthwise(dwCase.shape(), input, weights);
        for (Kernels kernels : Families.BOTH) {
            String context = dwCase + " on " + kernels.name() + " kernels" + BOTH_LAYOUTS;
            try (Arena arena = Arena.ofShared()) {
                Runs.Outcome nchw = Runs.depthwise(arena, kernels, Layout.NCHW, dwCase.placement(), dwCase.shape(),
                        input, weights);
                Runs.Outcome nhwc = Runs.depthwise(arena, kernels, Layout.NHWC, dwCase.placement(), dwCase.shape(),
                        input, weights);
                agree(context, "depthwise conv: NHWC vs NCHW", kernels, exact, nchw.result(), nhwc.result());
                nchw.verifyMemory(context, "NCHW depthwise conv");
                nhwc.verifyMemory(context, "NHWC depthwise conv");
            }
        }
    }

    @Property
    void pointwiseConvolutionGivesTheSameValuesInBothLayouts(@ForAll("conv1x1Cases") Conv1x1Case pwCase) {
        Conv1x1Weights weights = pwCase.weights();
        float[] input = Values.activations(pwCase.seed(), Values.Stream.INPUT, pwCase.shape().count());
        Exact exact = Oracle.conv1x1(pwCase.shape(), input, weights, pwCase.stride(), pwCase.relu());
        for (Kernels kernels : Families.BOTH) {
            String context = pwCase + " on " + kernels.name() + " kernels" + BOTH_LAYOUTS;
            try (Arena arena = Arena.ofShared()) {
                Runs.Outcome nchw = Runs.conv1x1(arena, kernels, Layout.NCHW, pwCase.placement(), pwCase.shape(),
                        input, weights, pwCase.stride(), pwCase.relu());
                Runs.Outcome nhwc = Runs.conv1x1(arena, kernels, Layout.NHWC, pwCase.placement(), pwCase.shape(),
                        input, weights, pwCase.stride(), pwCase.relu());
                agree(context, "1x1 conv: NHWC vs NCHW", kernels, exact, nchw.result(), nhwc.result());
                nchw.verifyMemory(context, "NCHW 1x1 conv");
                nhwc.verifyMemory(context, "NHWC 1x1 conv");
            }
        }
    }

    /** Bit-for-bit for the scalar reference, within the rounding allowance for the Vector API family. */
    private static void agree(Object context, String what, Kernels kernels, Exact exact, float[] nchw, float[] nhwc) {
        if (kernels == Families.SCALAR) {
            Expect.identical(context, what, exact.shape(), nchw, nhwc, Expect.NO_NOTE);
        } else {
            Expect.closeToEachOther(context, what, exact, nchw, nhwc);
        }
    }
}
