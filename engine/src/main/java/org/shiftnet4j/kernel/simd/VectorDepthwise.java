package org.shiftnet4j.kernel.simd;

import org.shiftnet4j.kernel.Conv1x1Weights;
import org.shiftnet4j.kernel.DepthwiseWeights;
import org.shiftnet4j.kernel.ShiftTable;
import org.shiftnet4j.kernel.scalar.ScalarKernels;
import org.shiftnet4j.tensor.Tensor;

/** PLACEHOLDER: delegates to the scalar reference until the SIMD kernel lands. */
final class VectorDepthwise {
    private VectorDepthwise() {
    }

    static void depthwiseConv2d(Tensor in, DepthwiseWeights weights, Tensor out) {
        ScalarKernels.INSTANCE.depthwiseConv2d(in, weights, out);
    }
}
