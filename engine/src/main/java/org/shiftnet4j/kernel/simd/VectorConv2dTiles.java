package org.shiftnet4j.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register tiles for conv2d that hold several output pixels × vectors of channels. All pixels of one tile share
 * one tap window (taps outside it are out of the image for at least one pixel, so the caller only forms tiles
 * whose pixels agree). Output-channel tiles take each pixel's input and output base from a small per-thread
 * array (an indirection buffer of one tile), so a tile may span rows; the depthwise tile walks a run at a
 * constant step.
 *
 * <p>The reduction is three nested loops with free strides (input floats and packed-weight floats per step), so
 * one kernel serves NHWC and NCHW and windows cut at the image edge. Accumulators start at the bias; ReLU and
 * the store happen once per tile.
 *
 * <p>Two JIT constraints shape the code. (1) No vector or mask is ever passed to another method: C2 declines to
 * inline small helpers called once per tile ("too big" at those cold call sites), and a vector crossing a call
 * that is not inlined is boxed, i.e. allocated. (2) Each kernel must stay small enough for C1's tier-3 compile:
 * when it bails out ("out of virtual registers") after a tier-2 version is installed, HotSpot never promotes the
 * method to C2 and it runs boxed C1 code for good (seen on a loaded machine). So tiles end by staging their
 * accumulators in a small per-thread array ({@code intoArray}) and one helper taking only arrays and scalars
 * applies ReLU and stores, instead of ten unrolled masked stores.
 */
final class VectorConv2dTiles {
    private static final VectorSpecies<Float> S = VectorKernels.S;
    private static final int L = S.length();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    /** Pixels per tile of {@link #outputChannels5x2}, {@link #outputChannels8x1} and {@link #channels8}. */
    static final int PIXELS_2_VECTORS = 5, PIXELS_1_VECTOR = 8, PIXELS_DEPTHWISE = 8;
    /** Floats of staging the largest tile needs: 10 vectors. */
    static final int STAGE_FLOATS = 10 * L;
    /** Pixel bases the largest tile needs: 8 inputs and 8 outputs. */
    static final int PIXEL_BASES = 16;

    private VectorConv2dTiles() {
    }

    /**
     * Five pixels × two vectors of output channels (10 accumulators): per input scalar one broadcast, two weight
     * loads shared by the five pixels. {@code pixels[p]} is the float index of pixel p's first input tap and
     * {@code pixels[5 + p]} that of its first output channel (channel co at {@code + co·outCoStride}).
     */
    static void outputChannels5x2(MemorySegment src, long[] pixels,
                                  int nA, long inA, int nB, long inB, int nC, long inC,
                                  float[] w, int wBase, int wA, int wB, int wC, float[] bias, int biasAt,
                                  MemorySegment dst, long outCoStride, int validCo, boolean relu, float[] stage) {
        FloatVector b0 = FloatVector.fromArray(S, bias, biasAt), b1 = FloatVector.fromArray(S, bias, biasAt + L);
        FloatVector a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1, a40 = b0, a41 = b1;
        long inBase = pixels[0];
        long step1 = pixels[1] - inBase, step2 = pixels[2] - inBase, step3 = pixels[3] - inBase;
        long step4 = pixels[4] - inBase;
        for (int a = 0; a < nA; a++) {
            for (int b = 0; b < nB; b++) {
                long i = inBase + a * inA + b * inB;
                int wi = wBase + a * wA + b * wB;
                for (int c = 0; c < nC; c++, i += inC, wi += wC) {
                    FloatVector w0 = FloatVector.fromArray(S, w, wi), w1 = FloatVector.fromArray(S, w, wi + L);
                    FloatVector x = FloatVector.broadcast(S, src.getAtIndex(F, i));
                    a00 = x.fma(w0, a00);
                    a01 = x.fma(w1, a01);
                    x = FloatVector.broadcast(S, src.getAtIndex(F, i + step1));
                    a10 = x.fma(w0, a10);
                    a11 = x.fma(w1, a11);
                    x = FloatVector.broadcast(S, src.getAtIndex(F, i + step2));
                    a20 = x.fma(w0, a20);
                    a21 = x.fma(w1, a21);
                    x = FloatVector.broadcast(S, src.getAtIndex(F, i + step3));
                    a30 = x.fma(w0, a30);
                    a31 = x.fma(w1, a31);
                    x = FloatVector.broadcast(S, src.getAtIndex(F, i + step4));
                    a40 = x.fma(w0, a40);
                    a41 = x.fma(w1, a41);
                }
            }
        }
        a00.intoArray(stage, 0);
        a01.intoArray(stage, L);
        a10.intoArray(stage, 2 * L);
        a11.intoArray(stage, 3 * L);
        a20.intoArray(stage, 4 * L);
        a21.intoArray(stage, 5 * L);
        a30.intoArray(stage, 6 * L);
        a31.intoArray(stage, 7 * L);
        a40.intoArray(stage, 8 * L);
        a41.intoArray(stage, 9 * L);
        storeStaged(stage, 5, 2, dst, pixels, 5, outCoStride, validCo, relu);
    }

