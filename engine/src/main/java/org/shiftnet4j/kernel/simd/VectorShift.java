package org.shiftnet4j.kernel.simd;

import org.shiftnet4j.kernel.Conv1x1Weights;
import org.shiftnet4j.kernel.DepthwiseWeights;
import org.shiftnet4j.kernel.ShiftTable;
import org.shiftnet4j.kernel.scalar.ScalarKernels;
import org.shiftnet4j.tensor.Tensor;

/** PLACEHOLDER: delegates to the scalar reference until the SIMD kernel lands. */
final class VectorShift {
    private VectorShift() {
    }

    static void shift(Tensor in, ShiftTable table, Tensor out) {
        ScalarKernels.INSTANCE.shift(in, table, out);
    }
}
