package org.shiftnet4j.kernel;

import java.util.Objects;

/**
 * Weights and geometry of a general K×K convolution with groups (stems, ResNet 3×3 convs, imported ONNX convs):
 * {@code out[n,co,oy,ox] = bias[co] + Σ_{ci in group(co), ky, kx} W[co, ci−g0, ky, kx]·in[n, ci, oy·s−p+ky·d, ox·s−p+kx·d]}.
 * Weights are PyTorch's {@code [Cout, Cin/groups, K, K]}. Immutable. Kernel families may derive packed forms from
 * {@link #weights()} once, through {@link #derived}.
 */
public final class Conv2dWeights {
    private final int inChannels, outChannels, groups, kernelSize, stride, padding, dilation;
    private final float[] weights;
    private final float[] bias;
    private final java.util.concurrent.ConcurrentHashMap<Object, Object> derived = new java.util.concurrent.ConcurrentHashMap<>();

    public Conv2dWeights(int inChannels, int outChannels, int groups, int kernelSize, int stride, int padding,
                         int dilation, float[] weights, float[] bias) {
        Objects.requireNonNull(weights, "weights");
        if (inChannels < 1 || outChannels < 1) {
            throw new IllegalArgumentException("conv needs in and out channels >= 1, got " + inChannels + " -> " + outChannels);
        }
        if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("conv groups " + groups + " must divide in channels " + inChannels
                    + " and out channels " + outChannels);
        }
        if (kernelSize < 1) throw new IllegalArgumentException("conv kernel size must be >= 1, got " + kernelSize);
        if (stride < 1) throw new IllegalArgumentException("conv stride must be >= 1, got " + stride);
        if (padding < 0) throw new IllegalArgumentException("conv padding must be >= 0, got " + padding);
        if (dilation < 1) throw new IllegalArgumentException("conv dilation must be >= 1, got " + dilation);
        long expected = (long) outChannels * (inChannels / groups) * kernelSize * kernelSize;
        if (weights.length != expected) {
            throw new IllegalArgumentException("conv weights hold " + weights.length + " floats; Cout×Cin/groups×K×K = "
                    + outChannels + "×" + inChannels / groups + "×" + kernelSize + "×" + kernelSize + " = " + expected + " expected");
        }
        if (bias != null && bias.length != outChannels) {
            throw new IllegalArgumentException("conv bias holds " + bias.length + " floats; " + outChannels + " expected");
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.groups = groups;
        this.kernelSize = kernelSize;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.weights = weights.clone();
        this.bias = bias == null ? new float[outChannels] : bias.clone();
    }

    public int inChannels() { return inChannels; }
    public int outChannels() { return outChannels; }
    public int groups() { return groups; }
    public int kernelSize() { return kernelSize; }
    public int stride() { return stride; }
    public int padding() { return padding; }
    public int dilation() { return dilation; }
    public int inChannelsPerGroup() { return inChannels / groups; }
    public int outChannelsPerGroup() { return outChannels / groups; }

    /** Output extent along one axis for input extent {@code in}; < 1 when the input is too small. */
    public int outputSize(int in) {
        long span = (long) dilation * (kernelSize - 1) + 1;
        long padded = (long) in + 2L * padding;
        return padded < span ? 0 : (int) ((padded - span) / stride + 1);
    }

    /** Weight W[co, ciInGroup, ky, kx]. */
    public float weight(int co, int ciInGroup, int ky, int kx) {
        return weights[((co * (inChannels / groups) + ciInGroup) * kernelSize + ky) * kernelSize + kx];
    }

    /** PyTorch order {@code [Cout, Cin/groups, K, K]}; do not modify. */
    public float[] weights() { return weights; }
    /** Per-output-channel bias (zeros when there is none); do not modify. */
    public float[] bias() { return bias; }

    /** A packed form derived once by a kernel family; {@code compute} should be non-capturing. */
    @SuppressWarnings("unchecked")
    public <T> T derived(Object key, java.util.function.Function<Conv2dWeights, T> compute) {
        Object value = derived.get(key);
        if (value == null) {
            value = derived.computeIfAbsent(key, k -> compute.apply(this));
        }
        return (T) value;
    }
}
