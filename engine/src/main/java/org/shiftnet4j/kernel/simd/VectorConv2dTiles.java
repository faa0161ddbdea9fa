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
 * whose pixels agree) and sit at a constant input step (a run along a row, or down a column).
 *
 * <p>The reduction is three nested loops with free strides (input floats and packed-weight floats per step), so
 * one kernel serves NHWC and NCHW and windows cut at the image edge. Accumulators start at the bias; ReLU and
 * the store happen once per tile. No vector or mask is ever passed to another method: C2 declines to inline small
 * helpers called once per tile (measured: "too big" at those cold call sites), and a vector crossing a call that
 * is not inlined is boxed, i.e. allocated. NCHW output from channel vectors goes through a small per-thread
 * staging array and scalar stores (the transpose).
 */
final class VectorConv2dTiles {
    private static final VectorSpecies<Float> S = VectorKernels.S;
    private static final int L = S.length();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    /** Pixels per tile of {@link #outputChannels5x2}, {@link #outputChannels8x1} and {@link #channels8}. */
    static final int PIXELS_2_VECTORS = 5, PIXELS_1_VECTOR = 8, PIXELS_DEPTHWISE = 8;
    /** Floats of staging a tile needs: 10 vectors. */
    static final int STAGE_FLOATS = 10 * L;

    private VectorConv2dTiles() {
    }