    /**
     * Eight pixels × one vector of output channels (8 accumulators), for groups with at most one vector of them;
     * pixel bases as in {@link #outputChannels5x2} (outputs from {@code pixels[8]}).
     */
    static void outputChannels8x1(MemorySegment src, long[] pixels,
                                  int nA, long inA, int nB, long inB, int nC, long inC,
                                  float[] w, int wBase, int wA, int wB, int wC, float[] bias, int biasAt,
                                  MemorySegment dst, long outCoStride, int validCo, boolean relu, float[] stage) {
        FloatVector a0 = FloatVector.fromArray(S, bias, biasAt);
        FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        long inBase = pixels[0];
        long step1 = pixels[1] - inBase, step2 = pixels[2] - inBase, step3 = pixels[3] - inBase;
        long step4 = pixels[4] - inBase, step5 = pixels[5] - inBase, step6 = pixels[6] - inBase;
        long step7 = pixels[7] - inBase;
        for (int a = 0; a < nA; a++) {
            for (int b = 0; b < nB; b++) {
                long i = inBase + a * inA + b * inB;
                int wi = wBase + a * wA + b * wB;
                for (int c = 0; c < nC; c++, i += inC, wi += wC) {
                    FloatVector w0 = FloatVector.fromArray(S, w, wi);
                    a0 = FloatVector.broadcast(S, src.getAtIndex(F, i)).fma(w0, a0);
                    a1 = FloatVector.broadcast(S, src.getAtIndex(F, i + step1)).fma(w0, a1);
                    a2 = FloatVector.broadcast(S, src.getAtIndex(F, i + step2)).fma(w0, a2);
                    a3 = FloatVector.broadcast(S, src.getAtIndex(F, i + step3)).fma(w0, a3);
                    a4 = FloatVector.broadcast(S, src.getAtIndex(F, i + step4)).fma(w0, a4);
                    a5 = FloatVector.broadcast(S, src.getAtIndex(F, i + step5)).fma(w0, a5);
                    a6 = FloatVector.broadcast(S, src.getAtIndex(F, i + step6)).fma(w0, a6);
                    a7 = FloatVector.broadcast(S, src.getAtIndex(F, i + step7)).fma(w0, a7);
                }
            }
        }
        a0.intoArray(stage, 0);
        a1.intoArray(stage, L);
        a2.intoArray(stage, 2 * L);
        a3.intoArray(stage, 3 * L);
        a4.intoArray(stage, 4 * L);
        a5.intoArray(stage, 5 * L);
        a6.intoArray(stage, 6 * L);
        a7.intoArray(stage, 7 * L);
        storeStaged(stage, 8, 1, dst, pixels, 8, outCoStride, validCo, relu);
    }

