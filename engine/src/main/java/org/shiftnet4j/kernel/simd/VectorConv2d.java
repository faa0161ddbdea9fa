package org.shiftnet4j.kernel.simd;

import org.shiftnet4j.kernel.Conv2dWeights;
import org.shiftnet4j.tensor.Tensor;

/** PLACEHOLDER until the kernel lands. */
final class VectorConv2d {
    private VectorConv2d() {
    }

    static void conv2d(Tensor in, Conv2dWeights weights, boolean relu, Tensor out) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
