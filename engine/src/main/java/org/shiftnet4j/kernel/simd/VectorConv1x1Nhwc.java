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
 * panel's bias row; ReLU and the store come once, after the K loop.
 *
 * <p>Loop nest: blocks of pixels whose input stays in L2 → weight panels → tiles of {@value #MR} pixels, each over
 * all of K. There is no K blocking: measured on the build machine (Zen 5, 48 KiB L1), streaming a 512-deep weight
 * panel from L2 ran as fast as 192-deep blocks, and blocks need a second, accumulating kernel that is too big for
 * C1 once unrolled (see the note on the generated kernels).
 *
 * <p>Pixels are addressed through the tensors' strides (views, borders, stride), one offset per tile row. A tile
 * that runs past the last pixel repeats the last pixel (same values, stored again), so no pixel tail kernel is
 * needed. Output channels past Cout are zero weights in the panel; a tile with such lanes lands in a per-thread
 * scratch row and only the real channels are copied out, so channel-slice views keep their neighbours.
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
    /** Input bytes of a block of pixels (pixels × Cin), re-read once per weight panel: well inside L2. */
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
        int block = (int) Math.max(MR, Math.min(pixels, BLOCK_BYTES / ((long) cin * Float.BYTES)) / MR * MR);
        int last = pixels - 1;
        float[] scratch = SCRATCH.get();

        for (int n = 0; n < out.batch(); n++) {
            long inBase = in.index(n, 0, 0, 0) * Float.BYTES, outBase = out.index(n, 0, 0, 0) * Float.BYTES;
            for (int first = 0; first < pixels; first += block) {
                int end = Math.min(pixels, first + block);
                for (int panel = 0; panel < panelCount; panel++) {
                    for (int column = 0; column < PANEL; column += NR) {
                        int co = panel * PANEL + column;
                        if (co >= cout) break;
                        int w = panel * panelSize + column + PANEL, channels = cout - co;
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
                                tile(src, cin, panels, w, i0, i1, i2, i3, i4, dst, relu, o0, o1, o2, o3, o4);
                            } else {
                                tileTail(src, cin, panels, w, i0, i1, i2, i3, i4, scratch);
                                int rows = Math.min(MR, pixels - p); // a repeated last pixel is stored once
                                copyChannels(scratch, 0, dst, o0, channels, relu);
                                if (rows > 1) copyChannels(scratch, 1, dst, o1, channels, relu);
                                if (rows > 2) copyChannels(scratch, 2, dst, o2, channels, relu);
                                if (rows > 3) copyChannels(scratch, 3, dst, o3, channels, relu);
                                if (rows > 4) copyChannels(scratch, 4, dst, o4, channels, relu);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Copies the first {@code channels} (< NR) lanes of scratch row {@code row} to the output, then ReLU. */
    private static void copyChannels(float[] scratch, int row, MemorySegment out, long o, int channels, boolean relu) {
        int j = 0;
        if (channels >= L) {
            VectorConv1x1Nchw.copyVector(scratch, row * NR, out, o, false, relu);
            j = L;
        }
        for (; j < channels; j++) {
            float v = scratch[row * NR + j];
            out.set(F, o + j * (long) Float.BYTES, relu ? Math.max(v, 0f) : v);
        }
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

    /** {@value #MR} pixels × {@link #NR} channels over all {@code k} input channels, from the bias row ({@code w − PANEL}). */
    private static void tile(MemorySegment in, int k, float[] panels, int w, long i0, long i1, long i2, long i3, long i4,
                   MemorySegment out, boolean relu, long o0, long o1, long o2, long o3, long o4) {
        FloatVector c00 = FloatVector.fromArray(S, panels, w - PANEL), c01 = FloatVector.fromArray(S, panels, w - PANEL + L);
        FloatVector c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01, c40 = c00, c41 = c01;
        long k4 = 0;
        int kk = 0;
        // Two K steps per iteration: C2 does not unroll this loop, and its loop-carried bookkeeping
        // (a pointer register shuttled through an xmm register) would otherwise cap it below FMA speed.
        for (; kk < k - 1; kk += 2, k4 += 2 * Float.BYTES) {
            FloatVector b0 = FloatVector.fromArray(S, panels, w);
            FloatVector b1 = FloatVector.fromArray(S, panels, w + L);
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
            b0 = FloatVector.fromArray(S, panels, w + PANEL);
            b1 = FloatVector.fromArray(S, panels, w + PANEL + L);
            x = FloatVector.broadcast(S, in.get(F, i0 + k4 + Float.BYTES));
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, in.get(F, i1 + k4 + Float.BYTES));
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, in.get(F, i2 + k4 + Float.BYTES));
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, in.get(F, i3 + k4 + Float.BYTES));
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, in.get(F, i4 + k4 + Float.BYTES));
            c40 = b0.fma(x, c40);
            c41 = b1.fma(x, c41);
            w += 2 * PANEL;
        }
        if (kk < k) { // odd K: the last step
            FloatVector b0 = FloatVector.fromArray(S, panels, w);
            FloatVector b1 = FloatVector.fromArray(S, panels, w + L);
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
                   float[] scratch) {
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
