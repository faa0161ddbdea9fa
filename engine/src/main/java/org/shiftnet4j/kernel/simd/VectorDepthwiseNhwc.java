package org.shiftnet4j.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.shiftnet4j.kernel.DepthwiseWeights;
import org.shiftnet4j.tensor.Tensor;

/**
 * NHWC depthwise convolution, vectorised along channels with the tap-major weights ({@code [tap][c]}).
 *
 * <p>Each output row is split by column into the pixels whose whole window lies inside the image horizontally and
 * the edge pixels left and right of them. Inside, tiles of 4 output pixels × 2 channel vectors keep 8 accumulators
 * (8 independent FMA chains, enough to hide the FMA latency) and load each tap's 2 weight vectors once for the 4
 * pixels. Edge pixels and the leftover inside pixels go one pixel at a time, 4 channel vectors at once; their taps
 * are limited to the valid range by loop bounds rather than tested one by one. Rows whose window leaves the image
 * skip those rows of taps the same way. Channels left over after the last whole vector are computed in scalar.
 *
 * <p>Loop order per output row: pixel tile, then all channels, then taps; the weights ({@code K²·C} floats) and the
 * input window of one tile stay in L1. Pixels are addressed through {@code strideW}/{@code strideH}, so channel
 * slices (whose pixel stride exceeds their channel count) work unchanged.
 */
final class VectorDepthwiseNhwc {
    private static final VectorSpecies<Float> S = VectorKernels.S;
    private static final int L = S.length();
    private static final long VECTOR_BYTES = S.vectorByteSize();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final int TILE_PIXELS = 4;

    private VectorDepthwiseNhwc() {
    }

    static void depthwiseConv2d(Tensor in, DepthwiseWeights wt, Tensor out) {
        MemorySegment src = in.segment(), dst = out.segment();
        int k = wt.kernelSize(), s = wt.stride(), p = wt.padding(), d = wt.dilation();
        int h = in.height(), w = in.width(), oh = out.height(), ow = out.width();
        long inPixel = in.strideW(), inRow = in.strideH(), outPixel = out.strideW();

        // Output columns [insideLo, insideEnd) have every kx tap inside the image.
        int insideLo = Math.min(ow, Math.ceilDiv(p, s));
        int insideEnd = Math.clamp(Math.floorDiv(w - 1 + p - (k - 1) * d, s) + 1L, insideLo, ow);
        long rowStep = d * inRow, colStep = d * inPixel;
        for (int n = 0; n < in.batch(); n++) {
            long image = in.index(n, 0, 0, 0);
            for (int oy = 0; oy < oh; oy++) {
                int iy0 = oy * s - p;
                int kyLo = Math.max(0, VectorDepthwise.firstValidTap(iy0, d));
                int kyHi = Math.min(k - 1, VectorDepthwise.lastValidTap(iy0, d, h));
                int rows = Math.max(0, kyHi - kyLo + 1);
                long tapRow = image + (long) (iy0 + kyLo * d) * inRow; // input row of the first valid ky, column 0
                long outRow = out.index(n, 0, oy, 0);
                int ox = 0;
                for (; ox < insideLo; ox++) {
                    edgePixel(src, tapRow, rowStep, rows, kyLo, ox * s - p, d, w, inPixel, wt, dst,
                            outRow + ox * outPixel);
                }
                for (; ox + TILE_PIXELS <= insideEnd; ox += TILE_PIXELS) {
                    tile4(src, tapRow + (long) (ox * s - p) * inPixel, rowStep, colStep, s * inPixel, rows, kyLo, wt,
                            dst, outRow + ox * outPixel, outPixel);
                }
                for (; ox < ow; ox++) {
                    edgePixel(src, tapRow, rowStep, rows, kyLo, ox * s - p, d, w, inPixel, wt, dst,
                            outRow + ox * outPixel);
                }
            }
        }
    }

    /** One output pixel whose window starts at input column {@code ix0}; only taps inside the image are read. */
    private static void edgePixel(MemorySegment src, long tapRow, long rowStep, int rows, int kyLo, int ix0, int d,
                                  int w, long inPixel, DepthwiseWeights wt, MemorySegment dst, long outAt) {
        int kxLo = Math.max(0, VectorDepthwise.firstValidTap(ix0, d));
        int kxHi = Math.min(wt.kernelSize() - 1, VectorDepthwise.lastValidTap(ix0, d, w));
        int cols = Math.max(0, kxHi - kxLo + 1);
        long first = tapRow + (long) (ix0 + kxLo * d) * inPixel;
        pixel(src, first, rowStep, d * inPixel, rows, cols, kyLo, kxLo, wt, dst, outAt);
    }

