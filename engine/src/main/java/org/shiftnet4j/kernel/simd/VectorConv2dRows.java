package org.shiftnet4j.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.shiftnet4j.tensor.Tensor;

/**
 * Stride-1 NCHW conv2d vectorised along output x: one vector holds L neighbouring output pixels of one channel,
 * each tap broadcasts one weight and loads the input row at an unaligned offset (overlapping loads, no shuffles).
 *
 * <p>A row is covered by vectors at x = 0, L, 2L, …; the last one is moved left to end at the row's end (it
 * recomputes a few pixels) so rows need no tail. Vectors whose taps can leave the readable row (the padding) zero
 * the lanes outside it with a lane mask: out-of-image lanes add zero. Rows are tiled in pairs
 * (general conv: 4 output channels × 2 rows = 8 accumulators) or fours (depthwise: 1 channel × 4 rows, one call per
 * column strip because a depthwise tile is too little work to pay for a call); all rows of a tile share the
 * vertical tap window, so only the top and bottom edge rows go one at a time.
 * Stores are written out in each kernel (no helper taking vectors: see {@link VectorConv2dTiles}).
 */
final class VectorConv2dRows {
    private static final VectorSpecies<Float> S = VectorKernels.S;
    private static final int L = S.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** Output channels per tile of the general kernel. */
    private static final int CO_TILE = 4;
    /** Rows per tile of the general (2) and the depthwise (4) kernel. */
    private static final int ROWS = 2, DEPTHWISE_ROWS = 4;

    private VectorConv2dRows() {
    }

    static void conv(Tensor in, VectorConv2dPacked pk, boolean relu, Tensor out) {
        int k = pk.kernelSize, p = pk.padding, d = pk.dilation;
        int lo = -in.border(), hiY = in.height() + in.border(), hiX = in.width() + in.border();
        int hOut = out.height(), wOut = out.width();
        int oyA = VectorConv2d.fullStart(1, p, lo), oyB = VectorConv2d.fullEnd(hOut, k, 1, p, d, hiY);
        if (oyB <= oyA) oyA = oyB = 0;
        int perGroup = pk.outPerGroup;
        for (int n = 0; n < out.batch(); n++) {
            for (int g = 0; g < pk.groups; g++) {
                for (int start = 0; start < perGroup; start += CO_TILE) {
                    int c0 = perGroup >= CO_TILE ? Math.min(start, perGroup - CO_TILE) : 0;
                    int validCo = Math.min(CO_TILE, perGroup - c0);
                    for (int xs = 0; xs < wOut; xs += L) {
                        int ox = wOut >= L ? Math.min(xs, wOut - L) : 0;
                        boolean masked = ox - p < lo || ox + L - 1 - p + (k - 1) * d >= hiX;
                        for (int oy = 0; oy < hOut; oy++) {
                            if (oy == oyA && oyB > oyA) oy = oyB;
                            if (oy >= hOut) break;
                            int kyLo = VectorConv2d.firstTap(oy, k, 1, p, d, lo);
                            int kyHi = Math.max(kyLo, VectorConv2d.endTap(oy, k, 1, p, d, hiY));
                            convTile(1, true, in, out, pk, n, g, c0, validCo, ox, oy, kyLo, kyHi, relu);
                        }
                        int count = oyB - oyA;
                        int size = count >= ROWS ? ROWS : 1;
                        for (int i = 0; i < count; i += size) {
                            convTile(size, masked, in, out, pk, n, g, c0, validCo, ox, oyA + Math.min(i, count - size),
                                    0, k, relu);
                        }
                    }
                }
            }
        }
    }

