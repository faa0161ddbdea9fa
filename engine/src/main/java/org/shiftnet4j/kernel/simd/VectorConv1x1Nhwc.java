package org.shiftnet4j.kernel.simd;

import static org.shiftnet4j.kernel.simd.VectorKernels.S;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import org.shiftnet4j.kernel.Conv1x1Weights;
import org.shiftnet4j.tensor.Tensor;

/**
 * NHWC pointwise convolution as a GEMM: M = output pixels, N = Cout, K = Cin (XNNPACK's 5×16 broadcast scheme).
 * A register tile is {@value #MR} pixels × two vectors of output channels (10 accumulators); every K step loads
 * two vectors of a packed weight panel and broadcasts one input scalar per pixel. The accumulators start from the
 * panel's bias row (or, after the first K block, from the output), and ReLU and the store come once, after the
 * K loop.
 *
 * <p>Loop nest (BLIS order): K blocks of {@link #kBlock} channels, so that the weight micro-panel the tiles share
 * stays in L1 → blocks of pixels whose input stays in L2 → weight panels → tiles of {@value #MR} pixels.
 *
 * <p>Pixels are addressed through the tensors' strides (views, borders, stride), one offset per tile row. A tile
 * that runs past the last pixel repeats the last pixel: its rows compute and store the same values (all rows read
 * their partial sums before any row stores, so this stays exact with K blocks), which needs no tail kernel.
 * Output channels past Cout are zero weights in the panel; their lanes are masked off on load and store, so
 * channel-slice views keep their neighbours.
 */
final class VectorConv1x1Nhwc {
    private VectorConv1x1Nhwc() {
    }

    static final int L = S.length();
    /** Pixels per register tile. */
    static final int MR = 5;
    /** Output channels per register tile. */
    static final int NR = 2 * L;
    /** Width of the packed weight panels: the 16-wide form built at construction, unless one tile is wider. */
    static final int PANEL = Math.max(Conv1x1Weights.COUT_ALIGN, NR);
    /** Bytes of the weight micro-panel (K block × NR) that every tile of a block re-reads: about half of L1. */
    private static final int MICRO_PANEL_BYTES = 24 * 1024;
    /** Input bytes of a block of pixels (pixels × K block), re-read once per weight panel: well inside L2. */
    private static final long BLOCK_BYTES = 256 * 1024;

