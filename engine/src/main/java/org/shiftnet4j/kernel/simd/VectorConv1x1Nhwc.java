package org.shiftnet4j.kernel.simd;

import static org.shiftnet4j.kernel.simd.VectorKernels.S;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import org.shiftnet4j.kernel.Conv1x1Weights;
import org.shiftnet4j.tensor.Tensor;

/**
 * NHWC pointwise convolution as a GEMM: M = output pixels, N = Cout, K = Cin (XNNPACK's broadcast scheme). Every K
 * step of a register tile loads its vectors of a packed weight panel and broadcasts one input scalar per pixel; the
 * accumulators start from the panel's bias row, and ReLU and the single store come after the K loop.
 *
 * <p>Tiles. With 16-lane vectors (AVX-512, 32 registers) the main tile is 4 pixels × 4 vectors
 * (16 accumulators): measured on the build machine (Zen 5), it beat 5–12 × 2 and 6–7 × 3, mostly because a wider
 * tile spreads the fixed cost of a tile (offsets, range-check predicates, stores) over more FMAs, which decides the
 * short-K layers (Cin 32–64 reach 84–91% of the FMA peak instead of 74–82% with 7 × 2). With narrower vectors the
 * main tile is 5 × 2 (10 accumulators), which fits the 16 registers of AVX2 without spills. Output channels left
 * over after the main tiles go through 7 × 2 (only with 32 registers) and 8 × 1 tiles. The K loop
 * is not unrolled: unrolling it by two measured slower (more general registers live than x86 has).
 *
 * <p>Runs. A kernel call covers a run of pixels equally spaced in both tensors: the whole image (in blocks whose
 * input stays in L2 while every weight panel sweeps it) when the image is dense and the stride 1, otherwise one
 * output row. A tile that runs past the end of its run repeats the run's last pixel (same values, stored again).
 * There is no K blocking: a K×64 weight panel streams from L2 fast enough (Cin 512 runs at ~94% of peak).
 *
 * <p>Summation order. Every output element is {@code bias}, then one FMA per input channel in order, whichever
 * tile computes it, so the bits of a channel do not depend on which other channels or pixels share the call (the
 * runtime splits output channels or rows between threads).
 *
 * <p>Channel tails (fewer than L channels left) land in a per-thread scratch row and only the real channels are
 * copied out, so channel-slice views keep their neighbours.
 */
final class VectorConv1x1Nhwc {
    private VectorConv1x1Nhwc() {
    }

    static final int L = S.length();
    /** 16 or more lanes: a machine with 32 vector registers (AVX-512), which fits the 4-vector tile. */
    static final boolean WIDE = L >= 16;
    /** Pixels of a main tile. */
    static final int TILE_ROWS = WIDE ? 4 : 5;
    /** Output channels per main tile. */
    static final int NR = WIDE ? 4 * L : 2 * L;
    /** Width of the packed weight panels: the 16-wide form built at construction, unless one tile is wider. */
    static final int PANEL = Math.max(Conv1x1Weights.COUT_ALIGN, NR);
    /** Input bytes of a block of pixels (pixels × Cin), re-read once per weight panel: well inside L2. */
    private static final long BLOCK_BYTES = 256 * 1024;