    private static void convTile(int rows, boolean masked, Tensor in, Tensor out, VectorConv2dPacked pk, int n,
                                 int g, int c0, int validCo, int ox, int oy, int kyLo, int kyHi, boolean relu) {
        int k = pk.kernelSize, p = pk.padding, d = pk.dilation, cin = pk.inPerGroup, coPad = pk.coPad;
        int ix = ox - p;
        long inBase = in.index(n, g * cin, oy - p + kyLo * d, ix);
        long outBase = out.index(n, g * pk.outPerGroup + c0, oy, ox);
        int wBase = g * pk.groupSize + kyLo * k * cin * coPad + c0;
        int validX = Math.min(L, out.width() - ox);
        int lanesFrom = ix + in.border(), span = in.width() + 2 * in.border();
        long lastRead = inBase + (cin - 1) * in.strideC() + (kyHi - kyLo - 1L) * d * in.strideH() + (k - 1L) * d
                + (rows - 1) * in.strideH();
        boolean inside = inSegment(in, inBase, lastRead);
        if (rows == 1) {
            rows1x4Masked(in.segment(), inBase, k, d, kyHi - kyLo, d * in.strideH(), cin, in.strideC(),
                    pk.weights, wBase, cin * coPad, k * cin * coPad, coPad, pk.bias, g * coPad + c0,
                    out.segment(), outBase, out.strideC(), validCo, validX, lanesFrom, span, inside, relu);
        } else if (masked && k == 3) {
            rows2x4K3Masked(in.segment(), inBase, in.strideH(), d, kyHi - kyLo, d * in.strideH(), cin, in.strideC(),
                    pk.weights, wBase, cin * coPad, k * cin * coPad, coPad, pk.bias, g * coPad + c0,
                    out.segment(), outBase, out.strideH(), out.strideC(), validCo, validX, lanesFrom, span, inside, relu);
        } else if (masked) {
            rows2x4Masked(in.segment(), inBase, in.strideH(), k, d, kyHi - kyLo, d * in.strideH(), cin, in.strideC(),
                    pk.weights, wBase, cin * coPad, k * cin * coPad, coPad, pk.bias, g * coPad + c0,
                    out.segment(), outBase, out.strideH(), out.strideC(), validCo, validX, lanesFrom, span, inside, relu);
        } else {
            rows2x4(in.segment(), inBase, in.strideH(), k, d, kyHi - kyLo, d * in.strideH(), cin, in.strideC(),
                    pk.weights, wBase, cin * coPad, k * cin * coPad, coPad, pk.bias, g * coPad + c0,
                    out.segment(), outBase, out.strideH(), out.strideC(), validCo, validX, relu);
        }
    }

    /**
     * 2 rows × 4 output channels, every lane of every tap inside the readable row. Loops (ci, ky, kx): kx
     * innermost keeps the loads within a few cache lines; ci innermost would stride by whole planes, and planes of
     * 16×16 or 32×32 floats (1 or 4 KiB) then all map to the same L1 sets (measured 4× slower).
     */
    private static void rows2x4(MemorySegment src, long inBase, long rowStep, int nKx, long inKx, int nKy, long inKy,
                                int nCi, long inCi, float[] w, int wBase, int wKx, int wKy, int wCi,
                                float[] bias, int biasAt, MemorySegment dst, long outBase, long outRowStep,
                                long outCoStride, int validCo, int validX, boolean relu) {
        FloatVector b0 = FloatVector.broadcast(S, bias[biasAt]), b1 = FloatVector.broadcast(S, bias[biasAt + 1]);
        FloatVector b2 = FloatVector.broadcast(S, bias[biasAt + 2]), b3 = FloatVector.broadcast(S, bias[biasAt + 3]);
        FloatVector a00 = b0, a10 = b1, a20 = b2, a30 = b3, a01 = b0, a11 = b1, a21 = b2, a31 = b3;
        long rowBytes = rowStep << 2;
        for (int ci = 0; ci < nCi; ci++) {
            for (int ky = 0; ky < nKy; ky++) {
                long at = (inBase + ci * inCi + ky * inKy) << 2;
                int wi = wBase + ci * wCi + ky * wKy;
                for (int kx = 0; kx < nKx; kx++, at += inKx << 2, wi += wKx) {
                    FloatVector x0 = FloatVector.fromMemorySegment(S, src, at, NATIVE);
                    FloatVector x1 = FloatVector.fromMemorySegment(S, src, at + rowBytes, NATIVE);
                    FloatVector t = FloatVector.broadcast(S, w[wi]);
                    a00 = t.fma(x0, a00);
                    a01 = t.fma(x1, a01);
                    t = FloatVector.broadcast(S, w[wi + 1]);
                    a10 = t.fma(x0, a10);
                    a11 = t.fma(x1, a11);
                    t = FloatVector.broadcast(S, w[wi + 2]);
                    a20 = t.fma(x0, a20);
                    a21 = t.fma(x1, a21);
                    t = FloatVector.broadcast(S, w[wi + 3]);
                    a30 = t.fma(x0, a30);
                    a31 = t.fma(x1, a31);
                }
            }
        }
        if (relu) {
            a00 = a00.max(0f); a10 = a10.max(0f); a20 = a20.max(0f); a30 = a30.max(0f);
            a01 = a01.max(0f); a11 = a11.max(0f); a21 = a21.max(0f); a31 = a31.max(0f);
        }
        VectorMask<Float> store = S.indexInRange(0, validX);
        long o = outBase << 2, row = outRowStep << 2, co = outCoStride << 2;
        a00.intoMemorySegment(dst, o, NATIVE, store);
        a01.intoMemorySegment(dst, o + row, NATIVE, store);
        if (validCo > 1) {
            a10.intoMemorySegment(dst, o + co, NATIVE, store);
            a11.intoMemorySegment(dst, o + co + row, NATIVE, store);
        }
        if (validCo > 2) {
            a20.intoMemorySegment(dst, o + 2 * co, NATIVE, store);
            a21.intoMemorySegment(dst, o + 2 * co + row, NATIVE, store);
        }
        if (validCo > 3) {
            a30.intoMemorySegment(dst, o + 3 * co, NATIVE, store);
            a31.intoMemorySegment(dst, o + 3 * co + row, NATIVE, store);
        }
    }

