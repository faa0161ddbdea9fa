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
 *       scalar is broadcast against a row of packed weights. NCHW outputs (a transpose) are stored one float at
 *       a time from the staged tile. Reduction loops: NHWC (ky, kx·ci fused when contiguous), NCHW (ci, ky, kx).</li>
 *   <li><b>Depthwise NHWC</b> (one input and one output channel per group): 8 pixels × one vector of channels,
 *       one call per run of pixels.</li>
 *   <li><b>Row vectors</b> (NCHW, stride 1, rows of at least 3/4 of a vector, and all stride-1 depthwise; see
 *       {@link VectorConv2dRows}): vectors along output x, weights broadcast, overlapping unaligned input loads;
 *       lanes outside the row zeroed by a blend at the left and right edges.</li>
 * </ul>
 *
 * <p>Edges: a pixel tile shares one tap window, so tiles are formed only among pixels whose windows agree: the
 * interior (full window), each edge row's interior columns, each edge column's interior rows; only corner pixels
 * go one at a time. The interior has no per-element branch.
 * Taps that land in the input's zero border are read rather than skipped (equal results for finite weights), so
 * a border at least as wide as the padding makes every window full.
 */
final class VectorConv2d {
    private static final int L = VectorKernels.S.length();
    private static final Object PACKED = new Object();

