package org.shiftnet4j.properties;

import java.lang.foreign.Arena;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.shiftnet4j.kernel.Conv1x1Weights;
import org.shiftnet4j.kernel.Kernels;
import org.shiftnet4j.kernel.ShiftTable;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * Fused ≡ unfused for the zero-cost shift: the 1×1 conv that reads its input through the shift table from a
 * zero-bordered buffer ({@code Kernels.shiftConv1x1}) equals the 1×1 conv of the materialised shift, for every policy,
 * K, dilation, stride, shape and layout, in both kernel families, within a bound that scales with the reduction.
 */
class FoldedShiftTest {

    @Provide
    Arbitrary<ShiftCase> shiftCases() {
        return Cases.shiftCases();
    }

    @Property(tries = 1000)
    void shiftFoldedIntoTheConvEqualsTheConvOfTheShift(@ForAll("shiftCases") ShiftCase shiftCase,
                                                         @ForAll @IntRange(min = 1, max = 40) int cout,
                                                         @ForAll @IntRange(min = 1, max = 3) int stride,
                                                         @ForAll boolean relu) {
        ShiftTable table = shiftCase.table();
        Shape s = shiftCase.shape();
        Layout layout = shiftCase.placement().layout();
        float[] x = Values.activations(shiftCase.seed(), Values.Stream.INPUT, s.count());
        float[] w = Values.weights(shiftCase.seed(), Values.Stream.WEIGHTS, s.c() * cout);
        float[] b = Values.weights(shiftCase.seed(), Values.Stream.BIAS, cout);
        Conv1x1Weights weights = new Conv1x1Weights(s.c(), cout, w, b);
        int oh = (s.h() - 1) / stride + 1, ow = (s.w() - 1) / stride + 1;
        try (Arena arena = Arena.ofConfined()) {
            Tensor bordered = Tensor.allocate(arena, layout, s.n(), s.c(), s.h(), s.w(), table.maxAbsOffset());
            bordered.copyFrom(x);
            Tensor shifted = Tensor.allocate(arena, layout, s.n(), s.c(), s.h(), s.w());
            Families.SCALAR.shift(bordered, table, shifted);
            Tensor expected = Tensor.allocate(arena, layout, s.n(), cout, oh, ow);
            Families.SCALAR.conv1x1(shifted, weights, stride, relu, expected);
            float[] want = expected.toArray();
            // Bound: the two paths sum the same products in different orders (or with FMA).
            double magnitude = 0;
            for (float v : x) magnitude = Math.max(magnitude, Math.abs(v));
            double wmax = 0;
            for (float v : w) wmax = Math.max(wmax, Math.abs(v));
            double bound = 4e-7 * (s.c() + 1) * (s.c() * magnitude * wmax + 1);
            for (Kernels kernels : Families.BOTH) {
                Tensor actual = Tensor.allocate(arena, layout, s.n(), cout, oh, ow);
                kernels.shiftConv1x1(bordered, table, weights, stride, relu, actual);
                float[] got = actual.toArray();
                for (int i = 0; i < want.length; i++) {
                    if (!(Math.abs(got[i] - want[i]) <= bound)) {
                        throw new AssertionError(Runs.context(shiftCase, kernels, layout) + ", " + table + ", cout " + cout
                                + ", stride " + stride + ": element " + i + " is " + got[i] + ", conv of the shift gives "
                                + want[i] + " (bound " + bound + ")");
                    }
                }
            }
        }
    }
}