    /**
     * Five pixels × two vectors of output channels (10 accumulators): per input scalar one broadcast, two weight
     * loads shared by the five pixels. Outputs go to {@code outBase + p·outStep + co·outCoStride}.
     */
    static void outputChannels5x2(MemorySegment src, long inBase, long inStep,
                                  int nA, long inA, int nB, long inB, int nC, long inC,
                                  float[] w, int wBase, int wA, int wB, int wC, float[] bias, int biasAt,
                                  MemorySegment dst, long outBase, long outStep, long outCoStride, int validCo,
                                  boolean relu, float[] stage) {
        FloatVector b0 = FloatVector.fromArray(S, bias, biasAt), b1 = FloatVector.fromArray(S, bias, biasAt + L);
        FloatVector a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1, a40 = b0, a41 = b1;
        long step2 = 2 * inStep, step3 = 3 * inStep, step4 = 4 * inStep;
        for (int a = 0; a < nA; a++) {
            for (int b = 0; b < nB; b++) {
                long i = inBase + a * inA + b * inB;
                int wi = wBase + a * wA + b * wB;
                for (int c = 0; c < nC; c++, i += inC, wi += wC) {
                    FloatVector w0 = FloatVector.fromArray(S, w, wi), w1 = FloatVector.fromArray(S, w, wi + L);
                    FloatVector x = FloatVector.broadcast(S, src.getAtIndex(F, i));
                    a00 = x.fma(w0, a00);
                    a01 = x.fma(w1, a01);
                    x = FloatVector.broadcast(S, src.getAtIndex(F, i + inStep));
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
        if (relu) {
            a00 = a00.max(0f); a01 = a01.max(0f); a10 = a10.max(0f); a11 = a11.max(0f); a20 = a20.max(0f);
            a21 = a21.max(0f); a30 = a30.max(0f); a31 = a31.max(0f); a40 = a40.max(0f); a41 = a41.max(0f);
        }
        if (outCoStride == 1) {
            VectorMask<Float> m0 = S.indexInRange(0, validCo), m1 = S.indexInRange(L, validCo);
            long o = outBase << 2, step = outStep << 2, second = (long) L << 2;
            a00.intoMemorySegment(dst, o, NATIVE, m0);
            a01.intoMemorySegment(dst, o + second, NATIVE, m1);
            a10.intoMemorySegment(dst, o + step, NATIVE, m0);
            a11.intoMemorySegment(dst, o + step + second, NATIVE, m1);
            a20.intoMemorySegment(dst, o + 2 * step, NATIVE, m0);
            a21.intoMemorySegment(dst, o + 2 * step + second, NATIVE, m1);
            a30.intoMemorySegment(dst, o + 3 * step, NATIVE, m0);
            a31.intoMemorySegment(dst, o + 3 * step + second, NATIVE, m1);
            a40.intoMemorySegment(dst, o + 4 * step, NATIVE, m0);
            a41.intoMemorySegment(dst, o + 4 * step + second, NATIVE, m1);
        } else {
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
            scatter(stage, 5, 2 * L, dst, outBase, outStep, outCoStride, validCo);
        }
    }

    /** Eight pixels × one vector of output channels (8 accumulators), for groups with at most one vector of them. */
    static void outputChannels8x1(MemorySegment src, long inBase, long inStep,
                                  int nA, long inA, int nB, long inB, int nC, long inC,
                                  float[] w, int wBase, int wA, int wB, int wC, float[] bias, int biasAt,
                                  MemorySegment dst, long outBase, long outStep, long outCoStride, int validCo,
                                  boolean relu, float[] stage) {
        FloatVector a0 = FloatVector.fromArray(S, bias, biasAt);
        FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        long step2 = 2 * inStep, step3 = 3 * inStep, step4 = 4 * inStep;
        long step5 = 5 * inStep, step6 = 6 * inStep, step7 = 7 * inStep;
        for (int a = 0; a < nA; a++) {
            for (int b = 0; b < nB; b++) {
                long i = inBase + a * inA + b * inB;
                int wi = wBase + a * wA + b * wB;
                for (int c = 0; c < nC; c++, i += inC, wi += wC) {
                    FloatVector w0 = FloatVector.fromArray(S, w, wi);
                    a0 = FloatVector.broadcast(S, src.getAtIndex(F, i)).fma(w0, a0);
                    a1 = FloatVector.broadcast(S, src.getAtIndex(F, i + inStep)).fma(w0, a1);
                    a2 = FloatVector.broadcast(S, src.getAtIndex(F, i + step2)).fma(w0, a2);
                    a3 = FloatVector.broadcast(S, src.getAtIndex(F, i + step3)).fma(w0, a3);
                    a4 = FloatVector.broadcast(S, src.getAtIndex(F, i + step4)).fma(w0, a4);
                    a5 = FloatVector.broadcast(S, src.getAtIndex(F, i + step5)).fma(w0, a5);
                    a6 = FloatVector.broadcast(S, src.getAtIndex(F, i + step6)).fma(w0, a6);
                    a7 = FloatVector.broadcast(S, src.getAtIndex(F, i + step7)).fma(w0, a7);
                }
            }
        }
        if (relu) {
            a0 = a0.max(0f); a1 = a1.max(0f); a2 = a2.max(0f); a3 = a3.max(0f);
            a4 = a4.max(0f); a5 = a5.max(0f); a6 = a6.max(0f); a7 = a7.max(0f);
        }
        if (outCoStride == 1) {
            VectorMask<Float> m = S.indexInRange(0, validCo);
            long o = outBase << 2, step = outStep << 2;
            a0.intoMemorySegment(dst, o, NATIVE, m);
            a1.intoMemorySegment(dst, o + step, NATIVE, m);
            a2.intoMemorySegment(dst, o + 2 * step, NATIVE, m);
            a3.intoMemorySegment(dst, o + 3 * step, NATIVE, m);
            a4.intoMemorySegment(dst, o + 4 * step, NATIVE, m);
            a5.intoMemorySegment(dst, o + 5 * step, NATIVE, m);
            a6.intoMemorySegment(dst, o + 6 * step, NATIVE, m);
            a7.intoMemorySegment(dst, o + 7 * step, NATIVE, m);
        } else {
            a0.intoArray(stage, 0);
            a1.intoArray(stage, L);
            a2.intoArray(stage, 2 * L);
            a3.intoArray(stage, 3 * L);
            a4.intoArray(stage, 4 * L);
            a5.intoArray(stage, 5 * L);
            a6.intoArray(stage, 6 * L);
            a7.intoArray(stage, 7 * L);
            scatter(stage, 8, L, dst, outBase, outStep, outCoStride, validCo);
        }
    }

    /**
     * One pixel × two vectors of output channels, for edge pixels and short runs. Two partial sums per vector
     * (alternate input channels) halve the FMA dependency chain; zero-padded weight rows make the second vector
     * harmless when the group has fewer channels.
     */
    static void outputChannels1x2(MemorySegment src, long inBase,
                                  int nA, long inA, int nB, long inB, int nC, long inC,
                                  float[] w, int wBase, int wA, int wB, int wC, float[] bias, int biasAt,
                                  MemorySegment dst, long outBase, long outCoStride, int validCo, boolean relu,
                                  float[] stage) {
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
        a0 = a0.add(c0);
        a1 = a1.add(c1);
        if (relu) {
            a0 = a0.max(0f);
            a1 = a1.max(0f);
        }
        if (outCoStride == 1) {
            long o = outBase << 2;
            a0.intoMemorySegment(dst, o, NATIVE, S.indexInRange(0, validCo));
            a1.intoMemorySegment(dst, o + ((long) L << 2), NATIVE, S.indexInRange(L, validCo));
        } else {
            a0.intoArray(stage, 0);
            a1.intoArray(stage, L);
            scatter(stage, 1, 2 * L, dst, outBase, 0, outCoStride, validCo);
        }
    }

    /**
     * Depthwise, NHWC: eight pixels × one vector of channels (8 accumulators). Per tap one weight vector shared by
     * the pixels and one input vector per pixel; the vector of channels must lie wholly inside the tensor's channels.
     */
    static void channels8(MemorySegment src, long inBase, long inStep, int nA, long inA, int nB, long inB,
                          float[] w, int wBase, int wA, int wB, float[] bias, int biasAt,
                          MemorySegment dst, long outBase, long outStep, boolean relu) {
        FloatVector a0 = FloatVector.fromArray(S, bias, biasAt);
        FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        long step = inStep << 2;
        for (int a = 0; a < nA; a++) {
            long at = (inBase + a * inA) << 2;
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
        long o = outBase << 2, out = outStep << 2;
        a0.intoMemorySegment(dst, o, NATIVE);
        a1.intoMemorySegment(dst, o + out, NATIVE);
        a2.intoMemorySegment(dst, o + 2 * out, NATIVE);
        a3.intoMemorySegment(dst, o + 3 * out, NATIVE);
        a4.intoMemorySegment(dst, o + 4 * out, NATIVE);
        a5.intoMemorySegment(dst, o + 5 * out, NATIVE);
        a6.intoMemorySegment(dst, o + 6 * out, NATIVE);
        a7.intoMemorySegment(dst, o + 7 * out, NATIVE);
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
     * NCHW output from channel vectors: {@code stage} holds {@code pixels} rows of {@code rowLength} channels;
     * channel j of pixel p goes to {@code outBase + p·outStep + j·coStride}.
     */
    private static void scatter(float[] stage, int pixels, int rowLength, MemorySegment dst, long outBase,
                                long outStep, long coStride, int validCo) {
        for (int p = 0; p < pixels; p++) {
            long at = outBase + p * outStep;
            int from = p * rowLength;
            for (int j = 0; j < validCo; j++) dst.setAtIndex(F, at + j * coStride, stage[from + j]);
        }
    }
}
