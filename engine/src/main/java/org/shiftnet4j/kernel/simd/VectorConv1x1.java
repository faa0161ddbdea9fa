package org.shiftnet4j.kernel.simd;

import org.shiftnet4j.kernel.Conv1x1Weights;
import org.shiftnet4j.kernel.DepthwiseWeights;
import org.shiftnet4j.kernel.ShiftTable;
import org.shiftnet4j.kernel.scalar.ScalarKernels;
import org.shiftnet4j.tensor.Tensor;

/** PLACEHOLDER: delegates to the scalar reference until the SIMD kernel lands. */
final class VectorConv1x1 {
    private VectorConv1x1() {
    }

    static void conv1x1(Tensor in, Conv1x1Weights weights, int stride, boolean relu, Tensor out) {
        ScalarKernels.INSTANCE.conv1x1(in, weights, stride, relu, out);
    }
}
