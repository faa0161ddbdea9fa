package org.shiftnet4j.kernel.simd;

import org.shiftnet4j.kernel.Conv1x1Weights;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * Pointwise (1×1) convolution, the hot path of shift networks:
 * {@code out[n,co,oy,ox] = bias[co] + Σ_ci W[co,ci]·in[n,ci,oy·s,ox·s]}, then ReLU if asked. Each layout is its own
 * register-tiled GEMM over the weights packed by {@link Conv1x1Weights}: {@link VectorConv1x1Nhwc} (vectors of
 * output channels) and {@link VectorConv1x1Nchw} (vectors of pixels). Single-threaded, allocation-free.
 */
final class VectorConv1x1 {
    private VectorConv1x1() {
    }

    static void conv1x1(Tensor in, Conv1x1Weights weights, int stride, boolean relu, Tensor out) {
        if (in.layout() == Layout.NHWC) {
            VectorConv1x1Nhwc.conv1x1(in, weights, stride, relu, out);
        } else {
            VectorConv1x1Nchw.conv1x1(in, weights, stride, relu, out);
        }
    }
}
