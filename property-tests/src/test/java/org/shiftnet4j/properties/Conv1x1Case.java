package org.shiftnet4j.properties;

import org.shiftnet4j.kernel.Conv1x1Weights;

/** One pointwise convolution case: input {@code shape} (C = input channels) to {@code outChannels}. */
record Conv1x1Case(Shape shape, int outChannels, int stride, boolean relu, boolean bias, Placement placement,
                   long seed) {

    Conv1x1Weights weights() {
        float[] w = Values.weights(seed, Values.Stream.WEIGHTS, outChannels * shape.c());
        float[] b = bias ? Values.weights(seed, Values.Stream.BIAS, outChannels) : null;
        return new Conv1x1Weights(shape.c(), outChannels, w, b);
    }

    @Override
    public String toString() {
        return "Conv1x1Case{" + shape + " -> Cout=" + outChannels + ", stride=" + stride + (relu ? " +relu" : "")
                + (bias ? " +bias" : " no bias") + ", " + placement + ", seed=" + seed + "}";
    }
}
