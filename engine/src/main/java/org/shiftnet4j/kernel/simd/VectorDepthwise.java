package org.shiftnet4j.kernel.simd;

import org.shiftnet4j.kernel.DepthwiseWeights;
import org.shiftnet4j.kernel.scalar.ScalarKernels;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * Vector API depthwise K×K convolution (any K, stride, padding, dilation; bias; both layouts; bordered tensors and
 * views). Routes once per call to the layout's kernel:
 * <ul>
 *   <li>NCHW ({@link VectorDepthwiseNchw}): vectors along output x, one broadcast weight per tap and register tile;
 *   <li>NHWC ({@link VectorDepthwiseNhwc}): vectors along channels with the tap-major weights, a register tile of
 *       4 output pixels × 2 channel vectors.
 * </ul>
 * Both kernels need unit stride along the vectorised axis, which every tensor and view of {@link Tensor} has; a
 * descriptor without it would go to the scalar reference rather than read wrongly.
 */
final class VectorDepthwise {
    private VectorDepthwise() {
    }

    static void depthwiseConv2d(Tensor in, DepthwiseWeights weights, Tensor out) {
        if (in.layout() == Layout.NCHW && in.strideW() == 1 && out.strideW() == 1) {
            VectorDepthwiseNchw.depthwiseConv2d(in, weights, out);
        } else if (in.layout() == Layout.NHWC && in.strideC() == 1 && out.strideC() == 1) {
            VectorDepthwiseNhwc.depthwiseConv2d(in, weights, out);
        } else {
            ScalarKernels.INSTANCE.depthwiseConv2d(in, weights, out);
        }
    }

    /** First tap index k in [0, K) whose position {@code start + k·d} is >= 0. */
    static int firstValidTap(int start, int dilation) {
        return start >= 0 ? 0 : Math.ceilDiv(-start, dilation);
    }

    /** Last tap index k (may be < 0 or >= K; callers clamp) whose position {@code start + k·d} is < size. */
    static int lastValidTap(int start, int dilation, int size) {
        return Math.floorDiv(size - 1 - start, dilation);
    }
}
