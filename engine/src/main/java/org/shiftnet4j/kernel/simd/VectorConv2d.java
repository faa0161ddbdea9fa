package org.shiftnet4j.kernel.simd;

import org.shiftnet4j.kernel.Conv2dWeights;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * General K×K convolution with groups, stride, zero padding and dilation (direct, no im2col).
 *
 * <p>Paths, chosen once per call:
 * <ul>
 *   <li><b>Output-channel tiles</b> (NHWC, and NCHW with stride > 1 or rows narrower than 3/4 of a vector,
 *       where row vectors would idle lanes: measured 72 vs 38 GFLOP/s for 64->64 on 8×8): a register tile of
 *       5 pixels × 2 vectors of output channels (or 8 × 1 when a group has at most one vector of them); each input
 *       scalar is broadcast against a row of packed weights. NCHW outputs are stored lane by lane.</li>
 *   <li><b>Depthwise NHWC</b> (one input and one output channel per group): 8 pixels × one vector of channels.</li>
 *   <li><b>Row vectors</b> (NCHW, stride 1, rows of at least 3/4 of a vector, and all stride-1 depthwise; see
 *       {@link VectorConv2dRows}): vectors along output x, weights
 *       broadcast, overlapping unaligned input loads; masked loads at the left and right edges.</li>
 * </ul>
 *
 * <p>Edges: a pixel tile shares one tap window, so tiles are formed only among pixels whose windows agree:
 * runs along each row over the columns with a full horizontal window, and runs down each edge column over the
 * rows with a full vertical window; only corner pixels go one at a time. The interior has no per-element branch.
 * Taps that land in the input's zero border are read rather than skipped (equal results for finite weights), so
 * a border at least as wide as the padding makes every window full.
 */
final class VectorConv2d {
    private static final int L = VectorKernels.S.length();
    private static final Object PACKED = new Object();
    /** Per-thread staging for NCHW stores from channel vectors; allocated once per thread, never per call. */
    private static final ThreadLocal<float[]> STAGE =
            ThreadLocal.withInitial(() -> new float[VectorConv2dTiles.STAGE_FLOATS]);

    private static final int CHANNELS_2 = 0, CHANNELS_1 = 1, DEPTHWISE = 2, DEPTHWISE_MASKED = 3;

    private VectorConv2d() {
    }

    static void conv2d(Tensor in, Conv2dWeights weights, boolean relu, Tensor out) {
        VectorConv2dPacked pk = weights.derived(PACKED, VectorConv2dPacked::pack);
        boolean nchw = in.layout() == Layout.NCHW;
        if (!nchw && pk.depthwise) {
            depthwiseNhwc(in, pk, relu, out);
        } else if (nchw && pk.stride == 1 && (pk.depthwise || 4 * out.width() >= 3 * L)) {
            if (pk.depthwise) {
                VectorConv2dRows.depthwise(in, pk, relu, out);
            } else {
                VectorConv2dRows.conv(in, pk, relu, out);
            }
        } else {
            outputChannelTiles(in, pk, relu, out);
        }
    }

    private static void outputChannelTiles(Tensor in, VectorConv2dPacked pk, boolean relu, Tensor out) {
        int perGroup = pk.outPerGroup;
        int width = perGroup > L ? 2 * L : L;
        int kind = perGroup > L ? CHANNELS_2 : CHANNELS_1;
        float[] stage = STAGE.get();
        for (int n = 0; n < out.batch(); n++) {
            for (int g = 0; g < pk.groups; g++) {
                // The last block overlaps the one before rather than running partly empty.
                for (int start = 0; start < perGroup; start += width) {
                    int c0 = perGroup >= width ? Math.min(start, perGroup - width) : 0;
                    sweep(kind, in, out, pk, n, g, c0, Math.min(width, perGroup - c0), relu, stage);
                }
            }
        }
    }

    private static void depthwiseNhwc(Tensor in, VectorConv2dPacked pk, boolean relu, Tensor out) {
        int channels = pk.groups;
        for (int n = 0; n < out.batch(); n++) {
            if (channels < L) {
                sweep(DEPTHWISE_MASKED, in, out, pk, n, 0, 0, channels, relu, null);
                continue;
            }
            for (int start = 0; start < channels; start += L) {
                sweep(DEPTHWISE, in, out, pk, n, 0, Math.min(start, channels - L), L, relu, null);
            }
        }
    }

