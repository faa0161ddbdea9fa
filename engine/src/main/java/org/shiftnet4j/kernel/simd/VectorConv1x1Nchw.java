package org.shiftnet4j.kernel.simd;

import static org.shiftnet4j.kernel.simd.VectorKernels.S;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import org.shiftnet4j.kernel.Conv1x1Weights;
import org.shiftnet4j.tensor.Tensor;

/**
 * NCHW pointwise convolution as a GEMM: M = Cout, N = output pixels, K = Cin; the input planes are already a
 * K×N matrix, so nothing is copied. A register tile is {@value #MR} output channels × two vectors of pixels
 * (10 accumulators); every K step loads two pixel vectors of one input channel and broadcasts the {@value #MR}
 * packed weights of that channel. Accumulators start from the panel's biases (or, after the first K block, from
 * the output); ReLU and the store follow the K loop.
 *
 * <p>Loop nest: K blocks of {@link #kBlock} channels → pixel strips of {@link #NR} → weight panels. The strip's
 * K block of input (the micro-panel every panel re-reads) stays in L1 while the weights stream from L2.
 *
 * <p>Pixels are walked as rows: a dense input plane (no border, stride 1) is one row of H·W pixels, otherwise
 * each output row is one. No kernel uses masks (C1 cannot compile kernels full of masked operations; see the
 * note on the generated kernels). A strip shorter than {@link #NR} reads an unmasked window placed inside the
 * segment (running on past the row's end, or, near the segment's end, ending at the row's end), computes into a
 * per-thread scratch row, and copies out only its own lanes. The same route "scatters" the strips of a dense input
 * into an output whose rows are not contiguous (a bordered output). Output channels past Cout are zero rows of
 * the last panel and are never stored.
 *
 * <p>Stride 2 loads four vectors of input per K step and keeps the even pixels with constant two-vector shuffles
 * ({@link #EVEN}, and {@link #ODD} on a window one float early, so that no strip reads past its last pixel). That
 * costs shuffles in the K loop (repeated for every panel) but needs no scratch copy of the input and no extra pass
 * over memory; stride 2 convolutions are rare in shift networks. Larger strides use a plain loop.
 */
final class VectorConv1x1Nchw {
    private VectorConv1x1Nchw() {
    }

