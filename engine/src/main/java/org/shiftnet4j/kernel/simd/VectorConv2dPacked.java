package org.shiftnet4j.kernel.simd;

import org.shiftnet4j.kernel.Conv2dWeights;

/**
 * Conv2d weights repacked once per {@link Conv2dWeights} for the vector kernels (cached through
 * {@link Conv2dWeights#derived}).
 *
 * <ul>
 *   <li>{@link #weights}: {@code [group][ky][kx][ci][coPad]}. One tap of one input channel is a contiguous row of
 *       the group's output channels, so a kernel that vectorises along output channels loads it with plain vector
 *       loads, and a kernel that broadcasts weights finds 4 output channels side by side. Rows are zero-padded to
 *       {@code coPad >= 2 vectors}, so a two-vector load never leaves the row and padded lanes compute zeros.</li>
 *   <li>{@link #bias}: {@code [group][coPad]}, padded the same way.</li>
 *   <li>For depthwise weights (one input and one output channel per group) also {@link #depthwiseTaps}
 *       {@code [ky][kx][cPad]} and {@link #depthwiseBias} {@code [cPad]}: channels side by side, for kernels that
 *       vectorise along channels (NHWC) or broadcast one tap over a row (NCHW).</li>
 * </ul>
 */
final class VectorConv2dPacked {
    final int kernelSize, stride, padding, dilation, groups, inPerGroup, outPerGroup;
    /** Row width of {@link #weights} and {@link #bias}: output channels per group, at least two vectors. */
    final int coPad;
    /** Floats per group in {@link #weights}: K·K·inPerGroup·coPad. */
    final int groupSize;
    final float[] weights;
    final float[] bias;
    final boolean depthwise;
    /** Row width of {@link #depthwiseTaps}: channels, at least one vector. */
    final int cPad;
    final float[] depthwiseTaps;
    final float[] depthwiseBias;

    private VectorConv2dPacked(Conv2dWeights w) {
        int lanes = VectorKernels.S.length();
        kernelSize = w.kernelSize();
        stride = w.stride();
        padding = w.padding();
        dilation = w.dilation();
        groups = w.groups();
        inPerGroup = w.inChannelsPerGroup();
        outPerGroup = w.outChannelsPerGroup();
        int k = kernelSize;
        coPad = Math.max(outPerGroup, 2 * lanes);
        groupSize = Math.multiplyExact(k * k * inPerGroup, coPad);
        weights = new float[Math.multiplyExact(groups, groupSize)];
        bias = new float[groups * coPad];
        float[] b = w.bias();
        for (int co = 0; co < w.outChannels(); co++) {
            int g = co / outPerGroup, j = co % outPerGroup;
            bias[g * coPad + j] = b[co];
            for (int ci = 0; ci < inPerGroup; ci++) {
                for (int ky = 0; ky < k; ky++) {
                    for (int kx = 0; kx < k; kx++) {
                        weights[g * groupSize + ((ky * k + kx) * inPerGroup + ci) * coPad + j] = w.weight(co, ci, ky, kx);
                    }
                }
            }
        }
        depthwise = inPerGroup == 1 && outPerGroup == 1;
        if (depthwise) {
            int channels = groups;
            cPad = Math.max(channels, lanes);
            depthwiseTaps = new float[k * k * cPad];
            depthwiseBias = new float[cPad];
            for (int c = 0; c < channels; c++) {
                depthwiseBias[c] = b[c];
                for (int ky = 0; ky < k; ky++) {
                    for (int kx = 0; kx < k; kx++) depthwiseTaps[(ky * k + kx) * cPad + c] = w.weight(c, 0, ky, kx);
                }
            }
        } else {
            cPad = 0;
            depthwiseTaps = null;
            depthwiseBias = null;
        }
    }

    static VectorConv2dPacked pack(Conv2dWeights w) {
        return new VectorConv2dPacked(w);
    }
}