    /** Every output pixel of image {@code n} for one block of channels, in tiles that share tap windows. */
    private static void sweep(int kind, Tensor in, Tensor out, VectorConv2dPacked pk, int n, int g, int c0,
                              int valid, boolean relu, float[] stage) {
        int k = pk.kernelSize, s = pk.stride, p = pk.padding, d = pk.dilation;
        int lo = -in.border(), hiY = in.height() + in.border(), hiX = in.width() + in.border();
        int hOut = out.height(), wOut = out.width();
        int oyA = fullStart(s, p, lo), oyB = fullEnd(hOut, k, s, p, d, hiY);
        int oxA = fullStart(s, p, lo), oxB = fullEnd(wOut, k, s, p, d, hiX);
        if (oyB <= oyA) oyA = oyB = 0;
        if (oxB <= oxA) oxA = oxB = 0;
        int tile = kind == CHANNELS_2 ? VectorConv2dTiles.PIXELS_2_VECTORS
                : kind == CHANNELS_1 ? VectorConv2dTiles.PIXELS_1_VECTOR
                : kind == DEPTHWISE ? VectorConv2dTiles.PIXELS_DEPTHWISE : 1;
        for (int oy = 0; oy < hOut; oy++) {
            int kyLo = firstTap(oy, k, s, p, d, lo), kyHi = Math.max(kyLo, endTap(oy, k, s, p, d, hiY));
            run(kind, tile, in, out, pk, n, g, c0, valid, relu, stage, oy, oxA, oxB - oxA, false, kyLo, kyHi, 0, k);
            if (oy >= oyA && oy < oyB) continue; // its edge columns are done below, down the columns
            for (int ox = 0; ox < wOut; ox++) {
                if (ox >= oxA && ox < oxB) continue;
                int kxLo = firstTap(ox, k, s, p, d, lo), kxHi = Math.max(kxLo, endTap(ox, k, s, p, d, hiX));
                tile(kind, 1, in, out, pk, n, g, c0, valid, relu, stage, oy, ox, false, kyLo, kyHi, kxLo, kxHi);
            }
        }
        for (int ox = 0; ox < wOut; ox++) {
            if (ox >= oxA && ox < oxB) continue;
            int kxLo = firstTap(ox, k, s, p, d, lo), kxHi = Math.max(kxLo, endTap(ox, k, s, p, d, hiX));
            run(kind, tile, in, out, pk, n, g, c0, valid, relu, stage, oyA, ox, oyB - oyA, true, 0, k, kxLo, kxHi);
        }
    }

    /**
     * {@code count} pixels from (oy, ox) along a row (or down a column when {@code down}) in tiles of {@code tile};
     * the last tile overlaps its neighbour (recomputing a few pixels) instead of falling back to single pixels.
     */
    private static void run(int kind, int tile, Tensor in, Tensor out, VectorConv2dPacked pk, int n, int g, int c0,
                            int valid, boolean relu, float[] stage, int oy, int ox, int count, boolean down,
                            int kyLo, int kyHi, int kxLo, int kxHi) {
        if (count <= 0) return;
        int size = count >= tile ? tile : 1;
        for (int i = 0; i < count; i += size) {
            int at = Math.min(i, count - size);
            tile(kind, size, in, out, pk, n, g, c0, valid, relu, stage, down ? oy + at : oy, down ? ox : ox + at, down,
                    kyLo, kyHi, kxLo, kxHi);
        }
    }

