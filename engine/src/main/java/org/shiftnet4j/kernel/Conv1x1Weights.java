package org.shiftnet4j.kernel;

import java.util.Objects;

/**
 * Weights of a pointwise (1×1) convolution, prepared once for both kernel families:
 * {@code Cout×Cin} rows (NCHW kernels broadcast one weight over a vector of pixels) and {@code Cin×Cout'} rows,
 * {@code Cout'} = Cout rounded up to {@link #COUT_ALIGN}, zero padded (NHWC kernels load a vector of output channels
 * and never need a tail on the weight side). Immutable.
 */
public final class Conv1x1Weights {
    /** Padding of the output-channel dimension in the input-major copy: two 256-bit vectors of floats. */
    public static final int COUT_ALIGN = 16;

    private final int inChannels, outChannels, paddedOut;
    private final float[] outMajor; // [co][ci]
    private final float[] inMajor;  // [ci][co'] zero padded
    private final float[] bias;     // [co'] zero padded

    public Conv1x1Weights(int inChannels, int outChannels, float[] weights, float[] bias) {
        Objects.requireNonNull(weights, "weights");
        if (inChannels < 1 || outChannels < 1) {
            throw new IllegalArgumentException("1x1 conv needs in and out channels >= 1, got " + inChannels + " -> " + outChannels);
        }
        if (weights.length != (long) inChannels * outChannels) {
            throw new IllegalArgumentException("1x1 conv weights hold " + weights.length + " floats; Cout×Cin = "
                    + outChannels + "×" + inChannels + " = " + (long) inChannels * outChannels + " expected");
        }
        if (bias != null && bias.length != outChannels) {
            throw new IllegalArgumentException("1x1 conv bias holds " + bias.length + " floats; " + outChannels + " expected");
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.paddedOut = (outChannels + COUT_ALIGN - 1) / COUT_ALIGN * COUT_ALIGN;
        this.outMajor = weights.clone();
        this.inMajor = new float[inChannels * paddedOut];
        for (int co = 0; co < outChannels; co++) {
            for (int ci = 0; ci < inChannels; ci++) inMajor[ci * paddedOut + co] = weights[co * inChannels + ci];
        }
        this.bias = new float[paddedOut];
        if (bias != null) System.arraycopy(bias, 0, this.bias, 0, outChannels);
    }

    public int inChannels() { return inChannels; }
    public int outChannels() { return outChannels; }
    /** Row length of {@link #inMajor()} and of {@link #bias()}. */
    public int paddedOutChannels() { return paddedOut; }
    public float weight(int co, int ci) { return outMajor[co * inChannels + ci]; }
    /** {@code Cout×Cin}; do not modify. */
    public float[] outMajor() { return outMajor; }
    /** {@code Cin×Cout'} zero padded; do not modify. */
    public float[] inMajor() { return inMajor; }
    /** Bias padded to {@code Cout'} (zeros when there is none); do not modify. */
    public float[] bias() { return bias; }
}
