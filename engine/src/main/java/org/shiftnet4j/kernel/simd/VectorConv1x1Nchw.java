package org.shiftnet4j.kernel.simd;

import static org.shiftnet4j.kernel.simd.VectorKernels.S;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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
 * <p>Pixels are walked as rows: a dense plane (no border, stride 1) is one row of H·W pixels, otherwise each
 * output row is one. A row's last strip, when shorter than {@link #NR}, uses masked loads and stores. Output
 * channels past Cout are zero rows of the last panel and are neither read nor stored.
 *
 * <p>Stride 2 loads four vectors of input per K step and keeps the even lanes with a constant two-vector shuffle
 * ({@link #EVEN}). That costs shuffles in the K loop (repeated for every panel), but needs no scratch buffer and no
 * extra pass over memory; stride 2 convolutions are rare in shift networks. Larger strides use a plain loop.
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

        boolean dense = stride == 1 && in.strideH() == ow && out.strideH() == ow;
        int rowLength = dense ? oh * ow : ow, rows = dense ? 1 : oh;
        long inRow = stride * in.strideH() * Float.BYTES, outRow = out.strideH() * Float.BYTES;
        long inChannel = in.strideC() * Float.BYTES, outChannel = out.strideC() * Float.BYTES;
        long inPixel = (long) stride * Float.BYTES;
        int kBlock = kBlock(cin);

        for (int n = 0; n < out.batch(); n++) {
            long inImage = in.index(n, 0, 0, 0) * Float.BYTES, outImage = out.index(n, 0, 0, 0) * Float.BYTES;
            for (int k0 = 0; k0 < cin; k0 += kBlock) {
                int k = Math.min(kBlock, cin - k0);
                boolean accumulate = k0 > 0, reluNow = relu && k0 + k == cin;
                // A full stride-2 strip reads one float past its last even pixel: not past the segment's end.
                long lastSafeStart = src.byteSize() - (k - 1) * inChannel - 4 * VECTOR_BYTES;
                for (int row = 0; row < rows; row++) {
                    long inBase = inImage + row * inRow + k0 * inChannel, outBase = outImage + row * outRow;
                    for (int x = 0; x < rowLength; x += NR) {
                        int pixels = Math.min(NR, rowLength - x);
                        long i = inBase + x * inPixel, o = outBase + x * (long) Float.BYTES;
                        boolean full = pixels == NR && (stride == 1 || i <= lastSafeStart);
                        for (int panel = 0; panel < panelCount; panel++) {
                            int co = panel * MR, valid = Math.min(MR, cout - co);
                            int bias = panel * panelSize, w = bias + (k0 + 1) * MR;
                            long oc = o + co * outChannel;
                            if (stride == 1) {
                                if (full) strip(src, i, inChannel, k, panels, bias, w, dst, oc, outChannel, valid, accumulate, reluNow);
                                else stripMasked(src, i, inChannel, k, panels, bias, w, dst, oc, outChannel, valid, accumulate, reluNow, pixels);
                            } else {
                                if (full) strip2(src, i, inChannel, k, panels, bias, w, dst, oc, outChannel, valid, accumulate, reluNow);
                                else strip2Masked(src, i, inChannel, k, panels, bias, w, dst, oc, outChannel, valid, accumulate, reluNow, pixels);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Input channels per K block: equal blocks no larger than the L1 micro-panel budget allows. */
    static int kBlock(int cin) {
        int max = Math.max(16, MICRO_PANEL_BYTES / (NR * Float.BYTES));
        int blocks = (cin + max - 1) / max;
        return (cin + blocks - 1) / blocks;
    }

    // The four kernels below are generated from one template (kept inline on purpose: a helper that takes or
    // returns vectors boxes them whenever C2 declines to inline it, e.g. into an already big caller).

    /** {@value #MR} channels × {@link #NR} pixels over {@code k} input channels from byte offset {@code i}. */
    private static void strip(MemorySegment in, long i, long inChannel, int k, float[] panels, int bias, int w,
                   MemorySegment out, long o, long outChannel, int valid, boolean accumulate, boolean relu) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41;
        if (!accumulate) { // start from the bias
            c00 = FloatVector.broadcast(S, panels[bias]);
            c01 = c00;
            c10 = FloatVector.broadcast(S, panels[bias + 1]);
            c11 = c10;
            c20 = FloatVector.broadcast(S, panels[bias + 2]);
            c21 = c20;
            c30 = FloatVector.broadcast(S, panels[bias + 3]);
            c31 = c30;
            c40 = FloatVector.broadcast(S, panels[bias + 4]);
            c41 = c40;
        } else { // start from the earlier K blocks' partial sums; padding rows from zero
            c00 = FloatVector.fromMemorySegment(S, out, o, NATIVE);
            c01 = FloatVector.fromMemorySegment(S, out, o + VECTOR_BYTES, NATIVE);
            c10 = valid > 1 ? FloatVector.fromMemorySegment(S, out, o + 1 * outChannel, NATIVE) : FloatVector.zero(S);
            c11 = valid > 1 ? FloatVector.fromMemorySegment(S, out, o + 1 * outChannel + VECTOR_BYTES, NATIVE) : FloatVector.zero(S);
            c20 = valid > 2 ? FloatVector.fromMemorySegment(S, out, o + 2 * outChannel, NATIVE) : FloatVector.zero(S);
            c21 = valid > 2 ? FloatVector.fromMemorySegment(S, out, o + 2 * outChannel + VECTOR_BYTES, NATIVE) : FloatVector.zero(S);
            c30 = valid > 3 ? FloatVector.fromMemorySegment(S, out, o + 3 * outChannel, NATIVE) : FloatVector.zero(S);
            c31 = valid > 3 ? FloatVector.fromMemorySegment(S, out, o + 3 * outChannel + VECTOR_BYTES, NATIVE) : FloatVector.zero(S);
            c40 = valid > 4 ? FloatVector.fromMemorySegment(S, out, o + 4 * outChannel, NATIVE) : FloatVector.zero(S);
            c41 = valid > 4 ? FloatVector.fromMemorySegment(S, out, o + 4 * outChannel + VECTOR_BYTES, NATIVE) : FloatVector.zero(S);
        }
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

    /** {@link #strip} for stride 2: output pixel x reads input pixel 2x. */
    private static void strip2(MemorySegment in, long i, long inChannel, int k, float[] panels, int bias, int w,
                   MemorySegment out, long o, long outChannel, int valid, boolean accumulate, boolean relu) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41;
        if (!accumulate) { // start from the bias
            c00 = FloatVector.broadcast(S, panels[bias]);
            c01 = c00;
            c10 = FloatVector.broadcast(S, panels[bias + 1]);
            c11 = c10;
            c20 = FloatVector.broadcast(S, panels[bias + 2]);
            c21 = c20;
            c30 = FloatVector.broadcast(S, panels[bias + 3]);
            c31 = c30;
            c40 = FloatVector.broadcast(S, panels[bias + 4]);
            c41 = c40;
        } else { // start from the earlier K blocks' partial sums; padding rows from zero
            c00 = FloatVector.fromMemorySegment(S, out, o, NATIVE);
            c01 = FloatVector.fromMemorySegment(S, out, o + VECTOR_BYTES, NATIVE);
            c10 = valid > 1 ? FloatVector.fromMemorySegment(S, out, o + 1 * outChannel, NATIVE) : FloatVector.zero(S);
            c11 = valid > 1 ? FloatVector.fromMemorySegment(S, out, o + 1 * outChannel + VECTOR_BYTES, NATIVE) : FloatVector.zero(S);
            c20 = valid > 2 ? FloatVector.fromMemorySegment(S, out, o + 2 * outChannel, NATIVE) : FloatVector.zero(S);
            c21 = valid > 2 ? FloatVector.fromMemorySegment(S, out, o + 2 * outChannel + VECTOR_BYTES, NATIVE) : FloatVector.zero(S);
            c30 = valid > 3 ? FloatVector.fromMemorySegment(S, out, o + 3 * outChannel, NATIVE) : FloatVector.zero(S);
            c31 = valid > 3 ? FloatVector.fromMemorySegment(S, out, o + 3 * outChannel + VECTOR_BYTES, NATIVE) : FloatVector.zero(S);
            c40 = valid > 4 ? FloatVector.fromMemorySegment(S, out, o + 4 * outChannel, NATIVE) : FloatVector.zero(S);
            c41 = valid > 4 ? FloatVector.fromMemorySegment(S, out, o + 4 * outChannel + VECTOR_BYTES, NATIVE) : FloatVector.zero(S);
        }
        for (int kk = 0; kk < k; kk++) {
            FloatVector x0 = FloatVector.fromMemorySegment(S, in, i, NATIVE)
                    .rearrange(EVEN, FloatVector.fromMemorySegment(S, in, i + VECTOR_BYTES, NATIVE));
            FloatVector x1 = FloatVector.fromMemorySegment(S, in, i + 2 * VECTOR_BYTES, NATIVE)
                    .rearrange(EVEN, FloatVector.fromMemorySegment(S, in, i + 3 * VECTOR_BYTES, NATIVE));
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

    /** {@link #strip} for the first {@code pixels} (< NR) pixels: a row's short last strip. */
    private static void stripMasked(MemorySegment in, long i, long inChannel, int k, float[] panels, int bias, int w,
                   MemorySegment out, long o, long outChannel, int valid, boolean accumulate, boolean relu, int pixels) {
        VectorMask<Float> p0 = S.indexInRange(0, pixels), p1 = S.indexInRange(L, pixels);
        VectorMask<Float> m0 = p0, m1 = p1;
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41;
        if (!accumulate) { // start from the bias
            c00 = FloatVector.broadcast(S, panels[bias]);
            c01 = c00;
            c10 = FloatVector.broadcast(S, panels[bias + 1]);
            c11 = c10;
            c20 = FloatVector.broadcast(S, panels[bias + 2]);
            c21 = c20;
            c30 = FloatVector.broadcast(S, panels[bias + 3]);
            c31 = c30;
            c40 = FloatVector.broadcast(S, panels[bias + 4]);
            c41 = c40;
        } else { // start from the earlier K blocks' partial sums; padding rows from zero
            c00 = FloatVector.fromMemorySegment(S, out, o, NATIVE, p0);
            c01 = FloatVector.fromMemorySegment(S, out, o + VECTOR_BYTES, NATIVE, p1);
            c10 = valid > 1 ? FloatVector.fromMemorySegment(S, out, o + 1 * outChannel, NATIVE, p0) : FloatVector.zero(S);
            c11 = valid > 1 ? FloatVector.fromMemorySegment(S, out, o + 1 * outChannel + VECTOR_BYTES, NATIVE, p1) : FloatVector.zero(S);
            c20 = valid > 2 ? FloatVector.fromMemorySegment(S, out, o + 2 * outChannel, NATIVE, p0) : FloatVector.zero(S);
            c21 = valid > 2 ? FloatVector.fromMemorySegment(S, out, o + 2 * outChannel + VECTOR_BYTES, NATIVE, p1) : FloatVector.zero(S);
            c30 = valid > 3 ? FloatVector.fromMemorySegment(S, out, o + 3 * outChannel, NATIVE, p0) : FloatVector.zero(S);
            c31 = valid > 3 ? FloatVector.fromMemorySegment(S, out, o + 3 * outChannel + VECTOR_BYTES, NATIVE, p1) : FloatVector.zero(S);
            c40 = valid > 4 ? FloatVector.fromMemorySegment(S, out, o + 4 * outChannel, NATIVE, p0) : FloatVector.zero(S);
            c41 = valid > 4 ? FloatVector.fromMemorySegment(S, out, o + 4 * outChannel + VECTOR_BYTES, NATIVE, p1) : FloatVector.zero(S);
        }
        for (int kk = 0; kk < k; kk++) {
            FloatVector x0 = FloatVector.fromMemorySegment(S, in, i, NATIVE, m0);
            FloatVector x1 = FloatVector.fromMemorySegment(S, in, i + VECTOR_BYTES, NATIVE, m1);
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
        c00.intoMemorySegment(out, o, NATIVE, p0);
        if (pixels > L) c01.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE, p1);
        if (valid == 1) return;
        o += outChannel;
        c10.intoMemorySegment(out, o, NATIVE, p0);
        if (pixels > L) c11.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE, p1);
        if (valid == 2) return;
        o += outChannel;
        c20.intoMemorySegment(out, o, NATIVE, p0);
        if (pixels > L) c21.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE, p1);
        if (valid == 3) return;
        o += outChannel;
        c30.intoMemorySegment(out, o, NATIVE, p0);
        if (pixels > L) c31.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE, p1);
        if (valid == 4) return;
        o += outChannel;
        c40.intoMemorySegment(out, o, NATIVE, p0);
        if (pixels > L) c41.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE, p1);
    }

    /** {@link #strip2} for the first {@code pixels} (≤ NR) pixels, reading only the inputs they need. */
    private static void strip2Masked(MemorySegment in, long i, long inChannel, int k, float[] panels, int bias, int w,
                   MemorySegment out, long o, long outChannel, int valid, boolean accumulate, boolean relu, int pixels) {
        VectorMask<Float> p0 = S.indexInRange(0, pixels), p1 = S.indexInRange(L, pixels);
        int inputs = 2 * pixels - 1;
        VectorMask<Float> m0 = S.indexInRange(0, inputs), m1 = S.indexInRange(L, inputs);
        VectorMask<Float> m2 = S.indexInRange(2 * L, inputs), m3 = S.indexInRange(3 * L, inputs);
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41;
        if (!accumulate) { // start from the bias
            c00 = FloatVector.broadcast(S, panels[bias]);
            c01 = c00;
            c10 = FloatVector.broadcast(S, panels[bias + 1]);
            c11 = c10;
            c20 = FloatVector.broadcast(S, panels[bias + 2]);
            c21 = c20;
            c30 = FloatVector.broadcast(S, panels[bias + 3]);
            c31 = c30;
            c40 = FloatVector.broadcast(S, panels[bias + 4]);
            c41 = c40;
        } else { // start from the earlier K blocks' partial sums; padding rows from zero
            c00 = FloatVector.fromMemorySegment(S, out, o, NATIVE, p0);
            c01 = FloatVector.fromMemorySegment(S, out, o + VECTOR_BYTES, NATIVE, p1);
            c10 = valid > 1 ? FloatVector.fromMemorySegment(S, out, o + 1 * outChannel, NATIVE, p0) : FloatVector.zero(S);
            c11 = valid > 1 ? FloatVector.fromMemorySegment(S, out, o + 1 * outChannel + VECTOR_BYTES, NATIVE, p1) : FloatVector.zero(S);
            c20 = valid > 2 ? FloatVector.fromMemorySegment(S, out, o + 2 * outChannel, NATIVE, p0) : FloatVector.zero(S);
            c21 = valid > 2 ? FloatVector.fromMemorySegment(S, out, o + 2 * outChannel + VECTOR_BYTES, NATIVE, p1) : FloatVector.zero(S);
            c30 = valid > 3 ? FloatVector.fromMemorySegment(S, out, o + 3 * outChannel, NATIVE, p0) : FloatVector.zero(S);
            c31 = valid > 3 ? FloatVector.fromMemorySegment(S, out, o + 3 * outChannel + VECTOR_BYTES, NATIVE, p1) : FloatVector.zero(S);
            c40 = valid > 4 ? FloatVector.fromMemorySegment(S, out, o + 4 * outChannel, NATIVE, p0) : FloatVector.zero(S);
            c41 = valid > 4 ? FloatVector.fromMemorySegment(S, out, o + 4 * outChannel + VECTOR_BYTES, NATIVE, p1) : FloatVector.zero(S);
        }
        for (int kk = 0; kk < k; kk++) {
            FloatVector x0 = FloatVector.fromMemorySegment(S, in, i, NATIVE, m0)
                    .rearrange(EVEN, FloatVector.fromMemorySegment(S, in, i + VECTOR_BYTES, NATIVE, m1));
            FloatVector x1 = FloatVector.fromMemorySegment(S, in, i + 2 * VECTOR_BYTES, NATIVE, m2)
                    .rearrange(EVEN, FloatVector.fromMemorySegment(S, in, i + 3 * VECTOR_BYTES, NATIVE, m3));
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
        c00.intoMemorySegment(out, o, NATIVE, p0);
        if (pixels > L) c01.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE, p1);
        if (valid == 1) return;
        o += outChannel;
        c10.intoMemorySegment(out, o, NATIVE, p0);
        if (pixels > L) c11.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE, p1);
        if (valid == 2) return;
        o += outChannel;
        c20.intoMemorySegment(out, o, NATIVE, p0);
        if (pixels > L) c21.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE, p1);
        if (valid == 3) return;
        o += outChannel;
        c30.intoMemorySegment(out, o, NATIVE, p0);
        if (pixels > L) c31.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE, p1);
        if (valid == 4) return;
        o += outChannel;
        c40.intoMemorySegment(out, o, NATIVE, p0);
        if (pixels > L) c41.intoMemorySegment(out, o + VECTOR_BYTES, NATIVE, p1);
    }

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
