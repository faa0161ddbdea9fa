package org.shiftnet4j.ops;

import java.util.Objects;
import org.shiftnet4j.kernel.DepthwiseWeights;
import org.shiftnet4j.kernel.KernelProvider;
import org.shiftnet4j.kernel.Kernels;
import org.shiftnet4j.tensor.Tensor;

/** Depthwise K×K convolution with stride, zero padding, dilation and an optional bias. Immutable, thread-safe. */
public final class DepthwiseConv2d {
    private final DepthwiseWeights weights;
    private final Kernels kernels;

    /**
     * @param weights {@code C×K×K} floats (PyTorch's {@code [C,1,K,K]} weight of a conv with groups = C)
     * @param bias    {@code C} floats, or null
     */
    public DepthwiseConv2d(int channels, int kernelSize, int stride, int padding, int dilation,
                           float[] weights, float[] bias) {
        this(new DepthwiseWeights(channels, kernelSize, stride, padding, dilation, weights, bias), KernelProvider.get());
    }

    public DepthwiseConv2d(DepthwiseWeights weights, Kernels kernels) {
        this.weights = Objects.requireNonNull(weights, "weights");
        this.kernels = Objects.requireNonNull(kernels, "kernels");
    }

    public DepthwiseWeights weights() {
        return weights;
    }

    public int outputHeight(int inputHeight) {
        return weights.outputSize(inputHeight);
    }

    public int outputWidth(int inputWidth) {
        return weights.outputSize(inputWidth);
    }

    public void apply(Tensor in, Tensor out) {
        OpChecks.inputOutput("depthwise conv", in, out);
        OpChecks.channels("depthwise conv", "input", in, weights.channels());
        int oh = outputHeight(in.height()), ow = outputWidth(in.width());
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException("depthwise conv: input " + in.describe() + " is smaller than the "
                    + weights.kernelSize() + "×" + weights.kernelSize() + " window (dilation " + weights.dilation()
                    + ", padding " + weights.padding() + ")");
        }
        OpChecks.shape("depthwise conv", out, in.batch(), in.channels(), oh, ow);
        kernels.depthwiseConv2d(in, weights, out);
    }
}
