package org.shiftnet4j.kernel.simd;

import static org.shiftnet4j.kernel.simd.VectorKernels.S;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import org.shiftnet4j.kernel.Conv1x1Weights;
import org.shiftnet4j.tensor.Tensor;

/**
 * NCHW pointwise convolution as a GEMM: M = Cout, N = output pixels, K = Cin. A register tile is {@value #MR}
 * output channels × a strip of pixel vectors; every K step loads the strip's vectors of one input channel and
 * broadcasts the {@value #MR} packed weights of that channel. With 16-lane vectors (32 registers) a strip is
 * {@link #NV} vectors (24 accumulators), which measured best on the build machine once one call covered every panel
 * of a strip (ahead of 8 × 2, 4 × 4, 6 × 2, 10 × 2 and 12 × 2; the wider tile spreads the fixed cost of a tile over
 * more FMAs, which decides the short-K layers); the last pixels of a plane use one-vector strips. With narrower
 * vectors every strip is one vector (8 accumulators, for AVX2's 16 registers).
 *
 * <p>Packing (BLIS's B panel). For a block of up to {@link #BLOCK_PIXELS} output pixels and a K block of up to
 * {@link #K_BLOCK} input channels, the input is first copied into a per-thread buffer, one row of
 * {@link #PACK_WIDTH} floats per input channel, whatever the input's geometry (stride 2, borders, views). Then
 * the kernels read rows a constant distance apart (which lets C2 drop their range checks) from a buffer that stays
 * in L2, instead of reading one short run from each of Cin planes for every strip.
 *
 * <p>Loop nest: images → pixel blocks → K blocks (pack) → strips → panels of {@value #MR} channels (inside the
 * kernel, so a call covers every panel). Accumulators start from the biases in the first K block and from the
 * output (the partial sums so far) in the next ones; ReLU and the store follow the last.
 *
 * <p>The output. A strip whose pixels are all there and contiguous in the output, and a whole panel, are stored
 * straight. When a dense plane's last pixels do not fill a strip and K is one block, the strip is placed to end at
 * the plane's end instead, overlapping the previous one (whose pixels it recomputes to the same bits; with several
 * K blocks that would add a block twice to the overlap). Everything else (the last pixels of a plane when they do not fill a strip, strips that cross the rows
 * of a bordered output, the last panel when Cout is not a multiple of {@value #MR}) is computed into a per-thread
 * tile and only its own lanes and channels are copied out (after copying the partial sums in, for later K blocks).
 *
 * <p>Summation order: every output element is its bias, then one FMA per input channel in order, stored and
 * reloaded exactly between K blocks, whichever strip or tile computes it; so a channel's bits do not depend on the
 * other channels or pixels of the call (the runtime splits output channels or rows between threads).
 */
final class VectorConv1x1Nchw {
    private VectorConv1x1Nchw() {
    }

    static final int L = S.length();
    /** Output channels per register tile; the weights are packed in panels of this many. */
    static final int MR = Conv1x1Weights.ROW_PANEL;
    /** 16 or more lanes: a machine with 32 vector registers (AVX-512), which fits the {@value #NV}-vector strip. */
    static final boolean WIDE = L >= 16;
    /** Vectors of pixels per main strip when {@link #WIDE}. */
    static final int NV = 3;
    /** Pixels per main strip: {@value #NV} vectors, or one vector (8 accumulators) for AVX2's 16 registers. */
    static final int NR = WIDE ? NV * L : L;
    /** Input channels per K block, at most. */
    static final int K_BLOCK = 512;
    /** Output pixels per block, at most (plus up to one strip when that avoids a tiny last block). */
    static final int BLOCK_PIXELS = 144;
    /** Floats per packed input channel: a block, and room for the last strip's lanes past it. */
    static final int PACK_WIDTH = BLOCK_PIXELS + 2 * NR;
    private static final long PACK_ROW = (long) PACK_WIDTH * Float.BYTES;
    /** Lane i takes lane 2i of the pair (this, other): the even pixels of 2L consecutive ones. */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final long VECTOR_BYTES = (long) L * Float.BYTES;

    /** Per-thread native buffers: the packed input block, and the tile for output that is not stored straight. */
    private static final class Scratch {
        final MemorySegment pack;
        MemorySegment tile = MemorySegment.NULL;

        Scratch() {
            // Freed with the thread's last reference. One extra row: packing copies whole vectors.
            pack = Arena.ofAuto().allocate((K_BLOCK + 1) * PACK_ROW, 64);
        }

