package org.shiftnet4j.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.shiftnet4j.kernel.Conv1x1Weights;
import org.shiftnet4j.kernel.Conv2dWeights;
import org.shiftnet4j.kernel.DepthwiseWeights;
import org.shiftnet4j.kernel.Kernels;
import org.shiftnet4j.kernel.ShiftTable;
import org.shiftnet4j.tensor.Tensor;

/**
 * The Vector API kernel family at the JVM's preferred vector width. Each op lives in its own final class with
 * static methods (small, monomorphic, inlinable); this class only routes. Loaded reflectively by
 * {@link org.shiftnet4j.kernel.KernelProvider} so nothing touches the incubator module unless it is present.
 */
public final class VectorKernels implements Kernels {
    /** The one species every kernel uses; {@code static final} so C2 can intrinsify. */
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private final String name = "vector-" + S.vectorBitSize();

    public VectorKernels() {
        if (S.length() < 4) {
            throw new UnsupportedOperationException("preferred float vectors have " + S.length() + " lanes; at least 4 needed");
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void shift(Tensor in, ShiftTable table, Tensor out) {
        VectorShift.shift(in, table, out);
    }

    @Override
    public void depthwiseConv2d(Tensor in, DepthwiseWeights weights, Tensor out) {
        VectorDepthwise.depthwiseConv2d(in, weights, out);
    }

    @Override
    public void conv1x1(Tensor in, Conv1x1Weights weights, int stride, boolean relu, Tensor out) {
        VectorConv1x1.conv1x1(in, weights, stride, relu, out);
    }

    @Override
    public void shiftConv1x1(Tensor in, ShiftTable table, Conv1x1Weights weights, int stride, boolean relu, Tensor out) {
        VectorShiftConv1x1.shiftConv1x1(in, table, weights, stride, relu, out);
    }

    @Override
    public void conv2d(Tensor in, Conv2dWeights weights, boolean relu, Tensor out) {
        VectorConv2d.conv2d(in, weights, relu, out);
    }

    @Override
    public void scaleShift(Tensor in, float[] scale, float[] shift, boolean relu, Tensor out) {
        VectorElementwise.scaleShift(in, scale, shift, relu, out);
    }

    @Override
    public void add(Tensor a, Tensor b, boolean relu, Tensor out) {
        VectorElementwise.add(a, b, relu, out);
    }

    @Override
    public void relu(Tensor in, Tensor out) {
        VectorElementwise.relu(in, out);
    }

    @Override
    public void avgPool(Tensor in, int kernelSize, int stride, int padding, boolean countIncludePad, Tensor out) {
        VectorPooling.avgPool(in, kernelSize, stride, padding, countIncludePad, out);
    }

    @Override
    public void maxPool(Tensor in, int kernelSize, int stride, int padding, Tensor out) {
        VectorPooling.maxPool(in, kernelSize, stride, padding, out);
    }

    @Override
    public void clamp(Tensor in, float min, float max, Tensor out) {
        VectorElementwise.clamp(in, min, max, out);
    }

    @Override
    public void globalAvgPool(Tensor in, Tensor out) {
        VectorPooling.globalAvgPool(in, out);
    }

    @Override
    public void softmax(Tensor in, Tensor out) {
        VectorElementwise.softmax(in, out);
    }

    @Override
    public void copy(Tensor in, Tensor out) {
        VectorElementwise.copy(in, out);
    }
}