    /** Per-thread scratch, allocated once per thread and never per call. */
    private static final class Scratch {
        /** A tile's accumulators before they are stored (see {@link VectorConv2dTiles}). */
        final float[] stage = new float[VectorConv2dTiles.STAGE_FLOATS];
        /** A tile's per-pixel input and output bases (float indices). */
        final long[] pixels = new long[VectorConv2dTiles.PIXEL_BASES];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

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
                VectorConv2dRows.conv(in, pk, relu, out, SCRATCH.get().stage);
            }
        } else {
            outputChannelTiles(in, pk, relu, out);
        }
    }

    private static void outputChannelTiles(Tensor in, VectorConv2dPacked pk, boolean relu, Tensor out) {
        int perGroup = pk.outPerGroup;
        boolean two = perGroup > L;
        int width = two ? 2 * L : L;
        Scratch scratch = SCRATCH.get();
        for (int n = 0; n < out.batch(); n++) {
            for (int g = 0; g < pk.groups; g++) {
                // The last block overlaps the one before rather than running partly empty.
                for (int start = 0; start < perGroup; start += width) {
                    int c0 = perGroup >= width ? Math.min(start, perGroup - width) : 0;
                    outputChannelSweep(two, in, out, pk, n, g, c0, Math.min(width, perGroup - c0), relu, scratch);
                }
            }
        }
    }

    /**
     * Every output pixel of image {@code n} for one block of output channels. Regions whose pixels share a tap
     * window: the full-window rows × full-window columns (the interior: one row-major run), each edge row's
     * full-window columns, each edge column's full-window rows, and the corners one pixel at a time.
     */
    private static void outputChannelSweep(boolean two, Tensor in, Tensor out, VectorConv2dPacked pk, int n, int g,
                                           int c0, int valid, boolean relu, Scratch scratch) {
        int k = pk.kernelSize, s = pk.stride, p = pk.padding, d = pk.dilation;
        int lo = -in.border(), hiY = in.height() + in.border(), hiX = in.width() + in.border();
        int hOut = out.height(), wOut = out.width();
        int oyA = fullStart(s, p, lo), oyB = fullEnd(hOut, k, s, p, d, hiY);
        int oxA = fullStart(s, p, lo), oxB = fullEnd(wOut, k, s, p, d, hiX);
        if (oyB <= oyA) oyA = oyB = 0;
        if (oxB <= oxA) oxA = oxB = 0;
        region(two, in, out, pk, n, g, c0, valid, relu, scratch, oyA, oyB, oxA, oxB, 0, k, 0, k);
        for (int oy = 0; oy < hOut; oy++) {
            if (oy >= oyA && oy < oyB) continue;
            int kyLo = firstTap(oy, k, s, p, d, lo), kyHi = Math.max(kyLo, endTap(oy, k, s, p, d, hiY));
            region(two, in, out, pk, n, g, c0, valid, relu, scratch, oy, oy + 1, oxA, oxB, kyLo, kyHi, 0, k);
            for (int ox = 0; ox < wOut; ox++) {
                if (ox >= oxA && ox < oxB) continue;
                int kxLo = firstTap(ox, k, s, p, d, lo), kxHi = Math.max(kxLo, endTap(ox, k, s, p, d, hiX));
                region(two, in, out, pk, n, g, c0, valid, relu, scratch, oy, oy + 1, ox, ox + 1, kyLo, kyHi, kxLo, kxHi);
            }
        }
        for (int ox = 0; ox < wOut; ox++) {
            if (ox >= oxA && ox < oxB) continue;
            int kxLo = firstTap(ox, k, s, p, d, lo), kxHi = Math.max(kxLo, endTap(ox, k, s, p, d, hiX));
            region(two, in, out, pk, n, g, c0, valid, relu, scratch, oyA, oyB, ox, ox + 1, 0, k, kxLo, kxHi);
        }
    }

    /**
     * Output pixels [y0, y1) × [x0, x1), all with taps [kyLo, kyHi) × [kxLo, kxHi), in row-major tiles; the last
     * tile overlaps the one before (recomputing a few pixels) instead of falling back to single pixels.
     */
    private static void region(boolean two, Tensor in, Tensor out, VectorConv2dPacked pk, int n, int g, int c0,
                               int valid, boolean relu, Scratch scratch, int y0, int y1, int x0, int x1,
                               int kyLo, int kyHi, int kxLo, int kxHi) {
        int cols = x1 - x0, total = (y1 - y0) * cols;
        if (cols <= 0 || total <= 0) return;
        int tile = two ? VectorConv2dTiles.PIXELS_2_VECTORS : VectorConv2dTiles.PIXELS_1_VECTOR;
        int size = total >= tile ? tile : 1;
        int s = pk.stride, p = pk.padding, d = pk.dilation;
        int ci0 = g * pk.inPerGroup, co0 = g * pk.outPerGroup + c0;
        long[] bases = scratch.pixels;
        int oy = y0, ox = x0; // next pixel, stepped row-major (a division per pixel costs as much as a small tile)
        for (int t = 0; t < total; t += size) {
            if (t + size > total) {
                oy = y0 + (total - size) / cols;
                ox = x0 + (total - size) % cols;
            }
            for (int q = 0; q < size; q++) {
                bases[q] = in.index(n, ci0, oy * s - p + kyLo * d, ox * s - p + kxLo * d);
                bases[size + q] = out.index(n, co0, oy, ox);
                if (++ox == x1) {
                    ox = x0;
                    oy++;
                }
            }
            channelTile(two, size, in, out, pk, g, c0, valid, relu, scratch, kyLo, kyHi, kxLo, kxHi);
        }
    }

    /** One output-channel tile whose pixel bases are in {@code scratch.pixels}. */
    private static void channelTile(boolean two, int pixels, Tensor in, Tensor out, VectorConv2dPacked pk, int g,
                                    int c0, int valid, boolean relu, Scratch scratch,
                                    int kyLo, int kyHi, int kxLo, int kxHi) {
        int k = pk.kernelSize, d = pk.dilation, cin = pk.inPerGroup, coPad = pk.coPad;
        int nKy = kyHi - kyLo, nKx = kxHi - kxLo;
        long inKy = d * in.strideH(), inKx = d * in.strideW();
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
            VectorConv2dTiles.outputChannels1x2(in.segment(), scratch.pixels, nA, inA, nB, inB, nC, inC,
                    pk.weights, wBase, wA, wB, wC, pk.bias, biasAt, out.segment(), out.strideC(), valid, relu,
                    scratch.stage);
        } else if (two) {
            VectorConv2dTiles.outputChannels5x2(in.segment(), scratch.pixels, nA, inA, nB, inB, nC, inC,
                    pk.weights, wBase, wA, wB, wC, pk.bias, biasAt, out.segment(), out.strideC(), valid, relu,
                    scratch.stage);
        } else {
            VectorConv2dTiles.outputChannels8x1(in.segment(), scratch.pixels, nA, inA, nB, inB, nC, inC,
                    pk.weights, wBase, wA, wB, wC, pk.bias, biasAt, out.segment(), out.strideC(), valid, relu,
                    scratch.stage);
        }
    }

    private static void depthwiseNhwc(Tensor in, VectorConv2dPacked pk, boolean relu, Tensor out) {
        int channels = pk.groups;
        for (int n = 0; n < out.batch(); n++) {
            if (channels < L) {
                depthwiseSweep(in, out, pk, n, 0, channels, relu);
                continue;
            }
            for (int start = 0; start < channels; start += L) {
                depthwiseSweep(in, out, pk, n, Math.min(start, channels - L), L, relu);
            }
        }
    }

    /**
     * Depthwise NHWC, every output pixel of image {@code n} for the channel vector at {@code c0} ({@code valid}
     * channels; fewer than a vector only when the tensor has fewer): runs along each row over the full-window
     * columns, runs down each edge column over the full-window rows, corners one at a time.
     */
    private static void depthwiseSweep(Tensor in, Tensor out, VectorConv2dPacked pk, int n, int c0, int valid,
                                       boolean relu) {
        int k = pk.kernelSize, s = pk.stride, p = pk.padding, d = pk.dilation;
        int lo = -in.border(), hiY = in.height() + in.border(), hiX = in.width() + in.border();
        int hOut = out.height(), wOut = out.width();
        int oyA = fullStart(s, p, lo), oyB = fullEnd(hOut, k, s, p, d, hiY);
        int oxA = fullStart(s, p, lo), oxB = fullEnd(wOut, k, s, p, d, hiX);
        if (oyB <= oyA) oyA = oyB = 0;
        if (oxB <= oxA) oxA = oxB = 0;
        for (int oy = 0; oy < hOut; oy++) {
            int kyLo = firstTap(oy, k, s, p, d, lo), kyHi = Math.max(kyLo, endTap(oy, k, s, p, d, hiY));
            depthwiseRun(in, out, pk, n, c0, valid, relu, oy, oxA, oxB - oxA, false, kyLo, kyHi, 0, k);
            if (oy >= oyA && oy < oyB) continue; // its edge columns are done below, down the columns
            for (int ox = 0; ox < wOut; ox++) {
                if (ox >= oxA && ox < oxB) continue;
                int kxLo = firstTap(ox, k, s, p, d, lo), kxHi = Math.max(kxLo, endTap(ox, k, s, p, d, hiX));
                depthwiseRun(in, out, pk, n, c0, valid, relu, oy, ox, 1, false, kyLo, kyHi, kxLo, kxHi);
            }
        }
        for (int ox = 0; ox < wOut; ox++) {
            if (ox >= oxA && ox < oxB) continue;
            int kxLo = firstTap(ox, k, s, p, d, lo), kxHi = Math.max(kxLo, endTap(ox, k, s, p, d, hiX));
            depthwiseRun(in, out, pk, n, c0, valid, relu, oyA, ox, oyB - oyA, true, 0, k, kxLo, kxHi);
        }
    }

    /**
     * {@code count} pixels from (oy, ox) along a row (or down a column when {@code down}), all with taps
     * [kyLo, kyHi) × [kxLo, kxHi): one kernel call for a run of at least 8 full vectors, else pixel by pixel.
     */
    private static void depthwiseRun(Tensor in, Tensor out, VectorConv2dPacked pk, int n, int c0, int valid,
                                     boolean relu, int oy, int ox, int count, boolean down,
                                     int kyLo, int kyHi, int kxLo, int kxHi) {
        if (count <= 0) return;
        int k = pk.kernelSize, s = pk.stride, d = pk.dilation, cPad = pk.cPad;
        long inStep = s * (down ? in.strideH() : in.strideW()), outStep = down ? out.strideH() : out.strideW();
        long inKy = d * in.strideH(), inKx = d * in.strideW();
        int nKy = kyHi - kyLo, nKx = kxHi - kxLo;
        int wBase = (kyLo * k + kxLo) * cPad + c0;
        long inBase = in.index(n, c0, oy * s - pk.padding + kyLo * d, ox * s - pk.padding + kxLo * d);
        long outBase = out.index(n, c0, oy, ox);
        if (valid == L && count >= VectorConv2dTiles.PIXELS_DEPTHWISE) {
            VectorConv2dTiles.channels8(in.segment(), inBase, inStep, count, nKy, inKy, nKx, inKx, pk.depthwiseTaps,
                    wBase, k * cPad, cPad, pk.depthwiseBias, c0, out.segment(), outBase, outStep, relu);
            return;
        }
        for (int i = 0; i < count; i++) {
            VectorConv2dTiles.channels1(in.segment(), inBase + i * inStep, nKy, inKy, nKx, inKx, pk.depthwiseTaps,
                    wBase, k * cPad, cPad, pk.depthwiseBias, c0, out.segment(), outBase + i * outStep, valid, relu);
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
