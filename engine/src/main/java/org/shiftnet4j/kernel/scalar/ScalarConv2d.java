package org.shiftnet4j.kernel.scalar;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.shiftnet4j.kernel.Conv2dWeights;
import org.shiftnet4j.tensor.Tensor;

/**
 * Reference K×K convolution with groups: the definition every faster kernel is tested against.
 * Each output starts at its bias and adds {@code W·x} in float, in ascending (ci, ky, kx) order, skipping taps that
 * fall outside the image (zero padding); ReLU comes last. Works for any layout, border and view because it addresses
 * elements only through the tensors' strides.
 */
final class ScalarConv2d {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private ScalarConv2d() {
    }

    static void conv2d(Tensor in, Conv2dWeights wt, boolean relu, Tensor out) {
        MemorySegment src = in.segment(), dst = out.segment();
        int h = in.height(), w = in.width(), k = wt.kernelSize();
        int s = wt.stride(), p = wt.padding(), d = wt.dilation();
        int inPerGroup = wt.inChannelsPerGroup(), outPerGroup = wt.outChannelsPerGroup();
        float[] bias = wt.bias();
        for (int n = 0; n < out.batch(); n++) {
            for (int co = 0; co < out.channels(); co++) {
                int firstIn = co / outPerGroup * inPerGroup;
                for (int oy = 0; oy < out.height(); oy++) {
                    for (int ox = 0; ox < out.width(); ox++) {
                        float acc = bias[co];
                        for (int ci = 0; ci < inPerGroup; ci++) {
                            for (int ky = 0; ky < k; ky++) {
                                int iy = oy * s - p + ky * d;
                                if (iy < 0 || iy >= h) continue;
                                for (int kx = 0; kx < k; kx++) {
                                    int ix = ox * s - p + kx * d;
                                    if (ix < 0 || ix >= w) continue;
                                    acc += wt.weight(co, ci, ky, kx) * src.getAtIndex(F, in.index(n, firstIn + ci, iy, ix));
                                }
                            }
                        }
                        dst.setAtIndex(F, out.index(n, co, oy, ox), relu ? Math.max(acc, 0f) : acc);
                    }
                }
            }
        }
    }
}
