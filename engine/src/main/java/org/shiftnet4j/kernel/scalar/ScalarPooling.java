package org.shiftnet4j.kernel.scalar;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.shiftnet4j.tensor.Tensor;

/**
 * Reference pooling kernels, addressed only through {@link Tensor#index}.
 *
 * <p>maxPool is {@link Math#max} folded over the in-image taps from −∞: max is exact, so any order of taps gives
 * the same bits, and padding simply never takes part.
 *
 * <p>avgPool sums the in-image taps of each window in float, rows then columns, and divides once; a window with no
 * in-image tap (only possible when the caller passes an output larger than the pooling geometry gives) yields 0
 * rather than 0/0. globalAvgPool accumulates in double, so the reference is the mean rounded once to float and the
 * SIMD version's float partial sums are judged against it.
 */
final class ScalarPooling {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private ScalarPooling() {
    }

    static void avgPool(Tensor in, int kernelSize, int stride, int padding, boolean countIncludePad, Tensor out) {
        MemorySegment src = in.segment(), dst = out.segment();
        int h = in.height(), w = in.width();
        for (int n = 0; n < out.batch(); n++) {
            for (int c = 0; c < out.channels(); c++) {
                for (int oy = 0; oy < out.height(); oy++) {
                    int top = oy * stride - padding;
                    int firstRow = Math.max(0, top), endRow = Math.min(h, top + kernelSize);
                    for (int ox = 0; ox < out.width(); ox++) {
                        int left = ox * stride - padding;
                        int firstCol = Math.max(0, left), endCol = Math.min(w, left + kernelSize);
                        float sum = 0f;
                        for (int iy = firstRow; iy < endRow; iy++) {
                            for (int ix = firstCol; ix < endCol; ix++) {
                                sum += src.getAtIndex(F, in.index(n, c, iy, ix));
                            }
                        }
                        int taps = Math.max(0, endRow - firstRow) * Math.max(0, endCol - firstCol);
                        float divisor = countIncludePad ? kernelSize * kernelSize : taps;
                        dst.setAtIndex(F, out.index(n, c, oy, ox), taps == 0 ? 0f : sum / divisor);
                    }
                }
            }
        }
    }

    /** Folds {@link Math#max} over each window's in-image taps, rows then columns, starting from −∞. */
    static void maxPool(Tensor in, int kernelSize, int stride, int padding, Tensor out) {
        MemorySegment src = in.segment(), dst = out.segment();
        int h = in.height(), w = in.width();
        for (int n = 0; n < out.batch(); n++) {
            for (int c = 0; c < out.channels(); c++) {
                for (int oy = 0; oy < out.height(); oy++) {
                    int top = oy * stride - padding;
                    int firstRow = Math.max(0, top), endRow = Math.min(h, top + kernelSize);
                    for (int ox = 0; ox < out.width(); ox++) {
                        int left = ox * stride - padding;
                        int firstCol = Math.max(0, left), endCol = Math.min(w, left + kernelSize);
                        float max = Float.NEGATIVE_INFINITY;
                        for (int iy = firstRow; iy < endRow; iy++) {
                            for (int ix = firstCol; ix < endCol; ix++) {
                                max = Math.max(max, src.getAtIndex(F, in.index(n, c, iy, ix)));
                            }
                        }
                        dst.setAtIndex(F, out.index(n, c, oy, ox), max);
                    }
                }
            }
        }
    }

    static void globalAvgPool(Tensor in, Tensor out) {
        MemorySegment src = in.segment(), dst = out.segment();
        double pixels = (double) in.height() * in.width();
        for (int n = 0; n < in.batch(); n++) {
            for (int c = 0; c < in.channels(); c++) {
                double sum = 0;
                for (int y = 0; y < in.height(); y++) {
                    for (int x = 0; x < in.width(); x++) {
                        sum += src.getAtIndex(F, in.index(n, c, y, x));
                    }
                }
                dst.setAtIndex(F, out.index(n, c, 0, 0), (float) (sum / pixels));
            }
        }
    }
}