    /**
     * As {@link #rows2x4}, but lane l of tap kx loads only when {@code 0 <= lanesFrom + kx·d + l < span}. The mask
     * is rebuilt per tap from a lane-index vector (two compares): it cannot be hoisted without kx outermost.
     */
    private static void rows2x4Masked(MemorySegment src, long inBase, long rowStep, int nKx, int d, int nKy,
                                      long inKy, int nCi, long inCi, float[] w, int wBase, int wKx, int wKy, int wCi,
                                      float[] bias, int biasAt, MemorySegment dst, long outBase, long outRowStep,
                                      long outCoStride, int validCo, int validX, int lanesFrom, int span,
                                      boolean inside, boolean relu) {
        FloatVector b0 = FloatVector.broadcast(S, bias[biasAt]), b1 = FloatVector.broadcast(S, bias[biasAt + 1]);
        FloatVector b2 = FloatVector.broadcast(S, bias[biasAt + 2]), b3 = FloatVector.broadcast(S, bias[biasAt + 3]);
        FloatVector a00 = b0, a10 = b1, a20 = b2, a30 = b3, a01 = b0, a11 = b1, a21 = b2, a31 = b3;
        long rowBytes = rowStep << 2;
        FloatVector lane = FloatVector.zero(S).addIndex(1), zero = FloatVector.zero(S);
        for (int ci = 0; ci < nCi; ci++) {
            for (int ky = 0; ky < nKy; ky++) {
                long at = (inBase + ci * inCi + ky * inKy) << 2;
                int wi = wBase + ci * wCi + ky * wKy;
                for (int kx = 0; kx < nKx; kx++, at += (long) d << 2, wi += wKx) {
                    int first = lanesFrom + kx * d;
                    VectorMask<Float> m = lane.compare(VectorOperators.GE, -first)
                            .and(lane.compare(VectorOperators.LT, span - first));
                    FloatVector x0 = (inside ? zero.blend(FloatVector.fromMemorySegment(S, src, at, NATIVE), m) : FloatVector.fromMemorySegment(S, src, at, NATIVE, m));
                    FloatVector x1 = (inside ? zero.blend(FloatVector.fromMemorySegment(S, src, at + rowBytes, NATIVE), m) : FloatVector.fromMemorySegment(S, src, at + rowBytes, NATIVE, m));
                    FloatVector t = FloatVector.broadcast(S, w[wi]);
                    a00 = t.fma(x0, a00);
                    a01 = t.fma(x1, a01);
                    t = FloatVector.broadcast(S, w[wi + 1]);
                    a10 = t.fma(x0, a10);
                    a11 = t.fma(x1, a11);
                    t = FloatVector.broadcast(S, w[wi + 2]);
                    a20 = t.fma(x0, a20);
                    a21 = t.fma(x1, a21);
                    t = FloatVector.broadcast(S, w[wi + 3]);
                    a30 = t.fma(x0, a30);
                    a31 = t.fma(x1, a31);
                }
            }
        }
        if (relu) {
            a00 = a00.max(0f); a10 = a10.max(0f); a20 = a20.max(0f); a30 = a30.max(0f);
            a01 = a01.max(0f); a11 = a11.max(0f); a21 = a21.max(0f); a31 = a31.max(0f);
        }
        VectorMask<Float> store = S.indexInRange(0, validX);
        long o = outBase << 2, row = outRowStep << 2, co = outCoStride << 2;
        a00.intoMemorySegment(dst, o, NATIVE, store);
        a01.intoMemorySegment(dst, o + row, NATIVE, store);
        if (validCo > 1) {
            a10.intoMemorySegment(dst, o + co, NATIVE, store);
            a11.intoMemorySegment(dst, o + co + row, NATIVE, store);
        }
        if (validCo > 2) {
            a20.intoMemorySegment(dst, o + 2 * co, NATIVE, store);
            a21.intoMemorySegment(dst, o + 2 * co + row, NATIVE, store);
        }
        if (validCo > 3) {
            a30.intoMemorySegment(dst, o + 3 * co, NATIVE, store);
            a31.intoMemorySegment(dst, o + 3 * co + row, NATIVE, store);
        }
    }