    static final int L = S.length();
    /** Output channels per register tile; the weights are packed in panels of this many. */
    static final int MR = Conv1x1Weights.ROW_PANEL;
    /** Pixels per register tile. */
    static final int NR = 2 * L;
    /** Bytes of the input micro-panel (K block × NR pixels) that every weight panel re-reads: about half of L1. */
    private static final int MICRO_PANEL_BYTES = 24 * 1024;
    /** Lane i takes lane 2i of the pair (this, other): the even pixels of 2L consecutive ones. */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);
    /** Lane i takes lane 2i+1 of the pair: the even pixels of a window that starts one float early. */
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, i -> 2 * i + 1);

    /**
     * Per-thread landing place of a tile that is not all ours (vector stores, then a scalar copy of our lanes).
     * Masked vector stores would do, but C1 gives up on a kernel with ten of them ("out of virtual registers"),
     * after which HotSpot can leave it in slow tier-2 code that boxes every vector for a long time.
     */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[MR * NR]);

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final long VECTOR_BYTES = (long) L * Float.BYTES;

    static void conv1x1(Tensor in, Conv1x1Weights wt, int stride, boolean relu, Tensor out) {
        if (stride > 2 || in.strideW() != 1 || out.strideW() != 1) {
            plain(in, wt, stride, relu, out);
            return;
        }
        int cin = wt.inChannels(), cout = wt.outChannels();
        float[] panels = wt.rowPanels();
        int panelSize = wt.panelSize(MR), panelCount = wt.panelCount(MR);
        int oh = out.height(), ow = out.width();
        MemorySegment src = in.segment(), dst = out.segment();

        // A dense input plane (no border, stride 1) is one row of H·W pixels. If the output plane is dense too the
        // strips store straight into it; otherwise (a bordered output, e.g. the buffer a shift reads next) they
        // "scatter": go through the scratch row and out in row pieces, which beats strips of one short row each.
        boolean denseIn = stride == 1 && in.strideH() == ow;
        boolean dense = denseIn && out.strideH() == ow, scatter = denseIn && !dense;
        int rowLength = denseIn ? oh * ow : ow, rows = denseIn ? 1 : oh;
        long inRow = stride * in.strideH() * Float.BYTES, outRow = out.strideH() * Float.BYTES;
        long inChannel = in.strideC() * Float.BYTES, outChannel = out.strideC() * Float.BYTES;
        long inPixel = (long) stride * Float.BYTES;
        // Bytes one strip reads per input channel (full strips never read past their last pixel).
        long window = stride == 1 ? 2 * VECTOR_BYTES : 4 * VECTOR_BYTES - Float.BYTES, inSize = src.byteSize();
        int kBlock = kBlock(cin);
        float[] scratch = SCRATCH.get();

        for (int n = 0; n < out.batch(); n++) {
            long inImage = in.index(n, 0, 0, 0) * Float.BYTES, outImage = out.index(n, 0, 0, 0) * Float.BYTES;
            for (int k0 = 0; k0 < cin; k0 += kBlock) {
                int k = Math.min(kBlock, cin - k0);
                boolean accumulate = k0 > 0, reluNow = relu && k0 + k == cin;
                long inSpan = (k - 1) * inChannel + window;
                for (int row = 0; row < rows; row++) {
                    long inBase = inImage + row * inRow + k0 * inChannel, outBase = outImage + row * outRow;
                    for (int x = 0; x < rowLength; x += NR) {
                        int pixels = Math.min(NR, rowLength - x), from = 0, to = pixels;
                        long i = inBase + x * inPixel, o = outBase + x * (long) Float.BYTES;
                        if (pixels < NR && i + inSpan > inSize) {
                            // The window past the row's end would leave the segment: end it at the row's end instead.
                            // Its lanes before `from` are pixels that are not ours to store (copyLanes skips them).
                            from = NR - pixels;
                            to = NR;
                            if (i - from * inPixel < 0) { // a tensor smaller than one strip
                                if (scatter) plainStrip(src, i, inChannel, inPixel, k, panels, panelSize, k0, cout, dst,
                                        outImage, outRow, ow, x, outChannel, pixels, accumulate, reluNow);
                                else plainStrip(src, i, inChannel, inPixel, k, panels, panelSize, k0, cout, dst,
                                        outBase, 0, rowLength, x, outChannel, pixels, accumulate, reluNow);
                                continue;
                            }
                            i -= from * inPixel;
                            o -= from * (long) Float.BYTES;
                        }
                        for (int panel = 0; panel < panelCount; panel++) {
                            int co = panel * MR, valid = Math.min(MR, cout - co);
                            int w = panel * panelSize + (k0 + 1) * MR;
                            long oc = o + co * outChannel;
                            if (scatter) {
                                stripPartial(src, i, inChannel, k, panels, w, accumulate, scratch);
                                scatterLanes(scratch, dst, outImage + co * outChannel, outRow, ow, x - from,
                                        outChannel, valid, from, to, accumulate, reluNow);
                            } else if (pixels == NR) {
                                if (stride == 1) {
                                    if (accumulate) stripAccumulate(src, i, inChannel, k, panels, w, dst, oc, outChannel, valid, reluNow);
                                    else strip(src, i, inChannel, k, panels, w, dst, oc, outChannel, valid, reluNow);
                                } else {
                                    if (accumulate) strip2Accumulate(src, i, inChannel, k, panels, w, dst, oc, outChannel, valid, reluNow);
                                    else strip2(src, i, inChannel, k, panels, w, dst, oc, outChannel, valid, reluNow);
                                }
                            } else {
                                if (stride == 1) stripPartial(src, i, inChannel, k, panels, w, accumulate, scratch);
                                else strip2Partial(src, i, inChannel, k, panels, w, accumulate, scratch);
                                copyLanes(scratch, dst, oc, outChannel, valid, from, to, accumulate, reluNow);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Copies lanes {@code from ≤ j < to} of the first {@code valid} scratch rows to output channel rows
     * {@code o, o + outChannel, ...}, adding the partial sums already there when {@code accumulate}, then ReLU.
     * A vector's worth of lanes that is wholly ours moves as one vector; the rest lane by lane.
     */
    private static void copyLanes(float[] scratch, MemorySegment out, long o, long outChannel, int valid, int from,
                                  int to, boolean accumulate, boolean relu) {
        boolean lowWhole = from == 0 && to >= L, highWhole = from <= L && to == NR;
        int scalarFrom = lowWhole ? L : from, scalarTo = highWhole ? Math.min(to, L) : to;
        for (int r = 0; r < valid; r++, o += outChannel) {
            if (lowWhole) copyVector(scratch, r * NR, out, o, accumulate, relu);
            if (highWhole) copyVector(scratch, r * NR + L, out, o + VECTOR_BYTES, accumulate, relu);
            for (int j = scalarFrom; j < scalarTo; j++) {
                long at = o + j * (long) Float.BYTES;
                float v = accumulate ? scratch[r * NR + j] + out.get(F, at) : scratch[r * NR + j];
                out.set(F, at, relu ? Math.max(v, 0f) : v);
            }
        }
    }

    /**
     * {@link #copyLanes} for a strip whose lane j is pixel {@code first + j} of a plane of rows of {@code width}
     * pixels, {@code outRow} bytes apart: the lanes go out row piece by row piece.
     */
    private static void scatterLanes(float[] scratch, MemorySegment out, long plane, long outRow, int width,
                                     int first, long outChannel, int valid, int from, int to, boolean accumulate,
                                     boolean relu) {
        for (int j = from; j < to; ) {
            int pixel = first + j, y = pixel / width, x = pixel - y * width, count = Math.min(to - j, width - x);
            long o = plane + y * outRow + x * (long) Float.BYTES;
            for (int r = 0; r < valid; r++, o += outChannel) {
                int c = 0;
                for (; c + L <= count; c += L) {
                    copyVector(scratch, r * NR + j + c, out, o + c * (long) Float.BYTES, accumulate, relu);
                }
                for (; c < count; c++) {
                    long at = o + c * (long) Float.BYTES;
                    float v = accumulate ? scratch[r * NR + j + c] + out.get(F, at) : scratch[r * NR + j + c];
                    out.set(F, at, relu ? Math.max(v, 0f) : v);
                }
            }
            j += count;
        }
    }

    /** One vector of scratch to the output (plus the partial sum there, then ReLU, when asked). */
    static void copyVector(float[] scratch, int index, MemorySegment out, long at, boolean accumulate, boolean relu) {
        FloatVector v = FloatVector.fromArray(S, scratch, index);
        if (accumulate) v = v.add(FloatVector.fromMemorySegment(S, out, at, NATIVE));
        if (relu) v = v.max(0f);
        v.intoMemorySegment(out, at, NATIVE);
    }

    /**
     * Scalar version of one K block of a strip of {@code pixels}, for tensors too small to hold a vector window.
     * Same packed weights and the same start (bias or partial sum) as the kernels; output pixel {@code p = first + x}
     * is at {@code plane + (p / width)·outRow + (p % width)·4}.
     */
    private static void plainStrip(MemorySegment in, long i, long inChannel, long inPixel, int k, float[] panels,
                                   int panelSize, int k0, int cout, MemorySegment out, long plane, long outRow,
                                   int width, int first, long outChannel, int pixels, boolean accumulate, boolean relu) {
        for (int co = 0; co < cout; co++) {
            int panelStart = co / MR * panelSize + co % MR;
            for (int x = 0; x < pixels; x++) {
                int p = first + x;
                long at = plane + co * outChannel + (p / width) * outRow + (p % width) * (long) Float.BYTES;
                float acc = accumulate ? out.get(F, at) : panels[panelStart];
                for (int kk = 0; kk < k; kk++) {
                    acc = Math.fma(panels[panelStart + (k0 + kk + 1) * MR], in.get(F, i + kk * inChannel + x * inPixel), acc);
                }
                out.set(F, at, relu ? Math.max(acc, 0f) : acc);
            }
        }
    }

    /** Input channels per K block: equal blocks no larger than the L1 micro-panel budget allows. */
    static int kBlock(int cin) {
        int max = Math.max(16, MICRO_PANEL_BYTES / (NR * Float.BYTES));
        int blocks = (cin + max - 1) / max;
        return (cin + blocks - 1) / blocks;
    }

    // ---- generated kernels (begin) ----
    // One template, expanded per case and kept inline on purpose. A helper that takes or returns vectors boxes them
    // whenever C2 declines to inline it; and each case is its own small method because C1 gives up on a method with
    // too many vector operations ("out of virtual registers"), after which HotSpot may leave it in slow, boxing
    // tier-2 code for a long time instead of compiling it with C2.

    /** {@value #MR} channels × {@link #NR} pixels over {@code k} input channels from byte offset {@code i}; starts from the biases ({@code w − MR}). */
    private static void strip(MemorySegment in, long i, long inChannel, int k, float[] panels, int w,
                   MemorySegment out, long o, long outChannel, int valid, boolean relu) {
        FloatVector c00 = FloatVector.broadcast(S, panels[w - MR]), c01 = c00;
        FloatVector c10 = FloatVector.broadcast(S, panels[w - MR + 1]), c11 = c10;
        FloatVector c20 = FloatVector.broadcast(S, panels[w - MR + 2]), c21 = c20;
        FloatVector c30 = FloatVector.broadcast(S, panels[w - MR + 3]), c31 = c30;
        FloatVector c40 = FloatVector.broadcast(S, panels[w - MR + 4]), c41 = c40;
        for (int kk = 0; kk < k; kk++) {
            FloatVector x0 = FloatVector.fromMemorySegment(S, in, i, NATIVE);
            FloatVector x1 = FloatVector.fromMemorySegment(S, in, i + VECTOR_BYTES, NATIVE);
            i += inChannel;
            FloatVector b = FloatVector.broadcast(S, panels[w]);
            c00 = x0.fma(b, c00);
            c01 = x1.fma(b, c01);
            b = FloatVector.broadcast(S, panels[w + 1]);
            c10 = x0.fma(b, c10);
            c11 = x1.fma(b, c11);
            b = FloatVector.broadcast(S, panels[w + 2]);
            c20 = x0.fma(b, c20);
            c21 = x1.fma(b, c21);
            b = FloatVector.broadcast(S, panels[w + 3]);
            c30 = x0.fma(b, c30);
            c31 = x1.fma(b, c31);
            b = FloatVector.broadcast(S, panels[w + 4]);
            c40 = x0.fma(b, c40);
            c41 = x1.fma(b, c41);
            w += MR;
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
        // Only the first `valid` rows are channels; the others are the panel's zero padding.
        c00.intoMemorySegment(out, o, NATIVE);
        c01.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE);
        if (valid == 1) return;
        o += outChannel;
        c10.intoMemorySegment(out, o, NATIVE);
        c11.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE);
        if (valid == 2) return;
        o += outChannel;
        c20.intoMemorySegment(out, o, NATIVE);
        c21.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE);
        if (valid == 3) return;
        o += outChannel;
        c30.intoMemorySegment(out, o, NATIVE);
        c31.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE);
        if (valid == 4) return;
        o += outChannel;
        c40.intoMemorySegment(out, o, NATIVE);
        c41.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE);
    }

    /** {@link #strip} adding to the partial sums of earlier K blocks. */
    private static void stripAccumulate(MemorySegment in, long i, long inChannel, int k, float[] panels, int w,
                   MemorySegment out, long o, long outChannel, int valid, boolean relu) {
        // Padding rows (past Cout) read the last real row instead: in bounds, and never stored.
        int last = valid - 1;
        FloatVector c00 = FloatVector.fromMemorySegment(S, out, o, NATIVE);
        FloatVector c01 = FloatVector.fromMemorySegment(S, out, o + VECTOR_BYTES, NATIVE);
        FloatVector c10 = FloatVector.fromMemorySegment(S, out, o + Math.min(1, last) * outChannel, NATIVE);
        FloatVector c11 = FloatVector.fromMemorySegment(S, out, o + Math.min(1, last) * outChannel + VECTOR_BYTES, NATIVE);
        FloatVector c20 = FloatVector.fromMemorySegment(S, out, o + Math.min(2, last) * outChannel, NATIVE);
        FloatVector c21 = FloatVector.fromMemorySegment(S, out, o + Math.min(2, last) * outChannel + VECTOR_BYTES, NATIVE);
        FloatVector c30 = FloatVector.fromMemorySegment(S, out, o + Math.min(3, last) * outChannel, NATIVE);
        FloatVector c31 = FloatVector.fromMemorySegment(S, out, o + Math.min(3, last) * outChannel + VECTOR_BYTES, NATIVE);
        FloatVector c40 = FloatVector.fromMemorySegment(S, out, o + Math.min(4, last) * outChannel, NATIVE);
        FloatVector c41 = FloatVector.fromMemorySegment(S, out, o + Math.min(4, last) * outChannel + VECTOR_BYTES, NATIVE);
        for (int kk = 0; kk < k; kk++) {
            FloatVector x0 = FloatVector.fromMemorySegment(S, in, i, NATIVE);
            FloatVector x1 = FloatVector.fromMemorySegment(S, in, i + VECTOR_BYTES, NATIVE);
            i += inChannel;
            FloatVector b = FloatVector.broadcast(S, panels[w]);
            c00 = x0.fma(b, c00);
            c01 = x1.fma(b, c01);
            b = FloatVector.broadcast(S, panels[w + 1]);
            c10 = x0.fma(b, c10);
            c11 = x1.fma(b, c11);
            b = FloatVector.broadcast(S, panels[w + 2]);
            c20 = x0.fma(b, c20);
            c21 = x1.fma(b, c21);
            b = FloatVector.broadcast(S, panels[w + 3]);
            c30 = x0.fma(b, c30);
            c31 = x1.fma(b, c31);
            b = FloatVector.broadcast(S, panels[w + 4]);
            c40 = x0.fma(b, c40);
            c41 = x1.fma(b, c41);
            w += MR;
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
        // Only the first `valid` rows are channels; the others are the panel's zero padding.
        c00.intoMemorySegment(out, o, NATIVE);
        c01.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE);
        if (valid == 1) return;
        o += outChannel;
        c10.intoMemorySegment(out, o, NATIVE);
        c11.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE);
        if (valid == 2) return;
        o += outChannel;
        c20.intoMemorySegment(out, o, NATIVE);
        c21.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE);
        if (valid == 3) return;
        o += outChannel;
        c30.intoMemorySegment(out, o, NATIVE);
        c31.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE);
        if (valid == 4) return;
        o += outChannel;
        c40.intoMemorySegment(out, o, NATIVE);
        c41.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE);
    }

    /** {@link #strip} for stride 2: output pixel x reads input pixel 2x; reads input floats {@code 0..2·NR−2} of the window, no further. */
    private static void strip2(MemorySegment in, long i, long inChannel, int k, float[] panels, int w,
                   MemorySegment out, long o, long outChannel, int valid, boolean relu) {
        FloatVector c00 = FloatVector.broadcast(S, panels[w - MR]), c01 = c00;
        FloatVector c10 = FloatVector.broadcast(S, panels[w - MR + 1]), c11 = c10;
        FloatVector c20 = FloatVector.broadcast(S, panels[w - MR + 2]), c21 = c20;
        FloatVector c30 = FloatVector.broadcast(S, panels[w - MR + 3]), c31 = c30;
        FloatVector c40 = FloatVector.broadcast(S, panels[w - MR + 4]), c41 = c40;
        for (int kk = 0; kk < k; kk++) {
            FloatVector x0 = FloatVector.fromMemorySegment(S, in, i, NATIVE).rearrange(EVEN, FloatVector.fromMemorySegment(S, in, i + VECTOR_BYTES, NATIVE));
            FloatVector x1 = FloatVector.fromMemorySegment(S, in, i + 2 * VECTOR_BYTES - Float.BYTES, NATIVE)
                    .rearrange(ODD, FloatVector.fromMemorySegment(S, in, i + 3 * VECTOR_BYTES - Float.BYTES, NATIVE));
            i += inChannel;
            FloatVector b = FloatVector.broadcast(S, panels[w]);
            c00 = x0.fma(b, c00);
            c01 = x1.fma(b, c01);
            b = FloatVector.broadcast(S, panels[w + 1]);
            c10 = x0.fma(b, c10);
            c11 = x1.fma(b, c11);
            b = FloatVector.broadcast(S, panels[w + 2]);
            c20 = x0.fma(b, c20);
            c21 = x1.fma(b, c21);
            b = FloatVector.broadcast(S, panels[w + 3]);
            c30 = x0.fma(b, c30);
            c31 = x1.fma(b, c31);
            b = FloatVector.broadcast(S, panels[w + 4]);
            c40 = x0.fma(b, c40);
            c41 = x1.fma(b, c41);
            w += MR;
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
        // Only the first `valid` rows are channels; the others are the panel's zero padding.
        c00.intoMemorySegment(out, o, NATIVE);
        c01.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE);
        if (valid == 1) return;
        o += outChannel;
        c10.intoMemorySegment(out, o, NATIVE);
        c11.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE);
        if (valid == 2) return;
        o += outChannel;
        c20.intoMemorySegment(out, o, NATIVE);
        c21.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE);
        if (valid == 3) return;
        o += outChannel;
        c30.intoMemorySegment(out, o, NATIVE);
        c31.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE);
        if (valid == 4) return;
        o += outChannel;
        c40.intoMemorySegment(out, o, NATIVE);
        c41.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE);
    }

    /** {@link #strip2} adding to the partial sums of earlier K blocks. */
    private static void strip2Accumulate(MemorySegment in, long i, long inChannel, int k, float[] panels, int w,
                   MemorySegment out, long o, long outChannel, int valid, boolean relu) {
        // Padding rows (past Cout) read the last real row instead: in bounds, and never stored.
        int last = valid - 1;
        FloatVector c00 = FloatVector.fromMemorySegment(S, out, o, NATIVE);
        FloatVector c01 = FloatVector.fromMemorySegment(S, out, o + VECTOR_BYTES, NATIVE);
        FloatVector c10 = FloatVector.fromMemorySegment(S, out, o + Math.min(1, last) * outChannel, NATIVE);
        FloatVector c11 = FloatVector.fromMemorySegment(S, out, o + Math.min(1, last) * outChannel + VECTOR_BYTES, NATIVE);
        FloatVector c20 = FloatVector.fromMemorySegment(S, out, o + Math.min(2, last) * outChannel, NATIVE);
        FloatVector c21 = FloatVector.fromMemorySegment(S, out, o + Math.min(2, last) * outChannel + VECTOR_BYTES, NATIVE);
        FloatVector c30 = FloatVector.fromMemorySegment(S, out, o + Math.min(3, last) * outChannel, NATIVE);
        FloatVector c31 = FloatVector.fromMemorySegment(S, out, o + Math.min(3, last) * outChannel + VECTOR_BYTES, NATIVE);
        FloatVector c40 = FloatVector.fromMemorySegment(S, out, o + Math.min(4, last) * outChannel, NATIVE);
        FloatVector c41 = FloatVector.fromMemorySegment(S, out, o + Math.min(4, last) * outChannel + VECTOR_BYTES, NATIVE);
        for (int kk = 0; kk < k; kk++) {
            FloatVector x0 = FloatVector.fromMemorySegment(S, in, i, NATIVE).rearrange(EVEN, FloatVector.fromMemorySegment(S, in, i + VECTOR_BYTES, NATIVE));
            FloatVector x1 = FloatVector.fromMemorySegment(S, in, i + 2 * VECTOR_BYTES - Float.BYTES, NATIVE)
                    .rearrange(ODD, FloatVector.fromMemorySegment(S, in, i + 3 * VECTOR_BYTES - Float.BYTES, NATIVE));
            i += inChannel;
            FloatVector b = FloatVector.broadcast(S, panels[w]);
            c00 = x0.fma(b, c00);
            c01 = x1.fma(b, c01);
            b = FloatVector.broadcast(S, panels[w + 1]);
            c10 = x0.fma(b, c10);
            c11 = x1.fma(b, c11);
            b = FloatVector.broadcast(S, panels[w + 2]);
            c20 = x0.fma(b, c20);
            c21 = x1.fma(b, c21);
            b = FloatVector.broadcast(S, panels[w + 3]);
            c30 = x0.fma(b, c30);
            c31 = x1.fma(b, c31);
            b = FloatVector.broadcast(S, panels[w + 4]);
            c40 = x0.fma(b, c40);
            c41 = x1.fma(b, c41);
            w += MR;
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
        // Only the first `valid` rows are channels; the others are the panel's zero padding.
        c00.intoMemorySegment(out, o, NATIVE);
        c01.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE);
        if (valid == 1) return;
        o += outChannel;
        c10.intoMemorySegment(out, o, NATIVE);
        c11.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE);
        if (valid == 2) return;
        o += outChannel;
        c20.intoMemorySegment(out, o, NATIVE);
        c21.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE);
        if (valid == 3) return;
        o += outChannel;
        c30.intoMemorySegment(out, o, NATIVE);
        c31.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE);
        if (valid == 4) return;
        o += outChannel;
        c40.intoMemorySegment(out, o, NATIVE);
        c41.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE);
    }

    /** {@link #strip} into {@code scratch} ({@value #MR} rows of NR lanes) for a strip that is not all ours; loads stay unmasked, the caller places the window. */
    private static void stripPartial(MemorySegment in, long i, long inChannel, int k, float[] panels, int w, boolean accumulate,
                   float[] scratch) {
        // From zero when accumulating: the copy out of the scratch adds the earlier K blocks' partial sums.
        FloatVector c00 = accumulate ? FloatVector.zero(S) : FloatVector.broadcast(S, panels[w - MR]), c01 = c00;
        FloatVector c10 = accumulate ? FloatVector.zero(S) : FloatVector.broadcast(S, panels[w - MR + 1]), c11 = c10;
        FloatVector c20 = accumulate ? FloatVector.zero(S) : FloatVector.broadcast(S, panels[w - MR + 2]), c21 = c20;
        FloatVector c30 = accumulate ? FloatVector.zero(S) : FloatVector.broadcast(S, panels[w - MR + 3]), c31 = c30;
        FloatVector c40 = accumulate ? FloatVector.zero(S) : FloatVector.broadcast(S, panels[w - MR + 4]), c41 = c40;
        for (int kk = 0; kk < k; kk++) {
            FloatVector x0 = FloatVector.fromMemorySegment(S, in, i, NATIVE);
            FloatVector x1 = FloatVector.fromMemorySegment(S, in, i + VECTOR_BYTES, NATIVE);
            i += inChannel;
            FloatVector b = FloatVector.broadcast(S, panels[w]);
            c00 = x0.fma(b, c00);
            c01 = x1.fma(b, c01);
            b = FloatVector.broadcast(S, panels[w + 1]);
            c10 = x0.fma(b, c10);
            c11 = x1.fma(b, c11);
            b = FloatVector.broadcast(S, panels[w + 2]);
            c20 = x0.fma(b, c20);
            c21 = x1.fma(b, c21);
            b = FloatVector.broadcast(S, panels[w + 3]);
            c30 = x0.fma(b, c30);
            c31 = x1.fma(b, c31);
            b = FloatVector.broadcast(S, panels[w + 4]);
            c40 = x0.fma(b, c40);
            c41 = x1.fma(b, c41);
            w += MR;
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

    /** {@link #stripPartial} for stride 2. */
    private static void strip2Partial(MemorySegment in, long i, long inChannel, int k, float[] panels, int w, boolean accumulate,
                   float[] scratch) {
        // From zero when accumulating: the copy out of the scratch adds the earlier K blocks' partial sums.
        FloatVector c00 = accumulate ? FloatVector.zero(S) : FloatVector.broadcast(S, panels[w - MR]), c01 = c00;
        FloatVector c10 = accumulate ? FloatVector.zero(S) : FloatVector.broadcast(S, panels[w - MR + 1]), c11 = c10;
        FloatVector c20 = accumulate ? FloatVector.zero(S) : FloatVector.broadcast(S, panels[w - MR + 2]), c21 = c20;
        FloatVector c30 = accumulate ? FloatVector.zero(S) : FloatVector.broadcast(S, panels[w - MR + 3]), c31 = c30;
        FloatVector c40 = accumulate ? FloatVector.zero(S) : FloatVector.broadcast(S, panels[w - MR + 4]), c41 = c40;
        for (int kk = 0; kk < k; kk++) {
            FloatVector x0 = FloatVector.fromMemorySegment(S, in, i, NATIVE).rearrange(EVEN, FloatVector.fromMemorySegment(S, in, i + VECTOR_BYTES, NATIVE));
            FloatVector x1 = FloatVector.fromMemorySegment(S, in, i + 2 * VECTOR_BYTES - Float.BYTES, NATIVE)
                    .rearrange(ODD, FloatVector.fromMemorySegment(S, in, i + 3 * VECTOR_BYTES - Float.BYTES, NATIVE));
            i += inChannel;
            FloatVector b = FloatVector.broadcast(S, panels[w]);
            c00 = x0.fma(b, c00);
            c01 = x1.fma(b, c01);
            b = FloatVector.broadcast(S, panels[w + 1]);
            c10 = x0.fma(b, c10);
            c11 = x1.fma(b, c11);
            b = FloatVector.broadcast(S, panels[w + 2]);
            c20 = x0.fma(b, c20);
            c21 = x1.fma(b, c21);
            b = FloatVector.broadcast(S, panels[w + 3]);
            c30 = x0.fma(b, c30);
            c31 = x1.fma(b, c31);
            b = FloatVector.broadcast(S, panels[w + 4]);
            c40 = x0.fma(b, c40);
            c41 = x1.fma(b, c41);
            w += MR;
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

    /** Strides above 2 (no shift network uses them): one output at a time, in the reference's order of terms. */
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