        /** A tile of {@code rows} rows of NR floats; grows (once per thread and larger Cout) when needed. */
        MemorySegment tile(int rows) {
            long bytes = (long) rows * NR * Float.BYTES;
            if (tile.byteSize() < bytes) tile = Arena.ofAuto().allocate(bytes, 64);
            return tile;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    static void conv1x1(Tensor in, Conv1x1Weights wt, int stride, boolean relu, Tensor out) {
        if (in.strideW() != 1 || out.strideW() != 1) {
            plain(in, wt, stride, relu, out);
            return;
        }
        int cin = wt.inChannels(), cout = wt.outChannels();
        float[] panels = wt.rowPanels();
        int panelSize = wt.panelSize(MR), panelCount = wt.panelCount(MR), fullPanels = cout / MR;
        int ow = out.width(), pixels = out.height() * ow;
        MemorySegment src = in.segment(), dst = out.segment();
        long inChannel = in.strideC() * Float.BYTES, outChannel = out.strideC() * Float.BYTES;
        long inRow = stride * in.strideH() * Float.BYTES, outRow = out.strideH() * Float.BYTES;
        boolean denseIn = stride == 1 && in.strideH() == ow, denseOut = out.strideH() == ow;
        int kBlock = kBlock(cin);
        boolean singlePass = kBlock == cin;
        Scratch scratch = SCRATCH.get();
        MemorySegment pack = scratch.pack, tile = scratch.tile(panelCount * MR);

        for (int n = 0; n < out.batch(); n++) {
            long inImage = in.index(n, 0, 0, 0) * Float.BYTES, outImage = out.index(n, 0, 0, 0) * Float.BYTES;
            for (int xb = 0; xb < pixels; ) {
                int blockCount = Math.min(BLOCK_PIXELS, pixels - xb);
                if (pixels - xb - blockCount < NR) blockCount = pixels - xb; // no tiny last block
                for (int k0 = 0; k0 < cin; k0 += kBlock) {
                    int k = Math.min(kBlock, cin - k0);
                    boolean accumulate = k0 > 0, reluNow = relu && k0 + k == cin;
                    int w = (k0 + 1) * MR; // this K block's first weight row, from a panel's start
                    packBlock(src, inImage + k0 * inChannel, inChannel, inRow, denseIn, stride, k, xb, blockCount,
                            ow, pack);
                    for (int x = xb, end = xb + blockCount; x < end; ) {
                        int count = Math.min(NR, end - x), width = count > L ? NR : L, start = x;
                        // The last pixels of a dense plane, in one pass over K: a whole strip ending at the plane's
                        // end, overlapping the previous one (whose pixels it recomputes to the same bits).
                        if (count < width && singlePass && denseOut && end - xb >= width) start = end - width;
                        long p = (start - xb) * (long) Float.BYTES; // the strip's first pixel in the packed rows
                        int y0 = start / ow, x0 = start - y0 * ow;
                        if (start + width <= end && (denseOut || x0 + width <= ow)) {
                            long o = outImage + (denseOut ? start : y0 * out.strideH() + x0) * (long) Float.BYTES;
                            if (fullPanels > 0) {
                                kernel(width, accumulate, pack, p, k, panels, 0, panelSize, w, fullPanels, dst, o,
                                        outChannel, reluNow);
                            }
                            if (fullPanels < panelCount) { // the last panel, partly padding
                                throughTile(width, accumulate, pack, p, k, panels, fullPanels, panelSize, w, cout,
                                        dst, outImage, outChannel, outRow, ow, start, width, tile, reluNow);
                            }
                        } else {
                            throughTile(width, accumulate, pack, p, k, panels, 0, panelSize, w, cout, dst, outImage,
                                    outChannel, outRow, ow, x, count, tile, reluNow);
                        }
                        x += count;
                    }
                }
                xb += blockCount;
            }
        }
    }

    /**
     * Output channels from panel {@code firstPanel} on, for {@code count} pixels from {@code x}, computed into
     * {@code tile} (rows of {@code width} floats, one per channel) and copied out: the partial sums in first when
     * {@code accumulate}, then only this strip's lanes of the real channels.
     */
    private static void throughTile(int width, boolean accumulate, MemorySegment pack, long p, int k, float[] panels,
                                    int firstPanel, int panelSize, int w, int cout, MemorySegment out, long outImage,
                                    long outChannel, long outRow, int ow, int x, int count, MemorySegment tile,
                                    boolean relu) {
        int co = firstPanel * MR, channels = cout - co, panels_ = (channels + MR - 1) / MR;
        long plane = outImage + co * outChannel, tileRow = (long) width * Float.BYTES;
        if (accumulate) moveLanes(out, plane, outChannel, outRow, ow, x, count, tile, tileRow, channels, true);
        kernel(width, accumulate, pack, p, k, panels, firstPanel * panelSize, panelSize, w, panels_, tile, 0, tileRow,
                relu);
        moveLanes(out, plane, outChannel, outRow, ow, x, count, tile, tileRow, channels, false);
    }

    /** The kernel for a strip of {@code width} (NR or L) pixels, from the biases or adding to the output. */
    private static void kernel(int width, boolean accumulate, MemorySegment pack, long p, int k, float[] weights,
                               int b, int panelSize, int w, int panels, MemorySegment out, long o, long outChannel,
                               boolean relu) {
        if (width != L) { // NR > L: only WIDE
            if (accumulate) stripAccumulate(pack, p, k, weights, b, panelSize, w, panels, out, o, outChannel, relu);
            else strip(pack, p, k, weights, b, panelSize, w, panels, out, o, outChannel, relu);
        } else {
            if (accumulate) stripOneAccumulate(pack, p, k, weights, b, panelSize, w, panels, out, o, outChannel, relu);
            else stripOne(pack, p, k, weights, b, panelSize, w, panels, out, o, outChannel, relu);
        }
    }

    /**
     * Packs input channels {@code [0, k)} (the first at byte {@code chan0}) of output pixels
     * {@code [x, x+count)} into rows of {@link #PACK_WIDTH} floats, the pixels in order from the start of each
     * row. Lanes past {@code count} hold whatever the copies left there (results there are never stored).
     */
    private static void packBlock(MemorySegment src, long chan0, long inChannel, long inRow, boolean denseIn,
                                  int stride, int k, int x, int count, int ow, MemorySegment pack) {
        if (denseIn) { // one contiguous run per input channel
            copyRuns(src, chan0 + x * (long) Float.BYTES, inChannel, 1, count, k, pack, 0);
            return;
        }
        int y0 = x / ow, x0 = x - y0 * ow;
        long pixelBytes = (long) stride * Float.BYTES;
        for (int j = 0, y = y0, xx = x0; j < count; y++, xx = 0) {
            int length = Math.min(count - j, ow - xx);
            copyRuns(src, chan0 + y * inRow + xx * pixelBytes, inChannel, stride, length, k, pack,
                    j * (long) Float.BYTES);
            j += length;
        }
    }

    /**
     * For each of {@code k} channels ({@code inChannel} bytes apart from {@code from}, {@link #PACK_ROW} apart from
     * {@code to}) copies {@code length} floats taken every {@code stride} floats to consecutive floats. Whole
     * vectors where every read stays inside the segment (writing up to a vector past the run: lanes that a later
     * run overwrites or whose results are never stored), else one float at a time.
     */
    private static void copyRuns(MemorySegment src, long from, long inChannel, int stride, int length, int k,
                                 MemorySegment pack, long to) {
        int vectors = (length + L - 1) / L;
        long lastRead = from + (k - 1) * inChannel + (long) stride * vectors * VECTOR_BYTES;
        if (stride == 1 && lastRead <= src.byteSize()) {
            for (int kk = 0; kk < k; kk++, from += inChannel, to += PACK_ROW) {
                for (int v = 0; v < vectors; v++) {
                    FloatVector.fromMemorySegment(S, src, from + v * VECTOR_BYTES, NATIVE)
                            .intoMemorySegment(pack, to + v * VECTOR_BYTES, NATIVE);
                }
            }
        } else if (stride == 2 && lastRead <= src.byteSize()) {
            for (int kk = 0; kk < k; kk++, from += inChannel, to += PACK_ROW) {
                for (int v = 0; v < vectors; v++) {
                    long at = from + 2 * v * VECTOR_BYTES;
                    FloatVector.fromMemorySegment(S, src, at, NATIVE)
                            .rearrange(EVEN, FloatVector.fromMemorySegment(S, src, at + VECTOR_BYTES, NATIVE))
                            .intoMemorySegment(pack, to + v * VECTOR_BYTES, NATIVE);
                }
            }
        } else {
            long step = (long) stride * Float.BYTES;
            for (int kk = 0; kk < k; kk++, from += inChannel, to += PACK_ROW) {
                for (int j = 0; j < length; j++) pack.set(F, to + j * (long) Float.BYTES, src.get(F, from + j * step));
            }
        }
    }

    /**
     * Moves lanes {@code [0, count)} of the first {@code channels} tile rows ({@code tileRow} bytes apart) to
     * ({@code toTile} false) or from the output: lane j is pixel {@code x + j} of the plane of channel r at
     * {@code plane + r·outChannel}, in rows of {@code ow} pixels {@code outRow} bytes apart.
     */
    private static void moveLanes(MemorySegment out, long plane, long outChannel, long outRow, int ow, int x, int count,
                                  MemorySegment tile, long tileRow, int channels, boolean toTile) {
        int y0 = x / ow, x0 = x - y0 * ow;
        for (int r = 0; r < channels; r++) {
            long channel = plane + r * outChannel, t = r * tileRow;
            for (int j = 0, y = y0, xx = x0; j < count; y++, xx = 0) {
                int length = Math.min(count - j, ow - xx);
                long at = channel + y * outRow + xx * (long) Float.BYTES, lane = t + j * (long) Float.BYTES;
                if (toTile) copyFloats(out, at, tile, lane, length);
                else copyFloats(tile, lane, out, at, length);
                j += length;
            }
        }
    }

    /** Copies {@code count} floats between native segments: whole vectors, then one float at a time. */
    private static void copyFloats(MemorySegment from, long f, MemorySegment to, long t, int count) {
        int j = 0;
        for (; j + L <= count; j += L) {
            FloatVector.fromMemorySegment(S, from, f + j * (long) Float.BYTES, NATIVE)
                    .intoMemorySegment(to, t + j * (long) Float.BYTES, NATIVE);
        }
        for (; j < count; j++) to.set(F, t + j * (long) Float.BYTES, from.get(F, f + j * (long) Float.BYTES));
    }

    /** Input channels per K block: equal blocks of at most {@link #K_BLOCK}. */
    static int kBlock(int cin) {
        int blocks = (cin + K_BLOCK - 1) / K_BLOCK;
        return (cin + blocks - 1) / blocks;
    }

    // ---- generated kernels (begin) ----
    // One template, expanded per case and kept inline on purpose. A helper that takes or returns vectors boxes them
    // whenever C2 declines to inline it; and each case is its own small method because C1 gives up on a method with
    // too many vector operations ("out of virtual registers"), after which HotSpot may leave it in slow, boxing
    // tier-2 code for a long time instead of compiling it with C2. Starting from the biases and adding to the
    // output are separate kernels: one kernel with both, called with both, sent C2 into a loop of deoptimizations
    // on its profiled loop predicates.
    // Each kernel: {@code panels} consecutive weight panels from index {@code b} ({@code panelSize} apart), rows
    // {@code w} on of each being this K block's weights; output channel rows {@code outChannel} bytes apart from
    // {@code o}, MR per panel; pixels from byte {@code p} of each packed row, {@code k} rows.

    /** {@code panels} whole panels of 8 output channels × 3 vectors of pixels, from the biases. */
    private static void strip(MemorySegment pack, long p, int k, float[] weights, int b, int panelSize, int w,
                   int panels, MemorySegment out, long o, long outChannel, boolean relu) {
        for (int panel = 0; panel < panels; panel++, b += panelSize, o += MR * outChannel) {
            long o1 = o + 1 * outChannel;
            long o2 = o + 2 * outChannel;
            long o3 = o + 3 * outChannel;
            long o4 = o + 4 * outChannel;
            long o5 = o + 5 * outChannel;
            long o6 = o + 6 * outChannel;
            long o7 = o + 7 * outChannel;
            FloatVector c00 = FloatVector.broadcast(S, weights[b]);
            FloatVector c01 = c00, c02 = c00;
            FloatVector c10 = FloatVector.broadcast(S, weights[b + 1]);
            FloatVector c11 = c10, c12 = c10;
            FloatVector c20 = FloatVector.broadcast(S, weights[b + 2]);
            FloatVector c21 = c20, c22 = c20;
            FloatVector c30 = FloatVector.broadcast(S, weights[b + 3]);
            FloatVector c31 = c30, c32 = c30;
            FloatVector c40 = FloatVector.broadcast(S, weights[b + 4]);
            FloatVector c41 = c40, c42 = c40;
            FloatVector c50 = FloatVector.broadcast(S, weights[b + 5]);
            FloatVector c51 = c50, c52 = c50;
            FloatVector c60 = FloatVector.broadcast(S, weights[b + 6]);
            FloatVector c61 = c60, c62 = c60;
            FloatVector c70 = FloatVector.broadcast(S, weights[b + 7]);
            FloatVector c71 = c70, c72 = c70;
            int wk = b + w;
            long pk = p;
            int kk = 0;
            for (; kk < k; kk++, pk += PACK_ROW, wk += MR) {
                FloatVector x0 = FloatVector.fromMemorySegment(S, pack, pk, NATIVE);
                FloatVector x1 = FloatVector.fromMemorySegment(S, pack, pk + VECTOR_BYTES, NATIVE);
                FloatVector x2 = FloatVector.fromMemorySegment(S, pack, pk + 2 * VECTOR_BYTES, NATIVE);
                FloatVector f = FloatVector.broadcast(S, weights[wk]);
                c00 = x0.fma(f, c00);
                c01 = x1.fma(f, c01);
                c02 = x2.fma(f, c02);
                f = FloatVector.broadcast(S, weights[wk + 1]);
                c10 = x0.fma(f, c10);
                c11 = x1.fma(f, c11);
                c12 = x2.fma(f, c12);
                f = FloatVector.broadcast(S, weights[wk + 2]);
                c20 = x0.fma(f, c20);
                c21 = x1.fma(f, c21);
                c22 = x2.fma(f, c22);
                f = FloatVector.broadcast(S, weights[wk + 3]);
                c30 = x0.fma(f, c30);
                c31 = x1.fma(f, c31);
                c32 = x2.fma(f, c32);
                f = FloatVector.broadcast(S, weights[wk + 4]);
                c40 = x0.fma(f, c40);
                c41 = x1.fma(f, c41);
                c42 = x2.fma(f, c42);
                f = FloatVector.broadcast(S, weights[wk + 5]);
                c50 = x0.fma(f, c50);
                c51 = x1.fma(f, c51);
                c52 = x2.fma(f, c52);
                f = FloatVector.broadcast(S, weights[wk + 6]);
                c60 = x0.fma(f, c60);
                c61 = x1.fma(f, c61);
                c62 = x2.fma(f, c62);
                f = FloatVector.broadcast(S, weights[wk + 7]);
                c70 = x0.fma(f, c70);
                c71 = x1.fma(f, c71);
                c72 = x2.fma(f, c72);
            }
            if (relu) {
                c00 = c00.max(0f);
                c01 = c01.max(0f);
                c02 = c02.max(0f);
                c10 = c10.max(0f);
                c11 = c11.max(0f);
                c12 = c12.max(0f);
                c20 = c20.max(0f);
                c21 = c21.max(0f);
                c22 = c22.max(0f);
                c30 = c30.max(0f);
                c31 = c31.max(0f);
                c32 = c32.max(0f);
                c40 = c40.max(0f);
                c41 = c41.max(0f);
                c42 = c42.max(0f);
                c50 = c50.max(0f);
                c51 = c51.max(0f);
                c52 = c52.max(0f);
                c60 = c60.max(0f);
                c61 = c61.max(0f);
                c62 = c62.max(0f);
                c70 = c70.max(0f);
                c71 = c71.max(0f);
                c72 = c72.max(0f);
            }
            c00.intoMemorySegment(out, o, NATIVE);
            c01.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE);
            c02.intoMemorySegment(out, o + 2 * VECTOR_BYTES, NATIVE);
            c10.intoMemorySegment(out, o1, NATIVE);
            c11.intoMemorySegment(out, o1 + VECTOR_BYTES, NATIVE);
            c12.intoMemorySegment(out, o1 + 2 * VECTOR_BYTES, NATIVE);
            c20.intoMemorySegment(out, o2, NATIVE);
            c21.intoMemorySegment(out, o2 + VECTOR_BYTES, NATIVE);
            c22.intoMemorySegment(out, o2 + 2 * VECTOR_BYTES, NATIVE);
            c30.intoMemorySegment(out, o3, NATIVE);
            c31.intoMemorySegment(out, o3 + VECTOR_BYTES, NATIVE);
            c32.intoMemorySegment(out, o3 + 2 * VECTOR_BYTES, NATIVE);
            c40.intoMemorySegment(out, o4, NATIVE);
            c41.intoMemorySegment(out, o4 + VECTOR_BYTES, NATIVE);
            c42.intoMemorySegment(out, o4 + 2 * VECTOR_BYTES, NATIVE);
            c50.intoMemorySegment(out, o5, NATIVE);
            c51.intoMemorySegment(out, o5 + VECTOR_BYTES, NATIVE);
            c52.intoMemorySegment(out, o5 + 2 * VECTOR_BYTES, NATIVE);
            c60.intoMemorySegment(out, o6, NATIVE);
            c61.intoMemorySegment(out, o6 + VECTOR_BYTES, NATIVE);
            c62.intoMemorySegment(out, o6 + 2 * VECTOR_BYTES, NATIVE);
            c70.intoMemorySegment(out, o7, NATIVE);
            c71.intoMemorySegment(out, o7 + VECTOR_BYTES, NATIVE);
            c72.intoMemorySegment(out, o7 + 2 * VECTOR_BYTES, NATIVE);
        }
    }