    /**
     * {@link #rows2x4Masked} for K = 3 (the ResNet and stem case): the three tap masks are built once per tile and
     * the taps unrolled, so an edge vector costs little more than an interior one.
     */
    private static void rows2x4K3Masked(MemorySegment src, long inBase, long rowStep, int d, int nKy, long inKy,
                                        int nCi, long inCi, float[] w, int wBase, int wKx, int wKy, int wCi,
                                        float[] bias, int biasAt, MemorySegment dst, long outBase, long outRowStep,
                                        long outCoStride, int validCo, int validX, int lanesFrom, int span,
                                        boolean inside, boolean relu) {
        FloatVector b0 = FloatVector.broadcast(S, bias[biasAt]), b1 = FloatVector.broadcast(S, bias[biasAt + 1]);
        FloatVector b2 = FloatVector.broadcast(S, bias[biasAt + 2]), b3 = FloatVector.broadcast(S, bias[biasAt + 3]);
        FloatVector a00 = b0, a10 = b1, a20 = b2, a30 = b3, a01 = b0, a11 = b1, a21 = b2, a31 = b3;
        FloatVector lane = FloatVector.zero(S).addIndex(1), zero = FloatVector.zero(S);
        VectorMask<Float> m0 = lane.compare(VectorOperators.GE, -lanesFrom)
                .and(lane.compare(VectorOperators.LT, span - lanesFrom));
        VectorMask<Float> m1 = lane.compare(VectorOperators.GE, -lanesFrom - d)
                .and(lane.compare(VectorOperators.LT, span - lanesFrom - d));
        VectorMask<Float> m2 = lane.compare(VectorOperators.GE, -lanesFrom - 2 * d)
                .and(lane.compare(VectorOperators.LT, span - lanesFrom - 2 * d));
        long rowBytes = rowStep << 2, dBytes = (long) d << 2;
        for (int ci = 0; ci < nCi; ci++) {
            for (int ky = 0; ky < nKy; ky++) {
                long at = (inBase + ci * inCi + ky * inKy) << 2;
                int wi = wBase + ci * wCi + ky * wKy;
                FloatVector x0, x1, t;
                int wt;
                x0 = (inside ? zero.blend(FloatVector.fromMemorySegment(S, src, at, NATIVE), m0) : FloatVector.fromMemorySegment(S, src, at, NATIVE, m0));
                x1 = (inside ? zero.blend(FloatVector.fromMemorySegment(S, src, at + rowBytes, NATIVE), m0) : FloatVector.fromMemorySegment(S, src, at + rowBytes, NATIVE, m0));
                wt = wi;
                t = FloatVector.broadcast(S, w[wt]);
                a00 = t.fma(x0, a00);
                a01 = t.fma(x1, a01);
                t = FloatVector.broadcast(S, w[wt + 1]);
                a10 = t.fma(x0, a10);
                a11 = t.fma(x1, a11);
                t = FloatVector.broadcast(S, w[wt + 2]);
                a20 = t.fma(x0, a20);
                a21 = t.fma(x1, a21);
                t = FloatVector.broadcast(S, w[wt + 3]);
                a30 = t.fma(x0, a30);
                a31 = t.fma(x1, a31);
                x0 = (inside ? zero.blend(FloatVector.fromMemorySegment(S, src, at + dBytes, NATIVE), m1) : FloatVector.fromMemorySegment(S, src, at + dBytes, NATIVE, m1));
                x1 = (inside ? zero.blend(FloatVector.fromMemorySegment(S, src, at + dBytes + rowBytes, NATIVE), m1) : FloatVector.fromMemorySegment(S, src, at + dBytes + rowBytes, NATIVE, m1));
                wt = wi + wKx;
                t = FloatVector.broadcast(S, w[wt]);
                a00 = t.fma(x0, a00);
                a01 = t.fma(x1, a01);
                t = FloatVector.broadcast(S, w[wt + 1]);
                a10 = t.fma(x0, a10);
                a11 = t.fma(x1, a11);
                t = FloatVector.broadcast(S, w[wt + 2]);
                a20 = t.fma(x0, a20);
                a21 = t.fma(x1, a21);
                t = FloatVector.broadcast(S, w[wt + 3]);
                a30 = t.fma(x0, a30);
                a31 = t.fma(x1, a31);
                x0 = (inside ? zero.blend(FloatVector.fromMemorySegment(S, src, at + 2 * dBytes, NATIVE), m2) : FloatVector.fromMemorySegment(S, src, at + 2 * dBytes, NATIVE, m2));
                x1 = (inside ? zero.blend(FloatVector.fromMemorySegment(S, src, at + 2 * dBytes + rowBytes, NATIVE), m2) : FloatVector.fromMemorySegment(S, src, at + 2 * dBytes + rowBytes, NATIVE, m2));
                wt = wi + 2 * wKx;
                t = FloatVector.broadcast(S, w[wt]);
                a00 = t.fma(x0, a00);
                a01 = t.fma(x1, a01);
                t = FloatVector.broadcast(S, w[wt + 1]);
                a10 = t.fma(x0, a10);
                a11 = t.fma(x1, a11);
                t = FloatVector.broadcast(S, w[wt + 2]);
                a20 = t.fma(x0, a20);
                a21 = t.fma(x1, a21);
                t = FloatVector.broadcast(S, w[wt + 3]);
                a30 = t.fma(x0, a30);
                a31 = t.fma(x1, a31);
            }
        }
        if (relu) {
            a00 = a00.max(0f); a10 = a10.max(0f); a20 = a20.max(0f); a30 = a30.max(0f);
            a01 = a01.max(0f); a11 = a11.max(0f); a21 = a21.max(0f); a31 = a31.max(0f);
        }
        VectorMask<Float> store = S.indexInRange(0, validX);
        long o = outBase << 2, row = outRowStep << 2, co = outCoStride << 2;
        a00.intoMemorySegment(dst, o, NATIVE, store);
        a01.intoMemorySegment(dst, o + row, NATIVE, store);
        if (validCo > 1) {
            a10.intoMemorySegment(dst, o + co, NATIVE, store);
            a11.intoMemorySegment(dst, o + co + row, NATIVE, store);
        }
        if (validCo > 2) {
            a20.intoMemorySegment(dst, o + 2 * co, NATIVE, store);
            a21.intoMemorySegment(dst, o + 2 * co + row, NATIVE, store);
        }
        if (validCo > 3) {
            a30.intoMemorySegment(dst, o + 3 * co, NATIVE, store);
            a31.intoMemorySegment(dst, o + 3 * co + row, NATIVE, store);
        }
    }

