package org.shiftnet4j.kernel.simd;

import org.shiftnet4j.tensor.Tensor;

/** PLACEHOLDER until the kernel lands. */
final class VectorElementwise {
    private VectorElementwise() {
    }

    static void scaleShift(Tensor in, float[] scale, float[] shift, boolean relu, Tensor out) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    static void add(Tensor a, Tensor b, boolean relu, Tensor out) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    static void relu(Tensor in, Tensor out) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    static void softmax(Tensor in, Tensor out) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    static void copy(Tensor in, Tensor out) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
