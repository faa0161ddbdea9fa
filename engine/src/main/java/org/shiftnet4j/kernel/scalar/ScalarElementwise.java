package org.shiftnet4j.kernel.scalar;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.shiftnet4j.tensor.Tensor;

/**
 * Reference elementwise kernels: one element at a time, addressed only through {@link Tensor#index}, so any layout,
 * border or view works. Every output element depends only on input elements of the same (n, c, y, x) (softmax: of
 * the same pixel), and each is read before it is written; that is what makes {@code out == in} safe.
 *
 * <p>Rounding is part of the definition: scaleShift is one fused multiply-add ({@link Math#fma}), softmax sums its
 * exponentials in float in channel order and divides (no reciprocal). The SIMD kernels match the first bit for bit.
 */
final class ScalarElementwise {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private ScalarElementwise() {
    }

    static void scaleShift(Tensor in, float[] scale, float[] shift, boolean relu, Tensor out) {
        MemorySegment src = in.segment(), dst = out.segment();
        for (int n = 0; n < in.batch(); n++) {
            for (int c = 0; c < in.channels(); c++) {
                float s = scale[c], b = shift[c];
                for (int y = 0; y < in.height(); y++) {
                    for (int x = 0; x < in.width(); x++) {
                        float v = Math.fma(src.getAtIndex(F, in.index(n, c, y, x)), s, b);
                        dst.setAtIndex(F, out.index(n, c, y, x), relu ? Math.max(v, 0f) : v);
                    }
                }
            }
        }
    }

    static void add(Tensor a, Tensor b, boolean relu, Tensor out) {
        MemorySegment sa = a.segment(), sb = b.segment(), dst = out.segment();
        for (int n = 0; n < a.batch(); n++) {
            for (int c = 0; c < a.channels(); c++) {
                for (int y = 0; y < a.height(); y++) {
                    for (int x = 0; x < a.width(); x++) {
                        float v = sa.getAtIndex(F, a.index(n, c, y, x)) + sb.getAtIndex(F, b.index(n, c, y, x));
                        dst.setAtIndex(F, out.index(n, c, y, x), relu ? Math.max(v, 0f) : v);
                    }
                }
            }
        }
    }

    static void relu(Tensor in, Tensor out) {
        MemorySegment src = in.segment(), dst = out.segment();
        for (int n = 0; n < in.batch(); n++) {
            for (int c = 0; c < in.channels(); c++) {
                for (int y = 0; y < in.height(); y++) {
                    for (int x = 0; x < in.width(); x++) {
                        dst.setAtIndex(F, out.index(n, c, y, x), Math.max(src.getAtIndex(F, in.index(n, c, y, x)), 0f));
                    }
                }
            }
        }
    }

    /** {@code min(max(x, min), max)}: NaN propagates through both, as in PyTorch's clamp. */
    static void clamp(Tensor in, float min, float max, Tensor out) {
        MemorySegment src = in.segment(), dst = out.segment();
        for (int n = 0; n < in.batch(); n++) {
            for (int c = 0; c < in.channels(); c++) {
                for (int y = 0; y < in.height(); y++) {
                    for (int x = 0; x < in.width(); x++) {
                        float v = src.getAtIndex(F, in.index(n, c, y, x));
                        dst.setAtIndex(F, out.index(n, c, y, x), Math.min(Math.max(v, min), max));
                    }
                }
            }
        }
    }

    /** Subtracts the pixel's largest logit before exponentiating, so no exponential overflows. */
    static void softmax(Tensor in, Tensor out) {
        MemorySegment src = in.segment(), dst = out.segment();
        int channels = in.channels();
        for (int n = 0; n < in.batch(); n++) {
            for (int y = 0; y < in.height(); y++) {
                for (int x = 0; x < in.width(); x++) {
                    float max = Float.NEGATIVE_INFINITY;
                    for (int c = 0; c < channels; c++) {
                        max = Math.max(max, src.getAtIndex(F, in.index(n, c, y, x)));
                    }
                    float sum = 0f;
                    for (int c = 0; c < channels; c++) {
                        float e = (float) Math.exp(src.getAtIndex(F, in.index(n, c, y, x)) - max);
                        dst.setAtIndex(F, out.index(n, c, y, x), e);
                        sum += e;
                    }
                    for (int c = 0; c < channels; c++) {
                        long i = out.index(n, c, y, x);
                        dst.setAtIndex(F, i, dst.getAtIndex(F, i) / sum);
                    }
                }
            }
        }
    }

    static void copy(Tensor in, Tensor out) {
        MemorySegment src = in.segment(), dst = out.segment();
        for (int n = 0; n < in.batch(); n++) {
            for (int c = 0; c < in.channels(); c++) {
                for (int y = 0; y < in.height(); y++) {
                    for (int x = 0; x < in.width(); x++) {
                        dst.setAtIndex(F, out.index(n, c, y, x), src.getAtIndex(F, in.index(n, c, y, x)));
                    }
                }
            }
        }
    }
}