    /** One row × 4 output channels with masked loads: edge rows and single leftover rows. */
    private static void rows1x4Masked(MemorySegment src, long inBase, int nKx, int d, int nKy, long inKy,
                                      int nCi, long inCi, float[] w, int wBase, int wKx, int wKy, int wCi,
                                      float[] bias, int biasAt, MemorySegment dst, long outBase,
                                      long outCoStride, int validCo, int validX, int lanesFrom, int span,
                                      boolean inside, boolean relu) {
        FloatVector a0 = FloatVector.broadcast(S, bias[biasAt]), a1 = FloatVector.broadcast(S, bias[biasAt + 1]);
        FloatVector a2 = FloatVector.broadcast(S, bias[biasAt + 2]), a3 = FloatVector.broadcast(S, bias[biasAt + 3]);
        FloatVector lane = FloatVector.zero(S).addIndex(1), zero = FloatVector.zero(S);
        for (int ci = 0; ci < nCi; ci++) {
            for (int ky = 0; ky < nKy; ky++) {
                long at = (inBase + ci * inCi + ky * inKy) << 2;
                int wi = wBase + ci * wCi + ky * wKy;
                for (int kx = 0; kx < nKx; kx++, at += (long) d << 2, wi += wKx) {
                    int first = lanesFrom + kx * d;
                    VectorMask<Float> m = lane.compare(VectorOperators.GE, -first)
                            .and(lane.compare(VectorOperators.LT, span - first));
                    FloatVector x = (inside ? zero.blend(FloatVector.fromMemorySegment(S, src, at, NATIVE), m) : FloatVector.fromMemorySegment(S, src, at, NATIVE, m));
                    a0 = FloatVector.broadcast(S, w[wi]).fma(x, a0);
                    a1 = FloatVector.broadcast(S, w[wi + 1]).fma(x, a1);
                    a2 = FloatVector.broadcast(S, w[wi + 2]).fma(x, a2);
                    a3 = FloatVector.broadcast(S, w[wi + 3]).fma(x, a3);
                }
            }
        }
        if (relu) {
            a0 = a0.max(0f); a1 = a1.max(0f); a2 = a2.max(0f); a3 = a3.max(0f);
        }
        VectorMask<Float> store = S.indexInRange(0, validX);
        long o = outBase << 2, co = outCoStride << 2;
        a0.intoMemorySegment(dst, o, NATIVE, store);
        if (validCo > 1) a1.intoMemorySegment(dst, o + co, NATIVE, store);
        if (validCo > 2) a2.intoMemorySegment(dst, o + 2 * co, NATIVE, store);
        if (validCo > 3) a3.intoMemorySegment(dst, o + 3 * co, NATIVE, store);
    }

