package org.shiftnet4j.kernel;

import org.shiftnet4j.tensor.Tensor;

/**
 * One family of compute kernels. Two implementations exist: the Vector API one and a plain scalar reference that
 * defines the semantics and is what every SIMD kernel is tested against. {@link KernelProvider} picks one at start-up.
 *
 * <p>Callers (the ops) validate shapes, layouts and aliasing before calling; kernels assume valid arguments but
 * still never touch memory outside the tensors' segments (every access is bounds checked by the FFM API).
 * Both tensors of one call have the same layout. Implementations are stateless and thread-safe.
 */
public interface Kernels {
    /** Short name for logs and reports: "vector-256", "scalar". */
    String name();

    /** {@code out[n,c,y,x] = in[n,c,y+dy[c],x+dx[c]]}, zero outside the image; same shape in and out. */
    void shift(Tensor in, ShiftTable table, Tensor out);

    /**
     * Depthwise K×K convolution: {@code out[n,c,oy,ox] = bias[c] + Σ w[c,ky,kx]·in[n,c,oy·s−p+ky·d, ox·s−p+kx·d]},
     * zero outside the image.
     */
    void depthwiseConv2d(Tensor in, DepthwiseWeights weights, Tensor out);

    /**
     * Pointwise convolution: {@code out[n,co,oy,ox] = bias[co] + Σ_ci W[co,ci]·in[n,ci,oy·s,ox·s]}, then
     * {@code max(0, ·)} when {@code relu}.
     */
    void conv1x1(Tensor in, Conv1x1Weights weights, int stride, boolean relu, Tensor out);

    /**
     * A shift folded into the pointwise convolution that reads it, with no shifted copy:
     * {@code out[n,co,oy,ox] = bias[co] + Σ_ci W[co,ci]·in[n, ci, oy·s + dy[ci], ox·s + dx[ci]]}, then ReLU when
     * {@code relu}. Taps outside the image read {@code in}'s border, which must be at least
     * {@code table.maxAbsOffset()} wide: zeros give exactly conv1x1(shift(in)); other border values stand for what
     * the ops between the shift and the conv (BatchNorm, ReLU) make of the shift's zero padding.
     */
    void shiftConv1x1(Tensor in, ShiftTable table, Conv1x1Weights weights, int stride, boolean relu, Tensor out);

    /** General K×K convolution with groups, stride, zero padding and dilation; then ReLU when {@code relu}. */
    void conv2d(Tensor in, Conv2dWeights weights, boolean relu, Tensor out);

    /**
     * Per-channel affine map (inference BatchNorm, folded): {@code out = in·scale[c] + shift[c]}, then ReLU when
     * {@code relu}. {@code in} and {@code out} may be the same tensor.
     */
    void scaleShift(Tensor in, float[] scale, float[] shift, boolean relu, Tensor out);

    /** {@code out = a + b} elementwise, then ReLU when {@code relu}; {@code out} may be {@code a} or {@code b}. */
    void add(Tensor a, Tensor b, boolean relu, Tensor out);

    /** {@code out = max(0, in)}; {@code out} may be {@code in}. */
    void relu(Tensor in, Tensor out);

    /**
     * Average pooling with a K×K window, stride and zero padding; {@code countIncludePad} divides by K² everywhere
     * (PyTorch's default) instead of by the number of in-image taps.
     */
    void avgPool(Tensor in, int kernelSize, int stride, int padding, boolean countIncludePad, Tensor out);

    /**
     * Max pooling with a K×K window, stride and padding: each output is the largest in-image tap of its window
     * ({@link Math#max} semantics, so NaN propagates and +0 beats −0); padded cells never win. A window with no
     * in-image tap (only when {@code out} is larger than the geometry gives) yields −∞. {@code out} must not
     * overlap {@code in}.
     */
    void maxPool(Tensor in, int kernelSize, int stride, int padding, Tensor out);

    /**
     * {@code out = min(max(in, min), max)} elementwise, with {@link Math#max}/{@link Math#min} semantics (NaN stays
     * NaN); either bound may be infinite. {@code out} may be {@code in}.
     */
    void clamp(Tensor in, float min, float max, Tensor out);

    /** Mean over H×W: {@code out} is N×C×1×1. */
    void globalAvgPool(Tensor in, Tensor out);

    /** Softmax over the channels of every pixel (logits are N×C×1×1); {@code out} may be {@code in}. */
    void softmax(Tensor in, Tensor out);

    /** Copies the interior of {@code in} into {@code out} (same shape and layout; e.g. into a concat slice). */
    void copy(Tensor in, Tensor out);
}
