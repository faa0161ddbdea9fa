package org.shiftnet4j.properties;

import java.lang.foreign.Arena;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.shiftnet4j.kernel.DepthwiseWeights;
import org.shiftnet4j.kernel.Kernels;
import org.shiftnet4j.kernel.ShiftTable;
import org.shiftnet4j.tensor.Layout;

/**
 * Law 1 (the paper's definition): a shift is the depthwise convolution whose K×K kernels are one-hot at each
 * channel's offset, with stride 1 and padding d·(K/2).
 *
 * <p>The two must agree exactly, not just closely: every output of the convolution is one product 1·v plus products
 * 0·u, and v + 0 = v in floating point whatever the order or FMA (inputs are finite and never -0).
 */
class ShiftIsOneHotDepthwiseTest {

    @Provide
    Arbitrary<ShiftCase> shiftCases() {
        return Cases.shiftCases();
    }

    @Property
    void shiftEqualsDepthwiseConvolutionWithTheTablesOneHotKernels(@ForAll("shiftCases") ShiftCase shiftCase) {
        ShiftTable table = shiftCase.table();
        Shape shape = shiftCase.shape();
        int k = table.kernelSize(), d = table.dilation();
        DepthwiseWeights oneHot = new DepthwiseWeights(shape.c(), k, 1, d * (k / 2), d,
                table.oneHotDepthwiseWeights(), null);
        float[] input = Values.activations(shiftCase.seed(), Values.Stream.INPUT, shape.count());
        Layout layout = shiftCase.placement().layout();
        for (Kernels kernels : Families.BOTH) {
            String context = Runs.context(shiftCase, kernels, layout) + ", " + table;
            try (Arena arena = Arena.ofShared()) {
                Runs.Outcome shifted = Runs.shift(arena, kernels, layout, shiftCase.placement(), shape, input, table);
                Runs.Outcome convolved = Runs.depthwise(arena, kernels, layout, shiftCase.placement(), shape, input,
                        oneHot);
                Expect.identical(context, "shift vs the one-hot depthwise conv (K=" + k + ", d=" + d + ", pad "
                        + d * (k / 2) + ") it must equal", shape, convolved.result(), shifted.result(),
                        ShiftCase.offsetsOf(table));
                shifted.verifyMemory(context, "shift");
                convolved.verifyMemory(context, "one-hot depthwise conv");
            }
        }
    }
}