    static void depthwise(Tensor in, VectorConv2dPacked pk, boolean relu, Tensor out) {
        int k = pk.kernelSize, p = pk.padding, d = pk.dilation;
        int lo = -in.border(), hiY = in.height() + in.border(), hiX = in.width() + in.border();
        int hOut = out.height(), wOut = out.width();
        int oyA = VectorConv2d.fullStart(1, p, lo), oyB = VectorConv2d.fullEnd(hOut, k, 1, p, d, hiY);
        if (oyB <= oyA) oyA = oyB = 0;
        for (int n = 0; n < out.batch(); n++) {
            for (int c = 0; c < pk.groups; c++) {
                for (int xs = 0; xs < wOut; xs += L) {
                    int ox = wOut >= L ? Math.min(xs, wOut - L) : 0;
                    boolean masked = ox - p < lo || ox + L - 1 - p + (k - 1) * d >= hiX;
                    for (int oy = 0; oy < hOut; oy++) {
                        if (oy == oyA && oyB > oyA) oy = oyB;
                        if (oy >= hOut) break;
                        int kyLo = VectorConv2d.firstTap(oy, k, 1, p, d, lo);
                        int kyHi = Math.max(kyLo, VectorConv2d.endTap(oy, k, 1, p, d, hiY));
                        depthwiseTile(1, true, in, out, pk, n, c, ox, oy, kyLo, kyHi, relu);
                    }
                    int count = oyB - oyA;
                    if (count >= DEPTHWISE_ROWS) {
                        depthwiseTile(count, masked, in, out, pk, n, c, ox, oyA, 0, k, relu);
                    } else {
                        for (int i = 0; i < count; i++) depthwiseTile(1, true, in, out, pk, n, c, ox, oyA + i, 0, k, relu);
                    }
                }
            }
        }
    }

    /**
     * True when whole vectors loaded from float index {@code first} up to one starting at {@code last} stay inside
     * the input's segment. Edge kernels then load whole vectors and zero the lanes outside the row with a blend,
     * about twice as fast here as masked loads (AVX-512, measured); only tiles at the very start or end of an
     * unbordered tensor, whose vectors would leave the segment, use masked loads.
     */
    private static boolean inSegment(Tensor in, long first, long last) {
        return first >= 0 && (last + L) * Float.BYTES <= in.segment().byteSize();
    }

