package org.shiftnet4j.kernel.simd;

import static org.shiftnet4j.kernel.simd.VectorKernels.S;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import org.shiftnet4j.kernel.Conv1x1Weights;
import org.shiftnet4j.kernel.ShiftTable;
import org.shiftnet4j.kernel.scalar.ScalarKernels;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * The shift folded into the 1×1 convolution that reads it (an indirect GEMM): every input channel is read at its own
 * offset {@code dy·strideH + dx·strideW}, from a tensor whose border covers the largest offset, so no shifted copy is
 * ever written and no tap tests bounds. The offsets are precomputed per call into a per-thread array (Cin longs).
 *
 * <p>NHWC: the register tiles of {@link VectorConv1x1Nhwc} (4 pixels × 4 vectors of output channels with 16-lane
 * vectors, else {@value #MR} pixels × 2 vectors; K over all input channels), whose input broadcasts take a
 * per-channel offset instead of consecutive floats. Panel tails go through 2-vector, 1-vector and scratch tiles.
 * NCHW: {@value #NCHW_ROWS} output channels × one vector of pixels along a row; each input channel's row is loaded
 * at its shifted position. Rows narrower than a vector, and strided NCHW (which the runtime never fuses), take the
 * reference loop.
 */
final class VectorShiftConv1x1 {
    private VectorShiftConv1x1() {
    }

    static final int L = S.length();
    static final int MR = 5;
    static final int NR = 2 * L;
    /** 16 or more lanes (AVX-512, 32 registers): the main tile is 4 pixels × 4 vectors, as in VectorConv1x1Nhwc. */
    static final boolean WIDE = L >= 16;
    static final int WIDE_NR = 4 * L;
    static final int PANEL = WIDE ? WIDE_NR : Math.max(Conv1x1Weights.COUT_ALIGN, NR);
    /** Output channels of an NCHW tile: one {@link Conv1x1Weights#rowPanels()} panel, whose width this tile assumes. */
    static final int NCHW_ROWS = 8;

    static {
        if (Conv1x1Weights.ROW_PANEL != NCHW_ROWS) {
            throw new ExceptionInInitializerError("the NCHW folded-shift tile is written for row panels of " + NCHW_ROWS
                    + " output channels, not " + Conv1x1Weights.ROW_PANEL);
        }
    }
    /** Input bytes of a block of output rows, re-read once per weight panel: inside L2. */
    private static final long BLOCK_BYTES = 256 * 1024;

    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[MR * NR]);
    /** Per thread: [0] channel offsets (Cin), [1] input and [2] output pixel offsets of one image (H×W each). */
    private static final ThreadLocal<long[][]> OFFSETS = ThreadLocal.withInitial(() -> new long[][] {
            new long[64], new long[64], new long[64]});

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final long VECTOR_BYTES = (long) L * Float.BYTES;

    static void shiftConv1x1(Tensor in, ShiftTable table, Conv1x1Weights wt, int stride, boolean relu, Tensor out) {
        if (in.layout() == Layout.NCHW && (stride != 1 || out.width() < L)) {
            // Strided or narrower than a vector: the runtime never folds these, so the reference serves them.
            ScalarKernels.INSTANCE.shiftConv1x1(in, table, wt, stride, relu, out);
            return;
        }
        long[][] holder = OFFSETS.get();
        long[] offsets = offsets(holder, in, table, wt.inChannels());
        if (in.layout() == Layout.NHWC) {
            nhwc(in, offsets, holder, wt, stride, relu, out);
        } else {
            nchw(in, offsets, wt, relu, out);
        }
    }

    /** Byte offset of each input channel's shifted tap relative to pixel (0, 0) of channel 0. */
    private static long[] offsets(long[][] holder, Tensor in, ShiftTable table, int cin) {
        if (holder[0].length < cin) holder[0] = new long[Math.max(cin, 2 * holder[0].length)];
        long[] off = holder[0];
        for (int ci = 0; ci < cin; ci++) {
            off[ci] = (ci * in.strideC() + table.dy(ci) * in.strideH() + table.dx(ci) * in.strideW()) * Float.BYTES;
        }
        return off;
    }

    // ------------------------------------------------------------------------------------------------ NHWC

    private static void nhwc(Tensor in, long[] off, long[][] holder, Conv1x1Weights wt, int stride, boolean relu,
                             Tensor out) {
        int cin = wt.inChannels(), cout = wt.outChannels();
        float[] panels = wt.columnPanels(PANEL);
        int panelSize = wt.panelSize(PANEL), panelCount = wt.panelCount(PANEL);
        int oh = out.height(), ow = out.width(), pixels = oh * ow, last = pixels - 1;
        MemorySegment src = in.segment(), dst = out.segment();
        // Pixel p's byte offset within an image, in and out: borders and strides make rows non-contiguous, and a
        // division per pixel would cost as much as a short reduction.
        if (holder[1].length < pixels) {
            holder[1] = new long[Math.max(pixels, 2 * holder[1].length)];
            holder[2] = new long[holder[1].length];
        }
        long[] inAt = holder[1], outAt = holder[2];
        for (int oy = 0, p = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++, p++) {
                inAt[p] = ((long) oy * stride * in.strideH() + (long) ox * stride * in.strideW()) * Float.BYTES;
                outAt[p] = ((long) oy * out.strideH() + (long) ox * out.strideW()) * Float.BYTES;
            }
        }
        int rowsPerBlock = (int) Math.max(1, Math.min(oh, BLOCK_BYTES / ((long) ow * cin * Float.BYTES)));
        int block = Math.max(MR, rowsPerBlock * ow / MR * MR);
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
                        if (WIDE && column == 0 && channels >= WIDE_NR) {
                            for (int p = first; p < end; p += 4) {
                                int p1 = Math.min(p + 1, last), p2 = Math.min(p + 2, last), p3 = Math.min(p + 3, last);
                                tile4x4(src, cin, off, panels, w, inBase + inAt[p], inBase + inAt[p1], inBase + inAt[p2],
                                        inBase + inAt[p3], dst, relu, oc + outAt[p], oc + outAt[p1], oc + outAt[p2],
                                        oc + outAt[p3]);
                            }
                            break; // the whole 4-vector panel is done
                        }
                        for (int p = first; p < end; p += MR) {
                            int p1 = Math.min(p + 1, last), p2 = Math.min(p + 2, last);
                            int p3 = Math.min(p + 3, last), p4 = Math.min(p + 4, last);
                            long i0 = inBase + inAt[p], i1 = inBase + inAt[p1], i2 = inBase + inAt[p2];
                            long i3 = inBase + inAt[p3], i4 = inBase + inAt[p4];
                            long o0 = oc + outAt[p], o1 = oc + outAt[p1], o2 = oc + outAt[p2];
                            long o3 = oc + outAt[p3], o4 = oc + outAt[p4];
                            if (channels >= NR) {
                                tile(src, cin, off, panels, w, i0, i1, i2, i3, i4, dst, relu, o0, o1, o2, o3, o4);
                            } else if (channels == L) {
                                tileOneVector(src, cin, off, panels, w, i0, i1, i2, i3, i4, dst, relu, o0, o1, o2, o3, o4);
                            } else {
                                tileTail(src, cin, off, panels, w, i0, i1, i2, i3, i4, scratch);
                                int rows = Math.min(MR, pixels - p);
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

    private static void copyChannels(float[] scratch, int row, MemorySegment out, long o, int channels, boolean relu) {
        for (int j = 0; j < channels; j++) {
            float v = scratch[row * NR + j];
            out.set(F, o + j * (long) Float.BYTES, relu ? Math.max(v, 0f) : v);
        }
    }

    /** {@value #MR} pixels × {@link #NR} channels over all {@code k} shifted input channels, from the bias row. */
    private static void tile(MemorySegment in, int k, long[] off, float[] panels, int w, long i0, long i1, long i2,
                             long i3, long i4, MemorySegment out, boolean relu, long o0, long o1, long o2, long o3, long o4) {
        FloatVector c00 = FloatVector.fromArray(S, panels, w - PANEL), c01 = FloatVector.fromArray(S, panels, w - PANEL + L);
        FloatVector c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01, c40 = c00, c41 = c01;
        for (int kk = 0; kk < k; kk++) {
            long o = off[kk];
            FloatVector b0 = FloatVector.fromArray(S, panels, w);
            FloatVector b1 = FloatVector.fromArray(S, panels, w + L);
            w += PANEL;
            FloatVector x = FloatVector.broadcast(S, in.get(F, i0 + o));
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, in.get(F, i1 + o));
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, in.get(F, i2 + o));
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, in.get(F, i3 + o));
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, in.get(F, i4 + o));
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

    /** 4 pixels × 4 vectors of channels (16 accumulators, AVX-512) over all {@code k} shifted input channels. */
    private static void tile4x4(MemorySegment in, int k, long[] off, float[] panels, int w, long i0, long i1, long i2,
                                long i3, MemorySegment out, boolean relu, long o0, long o1, long o2, long o3) {
        FloatVector c00 = FloatVector.fromArray(S, panels, w - PANEL);
        FloatVector c01 = FloatVector.fromArray(S, panels, w - PANEL + L);
        FloatVector c02 = FloatVector.fromArray(S, panels, w - PANEL + 2 * L);
        FloatVector c03 = FloatVector.fromArray(S, panels, w - PANEL + 3 * L);
        FloatVector c10 = c00, c11 = c01, c12 = c02, c13 = c03;
        FloatVector c20 = c00, c21 = c01, c22 = c02, c23 = c03;
        FloatVector c30 = c00, c31 = c01, c32 = c02, c33 = c03;
        for (int kk = 0; kk < k; kk++, w += PANEL) {
            long o = off[kk];
            FloatVector b0 = FloatVector.fromArray(S, panels, w);
            FloatVector b1 = FloatVector.fromArray(S, panels, w + L);
            FloatVector b2 = FloatVector.fromArray(S, panels, w + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, panels, w + 3 * L);
            FloatVector x = FloatVector.broadcast(S, in.get(F, i0 + o));
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            c02 = b2.fma(x, c02);
            c03 = b3.fma(x, c03);
            x = FloatVector.broadcast(S, in.get(F, i1 + o));
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            c12 = b2.fma(x, c12);
            c13 = b3.fma(x, c13);
            x = FloatVector.broadcast(S, in.get(F, i2 + o));
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            c22 = b2.fma(x, c22);
            c23 = b3.fma(x, c23);
            x = FloatVector.broadcast(S, in.get(F, i3 + o));
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

    /** {@link #tile} for exactly one vector of output channels (e.g. 16 channels with 512-bit vectors). */
    private static void tileOneVector(MemorySegment in, int k, long[] off, float[] panels, int w, long i0, long i1,
                                      long i2, long i3, long i4, MemorySegment out, boolean relu, long o0, long o1,
                                      long o2, long o3, long o4) {
        FloatVector c0 = FloatVector.fromArray(S, panels, w - PANEL);
        FloatVector c1 = c0, c2 = c0, c3 = c0, c4 = c0;
        for (int kk = 0; kk < k; kk++) {
            long o = off[kk];
            FloatVector b = FloatVector.fromArray(S, panels, w);
            w += PANEL;
            c0 = b.fma(FloatVector.broadcast(S, in.get(F, i0 + o)), c0);
            c1 = b.fma(FloatVector.broadcast(S, in.get(F, i1 + o)), c1);
            c2 = b.fma(FloatVector.broadcast(S, in.get(F, i2 + o)), c2);
            c3 = b.fma(FloatVector.broadcast(S, in.get(F, i3 + o)), c3);
            c4 = b.fma(FloatVector.broadcast(S, in.get(F, i4 + o)), c4);
        }
        if (relu) {
            c0 = c0.max(0f);
            c1 = c1.max(0f);
            c2 = c2.max(0f);
            c3 = c3.max(0f);
            c4 = c4.max(0f);
        }
        c0.intoMemorySegment(out, o0, NATIVE);
        c1.intoMemorySegment(out, o1, NATIVE);
        c2.intoMemorySegment(out, o2, NATIVE);
        c3.intoMemorySegment(out, o3, NATIVE);
        c4.intoMemorySegment(out, o4, NATIVE);
    }

    /** {@link #tile} into {@code scratch}, for a tile with fewer than {@link #NR} real output channels. */
    private static void tileTail(MemorySegment in, int k, long[] off, float[] panels, int w, long i0, long i1, long i2,
                                 long i3, long i4, float[] scratch) {
        FloatVector c00 = FloatVector.fromArray(S, panels, w - PANEL), c01 = FloatVector.fromArray(S, panels, w - PANEL + L);
        FloatVector c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01, c40 = c00, c41 = c01;
        for (int kk = 0; kk < k; kk++) {
            long o = off[kk];
            FloatVector b0 = FloatVector.fromArray(S, panels, w);
            FloatVector b1 = FloatVector.fromArray(S, panels, w + L);
            w += PANEL;
            FloatVector x = FloatVector.broadcast(S, in.get(F, i0 + o));
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, in.get(F, i1 + o));
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, in.get(F, i2 + o));
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, in.get(F, i3 + o));
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, in.get(F, i4 + o));
            c40 = b0.fma(x, c40);
            c41 = b1.fma(x, c41);
        }
        c00.intoArray(scratch, 0);
        c01.intoArray(scratch, L);
        c10.intoArray(scratch, NR);
        c11.intoArray(scratch, NR + L);
        c20.intoArray(scratch, 2 * NR);
        c21.intoArray(scratch, 2 * NR + L);
        c30.intoArray(scratch, 3 * NR);
        c31.intoArray(scratch, 3 * NR + L);
        c40.intoArray(scratch, 4 * NR);
        c41.intoArray(scratch, 4 * NR + L);
    }

    // ------------------------------------------------------------------------------------------------ NCHW

    /** Stride 1, rows at least one vector wide: the last vector of a row overlaps the previous one. */
    private static void nchw(Tensor in, long[] off, Conv1x1Weights wt, boolean relu, Tensor out) {
        int cin = wt.inChannels(), cout = wt.outChannels();
        float[] panels = wt.rowPanels();
        int panelSize = wt.panelSize(NCHW_ROWS), panelCount = wt.panelCount(NCHW_ROWS);
        int oh = out.height(), ow = out.width();
        MemorySegment src = in.segment(), dst = out.segment();
        long outChannel = out.strideC() * Float.BYTES;
        for (int n = 0; n < out.batch(); n++) {
            for (int panel = 0; panel < panelCount; panel++) {
                int co = panel * NCHW_ROWS, rows = Math.min(NCHW_ROWS, cout - co), w = panel * panelSize;
                for (int oy = 0; oy < oh; oy++) {
                    long inRow = in.index(n, 0, oy, 0) * Float.BYTES;
                    long outRow = out.index(n, co, oy, 0) * Float.BYTES;
                    for (int x = 0; x < ow; x += L) {
                        int x0 = Math.min(x, ow - L);
                        rowTile(src, cin, off, panels, w, inRow + (long) x0 * Float.BYTES, dst,
                                outRow + (long) x0 * Float.BYTES, outChannel, rows, relu);
                    }
                }
            }
        }
    }

    /** {@value #NCHW_ROWS} output channels × one vector of pixels; rows past Cout are computed but not stored. */
    private static void rowTile(MemorySegment in, int k, long[] off, float[] panels, int w, long i, MemorySegment out,
                                long o, long outChannel, int rows, boolean relu) {
        FloatVector c0 = FloatVector.broadcast(S, panels[w]), c1 = FloatVector.broadcast(S, panels[w + 1]);
        FloatVector c2 = FloatVector.broadcast(S, panels[w + 2]), c3 = FloatVector.broadcast(S, panels[w + 3]);
        FloatVector c4 = FloatVector.broadcast(S, panels[w + 4]), c5 = FloatVector.broadcast(S, panels[w + 5]);
        FloatVector c6 = FloatVector.broadcast(S, panels[w + 6]), c7 = FloatVector.broadcast(S, panels[w + 7]);
        w += NCHW_ROWS;
        for (int kk = 0; kk < k; kk++, w += NCHW_ROWS) {
            FloatVector x = FloatVector.fromMemorySegment(S, in, i + off[kk], NATIVE);
            c0 = x.fma(FloatVector.broadcast(S, panels[w]), c0);
            c1 = x.fma(FloatVector.broadcast(S, panels[w + 1]), c1);
            c2 = x.fma(FloatVector.broadcast(S, panels[w + 2]), c2);
            c3 = x.fma(FloatVector.broadcast(S, panels[w + 3]), c3);
            c4 = x.fma(FloatVector.broadcast(S, panels[w + 4]), c4);
            c5 = x.fma(FloatVector.broadcast(S, panels[w + 5]), c5);
            c6 = x.fma(FloatVector.broadcast(S, panels[w + 6]), c6);
            c7 = x.fma(FloatVector.broadcast(S, panels[w + 7]), c7);
        }
        if (relu) {
            c0 = c0.max(0f);
            c1 = c1.max(0f);
            c2 = c2.max(0f);
            c3 = c3.max(0f);
            c4 = c4.max(0f);
            c5 = c5.max(0f);
            c6 = c6.max(0f);
            c7 = c7.max(0f);
        }
        c0.intoMemorySegment(out, o, NATIVE);
        if (rows > 1) c1.intoMemorySegment(out, o + outChannel, NATIVE);
        if (rows > 2) c2.intoMemorySegment(out, o + 2 * outChannel, NATIVE);
        if (rows > 3) c3.intoMemorySegment(out, o + 3 * outChannel, NATIVE);
        if (rows > 4) c4.intoMemorySegment(out, o + 4 * outChannel, NATIVE);
        if (rows > 5) c5.intoMemorySegment(out, o + 5 * outChannel, NATIVE);
        if (rows > 6) c6.intoMemorySegment(out, o + 6 * outChannel, NATIVE);
        if (rows > 7) c7.intoMemorySegment(out, o + 7 * outChannel, NATIVE);
    }
}