    /** One tile of {@code pixels} output pixels starting at (oy, ox), all with taps [kyLo, kyHi) × [kxLo, kxHi). */
    private static void tile(int kind, int pixels, Tensor in, Tensor out, VectorConv2dPacked pk, int n, int g,
                             int c0, int valid, boolean relu, float[] stage, int oy, int ox, boolean down,
                             int kyLo, int kyHi, int kxLo, int kxHi) {
        int k = pk.kernelSize, s = pk.stride, d = pk.dilation;
        int iy = oy * s - pk.padding + kyLo * d, ix = ox * s - pk.padding + kxLo * d;
        int nKy = kyHi - kyLo, nKx = kxHi - kxLo;
        long inStep = s * (down ? in.strideH() : in.strideW());
        long outStep = down ? out.strideH() : out.strideW();
        long inKy = d * in.strideH(), inKx = d * in.strideW();
        if (kind == DEPTHWISE || kind == DEPTHWISE_MASKED) {
            int cPad = pk.cPad;
            long inBase = in.index(n, c0, iy, ix), outBase = out.index(n, c0, oy, ox);
            int wBase = (kyLo * k + kxLo) * cPad + c0;
            if (pixels == 1) {
                VectorConv2dTiles.channels1(in.segment(), inBase, nKy, inKy, nKx, inKx, pk.depthwiseTaps, wBase,
                        k * cPad, cPad, pk.depthwiseBias, c0, out.segment(), outBase, valid, relu);
            } else {
                VectorConv2dTiles.channels8(in.segment(), inBase, inStep, nKy, inKy, nKx, inKx, pk.depthwiseTaps,
                        wBase, k * cPad, cPad, pk.depthwiseBias, c0, out.segment(), outBase, outStep, relu);
            }
            return;
        }
        int cin = pk.inPerGroup, coPad = pk.coPad;
        long inBase = in.index(n, g * cin, iy, ix);
        long outBase = out.index(n, g * pk.outPerGroup + c0, oy, ox);
        int wBase = g * pk.groupSize + (kyLo * k + kxLo) * cin * coPad + c0;
        int biasAt = g * coPad + c0;
        // Reduction loops (a, b, c) with free strides. NHWC: (ky, kx, ci), ci innermost is contiguous, and when
        // the next tap's pixel starts where this pixel's channels end (dense NHWC, dilation 1) kx and ci fuse into
        // one longer loop. NCHW: (ci, ky, kx), so the inner loops stay within a few cache lines instead of striding
        // by whole planes (power-of-two planes alias in L1).
        int wKy = k * cin * coPad, wKx = cin * coPad;
        int nA, nB, nC, wA, wB, wC;
        long inA, inB, inC;
        if (in.layout() == Layout.NHWC) {
            nA = nKy; inA = inKy; wA = wKy;
            nB = nKx; inB = inKx; wB = wKx;
            nC = cin; inC = in.strideC(); wC = coPad;
            if (inKx == cin * in.strideC()) {
                nB = 1;
                nC = nKx * cin;
            }
        } else {
            nA = cin; inA = in.strideC(); wA = coPad;
            nB = nKy; inB = inKy; wB = wKy;
            nC = nKx; inC = inKx; wC = wKx;
        }
        if (pixels == 1) {
            VectorConv2dTiles.outputChannels1x2(in.segment(), inBase, nA, inA, nB, inB, nC, inC,
                    pk.weights, wBase, wA, wB, wC, pk.bias, biasAt,
                    out.segment(), outBase, out.strideC(), valid, relu, stage);
        } else if (kind == CHANNELS_2) {
            VectorConv2dTiles.outputChannels5x2(in.segment(), inBase, inStep, nA, inA, nB, inB, nC, inC,
                    pk.weights, wBase, wA, wB, wC, pk.bias, biasAt,
                    out.segment(), outBase, outStep, out.strideC(), valid, relu, stage);
        } else {
            VectorConv2dTiles.outputChannels8x1(in.segment(), inBase, inStep, nA, inA, nB, inB, nC, inC,
                    pk.weights, wBase, wA, wB, wC, pk.bias, biasAt,
                    out.segment(), outBase, outStep, out.strideC(), valid, relu, stage);
        }
    }

    /** First tap t in [0, k] whose input coordinate o·s − p + t·d is at least {@code lo}. */
    static int firstTap(int o, int k, int s, int p, int d, int lo) {
        int start = o * s - p;
        return start >= lo ? 0 : Math.min(k, Math.ceilDiv(lo - start, d));
    }

    /** One past the last tap t < k whose input coordinate is below {@code hi} (0 when none is). */
    static int endTap(int o, int k, int s, int p, int d, int hi) {
        int start = o * s - p;
        return start >= hi ? 0 : Math.min(k, (hi - 1 - start) / d + 1);
    }

    /** First output coordinate whose whole window lies at or after {@code lo}. */
    static int fullStart(int s, int p, int lo) {
        return Math.max(0, Math.ceilDiv(lo + p, s));
    }

    /** One past the last output coordinate whose whole window lies below {@code hi}. */
    static int fullEnd(int outSize, int k, int s, int p, int d, int hi) {
        return Math.min(outSize, Math.floorDiv(hi - 1 + p - (k - 1) * d, s) + 1);
    }
}
