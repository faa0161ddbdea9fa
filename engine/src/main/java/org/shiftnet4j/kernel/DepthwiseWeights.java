package org.shiftnet4j.kernel;

import java.util.Objects;

/**
 * Weights and geometry of a K×K depthwise convolution, in the two orders the kernels read:
 * {@code C×K×K} (NCHW kernels broadcast one tap over a row of pixels) and {@code K·K×C} (NHWC kernels load one tap
 * for a vector of channels). Immutable; built once when an op is created.
 */
public final class DepthwiseWeights {
    private final int channels, kernelSize, stride, padding, dilation;
    private final float[] channelMajor; // [c][ky][kx]
    private final float[] tapMajor;     // [ky][kx][c]
    private final float[] bias;         // [c], zeros when the op has no bias

    public DepthwiseWeights(int channels, int kernelSize, int stride, int padding, int dilation,
                            float[] weights, float[] bias) {
        Objects.requireNonNull(weights, "weights");
        if (channels < 1) throw new IllegalArgumentException("depthwise conv needs channels >= 1, got " + channels);
        if (kernelSize < 1) throw new IllegalArgumentException("depthwise kernel size must be >= 1, got " + kernelSize);
        if (stride < 1) throw new IllegalArgumentException("depthwise stride must be >= 1, got " + stride);
        if (padding < 0) throw new IllegalArgumentException("depthwise padding must be >= 0, got " + padding);
        if (dilation < 1) throw new IllegalArgumentException("depthwise dilation must be >= 1, got " + dilation);
        int taps = kernelSize * kernelSize;
        if (weights.length != (long) channels * taps) {
            throw new IllegalArgumentException("depthwise weights hold " + weights.length + " floats; C×K×K = "
                    + channels + "×" + kernelSize + "×" + kernelSize + " = " + (long) channels * taps + " expected");
        }
        if (bias != null && bias.length != channels) {
            throw new IllegalArgumentException("depthwise bias holds " + bias.length + " floats; " + channels + " expected");
        }
        this.channels = channels;
        this.kernelSize = kernelSize;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.channelMajor = weights.clone();
        this.tapMajor = new float[weights.length];
        for (int c = 0; c < channels; c++) {
            for (int t = 0; t < taps; t++) tapMajor[t * channels + c] = weights[c * taps + t];
        }
        this.bias = bias == null ? new float[channels] : bias.clone();
    }

    public int channels() { return channels; }
    public int kernelSize() { return kernelSize; }
    public int stride() { return stride; }
    public int padding() { return padding; }
    public int dilation() { return dilation; }

    /** Output extent along one axis for an input extent {@code in}; < 1 when the input is too small. */
    public int outputSize(int in) {
        long span = (long) dilation * (kernelSize - 1) + 1;
        long padded = (long) in + 2L * padding;
        return padded < span ? 0 : (int) ((padded - span) / stride + 1);
    }

    /** Weight of tap (ky, kx) of channel c. */
    public float weight(int c, int ky, int kx) { return channelMajor[(c * kernelSize + ky) * kernelSize + kx]; }
    /** {@code C×K×K} order; do not modify. */
    public float[] channelMajor() { return channelMajor; }
    /** {@code K·K×C} order; do not modify. */
    public float[] tapMajor() { return tapMajor; }
    /** Per-channel bias (zeros when there is none); do not modify. */
    public float[] bias() { return bias; }
}