    /** One output pixel over the tap rectangle rows × cols starting at tap (kyLo, kxLo), read at {@code first}. */
    private static void pixel(MemorySegment src, long first, long rowStep, long colStep, int rows, int cols,
                              int kyLo, int kxLo, DepthwiseWeights wt, MemorySegment dst, long outAt) {
        int channels = wt.channels();
        int wFirst = (kyLo * wt.kernelSize() + kxLo) * channels;
        int wRowStep = wt.kernelSize() * channels;
        float[] tw = wt.tapMajor(), bias = wt.bias();
        int c = 0;
        for (; c <= channels - 4 * L; c += 4 * L) {
            FloatVector a0 = FloatVector.fromArray(S, bias, c), a1 = FloatVector.fromArray(S, bias, c + L);
            FloatVector a2 = FloatVector.fromArray(S, bias, c + 2 * L), a3 = FloatVector.fromArray(S, bias, c + 3 * L);
            for (int r = 0; r < rows; r++) {
                long at = first + r * rowStep + c;
                int wi = wFirst + r * wRowStep + c;
                for (int j = 0; j < cols; j++, at += colStep, wi += channels) {
                    long b = at * Float.BYTES;
                    a0 = FloatVector.fromMemorySegment(S, src, b, ORDER).fma(FloatVector.fromArray(S, tw, wi), a0);
                    a1 = FloatVector.fromMemorySegment(S, src, b + VECTOR_BYTES, ORDER)
                            .fma(FloatVector.fromArray(S, tw, wi + L), a1);
                    a2 = FloatVector.fromMemorySegment(S, src, b + 2 * VECTOR_BYTES, ORDER)
                            .fma(FloatVector.fromArray(S, tw, wi + 2 * L), a2);
                    a3 = FloatVector.fromMemorySegment(S, src, b + 3 * VECTOR_BYTES, ORDER)
                            .fma(FloatVector.fromArray(S, tw, wi + 3 * L), a3);
                }
            }
            long o = (outAt + c) * Float.BYTES;
            a0.intoMemorySegment(dst, o, ORDER);
            a1.intoMemorySegment(dst, o + VECTOR_BYTES, ORDER);
            a2.intoMemorySegment(dst, o + 2 * VECTOR_BYTES, ORDER);
            a3.intoMemorySegment(dst, o + 3 * VECTOR_BYTES, ORDER);
        }
        for (; c <= channels - L; c += L) {
            FloatVector a0 = FloatVector.fromArray(S, bias, c);
            for (int r = 0; r < rows; r++) {
                long at = first + r * rowStep + c;
                int wi = wFirst + r * wRowStep + c;
                for (int j = 0; j < cols; j++, at += colStep, wi += channels) {
                    a0 = FloatVector.fromMemorySegment(S, src, at * Float.BYTES, ORDER)
                            .fma(FloatVector.fromArray(S, tw, wi), a0);
                }
            }
            a0.intoMemorySegment(dst, (outAt + c) * Float.BYTES, ORDER);
        }
        scalarChannels(src, first, rowStep, colStep, rows, cols, kyLo, kxLo, c, wt, dst, outAt);
    }

