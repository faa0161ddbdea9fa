package org.shiftnet4j.models;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.Value;

/**
 * A small CNN of the kind an ONNX export of a PyTorch classifier gives: conv (optionally with bias and a BatchNorm
 * carrying its own ε) → clip → max pool → head → linear → optional softmax. The head is either the ResNet one
 * (global average pool, then flatten of a C×1×1 value) or the VGG/AlexNet one (flatten of a C×H×W value with
 * H·W > 1 as a rule), where an NHWC model must reorder features into PyTorch's {@code c·H·W + y·W + x}. Images
 * need not be square, so a flatten that swaps H and W shows.
 */
record ImportedCnn(int inChannels, int height, int width, int convChannels, int kernelSize, int convStride,
                   boolean bias, boolean batchNorm, Clip clip, int poolKernel, int poolStride, int poolPadding,
                   Head head, int classes, boolean softmax) {

    /** Clip bounds: ReLU6, a band inside the activations' range, one-sided (one bound infinite). */
    enum Clip {
        RELU6(0f, 6f), BAND(-0.5f, 0.5f), UNIT(0f, 1f), BELOW_ONLY(Float.NEGATIVE_INFINITY, 0.3f),
        ABOVE_ONLY(-1f, Float.POSITIVE_INFINITY);

        final float min, max;

        Clip(float min, float max) {
            this.min = min;
            this.max = max;
        }
    }

    enum Head { GLOBAL_POOL_FLATTEN, FLATTEN }

    /** The pooling window shrinks, if needed, to fit the conv's output (PyTorch would reject it). */
    ImportedCnn {
        int smallest = Math.min(convOut(height, kernelSize, convStride), convOut(width, kernelSize, convStride));
        poolPadding = Math.min(poolPadding, poolKernel / 2);
        poolKernel = Math.min(poolKernel, smallest + 2 * poolPadding);
    }

    private static int convOut(int in, int k, int stride) {
        return (in + 2 * (k / 2) - k) / stride + 1;
    }

    Graph build() {
        Graph g = new Graph("imported-cnn");
        Value x = g.input(inChannels, height, width);
        x = g.conv(x, "features.0", convChannels, kernelSize, convStride, kernelSize / 2, 1, bias);
        if (batchNorm) x = g.batchNorm(x, "features.1", 1e-3f);
        x = g.clip(x, clip.min, clip.max);
        x = g.maxPool(x, poolKernel, poolStride, poolPadding);
        if (head == Head.GLOBAL_POOL_FLATTEN) x = g.globalAvgPool(x);
        x = g.flatten(x);
        x = g.linear(x, "classifier", classes);
        return g.output(softmax ? g.softmax(x) : x);
    }

    int inputSize() {
        return inChannels * height * width;
    }

    @Override
    public String toString() {
        return "cnn " + inChannels + "×" + height + "×" + width + " → conv " + kernelSize + "×" + kernelSize + "/"
                + convStride + " ×" + convChannels + (bias ? " +bias" : "") + (batchNorm ? " +bn" : "") + " → clip "
                + clip + " [" + clip.min + ", " + clip.max + "] → maxpool " + poolKernel + "×" + poolKernel + "/"
                + poolStride + " p" + poolPadding + " → " + head + " → linear " + classes + (softmax ? " → softmax" : "");
    }

    static Arbitrary<ImportedCnn> networks() {
        Arbitrary<Integer> size = Arbitraries.integers().between(3, 14);
        Arbitrary<ImportedCnn> convPart = Combinators.combine(Arbitraries.of(1, 3), size, size,
                        Arbitraries.integers().between(1, 24), Arbitraries.of(1, 3, 3, 5), Arbitraries.of(1, 1, 2),
                        Arbitraries.of(false, true), Arbitraries.of(false, true))
                .as((cin, h, w, channels, k, stride, bias, bn) -> new ImportedCnn(cin, h, w, channels, k, stride, bias,
                        bn, Clip.RELU6, 1, 1, 0, Head.FLATTEN, 2, false));
        return Combinators.combine(convPart, Arbitraries.of(Clip.class), Arbitraries.of(1, 2, 2, 3, 3),
                        Arbitraries.of(1, 2, 2, 3), Arbitraries.integers().between(0, 1), Arbitraries.of(Head.class),
                        Arbitraries.integers().between(2, 12), Arbitraries.of(false, true))
                .as((c, clip, pk, ps, pp, head, classes, softmax) -> new ImportedCnn(c.inChannels, c.height, c.width,
                        c.convChannels, c.kernelSize, c.convStride, c.bias, c.batchNorm, clip, pk, ps, pp, head,
                        classes, softmax));
    }
}
