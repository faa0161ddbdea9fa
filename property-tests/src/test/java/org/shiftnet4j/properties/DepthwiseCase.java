package org.shiftnet4j.properties;

import org.shiftnet4j.kernel.DepthwiseWeights;

/**
 * One depthwise convolution case. The input is grown, if needed, to the smallest size that still yields one
 * output pixel, so every generated case is valid (no discarded tries) and shrinks to the smallest valid input.
 */
record DepthwiseCase(Shape shape, int kernelSize, int stride, int padding, int dilation, boolean bias,
                     Placement placement, long seed) {

    DepthwiseCase {
        int smallest = Math.max(1, dilation * (kernelSize - 1) + 1 - 2 * padding);
        shape = shape.withSpatial(Math.max(shape.h(), smallest), Math.max(shape.w(), smallest));
    }

    DepthwiseWeights weights() {
        int c = shape.c();
        float[] w = Values.weights(seed, Values.Stream.WEIGHTS, c * kernelSize * kernelSize);
        float[] b = bias ? Values.weights(seed, Values.Stream.BIAS, c) : null;
        return new DepthwiseWeights(c, kernelSize, stride, padding, dilation, w, b);
    }

    @Override
    public String toString() {
        return "DepthwiseCase{" + shape + ", K=" + kernelSize + " stride=" + stride + " pad=" + padding + " d="
                + dilation + (bias ? " +bias" : " no bias") + ", " + placement + ", seed=" + seed + "}";
    }
}