    /** {@code panels} whole panels of 8 output channels × 3 vectors of pixels, adding to the partial sums in the output. */
    private static void stripAccumulate(MemorySegment pack, long p, int k, float[] weights, int b, int panelSize, int w,
                   int panels, MemorySegment out, long o, long outChannel, boolean relu) {
        for (int panel = 0; panel < panels; panel++, b += panelSize, o += MR * outChannel) {
            long o1 = o + 1 * outChannel;
            long o2 = o + 2 * outChannel;
            long o3 = o + 3 * outChannel;
            long o4 = o + 4 * outChannel;
            long o5 = o + 5 * outChannel;
            long o6 = o + 6 * outChannel;
            long o7 = o + 7 * outChannel;
            FloatVector c00 = FloatVector.fromMemorySegment(S, out, o, NATIVE);
            FloatVector c01 = FloatVector.fromMemorySegment(S, out, o + VECTOR_BYTES, NATIVE);
            FloatVector c02 = FloatVector.fromMemorySegment(S, out, o + 2 * VECTOR_BYTES, NATIVE);
            FloatVector c10 = FloatVector.fromMemorySegment(S, out, o1, NATIVE);
            FloatVector c11 = FloatVector.fromMemorySegment(S, out, o1 + VECTOR_BYTES, NATIVE);
            FloatVector c12 = FloatVector.fromMemorySegment(S, out, o1 + 2 * VECTOR_BYTES, NATIVE);
            FloatVector c20 = FloatVector.fromMemorySegment(S, out, o2, NATIVE);
            FloatVector c21 = FloatVector.fromMemorySegment(S, out, o2 + VECTOR_BYTES, NATIVE);
            FloatVector c22 = FloatVector.fromMemorySegment(S, out, o2 + 2 * VECTOR_BYTES, NATIVE);
            FloatVector c30 = FloatVector.fromMemorySegment(S, out, o3, NATIVE);
            FloatVector c31 = FloatVector.fromMemorySegment(S, out, o3 + VECTOR_BYTES, NATIVE);
            FloatVector c32 = FloatVector.fromMemorySegment(S, out, o3 + 2 * VECTOR_BYTES, NATIVE);
            FloatVector c40 = FloatVector.fromMemorySegment(S, out, o4, NATIVE);
            FloatVector c41 = FloatVector.fromMemorySegment(S, out, o4 + VECTOR_BYTES, NATIVE);
            FloatVector c42 = FloatVector.fromMemorySegment(S, out, o4 + 2 * VECTOR_BYTES, NATIVE);
            FloatVector c50 = FloatVector.fromMemorySegment(S, out, o5, NATIVE);
            FloatVector c51 = FloatVector.fromMemorySegment(S, out, o5 + VECTOR_BYTES, NATIVE);
            FloatVector c52 = FloatVector.fromMemorySegment(S, out, o5 + 2 * VECTOR_BYTES, NATIVE);
            FloatVector c60 = FloatVector.fromMemorySegment(S, out, o6, NATIVE);
            FloatVector c61 = FloatVector.fromMemorySegment(S, out, o6 + VECTOR_BYTES, NATIVE);
            FloatVector c62 = FloatVector.fromMemorySegment(S, out, o6 + 2 * VECTOR_BYTES, NATIVE);
            FloatVector c70 = FloatVector.fromMemorySegment(S, out, o7, NATIVE);
            FloatVector c71 = FloatVector.fromMemorySegment(S, out, o7 + VECTOR_BYTES, NATIVE);
            FloatVector c72 = FloatVector.fromMemorySegment(S, out, o7 + 2 * VECTOR_BYTES, NATIVE);
            int wk = b + w;
            long pk = p;
            int kk = 0;
            for (; kk < k; kk++, pk += PACK_ROW, wk += MR) {
                FloatVector x0 = FloatVector.fromMemorySegment(S, pack, pk, NATIVE);
                FloatVector x1 = FloatVector.fromMemorySegment(S, pack, pk + VECTOR_BYTES, NATIVE);
                FloatVector x2 = FloatVector.fromMemorySegment(S, pack, pk + 2 * VECTOR_BYTES, NATIVE);
                FloatVector f = FloatVector.broadcast(S, weights[wk]);
                c00 = x0.fma(f, c00);
                c01 = x1.fma(f, c01);
                c02 = x2.fma(f, c02);
                f = FloatVector.broadcast(S, weights[wk + 1]);
                c10 = x0.fma(f, c10);
                c11 = x1.fma(f, c11);
                c12 = x2.fma(f, c12);
                f = FloatVector.broadcast(S, weights[wk + 2]);
                c20 = x0.fma(f, c20);
                c21 = x1.fma(f, c21);
                c22 = x2.fma(f, c22);
                f = FloatVector.broadcast(S, weights[wk + 3]);
                c30 = x0.fma(f, c30);
                c31 = x1.fma(f, c31);
                c32 = x2.fma(f, c32);
                f = FloatVector.broadcast(S, weights[wk + 4]);
                c40 = x0.fma(f, c40);
                c41 = x1.fma(f, c41);
                c42 = x2.fma(f, c42);
                f = FloatVector.broadcast(S, weights[wk + 5]);
                c50 = x0.fma(f, c50);
                c51 = x1.fma(f, c51);
                c52 = x2.fma(f, c52);
                f = FloatVector.broadcast(S, weights[wk + 6]);
                c60 = x0.fma(f, c60);
                c61 = x1.fma(f, c61);
                c62 = x2.fma(f, c62);
                f = FloatVector.broadcast(S, weights[wk + 7]);
                c70 = x0.fma(f, c70);
                c71 = x1.fma(f, c71);
                c72 = x2.fma(f, c72);
            }
            if (relu) {
                c00 = c00.max(0f);
                c01 = c01.max(0f);
                c02 = c02.max(0f);
                c10 = c10.max(0f);
                c11 = c11.max(0f);
                c12 = c12.max(0f);
                c20 = c20.max(0f);
                c21 = c21.max(0f);
                c22 = c22.max(0f);
                c30 = c30.max(0f);
                c31 = c31.max(0f);
                c32 = c32.max(0f);
                c40 = c40.max(0f);
                c41 = c41.max(0f);
                c42 = c42.max(0f);
                c50 = c50.max(0f);
                c51 = c51.max(0f);
                c52 = c52.max(0f);
                c60 = c60.max(0f);
                c61 = c61.max(0f);
                c62 = c62.max(0f);
                c70 = c70.max(0f);
                c71 = c71.max(0f);
                c72 = c72.max(0f);
            }
            c00.intoMemorySegment(out, o, NATIVE);
            c01.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE);
            c02.intoMemorySegment(out, o + 2 * VECTOR_BYTES, NATIVE);
            c10.intoMemorySegment(out, o1, NATIVE);
            c11.intoMemorySegment(out, o1 + VECTOR_BYTES, NATIVE);
            c12.intoMemorySegment(out, o1 + 2 * VECTOR_BYTES, NATIVE);
            c20.intoMemorySegment(out, o2, NATIVE);
            c21.intoMemorySegment(out, o2 + VECTOR_BYTES, NATIVE);
            c22.intoMemorySegment(out, o2 + 2 * VECTOR_BYTES, NATIVE);
            c30.intoMemorySegment(out, o3, NATIVE);
            c31.intoMemorySegment(out, o3 + VECTOR_BYTES, NATIVE);
            c32.intoMemorySegment(out, o3 + 2 * VECTOR_BYTES, NATIVE);
            c40.intoMemorySegment(out, o4, NATIVE);
            c41.intoMemorySegment(out, o4 + VECTOR_BYTES, NATIVE);
            c42.intoMemorySegment(out, o4 + 2 * VECTOR_BYTES, NATIVE);
            c50.intoMemorySegment(out, o5, NATIVE);
            c51.intoMemorySegment(out, o5 + VECTOR_BYTES, NATIVE);
            c52.intoMemorySegment(out, o5 + 2 * VECTOR_BYTES, NATIVE);
            c60.intoMemorySegment(out, o6, NATIVE);
            c61.intoMemorySegment(out, o6 + VECTOR_BYTES, NATIVE);
            c62.intoMemorySegment(out, o6 + 2 * VECTOR_BYTES, NATIVE);
            c70.intoMemorySegment(out, o7, NATIVE);
            c71.intoMemorySegment(out, o7 + VECTOR_BYTES, NATIVE);
            c72.intoMemorySegment(out, o7 + 2 * VECTOR_BYTES, NATIVE);
        }
    }