    private static void depthwiseTile(int rows, boolean masked, Tensor in, Tensor out, VectorConv2dPacked pk, int n,
                                      int c, int ox, int oy, int kyLo, int kyHi, boolean relu) {
        int k = pk.kernelSize, p = pk.padding, d = pk.dilation, cPad = pk.cPad;
        int ix = ox - p;
        long inBase = in.index(n, c, oy - p + kyLo * d, ix);
        long outBase = out.index(n, c, oy, ox);
        int wBase = kyLo * k * cPad + c;
        int validX = Math.min(L, out.width() - ox);
        int lanesFrom = ix + in.border(), span = in.width() + 2 * in.border();
        float bias = pk.depthwiseBias[c];
        long lastRead = inBase + (rows - 1) * in.strideH() + (kyHi - kyLo - 1L) * d * in.strideH() + (k - 1L) * d;
        boolean inside = inSegment(in, inBase, lastRead);
        if (rows == 1) {
            depthwise1Masked(in.segment(), inBase, k, d, kyHi - kyLo, d * in.strideH(), pk.depthwiseTaps, wBase, cPad,
                    k * cPad, bias, out.segment(), outBase, validX, lanesFrom, span, inside, relu);
        } else if (masked) {
            depthwise4Masked(in.segment(), inBase, in.strideH(), rows, k, d, kyHi - kyLo, d * in.strideH(),
                    pk.depthwiseTaps, wBase, cPad, k * cPad, bias, out.segment(), outBase, out.strideH(), validX,
                    lanesFrom, span, inside, relu);
        } else {
            depthwise4(in.segment(), inBase, in.strideH(), rows, k, d, kyHi - kyLo, d * in.strideH(),
                    pk.depthwiseTaps, wBase, cPad, k * cPad, bias, out.segment(), outBase, out.strideH(), validX, relu);
        }
    }

    /**
     * Depthwise strip: {@code rows >= 4} output rows of one vector position, four rows per step (the last step
     * overlaps the one before). One call covers a whole column of tiles, so setup is paid once per strip.
     */
    private static void depthwise4(MemorySegment src, long inBase, long rowStep, int rows, int nKx, int d, int nKy,
                                   long inKy, float[] w, int wBase, int wKx, int wKy, float bias, MemorySegment dst,
                                   long outBase, long outRowStep, int validX, boolean relu) {
        VectorMask<Float> store = S.indexInRange(0, validX);
        long rowBytes = rowStep << 2, outRowBytes = outRowStep << 2;
        for (int r = 0; r < rows; r += DEPTHWISE_ROWS) {
            int r0 = Math.min(r, rows - DEPTHWISE_ROWS);
            FloatVector a0 = FloatVector.broadcast(S, bias), a1 = a0, a2 = a0, a3 = a0;
            for (int ky = 0; ky < nKy; ky++) {
                long at = (inBase + r0 * rowStep + ky * inKy) << 2;
                int wi = wBase + ky * wKy;
                for (int kx = 0; kx < nKx; kx++, at += (long) d << 2, wi += wKx) {
                    FloatVector t = FloatVector.broadcast(S, w[wi]);
                    a0 = t.fma(FloatVector.fromMemorySegment(S, src, at, NATIVE), a0);
                    a1 = t.fma(FloatVector.fromMemorySegment(S, src, at + rowBytes, NATIVE), a1);
                    a2 = t.fma(FloatVector.fromMemorySegment(S, src, at + 2 * rowBytes, NATIVE), a2);
                    a3 = t.fma(FloatVector.fromMemorySegment(S, src, at + 3 * rowBytes, NATIVE), a3);
                }
            }
            if (relu) {
                a0 = a0.max(0f); a1 = a1.max(0f); a2 = a2.max(0f); a3 = a3.max(0f);
            }
            long o = (outBase + r0 * outRowStep) << 2;
            a0.intoMemorySegment(dst, o, NATIVE, store);
            a1.intoMemorySegment(dst, o + outRowBytes, NATIVE, store);
            a2.intoMemorySegment(dst, o + 2 * outRowBytes, NATIVE, store);
            a3.intoMemorySegment(dst, o + 3 * outRowBytes, NATIVE, store);
        }
    }

