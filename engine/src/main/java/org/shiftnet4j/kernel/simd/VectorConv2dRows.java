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
 * recomputes a few pixels) so rows need no tail. Rows are tiled in pairs (general conv: 4 output channels × 2 rows
 * = 8 accumulators) or fours (depthwise: 1 channel × 4 rows, one call per column strip because a depthwise tile is
 * too little work to pay for a call); all rows of a tile share the vertical tap window, so only the top and bottom
 * edge rows go one at a time.
 *
 * <p>Edge vectors (taps reaching into the padding) load whole vectors and zero the lanes outside the readable row
 * with a blend: about twice as fast here as masked loads (AVX-512, measured). That needs the whole vector inside
 * the segment, which is checked once per tile; the few tiles at the very start or end of an unbordered tensor go
 * row by row through the masked-load kernel instead.
 *
 * <p>Reduction loops keep kx innermost or nearly so: striding by whole planes in the inner loop made planes of
 * 16×16 or 32×32 floats (1 or 4 KiB apart) collide in the same L1 sets (measured 4× slower). Kernel size limits
 * and the no-vector-arguments rule are explained in {@link VectorConv2dTiles}.
 */
final class VectorConv2dRows {
    private static final VectorSpecies<Float> S = VectorKernels.S;
    private static final int L = S.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** Output channels per tile of the general kernel. */
    private static final int CO_TILE = 4;
    /** Rows per tile of the general (2) and the depthwise (4) kernel. */
    private static final int ROWS = 2, DEPTHWISE_ROWS = 4;
    /**
     * Input channels per block in the edge kernel, whose kx loop sits outside the channel loop (one mask per kx):
     * four planes' rows stay within the L1 ways even when planes alias.
     */
    private static final int CI_BLOCK = 4;

    private VectorConv2dRows() {
    }