    /**
     * Four output pixels side by side (input pixels {@code pixelStep} apart), every kx tap inside the image:
     * 4 pixels × 2 channel vectors = 8 accumulators, each tap's weights loaded once for the 4 pixels.
     */
    private static void tile4(MemorySegment src, long first, long rowStep, long colStep, long pixelStep, int rows,
                              int kyLo, DepthwiseWeights wt, MemorySegment dst, long outAt, long outPixel) {
        int k = wt.kernelSize(), channels = wt.channels();
        int wFirst = kyLo * k * channels;
        float[] tw = wt.tapMajor(), bias = wt.bias();
        long p1 = pixelStep * Float.BYTES, p2 = 2 * p1, p3 = 3 * p1;
        int c = 0;
        for (; c <= channels - 2 * L; c += 2 * L) {
            FloatVector a00 = FloatVector.fromArray(S, bias, c), a01 = FloatVector.fromArray(S, bias, c + L);
            FloatVector a10 = a00, a11 = a01, a20 = a00, a21 = a01, a30 = a00, a31 = a01;
            int wi = wFirst + c;
            for (int r = 0; r < rows; r++) {
                long at = first + r * rowStep + c;
                for (int kx = 0; kx < k; kx++, at += colStep, wi += channels) {
                    FloatVector w0 = FloatVector.fromArray(S, tw, wi), w1 = FloatVector.fromArray(S, tw, wi + L);
                    long b = at * Float.BYTES;
                    a00 = FloatVector.fromMemorySegment(S, src, b, ORDER).fma(w0, a00);
                    a01 = FloatVector.fromMemorySegment(S, src, b + VECTOR_BYTES, ORDER).fma(w1, a01);
                    a10 = FloatVector.fromMemorySegment(S, src, b + p1, ORDER).fma(w0, a10);
                    a11 = FloatVector.fromMemorySegment(S, src, b + p1 + VECTOR_BYTES, ORDER).fma(w1, a11);
                    a20 = FloatVector.fromMemorySegment(S, src, b + p2, ORDER).fma(w0, a20);
                    a21 = FloatVector.fromMemorySegment(S, src, b + p2 + VECTOR_BYTES, ORDER).fma(w1, a21);
                    a30 = FloatVector.fromMemorySegment(S, src, b + p3, ORDER).fma(w0, a30);
                    a31 = FloatVector.fromMemorySegment(S, src, b + p3 + VECTOR_BYTES, ORDER).fma(w1, a31);
                }
            }
            long o = (outAt + c) * Float.BYTES, q = outPixel * Float.BYTES;
            a00.intoMemorySegment(dst, o, ORDER);
            a01.intoMemorySegment(dst, o + VECTOR_BYTES, ORDER);
            a10.intoMemorySegment(dst, o + q, ORDER);
            a11.intoMemorySegment(dst, o + q + VECTOR_BYTES, ORDER);
            a20.intoMemorySegment(dst, o + 2 * q, ORDER);
            a21.intoMemorySegment(dst, o + 2 * q + VECTOR_BYTES, ORDER);
            a30.intoMemorySegment(dst, o + 3 * q, ORDER);
            a31.intoMemorySegment(dst, o + 3 * q + VECTOR_BYTES, ORDER);
        }
        if (c <= channels - L) {
            FloatVector a0 = FloatVector.fromArray(S, bias, c), a1 = a0, a2 = a0, a3 = a0;
            int wi = wFirst + c;
            for (int r = 0; r < rows; r++) {
                long at = first + r * rowStep + c;
                for (int kx = 0; kx < k; kx++, at += colStep, wi += channels) {
                    FloatVector w0 = FloatVector.fromArray(S, tw, wi);
                    long b = at * Float.BYTES;
                    a0 = FloatVector.fromMemorySegment(S, src, b, ORDER).fma(w0, a0);
                    a1 = FloatVector.fromMemorySegment(S, src, b + p1, ORDER).fma(w0, a1);
                    a2 = FloatVector.fromMemorySegment(S, src, b + p2, ORDER).fma(w0, a2);
                    a3 = FloatVector.fromMemorySegment(S, src, b + p3, ORDER).fma(w0, a3);
                }
            }
            long o = (outAt + c) * Float.BYTES, q = outPixel * Float.BYTES;
            a0.intoMemorySegment(dst, o, ORDER);
            a1.intoMemorySegment(dst, o + q, ORDER);
            a2.intoMemorySegment(dst, o + 2 * q, ORDER);
            a3.intoMemorySegment(dst, o + 3 * q, ORDER);
            c += L;
        }
        if (c < channels) {
            for (int i = 0; i < TILE_PIXELS; i++) {
                scalarChannels(src, first + i * pixelStep, rowStep, colStep, rows, k, kyLo, 0, c, wt, dst,
                        outAt + i * outPixel);
            }
        }
    }

    /** Channels [from, C) of one output pixel, in scalar: the tail after the last whole vector. */
    private static void scalarChannels(MemorySegment src, long first, long rowStep, long colStep, int rows, int cols,
                                       int kyLo, int kxLo, int from, DepthwiseWeights wt, MemorySegment dst, long outAt) {
        int k = wt.kernelSize(), taps = k * k;
        float[] weights = wt.channelMajor(), bias = wt.bias();
        for (int c = from; c < wt.channels(); c++) {
            float acc = bias[c];
            for (int r = 0; r < rows; r++) {
                long at = first + r * rowStep + c;
                int wi = c * taps + (kyLo + r) * k + kxLo;
                for (int j = 0; j < cols; j++, at += colStep) {
                    acc = Math.fma(weights[wi + j], src.getAtIndex(F, at), acc); // as the vector lanes round
                }
            }
            dst.setAtIndex(F, outAt + c, acc);
        }
    }
}
