package org.shiftnet4j.kernel.scalar;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.shiftnet4j.kernel.Conv1x1Weights;
import org.shiftnet4j.kernel.Conv2dWeights;
import org.shiftnet4j.kernel.DepthwiseWeights;
import org.shiftnet4j.kernel.Kernels;
import org.shiftnet4j.kernel.ShiftTable;
import org.shiftnet4j.tensor.Tensor;

/**
 * The scalar reference: the definition of every kernel, written for clarity. It works for any layout, border and
 * view because it addresses elements only through the tensors' strides. Sums run in ascending input-channel or
 * tap order in float, as a straightforward implementation would.
 */
public final class ScalarKernels implements Kernels {
    public static final ScalarKernels INSTANCE = new ScalarKernels();

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private ScalarKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void shift(Tensor in, ShiftTable table, Tensor out) {
        MemorySegment src = in.segment(), dst = out.segment();
        int h = in.height(), w = in.width();
        for (int n = 0; n < in.batch(); n++) {
            for (int c = 0; c < in.channels(); c++) {
                int dy = table.dy(c), dx = table.dx(c);
                for (int y = 0; y < h; y++) {
                    int sy = y + dy;
                    for (int x = 0; x < w; x++) {
                        int sx = x + dx;
                        float v = sy >= 0 && sy < h && sx >= 0 && sx < w ? src.getAtIndex(F, in.index(n, c, sy, sx)) : 0f;
                        dst.setAtIndex(F, out.index(n, c, y, x), v);
                    }
                }
            }
        }
    }

    @Override
    public void depthwiseConv2d(Tensor in, DepthwiseWeights wt, Tensor out) {
        MemorySegment src = in.segment(), dst = out.segment();
        int h = in.height(), w = in.width(), k = wt.kernelSize();
        int s = wt.stride(), p = wt.padding(), d = wt.dilation();
        float[] bias = wt.bias();
        for (int n = 0; n < in.batch(); n++) {
            for (int c = 0; c < in.channels(); c++) {
                for (int oy = 0; oy < out.height(); oy++) {
                    for (int ox = 0; ox < out.width(); ox++) {
                        float acc = bias[c];
                        for (int ky = 0; ky < k; ky++) {
                            int iy = oy * s - p + ky * d;
                            if (iy < 0 || iy >= h) continue;
                            for (int kx = 0; kx < k; kx++) {
                                int ix = ox * s - p + kx * d;
                                if (ix < 0 || ix >= w) continue;
                                acc += wt.weight(c, ky, kx) * src.getAtIndex(F, in.index(n, c, iy, ix));
                            }
                        }
                        dst.setAtIndex(F, out.index(n, c, oy, ox), acc);
                    }
                }
            }
        }
    }

    @Override
    public void conv1x1(Tensor in, Conv1x1Weights wt, int stride, boolean relu, Tensor out) {
        MemorySegment src = in.segment(), dst = out.segment();
        int cin = wt.inChannels(), cout = wt.outChannels();
        float[] bias = wt.bias();
        for (int n = 0; n < out.batch(); n++) {
            for (int oy = 0; oy < out.height(); oy++) {
                for (int ox = 0; ox < out.width(); ox++) {
                    long pixel = in.index(n, 0, oy * stride, ox * stride);
                    for (int co = 0; co < cout; co++) {
                        float acc = bias[co];
                        for (int ci = 0; ci < cin; ci++) {
                            acc += wt.weight(co, ci) * src.getAtIndex(F, pixel + ci * in.strideC());
                        }
                        dst.setAtIndex(F, out.index(n, co, oy, ox), relu ? Math.max(acc, 0f) : acc);
                    }
                }
            }
        }
    }

    @Override
    public void shiftConv1x1(Tensor in, ShiftTable table, Conv1x1Weights wt, int stride, boolean relu, Tensor out) {
        MemorySegment src = in.segment(), dst = out.segment();
        int cin = wt.inChannels(), cout = wt.outChannels();
        float[] bias = wt.bias();
        for (int n = 0; n < out.batch(); n++) {
            for (int oy = 0; oy < out.height(); oy++) {
                for (int ox = 0; ox < out.width(); ox++) {
                    for (int co = 0; co < cout; co++) {
                        float acc = bias[co];
                        for (int ci = 0; ci < cin; ci++) {
                            long tap = in.index(n, ci, oy * stride + table.dy(ci), ox * stride + table.dx(ci));
                            acc += wt.weight(co, ci) * src.getAtIndex(F, tap);
                        }
                        dst.setAtIndex(F, out.index(n, co, oy, ox), relu ? Math.max(acc, 0f) : acc);
                    }
                }
            }
        }
    }

    @Override
    public void conv2d(Tensor in, Conv2dWeights weights, boolean relu, Tensor out) {
        ScalarConv2d.conv2d(in, weights, relu, out);
    }

    @Override
    public void scaleShift(Tensor in, float[] scale, float[] shift, boolean relu, Tensor out) {
        ScalarElementwise.scaleShift(in, scale, shift, relu, out);
    }

    @Override
    public void add(Tensor a, Tensor b, boolean relu, Tensor out) {
        ScalarElementwise.add(a, b, relu, out);
    }

    @Override
    public void relu(Tensor in, Tensor out) {
        ScalarElementwise.relu(in, out);
    }

    @Override
    public void avgPool(Tensor in, int kernelSize, int stride, int padding, boolean countIncludePad, Tensor out) {
        ScalarPooling.avgPool(in, kernelSize, stride, padding, countIncludePad, out);
    }

    @Override
    public void maxPool(Tensor in, int kernelSize, int stride, int padding, Tensor out) {
        ScalarPooling.maxPool(in, kernelSize, stride, padding, out);
    }

    @Override
    public void clamp(Tensor in, float min, float max, Tensor out) {
        ScalarElementwise.clamp(in, min, max, out);
    }

    @Override
    public void globalAvgPool(Tensor in, Tensor out) {
        ScalarPooling.globalAvgPool(in, out);
    }

    @Override
    public void softmax(Tensor in, Tensor out) {
        ScalarElementwise.softmax(in, out);
    }

    @Override
    public void copy(Tensor in, Tensor out) {
        ScalarElementwise.copy(in, out);
    }
}