    /** {@code panels} whole panels of 8 output channels × 1 vector of pixels, from the biases. */
    private static void stripOne(MemorySegment pack, long p, int k, float[] weights, int b, int panelSize, int w,
                   int panels, MemorySegment out, long o, long outChannel, boolean relu) {
        for (int panel = 0; panel < panels; panel++, b += panelSize, o += MR * outChannel) {
            long o1 = o + 1 * outChannel;
            long o2 = o + 2 * outChannel;
            long o3 = o + 3 * outChannel;
            long o4 = o + 4 * outChannel;
            long o5 = o + 5 * outChannel;
            long o6 = o + 6 * outChannel;
            long o7 = o + 7 * outChannel;
            FloatVector c00 = FloatVector.broadcast(S, weights[b]);
            FloatVector c10 = FloatVector.broadcast(S, weights[b + 1]);
            FloatVector c20 = FloatVector.broadcast(S, weights[b + 2]);
            FloatVector c30 = FloatVector.broadcast(S, weights[b + 3]);
            FloatVector c40 = FloatVector.broadcast(S, weights[b + 4]);
            FloatVector c50 = FloatVector.broadcast(S, weights[b + 5]);
            FloatVector c60 = FloatVector.broadcast(S, weights[b + 6]);
            FloatVector c70 = FloatVector.broadcast(S, weights[b + 7]);
            int wk = b + w;
            long pk = p;
            int kk = 0;
            for (; kk < k; kk++, pk += PACK_ROW, wk += MR) {
                FloatVector x0 = FloatVector.fromMemorySegment(S, pack, pk, NATIVE);
                FloatVector f = FloatVector.broadcast(S, weights[wk]);
                c00 = x0.fma(f, c00);
                f = FloatVector.broadcast(S, weights[wk + 1]);
                c10 = x0.fma(f, c10);
                f = FloatVector.broadcast(S, weights[wk + 2]);
                c20 = x0.fma(f, c20);
                f = FloatVector.broadcast(S, weights[wk + 3]);
                c30 = x0.fma(f, c30);
                f = FloatVector.broadcast(S, weights[wk + 4]);
                c40 = x0.fma(f, c40);
                f = FloatVector.broadcast(S, weights[wk + 5]);
                c50 = x0.fma(f, c50);
                f = FloatVector.broadcast(S, weights[wk + 6]);
                c60 = x0.fma(f, c60);
                f = FloatVector.broadcast(S, weights[wk + 7]);
                c70 = x0.fma(f, c70);
            }
            if (relu) {
                c00 = c00.max(0f);
                c10 = c10.max(0f);
                c20 = c20.max(0f);
                c30 = c30.max(0f);
                c40 = c40.max(0f);
                c50 = c50.max(0f);
                c60 = c60.max(0f);
                c70 = c70.max(0f);
            }
            c00.intoMemorySegment(out, o, NATIVE);
            c10.intoMemorySegment(out, o1, NATIVE);
            c20.intoMemorySegment(out, o2, NATIVE);
            c30.intoMemorySegment(out, o3, NATIVE);
            c40.intoMemorySegment(out, o4, NATIVE);
            c50.intoMemorySegment(out, o5, NATIVE);
            c60.intoMemorySegment(out, o6, NATIVE);
            c70.intoMemorySegment(out, o7, NATIVE);
        }
    }

