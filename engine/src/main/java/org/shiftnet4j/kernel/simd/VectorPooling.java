package org.shiftnet4j.kernel.simd;

import org.shiftnet4j.tensor.Tensor;

/** PLACEHOLDER until the kernel lands. */
final class VectorPooling {
    private VectorPooling() {
    }

    static void avgPool(Tensor in, int kernelSize, int stride, int padding, boolean countIncludePad, Tensor out) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    static void globalAvgPool(Tensor in, Tensor out) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