    /**
     * One pixel ({@code pixels[0]} in, {@code pixels[1]} out) × two vectors of output channels, for edge pixels
     * and short runs. Two partial sums per vector
     * (alternate input channels) halve the FMA dependency chain; zero-padded weight rows make the second vector
     * harmless when the group has fewer channels.
     */
    static void outputChannels1x2(MemorySegment src, long[] pixels,
                                  int nA, long inA, int nB, long inB, int nC, long inC,
                                  float[] w, int wBase, int wA, int wB, int wC, float[] bias, int biasAt,
                                  MemorySegment dst, long outCoStride, int validCo, boolean relu, float[] stage) {
        long inBase = pixels[0];
        FloatVector a0 = FloatVector.fromArray(S, bias, biasAt), a1 = FloatVector.fromArray(S, bias, biasAt + L);
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
        int pairs = nC & ~1;
        long inC2 = 2 * inC;
        int wC2 = 2 * wC;
        for (int a = 0; a < nA; a++) {
            for (int b = 0; b < nB; b++) {
                long i = inBase + a * inA + b * inB;
                int wi = wBase + a * wA + b * wB;
                int c = 0;
                for (; c < pairs; c += 2, i += inC2, wi += wC2) {
                    FloatVector x = FloatVector.broadcast(S, src.getAtIndex(F, i));
                    a0 = x.fma(FloatVector.fromArray(S, w, wi), a0);
                    a1 = x.fma(FloatVector.fromArray(S, w, wi + L), a1);
                    FloatVector y = FloatVector.broadcast(S, src.getAtIndex(F, i + inC));
                    c0 = y.fma(FloatVector.fromArray(S, w, wi + wC), c0);
                    c1 = y.fma(FloatVector.fromArray(S, w, wi + wC + L), c1);
                }
                if (c < nC) {
                    FloatVector x = FloatVector.broadcast(S, src.getAtIndex(F, i));
                    a0 = x.fma(FloatVector.fromArray(S, w, wi), a0);
                    a1 = x.fma(FloatVector.fromArray(S, w, wi + L), a1);
                }
            }
        }
        a0.add(c0).intoArray(stage, 0);
        a1.add(c1).intoArray(stage, L);
        storeStaged(stage, 1, 2, dst, pixels, 1, outCoStride, validCo, relu);
    }

