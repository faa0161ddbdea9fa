package org.shiftnet4j.properties;

import static org.shiftnet4j.properties.FamilyGrid.Agreement.WITHIN_TOLERANCE;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * General K×K convolution (stems, ResNet 3×3 convs, grouped convs) in both kernel families and both layouts: each
 * result within the double-precision definition's tolerance ({@code 1e-6·(Cin/g·K²+1)·Σ|w·x|}), the Vector API
 * family within twice that of the scalar reference, and NHWC against NCHW (bit for bit for the reference, which
 * sums in (ci, ky, kx) order in either layout). Cases cover groups, stride, dilation, padding past the window's
 * reach (outputs that see only padding equal the bias), input borders narrower than the padding, channel- and
 * batch-slice views and fused ReLU. See {@link FamilyGrid}.
 */
class Conv2dFamiliesTest {

    @Provide
    Arbitrary<OpCases.Conv2d> conv2dCases() {
        return OpCases.conv2dCases();
    }

    @Property
    void conv2dMatchesTheDefinitionInBothFamiliesAndLayouts(@ForAll("conv2dCases") OpCases.Conv2d convCase) {
        float[] x = Values.activations(convCase.seed(), Values.Stream.INPUT, convCase.input().count());
        Expected expected = OpOracle.conv2d(convCase.input(), x, convCase.weights(), convCase.relu(), convCase.output());
        FamilyGrid.check(convCase, "conv2d", expected, WITHIN_TOLERANCE, WITHIN_TOLERANCE,
                (arena, kernels, layout) -> OpRuns.conv2d(arena, kernels, layout, convCase, x));
    }
}