    static void conv(Tensor in, VectorConv2dPacked pk, boolean relu, Tensor out, float[] stage) {
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
                        boolean edge = ox - p < lo || ox + L - 1 - p + (k - 1) * d >= hiX;
                        for (int oy = 0; oy < hOut; oy++) {
                            if (oy == oyA && oyB > oyA) oy = oyB;
                            if (oy >= hOut) break;
                            int kyLo = VectorConv2d.firstTap(oy, k, 1, p, d, lo);
                            int kyHi = Math.max(kyLo, VectorConv2d.endTap(oy, k, 1, p, d, hiY));
                            convTile(1, true, in, out, pk, n, g, c0, validCo, ox, oy, kyLo, kyHi, relu, stage);
                        }
                        int count = oyB - oyA;
                        int size = count >= ROWS ? ROWS : 1;
                        for (int i = 0; i < count; i += size) {
                            convTile(size, edge, in, out, pk, n, g, c0, validCo, ox, oyA + Math.min(i, count - size),
                                    0, k, relu, stage);
                        }
                    }
                }
            }
        }
    }

    private static void convTile(int rows, boolean edge, Tensor in, Tensor out, VectorConv2dPacked pk, int n,
                                 int g, int c0, int validCo, int ox, int oy, int kyLo, int kyHi, boolean relu,
                                 float[] stage) {
        int k = pk.kernelSize, p = pk.padding, d = pk.dilation, cin = pk.inPerGroup, coPad = pk.coPad;
        int ix = ox - p;
        long inBase = in.index(n, g * cin, oy - p + kyLo * d, ix);
        long outBase = out.index(n, g * pk.outPerGroup + c0, oy, ox);
        int wBase = g * pk.groupSize + kyLo * k * cin * coPad + c0;
        int validX = Math.min(L, out.width() - ox);
        int lanesFrom = ix + in.border(), span = in.width() + 2 * in.border();
        int nKy = kyHi - kyLo;
        long inKy = d * in.strideH();
        int wKx = cin * coPad, wKy = k * cin * coPad;
        if (rows == 2 && edge) {
            long lastRead = inBase + (cin - 1) * in.strideC() + (nKy - 1L) * inKy + (k - 1L) * d + in.strideH();
            if (!inSegment(in, inBase, lastRead)) {
                convTile(1, true, in, out, pk, n, g, c0, validCo, ox, oy, kyLo, kyHi, relu, stage);
                convTile(1, true, in, out, pk, n, g, c0, validCo, ox, oy + 1, kyLo, kyHi, relu, stage);
                return;
            }
        }
        if (rows == 1) {
            rows1x4Masked(in.segment(), inBase, k, d, nKy, inKy, cin, in.strideC(), pk.weights, wBase, wKx, wKy, coPad,
                    pk.bias, g * coPad + c0, lanesFrom, span, stage);
        } else if (edge && k == 3) {
            rows2x4EdgeK3(in.segment(), inBase, in.strideH(), d, nKy, inKy, cin, in.strideC(), pk.weights, wBase, wKx,
                    wKy, coPad, pk.bias, g * coPad + c0, lanesFrom, span, stage);
        } else if (edge) {
            rows2x4Edge(in.segment(), inBase, in.strideH(), k, d, nKy, inKy, cin, in.strideC(), pk.weights, wBase, wKx,
                    wKy, coPad, pk.bias, g * coPad + c0, lanesFrom, span, stage);
        } else {
            rows2x4(in.segment(), inBase, in.strideH(), k, d, nKy, inKy, cin, in.strideC(), pk.weights, wBase, wKx, wKy,
                    coPad, pk.bias, g * coPad + c0, stage);
        }
        storeRows(stage, rows, CO_TILE, out.segment(), outBase, out.strideH(), out.strideC(), validCo, validX, relu);
    }

    /** 2 rows × 4 output channels, every lane of every tap inside the readable row. Loops (ci, ky, kx). */
    private static void rows2x4(MemorySegment src, long inBase, long rowStep, int nKx, int d, int nKy, long inKy,
                                int nCi, long inCi, float[] w, int wBase, int wKx, int wKy, int wCi,
                                float[] bias, int biasAt, float[] stage) {
        FloatVector b0 = FloatVector.broadcast(S, bias[biasAt]), b1 = FloatVector.broadcast(S, bias[biasAt + 1]);
        FloatVector b2 = FloatVector.broadcast(S, bias[biasAt + 2]), b3 = FloatVector.broadcast(S, bias[biasAt + 3]);
        FloatVector a00 = b0, a10 = b1, a20 = b2, a30 = b3, a01 = b0, a11 = b1, a21 = b2, a31 = b3;
        long rowBytes = rowStep << 2, kxBytes = (long) d << 2;
        for (int ci = 0; ci < nCi; ci++) {
            for (int ky = 0; ky < nKy; ky++) {
                long at = (inBase + ci * inCi + ky * inKy) << 2;
                int wi = wBase + ci * wCi + ky * wKy;
                for (int kx = 0; kx < nKx; kx++, at += kxBytes, wi += wKx) {
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
        a00.intoArray(stage, 0);
        a10.intoArray(stage, L);
        a20.intoArray(stage, 2 * L);
        a30.intoArray(stage, 3 * L);
        a01.intoArray(stage, 4 * L);
        a11.intoArray(stage, 5 * L);
        a21.intoArray(stage, 6 * L);
        a31.intoArray(stage, 7 * L);
    }

    /**
     * {@link #rows2x4} for edge vectors: lane l of tap kx counts only when {@code 0 <= lanesFrom + kx·d + l < span}
     * (whole-vector loads, then a blend with zero; the caller has checked that the loads stay in the segment).
     * Loops (ci block, kx, ci, ky) so the mask is built once per kx and block.
     */
    private static void rows2x4Edge(MemorySegment src, long inBase, long rowStep, int nKx, int d, int nKy, long inKy,
                                    int nCi, long inCi, float[] w, int wBase, int wKx, int wKy, int wCi,
                                    float[] bias, int biasAt, int lanesFrom, int span, float[] stage) {
        FloatVector b0 = FloatVector.broadcast(S, bias[biasAt]), b1 = FloatVector.broadcast(S, bias[biasAt + 1]);
        FloatVector b2 = FloatVector.broadcast(S, bias[biasAt + 2]), b3 = FloatVector.broadcast(S, bias[biasAt + 3]);
        FloatVector a00 = b0, a10 = b1, a20 = b2, a30 = b3, a01 = b0, a11 = b1, a21 = b2, a31 = b3;
        FloatVector lane = FloatVector.zero(S).addIndex(1), zero = FloatVector.zero(S);
        long rowBytes = rowStep << 2, kyBytes = inKy << 2;
        for (int block = 0; block < nCi; block += CI_BLOCK) {
            int blockEnd = Math.min(nCi, block + CI_BLOCK);
            for (int kx = 0; kx < nKx; kx++) {
                int first = lanesFrom + kx * d;
                VectorMask<Float> m = lane.compare(VectorOperators.GE, -first)
                        .and(lane.compare(VectorOperators.LT, span - first));
                for (int ci = block; ci < blockEnd; ci++) {
                    long at = (inBase + ci * inCi + (long) kx * d) << 2;
                    int wi = wBase + ci * wCi + kx * wKx;
                    for (int ky = 0; ky < nKy; ky++, at += kyBytes, wi += wKy) {
                        FloatVector x0 = zero.blend(FloatVector.fromMemorySegment(S, src, at, NATIVE), m);
                        FloatVector x1 = zero.blend(FloatVector.fromMemorySegment(S, src, at + rowBytes, NATIVE), m);
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
        }
        a00.intoArray(stage, 0);
        a10.intoArray(stage, L);
        a20.intoArray(stage, 2 * L);
        a30.intoArray(stage, 3 * L);
        a01.intoArray(stage, 4 * L);
        a11.intoArray(stage, 5 * L);
        a21.intoArray(stage, 6 * L);
        a31.intoArray(stage, 7 * L);
    }

    /**
     * {@link #rows2x4Edge} for K = 3 (the ResNet and stem case): the three tap masks are built once per tile and
     * the taps unrolled, so the loops can keep (ci, ky) outside and kx inside (measured 1.5-2× the general edge
     * kernel).
     */
    private static void rows2x4EdgeK3(MemorySegment src, long inBase, long rowStep, int d, int nKy, long inKy,
                                      int nCi, long inCi, float[] w, int wBase, int wKx, int wKy, int wCi,
                                      float[] bias, int biasAt, int lanesFrom, int span, float[] stage) {
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
        long rowBytes = rowStep << 2, kxBytes = (long) d << 2;
        for (int ci = 0; ci < nCi; ci++) {
            for (int ky = 0; ky < nKy; ky++) {
                long at = (inBase + ci * inCi + ky * inKy) << 2;
                int wi = wBase + ci * wCi + ky * wKy;
                FloatVector x0, x1, t;
                int wt;
                x0 = zero.blend(FloatVector.fromMemorySegment(S, src, at, NATIVE), m0);
                x1 = zero.blend(FloatVector.fromMemorySegment(S, src, at + rowBytes, NATIVE), m0);
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
                x0 = zero.blend(FloatVector.fromMemorySegment(S, src, at + kxBytes, NATIVE), m1);
                x1 = zero.blend(FloatVector.fromMemorySegment(S, src, at + kxBytes + rowBytes, NATIVE), m1);
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
                x0 = zero.blend(FloatVector.fromMemorySegment(S, src, at + 2 * kxBytes, NATIVE), m2);
                x1 = zero.blend(FloatVector.fromMemorySegment(S, src, at + 2 * kxBytes + rowBytes, NATIVE), m2);
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
        a00.intoArray(stage, 0);
        a10.intoArray(stage, L);
        a20.intoArray(stage, 2 * L);
        a30.intoArray(stage, 3 * L);
        a01.intoArray(stage, 4 * L);
        a11.intoArray(stage, 5 * L);
        a21.intoArray(stage, 6 * L);
        a31.intoArray(stage, 7 * L);
    }

    /** One row × 4 output channels with masked loads (never leave the segment): edge rows and leftovers. */
    private static void rows1x4Masked(MemorySegment src, long inBase, int nKx, int d, int nKy, long inKy,
                                      int nCi, long inCi, float[] w, int wBase, int wKx, int wKy, int wCi,
                                      float[] bias, int biasAt, int lanesFrom, int span, float[] stage) {
        FloatVector a0 = FloatVector.broadcast(S, bias[biasAt]), a1 = FloatVector.broadcast(S, bias[biasAt + 1]);
        FloatVector a2 = FloatVector.broadcast(S, bias[biasAt + 2]), a3 = FloatVector.broadcast(S, bias[biasAt + 3]);
        FloatVector lane = FloatVector.zero(S).addIndex(1);
        for (int ci = 0; ci < nCi; ci++) {
            for (int ky = 0; ky < nKy; ky++) {
                long at = (inBase + ci * inCi + ky * inKy) << 2;
                int wi = wBase + ci * wCi + ky * wKy;
                for (int kx = 0; kx < nKx; kx++, at += (long) d << 2, wi += wKx) {
                    int first = lanesFrom + kx * d;
                    VectorMask<Float> m = lane.compare(VectorOperators.GE, -first)
                            .and(lane.compare(VectorOperators.LT, span - first));
                    FloatVector x = FloatVector.fromMemorySegment(S, src, at, NATIVE, m);
                    a0 = FloatVector.broadcast(S, w[wi]).fma(x, a0);
                    a1 = FloatVector.broadcast(S, w[wi + 1]).fma(x, a1);
                    a2 = FloatVector.broadcast(S, w[wi + 2]).fma(x, a2);
                    a3 = FloatVector.broadcast(S, w[wi + 3]).fma(x, a3);
                }
            }
        }
        a0.intoArray(stage, 0);
        a1.intoArray(stage, L);
        a2.intoArray(stage, 2 * L);
        a3.intoArray(stage, 3 * L);
    }

    /**
     * Writes staged row vectors: {@code stage} holds {@code rows} groups of {@code channels} vectors; vector j of
     * row r (j < validCo) goes to {@code outBase + r·rowStep + j·coStride}, first {@code validX} lanes, after ReLU.
     */
    private static void storeRows(float[] stage, int rows, int channels, MemorySegment dst, long outBase,
                                  long rowStep, long coStride, int validCo, int validX, boolean relu) {
        VectorMask<Float> lanes = S.indexInRange(0, validX);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < validCo; j++) {
                FloatVector v = FloatVector.fromArray(S, stage, (r * channels + j) * L);
                if (relu) v = v.max(0f);
                v.intoMemorySegment(dst, (outBase + r * rowStep + j * coStride) << 2, NATIVE, lanes);
            }
        }
    }

    /** True when whole vectors loaded from float index {@code first} up to one starting at {@code last} stay inside the segment. */
    private static boolean inSegment(Tensor in, long first, long last) {
        return first >= 0 && (last + L) * Float.BYTES <= in.segment().byteSize();
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
                    boolean edge = ox - p < lo || ox + L - 1 - p + (k - 1) * d >= hiX;
                    for (int oy = 0; oy < hOut; oy++) {
                        if (oy == oyA && oyB > oyA) oy = oyB;
                        if (oy >= hOut) break;
                        int kyLo = VectorConv2d.firstTap(oy, k, 1, p, d, lo);
                        int kyHi = Math.max(kyLo, VectorConv2d.endTap(oy, k, 1, p, d, hiY));
                        depthwiseTile(1, true, in, out, pk, n, c, ox, oy, kyLo, kyHi, relu);
                    }
                    int count = oyB - oyA;
                    if (count >= DEPTHWISE_ROWS) {
                        depthwiseTile(count, edge, in, out, pk, n, c, ox, oyA, 0, k, relu);
                    } else {
                        for (int i = 0; i < count; i++) depthwiseTile(1, true, in, out, pk, n, c, ox, oyA + i, 0, k, relu);
                    }
                }
            }
        }
    }

    private static void depthwiseTile(int rows, boolean edge, Tensor in, Tensor out, VectorConv2dPacked pk, int n,
                                      int c, int ox, int oy, int kyLo, int kyHi, boolean relu) {
        int k = pk.kernelSize, p = pk.padding, d = pk.dilation, cPad = pk.cPad;
        int ix = ox - p;
        long inBase = in.index(n, c, oy - p + kyLo * d, ix);
        long outBase = out.index(n, c, oy, ox);
        int wBase = kyLo * k * cPad + c;
        int validX = Math.min(L, out.width() - ox);
        int lanesFrom = ix + in.border(), span = in.width() + 2 * in.border();
        float bias = pk.depthwiseBias[c];
        int nKy = kyHi - kyLo;
        long inKy = d * in.strideH();
        if (rows > 1 && edge) {
            long lastRead = inBase + (rows - 1) * in.strideH() + (nKy - 1L) * inKy + (k - 1L) * d;
            if (!inSegment(in, inBase, lastRead)) {
                for (int r = 0; r < rows; r++) depthwiseTile(1, true, in, out, pk, n, c, ox, oy + r, kyLo, kyHi, relu);
                return;
            }
        }
        if (rows == 1) {
            depthwise1Masked(in.segment(), inBase, k, d, nKy, inKy, pk.depthwiseTaps, wBase, cPad, k * cPad, bias,
                    out.segment(), outBase, validX, lanesFrom, span, relu);
        } else if (edge) {
            depthwise4Edge(in.segment(), inBase, in.strideH(), rows, k, d, nKy, inKy, pk.depthwiseTaps, wBase, cPad,
                    k * cPad, bias, out.segment(), outBase, out.strideH(), validX, lanesFrom, span, relu);
        } else {
            depthwise4(in.segment(), inBase, in.strideH(), rows, k, d, nKy, inKy, pk.depthwiseTaps, wBase, cPad,
                    k * cPad, bias, out.segment(), outBase, out.strideH(), validX, relu);
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

    /** {@link #depthwise4} for edge vectors: whole-vector loads blended with zero outside the readable row. */
    private static void depthwise4Edge(MemorySegment src, long inBase, long rowStep, int rows, int nKx, int d, int nKy,
                                       long inKy, float[] w, int wBase, int wKx, int wKy, float bias,
                                       MemorySegment dst, long outBase, long outRowStep, int validX,
                                       int lanesFrom, int span, boolean relu) {
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
                    a0 = t.fma(zero.blend(FloatVector.fromMemorySegment(S, src, at, NATIVE), m), a0);
                    a1 = t.fma(zero.blend(FloatVector.fromMemorySegment(S, src, at + rowBytes, NATIVE), m), a1);
                    a2 = t.fma(zero.blend(FloatVector.fromMemorySegment(S, src, at + 2 * rowBytes, NATIVE), m), a2);
                    a3 = t.fma(zero.blend(FloatVector.fromMemorySegment(S, src, at + 3 * rowBytes, NATIVE), m), a3);
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

    /** Depthwise, one row with masked loads (never leaves the segment): edge rows and leftovers. */
    private static void depthwise1Masked(MemorySegment src, long inBase, int nKx, int d, int nKy, long inKy,
                                         float[] w, int wBase, int wKx, int wKy, float bias, MemorySegment dst,
                                         long outBase, int validX, int lanesFrom, int span, boolean relu) {
        FloatVector a0 = FloatVector.broadcast(S, bias), a1 = FloatVector.zero(S);
        FloatVector lane = FloatVector.zero(S).addIndex(1);
        for (int kx = 0; kx < nKx; kx++) {
            int first = lanesFrom + kx * d;
            VectorMask<Float> m = lane.compare(VectorOperators.GE, -first)
                    .and(lane.compare(VectorOperators.LT, span - first));
            long at = (inBase + (long) kx * d) << 2;
            int wi = wBase + kx * wKx;
            int ky = 0;
            for (; ky + 1 < nKy; ky += 2) {
                a0 = FloatVector.broadcast(S, w[wi + ky * wKy])
                        .fma(FloatVector.fromMemorySegment(S, src, at + ((ky * inKy) << 2), NATIVE, m), a0);
                a1 = FloatVector.broadcast(S, w[wi + (ky + 1) * wKy])
                        .fma(FloatVector.fromMemorySegment(S, src, at + (((ky + 1) * inKy) << 2), NATIVE, m), a1);
            }
            if (ky < nKy) {
                a0 = FloatVector.broadcast(S, w[wi + ky * wKy])
                        .fma(FloatVector.fromMemorySegment(S, src, at + ((ky * inKy) << 2), NATIVE, m), a0);
            }
        }
        a0 = a0.add(a1);
        if (relu) a0 = a0.max(0f);
        a0.intoMemorySegment(dst, outBase << 2, NATIVE, S.indexInRange(0, validX));
    }
}