    /**
     * Depthwise, NHWC: a run of {@code pixels >= 8} pixels, eight at a time (the last eight overlap the ones
     * before), × one vector of channels (8 accumulators). Per tap one weight vector shared by the pixels and one
     * input vector per pixel; the vector of channels must lie wholly inside the tensor's channels. A depthwise
     * tile is little work, so one call covers the whole run.
     */
    static void channels8(MemorySegment src, long inBase, long inStep, int pixels, int nA, long inA, int nB, long inB,
                          float[] w, int wBase, int wA, int wB, float[] bias, int biasAt,
                          MemorySegment dst, long outBase, long outStep, boolean relu) {
        long step = inStep << 2, out = outStep << 2;
        for (int p = 0; p < pixels; p += PIXELS_DEPTHWISE) {
            int p0 = Math.min(p, pixels - PIXELS_DEPTHWISE);
            FloatVector a0 = FloatVector.fromArray(S, bias, biasAt);
            FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int a = 0; a < nA; a++) {
                long at = (inBase + p0 * inStep + a * inA) << 2;
                int wi = wBase + a * wA;
                for (int b = 0; b < nB; b++, at += inB << 2, wi += wB) {
                    FloatVector t = FloatVector.fromArray(S, w, wi);
                    a0 = FloatVector.fromMemorySegment(S, src, at, NATIVE).fma(t, a0);
                    a1 = FloatVector.fromMemorySegment(S, src, at + step, NATIVE).fma(t, a1);
                    a2 = FloatVector.fromMemorySegment(S, src, at + 2 * step, NATIVE).fma(t, a2);
                    a3 = FloatVector.fromMemorySegment(S, src, at + 3 * step, NATIVE).fma(t, a3);
                    a4 = FloatVector.fromMemorySegment(S, src, at + 4 * step, NATIVE).fma(t, a4);
                    a5 = FloatVector.fromMemorySegment(S, src, at + 5 * step, NATIVE).fma(t, a5);
                    a6 = FloatVector.fromMemorySegment(S, src, at + 6 * step, NATIVE).fma(t, a6);
                    a7 = FloatVector.fromMemorySegment(S, src, at + 7 * step, NATIVE).fma(t, a7);
                }
            }
            if (relu) {
                a0 = a0.max(0f); a1 = a1.max(0f); a2 = a2.max(0f); a3 = a3.max(0f);
                a4 = a4.max(0f); a5 = a5.max(0f); a6 = a6.max(0f); a7 = a7.max(0f);
            }
            long o = (outBase + p0 * outStep) << 2;
            a0.intoMemorySegment(dst, o, NATIVE);
            a1.intoMemorySegment(dst, o + out, NATIVE);
            a2.intoMemorySegment(dst, o + 2 * out, NATIVE);
            a3.intoMemorySegment(dst, o + 3 * out, NATIVE);
            a4.intoMemorySegment(dst, o + 4 * out, NATIVE);
            a5.intoMemorySegment(dst, o + 5 * out, NATIVE);
            a6.intoMemorySegment(dst, o + 6 * out, NATIVE);
            a7.intoMemorySegment(dst, o + 7 * out, NATIVE);
        }
    }

    /** Depthwise, NHWC: one pixel × the first {@code validC} channels of a vector (masked), for edges and narrow tensors. */
    static void channels1(MemorySegment src, long inBase, int nA, long inA, int nB, long inB,
                          float[] w, int wBase, int wA, int wB, float[] bias, int biasAt,
                          MemorySegment dst, long outBase, int validC, boolean relu) {
        VectorMask<Float> m = S.indexInRange(0, validC);
        FloatVector a0 = FloatVector.fromArray(S, bias, biasAt), a1 = FloatVector.zero(S);
        for (int a = 0; a < nA; a++) {
            long at = (inBase + a * inA) << 2;
            int wi = wBase + a * wA;
            int b = 0;
            for (; b + 1 < nB; b += 2, at += inB << 3, wi += 2 * wB) {
                a0 = FloatVector.fromMemorySegment(S, src, at, NATIVE, m).fma(FloatVector.fromArray(S, w, wi), a0);
                a1 = FloatVector.fromMemorySegment(S, src, at + (inB << 2), NATIVE, m)
                        .fma(FloatVector.fromArray(S, w, wi + wB), a1);
            }
            if (b < nB) {
                a0 = FloatVector.fromMemorySegment(S, src, at, NATIVE, m).fma(FloatVector.fromArray(S, w, wi), a0);
            }
        }
        a0 = a0.add(a1);
        if (relu) a0 = a0.max(0f);
        a0.intoMemorySegment(dst, outBase << 2, NATIVE, m);
    }

    /**
     * Writes a staged tile: {@code stage} holds {@code pixels} rows of {@code vectors·L} channels; channel j of
     * pixel p (j < validCo) goes to {@code bases[outFrom + p] + j·coStride}, after ReLU. Contiguous channels
     * (NHWC) are stored as vectors, strided ones (NCHW: the transpose) one float at a time. Takes no vectors, so
     * it costs nothing whether or not it is inlined.
     */
    static void storeStaged(float[] stage, int pixels, int vectors, MemorySegment dst, long[] bases, int outFrom,
                            long coStride, int validCo, boolean relu) {
        int row = vectors * L;
        if (coStride == 1) {
            for (int p = 0; p < pixels; p++) {
                long at = bases[outFrom + p] << 2;
                for (int v = 0; v < vectors && v * L < validCo; v++) {
                    FloatVector x = FloatVector.fromArray(S, stage, p * row + v * L);
                    if (relu) x = x.max(0f);
                    x.intoMemorySegment(dst, at + ((long) v * L << 2), NATIVE, S.indexInRange(v * L, validCo));
                }
            }
        } else {
            for (int p = 0; p < pixels; p++) {
                long at = bases[outFrom + p];
                int from = p * row;
                for (int j = 0; j < validCo; j++) {
                    float y = stage[from + j];
                    dst.setAtIndex(F, at + j * coStride, relu ? Math.max(y, 0f) : y);
                }
            }
        }
    }
}