    /** {@code panels} whole panels of 8 output channels × 1 vector of pixels, adding to the partial sums in the output. */
    private static void stripOneAccumulate(MemorySegment pack, long p, int k, float[] weights, int b, int panelSize, int w,
                   int panels, MemorySegment out, long o, long outChannel, boolean relu) {
        for (int panel = 0; panel < panels; panel++, b += panelSize, o += MR * outChannel) {
            long o1 = o + 1 * outChannel;
            long o2 = o + 2 * outChannel;
            long o3 = o + 3 * outChannel;
            long o4 = o + 4 * outChannel;
            long o5 = o + 5 * outChannel;
            long o6 = o + 6 * outChannel;
            long o7 = o + 7 * outChannel;
            FloatVector c00 = FloatVector.fromMemorySegment(S, out, o, NATIVE);
            FloatVector c10 = FloatVector.fromMemorySegment(S, out, o1, NATIVE);
            FloatVector c20 = FloatVector.fromMemorySegment(S, out, o2, NATIVE);
            FloatVector c30 = FloatVector.fromMemorySegment(S, out, o3, NATIVE);
            FloatVector c40 = FloatVector.fromMemorySegment(S, out, o4, NATIVE);
            FloatVector c50 = FloatVector.fromMemorySegment(S, out, o5, NATIVE);
            FloatVector c60 = FloatVector.fromMemorySegment(S, out, o6, NATIVE);
            FloatVector c70 = FloatVector.fromMemorySegment(S, out, o7, NATIVE);
            int wk = b + w;
            long pk = p;
            int kk = 0;
            for (; kk < k; kk++, pk += PACK_ROW, wk += MR) {
                FloatVector x0 = FloatVector.fromMemorySegment(S, pack, pk, NATIVE);
                FloatVector f = FloatVector.broadcast(S, weights[wk]);
                c00 = x0.fma(f, c00);
                f = FloatVector.broadcast(S, weights[wk + 1]);
                c10 = x0.fma(f, c10);
                f = FloatVector.broadcast(S, weights[wk + 2]);
                c20 = x0.fma(f, c20);
                f = FloatVector.broadcast(S, weights[wk + 3]);
                c30 = x0.fma(f, c30);
                f = FloatVector.broadcast(S, weights[wk + 4]);
                c40 = x0.fma(f, c40);
                f = FloatVector.broadcast(S, weights[wk + 5]);
                c50 = x0.fma(f, c50);
                f = FloatVector.broadcast(S, weights[wk + 6]);
                c60 = x0.fma(f, c60);
                f = FloatVector.broadcast(S, weights[wk + 7]);
                c70 = x0.fma(f, c70);
            }
            if (relu) {
                c00 = c00.max(0f);
                c10 = c10.max(0f);
                c20 = c20.max(0f);
                c30 = c30.max(0f);
                c40 = c40.max(0f);
                c50 = c50.max(0f);
                c60 = c60.max(0f);
                c70 = c70.max(0f);
            }
            c00.intoMemorySegment(out, o, NATIVE);
            c10.intoMemorySegment(out, o1, NATIVE);
            c20.intoMemorySegment(out, o2, NATIVE);
            c30.intoMemorySegment(out, o3, NATIVE);
            c40.intoMemorySegment(out, o4, NATIVE);
            c50.intoMemorySegment(out, o5, NATIVE);
            c60.intoMemorySegment(out, o6, NATIVE);
            c70.intoMemorySegment(out, o7, NATIVE);
        }
    }

    // ---- generated kernels (end) ----

    /** Tensors whose pixels are not contiguous in a row: one output at a time, in the kernels' order of terms. */
    private static void plain(Tensor in, Conv1x1Weights wt, int stride, boolean relu, Tensor out) {
        MemorySegment src = in.segment(), dst = out.segment();
        int cin = wt.inChannels(), cout = wt.outChannels();
        float[] weights = wt.outMajor(), bias = wt.bias();
        long inChannel = in.strideC();
        for (int n = 0; n < out.batch(); n++) {
            for (int co = 0; co < cout; co++) {
                for (int oy = 0; oy < out.height(); oy++) {
                    for (int ox = 0; ox < out.width(); ox++) {
                        long pixel = in.index(n, 0, oy * stride, ox * stride);
                        float acc = bias[co];
                        for (int ci = 0; ci < cin; ci++) {
                            acc = Math.fma(weights[co * cin + ci], src.getAtIndex(F, pixel + ci * inChannel), acc);
                        }
                        dst.setAtIndex(F, out.index(n, co, oy, ox), relu ? Math.max(acc, 0f) : acc);
                    }
                }
            }
        }
    }
}
