package org.shiftnet4j.ops;

import java.util.Objects;
import org.shiftnet4j.kernel.Conv1x1Weights;
import org.shiftnet4j.kernel.KernelProvider;
import org.shiftnet4j.kernel.Kernels;
import org.shiftnet4j.tensor.Tensor;

/**
 * Pointwise (1×1) convolution with stride, optional bias and an optional fused ReLU. Output size is
 * {@code (H−1)/stride + 1} (PyTorch's, with no padding). Immutable and thread-safe.
 */
public final class Conv1x1 {
    private final Conv1x1Weights weights;
    private final int stride;
    private final boolean relu;
    private final Kernels kernels;

    /**
     * @param weights {@code Cout×Cin} floats (PyTorch's {@code [Cout,Cin,1,1]} weight)
     * @param bias    {@code Cout} floats, or null
     */
    public Conv1x1(int inChannels, int outChannels, int stride, float[] weights, float[] bias, boolean relu) {
        this(new Conv1x1Weights(inChannels, outChannels, weights, bias), stride, relu, KernelProvider.get());
    }

    public Conv1x1(Conv1x1Weights weights, int stride, boolean relu, Kernels kernels) {
        this.weights = Objects.requireNonNull(weights, "weights");
        if (stride < 1) {
            throw new IllegalArgumentException("1x1 conv stride must be >= 1, got " + stride);
        }
        this.stride = stride;
        this.relu = relu;
        this.kernels = Objects.requireNonNull(kernels, "kernels");
    }

    public Conv1x1Weights weights() {
        return weights;
    }

    public int stride() {
        return stride;
    }

    public boolean relu() {
        return relu;
    }

    public int outputSize(int inputSize) {
        return (inputSize - 1) / stride + 1;
    }

    public void apply(Tensor in, Tensor out) {
        OpChecks.inputOutput("1x1 conv", in, out);
        OpChecks.channels("1x1 conv", "input", in, weights.inChannels());
        OpChecks.shape("1x1 conv", out, in.batch(), weights.outChannels(), outputSize(in.height()), outputSize(in.width()));
        kernels.conv1x1(in, weights, stride, relu, out);
    }
}