    /** Per-thread landing place of a tile with a channel tail: see {@link VectorConv1x1Nchw}'s scratch for why. */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[MR * NR]);

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final long VECTOR_BYTES = (long) L * Float.BYTES;

    static void conv1x1(Tensor in, Conv1x1Weights wt, int stride, boolean relu, Tensor out) {
        int cin = wt.inChannels(), cout = wt.outChannels();
        float[] panels = wt.columnPanels(PANEL);
        int panelSize = wt.panelSize(PANEL), panelCount = wt.panelCount(PANEL);
        int oh = out.height(), ow = out.width(), pixels = oh * ow;
        MemorySegment src = in.segment(), dst = out.segment();

        // One run of pixels per image when consecutive output pixels are equally spaced in both tensors.
        boolean linear = stride == 1 && in.strideH() == ow * in.strideW() && out.strideH() == ow * out.strideW();
        int rowLength = linear ? pixels : ow;
        long inPixel = stride * in.strideW() * Float.BYTES, inRow = stride * in.strideH() * Float.BYTES;
        long outPixel = out.strideW() * Float.BYTES, outRow = out.strideH() * Float.BYTES;
        int kBlock = kBlock(cin);
        int block = (int) Math.max(MR, Math.min(pixels, BLOCK_BYTES / ((long) kBlock * Float.BYTES)) / MR * MR);
        int last = pixels - 1;
        float[] scratch = SCRATCH.get();

        for (int n = 0; n < out.batch(); n++) {
            long inImage = in.index(n, 0, 0, 0) * Float.BYTES, outBase = out.index(n, 0, 0, 0) * Float.BYTES;
            for (int k0 = 0; k0 < cin; k0 += kBlock) {
                int k = Math.min(kBlock, cin - k0);
                boolean accumulate = k0 > 0, reluNow = relu && k0 + k == cin;
                long inBase = inImage + (long) k0 * Float.BYTES;
                for (int first = 0; first < pixels; first += block) {
                    int end = Math.min(pixels, first + block);
                    for (int panel = 0; panel < panelCount; panel++) {
                        for (int column = 0; column < PANEL; column += NR) {
                            int co = panel * PANEL + column;
                            if (co >= cout) break;
                            int w = panel * panelSize + column + (k0 + 1) * PANEL, channels = cout - co;
                            long oc = outBase + (long) co * Float.BYTES;
                            for (int p = first; p < end; p += MR) {
                                int p1 = Math.min(p + 1, last), p2 = Math.min(p + 2, last);
                                int p3 = Math.min(p + 3, last), p4 = Math.min(p + 4, last);
                                long i0 = at(inBase, p, rowLength, inPixel, inRow), i1 = at(inBase, p1, rowLength, inPixel, inRow);
                                long i2 = at(inBase, p2, rowLength, inPixel, inRow), i3 = at(inBase, p3, rowLength, inPixel, inRow);
                                long i4 = at(inBase, p4, rowLength, inPixel, inRow);
                                long o0 = at(oc, p, rowLength, outPixel, outRow), o1 = at(oc, p1, rowLength, outPixel, outRow);
                                long o2 = at(oc, p2, rowLength, outPixel, outRow), o3 = at(oc, p3, rowLength, outPixel, outRow);
                                long o4 = at(oc, p4, rowLength, outPixel, outRow);
                                if (channels >= NR) {
                                    if (accumulate) tileAccumulate(src, k, panels, w, i0, i1, i2, i3, i4, dst, reluNow, o0, o1, o2, o3, o4);
                                    else tile(src, k, panels, w, i0, i1, i2, i3, i4, dst, reluNow, o0, o1, o2, o3, o4);
                                } else {
                                    tileTail(src, k, panels, w, i0, i1, i2, i3, i4, accumulate, scratch);
                                    // Only distinct pixels: a repeated last pixel must not add its partial sum twice.
                                    int rows = Math.min(MR, pixels - p);
                                    copyChannels(scratch, 0, dst, o0, channels, accumulate, reluNow);
                                    if (rows > 1) copyChannels(scratch, 1, dst, o1, channels, accumulate, reluNow);
                                    if (rows > 2) copyChannels(scratch, 2, dst, o2, channels, accumulate, reluNow);
                                    if (rows > 3) copyChannels(scratch, 3, dst, o3, channels, accumulate, reluNow);
                                    if (rows > 4) copyChannels(scratch, 4, dst, o4, channels, accumulate, reluNow);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Copies the first {@code channels} (< NR) lanes of scratch row {@code row} to the output, as {@link VectorConv1x1Nchw} does. */
    private static void copyChannels(float[] scratch, int row, MemorySegment out, long o, int channels,
                                     boolean accumulate, boolean relu) {
        int j = 0;
        if (channels >= L) {
            VectorConv1x1Nchw.copyVector(scratch, row * NR, out, o, accumulate, relu);
            j = L;
        }
        for (; j < channels; j++) {
            long at = o + j * (long) Float.BYTES;
            float v = accumulate ? scratch[row * NR + j] + out.get(F, at) : scratch[row * NR + j];
            out.set(F, at, relu ? Math.max(v, 0f) : v);
        }
    }

    /** Input channels per K block: equal blocks no larger than the L1 micro-panel budget allows. */
    static int kBlock(int cin) {
        int max = Math.max(16, MICRO_PANEL_BYTES / (NR * Float.BYTES));
        int blocks = (cin + max - 1) / max;
        return (cin + blocks - 1) / blocks;
    }

    /** Byte offset of output pixel {@code p} of an image whose pixels form rows of {@code rowLength}. */
    private static long at(long base, int p, int rowLength, long pixelStep, long rowStep) {
        if (p < rowLength) return base + p * pixelStep; // always taken for linear images: no division
        int row = p / rowLength;
        return base + row * rowStep + (p - row * rowLength) * pixelStep;
    }

    // ---- generated kernels (begin) ----
    // One template, expanded per case and kept inline on purpose. A helper that takes or returns vectors boxes them
    // whenever C2 declines to inline it; and each case is its own small method because C1 gives up on a method with
    // too many vector operations ("out of virtual registers"), after which HotSpot may leave it in slow, boxing
    // tier-2 code for a long time instead of compiling it with C2.

    /** {@value #MR} pixels × {@link #NR} channels over {@code k} input channels, from the bias row ({@code w − PANEL}). */
    private static void tile(MemorySegment in, int k, float[] panels, int w, long i0, long i1, long i2, long i3, long i4,
                   MemorySegment out, boolean relu, long o0, long o1, long o2, long o3, long o4) {
        FloatVector c00 = FloatVector.fromArray(S, panels, w - PANEL), c01 = FloatVector.fromArray(S, panels, w - PANEL + L);
        FloatVector c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01, c40 = c00, c41 = c01;
        long k4 = 0;
        for (int kk = 0; kk < k; kk++, k4 += Float.BYTES) {
            FloatVector b0 = FloatVector.fromArray(S, panels, w);
            FloatVector b1 = FloatVector.fromArray(S, panels, w + L);
            w += PANEL;
            FloatVector x = FloatVector.broadcast(S, in.get(F, i0 + k4));
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, in.get(F, i1 + k4));
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, in.get(F, i2 + k4));
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, in.get(F, i3 + k4));
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, in.get(F, i4 + k4));
            c40 = b0.fma(x, c40);
            c41 = b1.fma(x, c41);
        }
        if (relu) {
            c00 = c00.max(0f);
            c01 = c01.max(0f);
            c10 = c10.max(0f);
            c11 = c11.max(0f);
            c20 = c20.max(0f);
            c21 = c21.max(0f);
            c30 = c30.max(0f);
            c31 = c31.max(0f);
            c40 = c40.max(0f);
            c41 = c41.max(0f);
        }
        c00.intoMemorySegment(out, o0, NATIVE);
        c01.intoMemorySegment(out, o0 + VECTOR_BYTES, NATIVE);
        c10.intoMemorySegment(out, o1, NATIVE);
        c11.intoMemorySegment(out, o1 + VECTOR_BYTES, NATIVE);
        c20.intoMemorySegment(out, o2, NATIVE);
        c21.intoMemorySegment(out, o2 + VECTOR_BYTES, NATIVE);
        c30.intoMemorySegment(out, o3, NATIVE);
        c31.intoMemorySegment(out, o3 + VECTOR_BYTES, NATIVE);
        c40.intoMemorySegment(out, o4, NATIVE);
        c41.intoMemorySegment(out, o4 + VECTOR_BYTES, NATIVE);
    }

    /** {@link #tile} adding to the partial sums of earlier K blocks. */
    private static void tileAccumulate(MemorySegment in, int k, float[] panels, int w, long i0, long i1, long i2, long i3, long i4,
                   MemorySegment out, boolean relu, long o0, long o1, long o2, long o3, long o4) {
        FloatVector c00 = FloatVector.fromMemorySegment(S, out, o0, NATIVE);
        FloatVector c01 = FloatVector.fromMemorySegment(S, out, o0 + VECTOR_BYTES, NATIVE);
        FloatVector c10 = FloatVector.fromMemorySegment(S, out, o1, NATIVE);
        FloatVector c11 = FloatVector.fromMemorySegment(S, out, o1 + VECTOR_BYTES, NATIVE);
        FloatVector c20 = FloatVector.fromMemorySegment(S, out, o2, NATIVE);
        FloatVector c21 = FloatVector.fromMemorySegment(S, out, o2 + VECTOR_BYTES, NATIVE);
        FloatVector c30 = FloatVector.fromMemorySegment(S, out, o3, NATIVE);
        FloatVector c31 = FloatVector.fromMemorySegment(S, out, o3 + VECTOR_BYTES, NATIVE);
        FloatVector c40 = FloatVector.fromMemorySegment(S, out, o4, NATIVE);
        FloatVector c41 = FloatVector.fromMemorySegment(S, out, o4 + VECTOR_BYTES, NATIVE);
        long k4 = 0;
        for (int kk = 0; kk < k; kk++, k4 += Float.BYTES) {
            FloatVector b0 = FloatVector.fromArray(S, panels, w);
            FloatVector b1 = FloatVector.fromArray(S, panels, w + L);
            w += PANEL;
            FloatVector x = FloatVector.broadcast(S, in.get(F, i0 + k4));
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, in.get(F, i1 + k4));
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, in.get(F, i2 + k4));
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, in.get(F, i3 + k4));
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, in.get(F, i4 + k4));
            c40 = b0.fma(x, c40);
            c41 = b1.fma(x, c41);
        }
        if (relu) {
            c00 = c00.max(0f);
            c01 = c01.max(0f);
            c10 = c10.max(0f);
            c11 = c11.max(0f);
            c20 = c20.max(0f);
            c21 = c21.max(0f);
            c30 = c30.max(0f);
            c31 = c31.max(0f);
            c40 = c40.max(0f);
            c41 = c41.max(0f);
        }
        c00.intoMemorySegment(out, o0, NATIVE);
        c01.intoMemorySegment(out, o0 + VECTOR_BYTES, NATIVE);
        c10.intoMemorySegment(out, o1, NATIVE);
        c11.intoMemorySegment(out, o1 + VECTOR_BYTES, NATIVE);
        c20.intoMemorySegment(out, o2, NATIVE);
        c21.intoMemorySegment(out, o2 + VECTOR_BYTES, NATIVE);
        c30.intoMemorySegment(out, o3, NATIVE);
        c31.intoMemorySegment(out, o3 + VECTOR_BYTES, NATIVE);
        c40.intoMemorySegment(out, o4, NATIVE);
        c41.intoMemorySegment(out, o4 + VECTOR_BYTES, NATIVE);
    }

    /** {@link #tile} into {@code scratch} ({@value #MR} rows of NR), for the caller to copy the existing channels out. */
    private static void tileTail(MemorySegment in, int k, float[] panels, int w, long i0, long i1, long i2, long i3, long i4,
                   boolean accumulate, float[] scratch) {
        // From zero when accumulating: the copy out of the scratch adds the earlier K blocks' partial sums.
        FloatVector c00 = accumulate ? FloatVector.zero(S) : FloatVector.fromArray(S, panels, w - PANEL);
        FloatVector c01 = accumulate ? FloatVector.zero(S) : FloatVector.fromArray(S, panels, w - PANEL + L);
        FloatVector c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01, c40 = c00, c41 = c01;
        long k4 = 0;
        for (int kk = 0; kk < k; kk++, k4 += Float.BYTES) {
            FloatVector b0 = FloatVector.fromArray(S, panels, w);
            FloatVector b1 = FloatVector.fromArray(S, panels, w + L);
            w += PANEL;
            FloatVector x = FloatVector.broadcast(S, in.get(F, i0 + k4));
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, in.get(F, i1 + k4));
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, in.get(F, i2 + k4));
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, in.get(F, i3 + k4));
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, in.get(F, i4 + k4));
            c40 = b0.fma(x, c40);
            c41 = b1.fma(x, c41);
        }
        c00.intoArray(scratch, 0 * NR);
        c01.intoArray(scratch, 0 * NR + L);
        c10.intoArray(scratch, 1 * NR);
        c11.intoArray(scratch, 1 * NR + L);
        c20.intoArray(scratch, 2 * NR);
        c21.intoArray(scratch, 2 * NR + L);
        c30.intoArray(scratch, 3 * NR);
        c31.intoArray(scratch, 3 * NR + L);
        c40.intoArray(scratch, 4 * NR);
        c41.intoArray(scratch, 4 * NR + L);
    }

    // ---- generated kernels (end) ----
}