    /** Per-thread landing place of a tile with fewer than L channels ({@link #columns}' last argument). */
    static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[8 * L]);

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final long VECTOR_BYTES = (long) L * Float.BYTES;

    static void conv1x1(Tensor in, Conv1x1Weights wt, int stride, boolean relu, Tensor out) {
        int cin = wt.inChannels(), cout = wt.outChannels();
        float[] panels = wt.columnPanels(PANEL);
        int panelSize = wt.panelSize(PANEL);
        int oh = out.height(), ow = out.width(), pixels = oh * ow;
        MemorySegment src = in.segment(), dst = out.segment();

        // One run of pixels per image when consecutive output pixels are equally spaced in both tensors.
        boolean linear = stride == 1 && in.strideH() == ow * in.strideW() && out.strideH() == ow * out.strideW();
        long inPixel = stride * in.strideW() * Float.BYTES, inRow = stride * in.strideH() * Float.BYTES;
        long outPixel = out.strideW() * Float.BYTES, outRow = out.strideH() * Float.BYTES;
        // A block: pixels (linear) or whole rows whose input stays in L2 while every panel sweeps it.
        long pixelBytes = (long) cin * Float.BYTES;
        int block = linear ? (int) Math.max(TILE_ROWS, Math.min(pixels, BLOCK_BYTES / pixelBytes) / TILE_ROWS * TILE_ROWS)
                : (int) Math.max(1, Math.min(oh, BLOCK_BYTES / (pixelBytes * ow)));
        int extent = linear ? pixels : oh;
        float[] scratch = SCRATCH.get();

        for (int n = 0; n < out.batch(); n++) {
            long inBase = in.index(n, 0, 0, 0) * Float.BYTES, outBase = out.index(n, 0, 0, 0) * Float.BYTES;
            for (int first = 0; first < extent; first += block) {
                int end = Math.min(extent, first + block);
                for (int co = 0; co < cout; co += NR) {
                    int w = co / PANEL * panelSize + PANEL + co % PANEL, channels = Math.min(NR, cout - co);
                    long oc = outBase + (long) co * Float.BYTES;
                    if (linear) {
                        columns(src, cin, panels, w, inBase + first * inPixel, inPixel, end - first,
                                dst, oc + first * outPixel, outPixel, relu, channels, scratch);
                    } else {
                        for (int row = first; row < end; row++) {
                            columns(src, cin, panels, w, inBase + row * inRow, inPixel, ow, dst,
                                    oc + row * outRow, outPixel, relu, channels, scratch);
                        }
                    }
                }
            }
        }
    }

    /**
     * One run of pixels for {@code channels} (≤ NR) output channels starting at weight index {@code w} of
     * {@link Conv1x1Weights#columnPanels(int) columnPanels(PANEL)}: a main tile when they fill one, otherwise
     * two-vector tiles, then one-vector tiles. A pixel's input channels are consecutive floats (the K loop's constant
     * step is what lets C2 drop its range checks). Also used by {@link VectorConv1x1Nchw} for small planes.
     */
    static void columns(MemorySegment in, int k, float[] panels, int w, long i, long inPixel, int count,
                        MemorySegment out, long o, long outPixel, boolean relu, int channels, float[] scratch) {
        if (channels == NR) {
            if (WIDE) run4x4(in, k, panels, w, i, inPixel, count, out, o, outPixel, relu);
            else run5x2(in, k, panels, w, i, inPixel, count, out, o, outPixel, relu);
            return;
        }
        int v = 0;
        for (; v + 2 * L <= channels; v += 2 * L) { // only when WIDE: otherwise NR = 2L
            run7x2(in, k, panels, w + v, i, inPixel, count, out, o + v * (long) Float.BYTES, outPixel, relu);
        }
        for (; v < channels; v += L) {
            run8x1(in, k, panels, w + v, i, inPixel, count, out, o + v * (long) Float.BYTES, outPixel, relu,
                    Math.min(L, channels - v), scratch);
        }
    }

    /** Copies the first {@code lanes} floats of a scratch row to the output. */
    private static void copyRow(float[] scratch, int from, MemorySegment out, long o, int lanes) {
        for (int j = 0; j < lanes; j++) out.set(F, o + j * (long) Float.BYTES, scratch[from + j]);
    }

    // ---- generated kernels (begin) ----
    // One template, expanded per tile shape and kept inline on purpose. A helper that takes or returns vectors
    // boxes them whenever C2 declines to inline it; and each case is its own small method because C1 gives up on
    // a method with too many vector operations ("out of virtual registers"), after which HotSpot may leave it in
    // slow, boxing tier-2 code for a long time instead of compiling it with C2.
    // Each kernel: a run of {@code count} pixels, input pixel j at byte {@code i + j·inPixel} and output pixel j at
    // {@code o + j·outPixel}; weights from index {@code w} (the first input channel's row of the panel, the bias
    // row {@code PANEL} floats before it); all {@code k} input channels.

    /** Tiles of 4 pixels × 4 vectors of channels. */
    private static void run4x4(MemorySegment in, int k, float[] panels, int w, long i, long inPixel, int count,
                             MemorySegment out, long o, long outPixel, boolean relu) {
        int last = count - 1;
        for (int p = 0; p < count; p += 4) {
            long i0 = i + p * inPixel, o0 = o + p * outPixel;
            int p1 = Math.min(p + 1, last);
            long i1 = i + p1 * inPixel, o1 = o + p1 * outPixel;
            int p2 = Math.min(p + 2, last);
            long i2 = i + p2 * inPixel, o2 = o + p2 * outPixel;
            int p3 = Math.min(p + 3, last);
            long i3 = i + p3 * inPixel, o3 = o + p3 * outPixel;
            FloatVector c00 = FloatVector.fromArray(S, panels, w - PANEL);
            FloatVector c01 = FloatVector.fromArray(S, panels, w - PANEL + L);
            FloatVector c02 = FloatVector.fromArray(S, panels, w - PANEL + 2 * L);
            FloatVector c03 = FloatVector.fromArray(S, panels, w - PANEL + 3 * L);
            FloatVector c10 = c00, c11 = c01, c12 = c02, c13 = c03;
            FloatVector c20 = c00, c21 = c01, c22 = c02, c23 = c03;
            FloatVector c30 = c00, c31 = c01, c32 = c02, c33 = c03;
            int wk = w;
            long k4 = 0;
            int kk = 0;
            for (; kk < k; kk++, k4 += Float.BYTES, wk += PANEL) {
                FloatVector b0 = FloatVector.fromArray(S, panels, wk);
                FloatVector b1 = FloatVector.fromArray(S, panels, wk + L);
                FloatVector b2 = FloatVector.fromArray(S, panels, wk + 2 * L);
                FloatVector b3 = FloatVector.fromArray(S, panels, wk + 3 * L);
                FloatVector x = FloatVector.broadcast(S, in.get(F, i0 + k4));
                c00 = b0.fma(x, c00);
                c01 = b1.fma(x, c01);
                c02 = b2.fma(x, c02);
                c03 = b3.fma(x, c03);
                x = FloatVector.broadcast(S, in.get(F, i1 + k4));
                c10 = b0.fma(x, c10);
                c11 = b1.fma(x, c11);
                c12 = b2.fma(x, c12);
                c13 = b3.fma(x, c13);
                x = FloatVector.broadcast(S, in.get(F, i2 + k4));
                c20 = b0.fma(x, c20);
                c21 = b1.fma(x, c21);
                c22 = b2.fma(x, c22);
                c23 = b3.fma(x, c23);
                x = FloatVector.broadcast(S, in.get(F, i3 + k4));
                c30 = b0.fma(x, c30);
                c31 = b1.fma(x, c31);
                c32 = b2.fma(x, c32);
                c33 = b3.fma(x, c33);
            }
            if (relu) {
                c00 = c00.max(0f);
                c01 = c01.max(0f);
                c02 = c02.max(0f);
                c03 = c03.max(0f);
                c10 = c10.max(0f);
                c11 = c11.max(0f);
                c12 = c12.max(0f);
                c13 = c13.max(0f);
                c20 = c20.max(0f);
                c21 = c21.max(0f);
                c22 = c22.max(0f);
                c23 = c23.max(0f);
                c30 = c30.max(0f);
                c31 = c31.max(0f);
                c32 = c32.max(0f);
                c33 = c33.max(0f);
            }
            c00.intoMemorySegment(out, o0, NATIVE);
            c01.intoMemorySegment(out, o0 + VECTOR_BYTES, NATIVE);
            c02.intoMemorySegment(out, o0 + 2 * VECTOR_BYTES, NATIVE);
            c03.intoMemorySegment(out, o0 + 3 * VECTOR_BYTES, NATIVE);
            c10.intoMemorySegment(out, o1, NATIVE);
            c11.intoMemorySegment(out, o1 + VECTOR_BYTES, NATIVE);
            c12.intoMemorySegment(out, o1 + 2 * VECTOR_BYTES, NATIVE);
            c13.intoMemorySegment(out, o1 + 3 * VECTOR_BYTES, NATIVE);
            c20.intoMemorySegment(out, o2, NATIVE);
            c21.intoMemorySegment(out, o2 + VECTOR_BYTES, NATIVE);
            c22.intoMemorySegment(out, o2 + 2 * VECTOR_BYTES, NATIVE);
            c23.intoMemorySegment(out, o2 + 3 * VECTOR_BYTES, NATIVE);
            c30.intoMemorySegment(out, o3, NATIVE);
            c31.intoMemorySegment(out, o3 + VECTOR_BYTES, NATIVE);
            c32.intoMemorySegment(out, o3 + 2 * VECTOR_BYTES, NATIVE);
            c33.intoMemorySegment(out, o3 + 3 * VECTOR_BYTES, NATIVE);
        }
    }

    /** Tiles of 7 pixels × 2 vectors of channels. */
    private static void run7x2(MemorySegment in, int k, float[] panels, int w, long i, long inPixel, int count,
                             MemorySegment out, long o, long outPixel, boolean relu) {
        int last = count - 1;
        for (int p = 0; p < count; p += 7) {
            long i0 = i + p * inPixel, o0 = o + p * outPixel;
            int p1 = Math.min(p + 1, last);
            long i1 = i + p1 * inPixel, o1 = o + p1 * outPixel;
            int p2 = Math.min(p + 2, last);
            long i2 = i + p2 * inPixel, o2 = o + p2 * outPixel;
            int p3 = Math.min(p + 3, last);
            long i3 = i + p3 * inPixel, o3 = o + p3 * outPixel;
            int p4 = Math.min(p + 4, last);
            long i4 = i + p4 * inPixel, o4 = o + p4 * outPixel;
            int p5 = Math.min(p + 5, last);
            long i5 = i + p5 * inPixel, o5 = o + p5 * outPixel;
            int p6 = Math.min(p + 6, last);
            long i6 = i + p6 * inPixel, o6 = o + p6 * outPixel;
            FloatVector c00 = FloatVector.fromArray(S, panels, w - PANEL);
            FloatVector c01 = FloatVector.fromArray(S, panels, w - PANEL + L);
            FloatVector c10 = c00, c11 = c01;
            FloatVector c20 = c00, c21 = c01;
            FloatVector c30 = c00, c31 = c01;
            FloatVector c40 = c00, c41 = c01;
            FloatVector c50 = c00, c51 = c01;
            FloatVector c60 = c00, c61 = c01;
            int wk = w;
            long k4 = 0;
            int kk = 0;
            for (; kk < k; kk++, k4 += Float.BYTES, wk += PANEL) {
                FloatVector b0 = FloatVector.fromArray(S, panels, wk);
                FloatVector b1 = FloatVector.fromArray(S, panels, wk + L);
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
                x = FloatVector.broadcast(S, in.get(F, i5 + k4));
                c50 = b0.fma(x, c50);
                c51 = b1.fma(x, c51);
                x = FloatVector.broadcast(S, in.get(F, i6 + k4));
                c60 = b0.fma(x, c60);
                c61 = b1.fma(x, c61);
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
                c50 = c50.max(0f);
                c51 = c51.max(0f);
                c60 = c60.max(0f);
                c61 = c61.max(0f);
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
            c50.intoMemorySegment(out, o5, NATIVE);
            c51.intoMemorySegment(out, o5 + VECTOR_BYTES, NATIVE);
            c60.intoMemorySegment(out, o6, NATIVE);
            c61.intoMemorySegment(out, o6 + VECTOR_BYTES, NATIVE);
        }
    }

    /** Tiles of 5 pixels × 2 vectors of channels. */
    private static void run5x2(MemorySegment in, int k, float[] panels, int w, long i, long inPixel, int count,
                             MemorySegment out, long o, long outPixel, boolean relu) {
        int last = count - 1;
        for (int p = 0; p < count; p += 5) {
            long i0 = i + p * inPixel, o0 = o + p * outPixel;
            int p1 = Math.min(p + 1, last);
            long i1 = i + p1 * inPixel, o1 = o + p1 * outPixel;
            int p2 = Math.min(p + 2, last);
            long i2 = i + p2 * inPixel, o2 = o + p2 * outPixel;
            int p3 = Math.min(p + 3, last);
            long i3 = i + p3 * inPixel, o3 = o + p3 * outPixel;
            int p4 = Math.min(p + 4, last);
            long i4 = i + p4 * inPixel, o4 = o + p4 * outPixel;
            FloatVector c00 = FloatVector.fromArray(S, panels, w - PANEL);
            FloatVector c01 = FloatVector.fromArray(S, panels, w - PANEL + L);
            FloatVector c10 = c00, c11 = c01;
            FloatVector c20 = c00, c21 = c01;
            FloatVector c30 = c00, c31 = c01;
            FloatVector c40 = c00, c41 = c01;
            int wk = w;
            long k4 = 0;
            int kk = 0;
            for (; kk < k; kk++, k4 += Float.BYTES, wk += PANEL) {
                FloatVector b0 = FloatVector.fromArray(S, panels, wk);
                FloatVector b1 = FloatVector.fromArray(S, panels, wk + L);
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
    }

    /** Tiles of 8 pixels × 1 vector of channels, of which the first {@code lanes} are stored (all of them straight, fewer through {@code scratch}). */
    private static void run8x1(MemorySegment in, int k, float[] panels, int w, long i, long inPixel, int count,
                             MemorySegment out, long o, long outPixel, boolean relu, int lanes, float[] scratch) {
        int last = count - 1;
        for (int p = 0; p < count; p += 8) {
            long i0 = i + p * inPixel, o0 = o + p * outPixel;
            int p1 = Math.min(p + 1, last);
            long i1 = i + p1 * inPixel, o1 = o + p1 * outPixel;
            int p2 = Math.min(p + 2, last);
            long i2 = i + p2 * inPixel, o2 = o + p2 * outPixel;
            int p3 = Math.min(p + 3, last);
            long i3 = i + p3 * inPixel, o3 = o + p3 * outPixel;
            int p4 = Math.min(p + 4, last);
            long i4 = i + p4 * inPixel, o4 = o + p4 * outPixel;
            int p5 = Math.min(p + 5, last);
            long i5 = i + p5 * inPixel, o5 = o + p5 * outPixel;
            int p6 = Math.min(p + 6, last);
            long i6 = i + p6 * inPixel, o6 = o + p6 * outPixel;
            int p7 = Math.min(p + 7, last);
            long i7 = i + p7 * inPixel, o7 = o + p7 * outPixel;
            FloatVector c00 = FloatVector.fromArray(S, panels, w - PANEL);
            FloatVector c10 = c00;
            FloatVector c20 = c00;
            FloatVector c30 = c00;
            FloatVector c40 = c00;
            FloatVector c50 = c00;
            FloatVector c60 = c00;
            FloatVector c70 = c00;
            int wk = w;
            long k4 = 0;
            int kk = 0;
            for (; kk < k; kk++, k4 += Float.BYTES, wk += PANEL) {
                FloatVector b0 = FloatVector.fromArray(S, panels, wk);
                FloatVector x = FloatVector.broadcast(S, in.get(F, i0 + k4));
                c00 = b0.fma(x, c00);
                x = FloatVector.broadcast(S, in.get(F, i1 + k4));
                c10 = b0.fma(x, c10);
                x = FloatVector.broadcast(S, in.get(F, i2 + k4));
                c20 = b0.fma(x, c20);
                x = FloatVector.broadcast(S, in.get(F, i3 + k4));
                c30 = b0.fma(x, c30);
                x = FloatVector.broadcast(S, in.get(F, i4 + k4));
                c40 = b0.fma(x, c40);
                x = FloatVector.broadcast(S, in.get(F, i5 + k4));
                c50 = b0.fma(x, c50);
                x = FloatVector.broadcast(S, in.get(F, i6 + k4));
                c60 = b0.fma(x, c60);
                x = FloatVector.broadcast(S, in.get(F, i7 + k4));
                c70 = b0.fma(x, c70);
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
            if (lanes == L) {
                c00.intoMemorySegment(out, o0, NATIVE);
                c10.intoMemorySegment(out, o1, NATIVE);
                c20.intoMemorySegment(out, o2, NATIVE);
                c30.intoMemorySegment(out, o3, NATIVE);
                c40.intoMemorySegment(out, o4, NATIVE);
                c50.intoMemorySegment(out, o5, NATIVE);
                c60.intoMemorySegment(out, o6, NATIVE);
                c70.intoMemorySegment(out, o7, NATIVE);
            } else {
                c00.intoArray(scratch, 0 * L);
                c10.intoArray(scratch, 1 * L);
                c20.intoArray(scratch, 2 * L);
                c30.intoArray(scratch, 3 * L);
                c40.intoArray(scratch, 4 * L);
                c50.intoArray(scratch, 5 * L);
                c60.intoArray(scratch, 6 * L);
                c70.intoArray(scratch, 7 * L);
                int rows = Math.min(8, count - p); // a repeated last pixel is copied once
                copyRow(scratch, 0, out, o0, lanes);
                if (rows > 1) copyRow(scratch, 1 * L, out, o1, lanes);
                if (rows > 2) copyRow(scratch, 2 * L, out, o2, lanes);
                if (rows > 3) copyRow(scratch, 3 * L, out, o3, lanes);
                if (rows > 4) copyRow(scratch, 4 * L, out, o4, lanes);
                if (rows > 5) copyRow(scratch, 5 * L, out, o5, lanes);
                if (rows > 6) copyRow(scratch, 6 * L, out, o6, lanes);
                if (rows > 7) copyRow(scratch, 7 * L, out, o7, lanes);
            }
        }
    }

    // ---- generated kernels (end) ----
}