    /** {@link #depthwise4} with lane masks per kx (edge vector positions). */
    private static void depthwise4Masked(MemorySegment src, long inBase, long rowStep, int rows, int nKx, int d,
                                         int nKy, long inKy, float[] w, int wBase, int wKx, int wKy, float bias,
                                         MemorySegment dst, long outBase, long outRowStep, int validX,
                                         int lanesFrom, int span, boolean inside, boolean relu) {
        VectorMask<Float> store = S.indexInRange(0, validX);
        FloatVector lane = FloatVector.zero(S).addIndex(1), zero = FloatVector.zero(S);
        long rowBytes = rowStep << 2, outRowBytes = outRowStep << 2;
        for (int r = 0; r < rows; r += DEPTHWISE_ROWS) {
            int r0 = Math.min(r, rows - DEPTHWISE_ROWS);
            FloatVector a0 = FloatVector.broadcast(S, bias), a1 = a0, a2 = a0, a3 = a0;
            for (int kx = 0; kx < nKx; kx++) {
                int first = lanesFrom + kx * d;
                VectorMask<Float> m = lane.compare(VectorOperators.GE, -first)
                        .and(lane.compare(VectorOperators.LT, span - first));
                long at = (inBase + r0 * rowStep + (long) kx * d) << 2;
                int wi = wBase + kx * wKx;
                for (int ky = 0; ky < nKy; ky++, at += inKy << 2, wi += wKy) {
                    FloatVector t = FloatVector.broadcast(S, w[wi]);
                    a0 = t.fma((inside ? zero.blend(FloatVector.fromMemorySegment(S, src, at, NATIVE), m) : FloatVector.fromMemorySegment(S, src, at, NATIVE, m)), a0);
                    a1 = t.fma((inside ? zero.blend(FloatVector.fromMemorySegment(S, src, at + rowBytes, NATIVE), m) : FloatVector.fromMemorySegment(S, src, at + rowBytes, NATIVE, m)), a1);
                    a2 = t.fma((inside ? zero.blend(FloatVector.fromMemorySegment(S, src, at + 2 * rowBytes, NATIVE), m) : FloatVector.fromMemorySegment(S, src, at + 2 * rowBytes, NATIVE, m)), a2);
                    a3 = t.fma((inside ? zero.blend(FloatVector.fromMemorySegment(S, src, at + 3 * rowBytes, NATIVE), m) : FloatVector.fromMemorySegment(S, src, at + 3 * rowBytes, NATIVE, m)), a3);
                }
            }
            if (relu) {
                a0 = a0.max(0f); a1 = a1.max(0f); a2 = a2.max(0f); a3 = a3.max(0f);
            }
            long o = (outBase + r0 * outRowStep) << 2;
            a0.intoMemorySegment(dst, o, NATIVE, store);
            a1.intoMemorySegment(dst, o + outRowBytes, NATIVE, store);
            a2.intoMemorySegment(dst, o + 2 * outRowBytes, NATIVE, store);
            a3.intoMemorySegment(dst, o + 3 * outRowBytes, NATIVE, store);
        }
    }

    private static void depthwise1Masked(MemorySegment src, long inBase, int nKx, int d, int nKy, long inKy,
                                         float[] w, int wBase, int wKx, int wKy, float bias, MemorySegment dst,
                                         long outBase, int validX, int lanesFrom, int span, boolean inside, boolean relu) {
        FloatVector a0 = FloatVector.broadcast(S, bias), a1 = FloatVector.zero(S);
        FloatVector lane = FloatVector.zero(S).addIndex(1), zero = FloatVector.zero(S);
        for (int kx = 0; kx < nKx; kx++) {
            int first = lanesFrom + kx * d;
            VectorMask<Float> m = lane.compare(VectorOperators.GE, -first)
                    .and(lane.compare(VectorOperators.LT, span - first));
            long at = (inBase + (long) kx * d) << 2;
            int wi = wBase + kx * wKx;
            int ky = 0;
            for (; ky + 1 < nKy; ky += 2) {
                a0 = FloatVector.broadcast(S, w[wi + ky * wKy])
                        .fma((inside ? zero.blend(FloatVector.fromMemorySegment(S, src, at + ((ky * inKy) << 2), NATIVE), m) : FloatVector.fromMemorySegment(S, src, at + ((ky * inKy) << 2), NATIVE, m)), a0);
                a1 = FloatVector.broadcast(S, w[wi + (ky + 1) * wKy])
                        .fma((inside ? zero.blend(FloatVector.fromMemorySegment(S, src, at + (((ky + 1) * inKy) << 2), NATIVE), m) : FloatVector.fromMemorySegment(S, src, at + (((ky + 1) * inKy) << 2), NATIVE, m)), a1);
            }
            if (ky < nKy) {
                a0 = FloatVector.broadcast(S, w[wi + ky * wKy])
                        .fma((inside ? zero.blend(FloatVector.fromMemorySegment(S, src, at + ((ky * inKy) << 2), NATIVE), m) : FloatVector.fromMemorySegment(S, src, at + ((ky * inKy) << 2), NATIVE, m)), a0);
            }
        }
        a0 = a0.add(a1);
        if (relu) a0 = a0.max(0f);
        a0.intoMemorySegment(dst, outBase << 2, NATIVE, S.indexInRange(0, validX));
    }
}
