package org.shiftnet4j.kernel.simd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.shiftnet4j.kernel.DepthwiseWeights;
import org.shiftnet4j.tensor.Tensor;

/**
 * NCHW depthwise convolution, vectorised along output x.
 *
 * <p>Every input plane is read through a frame with {@code padding} zero rows and columns around it, so every output
 * vector sees its whole K×K window and there are no edge cases. The outputs of a plane are covered by register tiles
 * of 8 vectors (8 independent FMA chains): 2 rows × 4 vectors when the output is at least 4 vectors wide, else
 * 4 × 2, else 8 × 1. Per tap a tile broadcasts its weight once and does one overlapping unaligned load plus one FMA
 * per vector. The vectors of a tile row are whole vectors apart, so their load offsets are constants (the row
 * offsets are not, which is why wide rows get the 2 × 4 shape: 8 × 1 was ~1.5× slower on 56-wide planes). The last
 * tile of a row is moved back to end at the row's end; it overlaps its neighbour and rewrites identical values, so
 * no masks and no scalar columns are needed.
 *
 * <p>Where the frame comes from:
 * <ul>
 *   <li><b>direct</b> (stride 1 and the input's zero border ≥ padding, as a shift's input buffer has): the tensor's
 *       own border is the frame, so taps are read straight from the input.
 *   <li><b>padded</b> (everything else): each plane is first copied into a per-thread scratch frame with zero rows
 *       and columns. For stride s > 1 the copy also de-interleaves every row into s phases (padded column q goes to
 *       phase q mod s, slot q div s), so that the s-strided taps of consecutive outputs become contiguous and the
 *       same unit-stride tiles serve every stride. The copy is one vector load and store per L input floats (an
 *       unzip shuffle for s = 2, scalar for s >= 3) against K²/s² FMAs per input element; for stride 1 it costs
 *       about 15 % (5×5) to 25 % (3×3) over the direct path on 56×56 planes.
 * </ul>
 * Outputs narrower than one vector are computed as whole vectors into scratch rows and copied out under a mask,
 * which keeps masked stores (and their code size) out of the tiles. Padding taps are multiplied by zero instead of
 * skipped, as in frameworks that pad explicitly: only an infinite or NaN weight can tell the difference.
 */
final class VectorDepthwiseNchw {
    private static final VectorSpecies<Float> S = VectorKernels.S;
    private static final int L = S.length();
    private static final long VECTOR_BYTES = S.vectorByteSize();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    /** Vectors (independent FMA chains) per register tile: enough to hide FMA latency, few enough not to spill. */
    private static final int TILE_VECTORS = 8;
    /** Shuffles that pick the even and the odd lanes of two concatenated vectors (de-interleaving stride 2). */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.makeUnzip(S, 0);
    private static final VectorShuffle<Float> ODD = VectorShuffle.makeUnzip(S, 1);

    /**
     * Per-thread scratch (padded frames, narrow output rows). It only grows, so steady-state calls allocate nothing;
     * it is released with its thread (an automatic arena).
     */
    private static final ThreadLocal<MemorySegment> SCRATCH = new ThreadLocal<>();

    private VectorDepthwiseNchw() {
    }

    static void depthwiseConv2d(Tensor in, DepthwiseWeights wt, Tensor out) {
        int k = wt.kernelSize(), s = wt.stride(), p = wt.padding(), d = wt.dilation(), taps = k * k;
        int h = in.height(), w = in.width(), oh = out.height(), ow = out.width();
        long inRow = in.strideH(), outRow = out.strideH();
        boolean narrow = ow < L;
        boolean direct = s == 1 && in.border() >= p && (!narrow || lastVectorInside(in, wt, out));

        // The padded frame: one phase holds every padded column of its residue class, plus room for the lanes of
        // a vector that run past the output (never stored), so no load leaves its own phase.
        long phaseLen = Math.max(Math.ceilDiv((long) w + 2L * p, s), Math.max(ow, L) + (long) (k - 1) * d / s);
        long rowLen = s * phaseLen;
        long frameFloats = direct ? 0 : (h + 2L * p) * rowLen;
        long narrowFloats = narrow ? (long) oh * L : 0;
        MemorySegment scratch = frameFloats + narrowFloats > 0 ? scratch((frameFloats + narrowFloats) * Float.BYTES)
                : null;
        if (!direct) {
            zeroFrame(scratch, h, w, p, s, rowLen, phaseLen);
        }
        // How tiles walk the frame: output row oy starts at frame row oy·s; tap (ky, kx) adds ky·tapRowStep and
        // offset(kx), which grows by tapStep per kx plus phaseWrap whenever the phase passes the stride.
        long rowStep = direct ? inRow : s * rowLen;
        long tapRowStep = d * (direct ? inRow : rowLen);
        long tapStep = direct ? d : (long) (d % s) * phaseLen + d / s;
        long phaseWrap = direct ? 0 : 1 - rowLen;
        int phaseStep = direct ? 0 : d % s;

        MemorySegment src = direct ? in.segment() : scratch, dst = out.segment();
        float[] weights = wt.channelMajor(), bias = wt.bias();
        for (int n = 0; n < in.batch(); n++) {
            for (int c = 0; c < in.channels(); c++) {
                long frame;
                if (direct) {
                    frame = in.index(n, c, 0, 0) - p * inRow - p; // (−p, −p) lies in the zero border
                } else {
                    copyPlane(in.segment(), in.index(n, c, 0, 0), inRow, h, w, scratch, p * rowLen, rowLen,
                            phaseLen, s, p);
                    frame = 0;
                }
                if (narrow) {
                    // Whole vectors go to scratch rows and only their first ow lanes to the output, so that no
                    // masked store sits in the tile.
                    plane(src, frame, rowStep, tapRowStep, tapStep, phaseWrap, phaseStep, s, k, weights, c * taps,
                            bias[c], scratch, frameFloats, L, oh, L);
                    copyNarrowRows(scratch, frameFloats, dst, out.index(n, c, 0, 0), outRow, oh, ow);
                } else {
                    plane(src, frame, rowStep, tapRowStep, tapStep, phaseWrap, phaseStep, s, k, weights, c * taps,
                            bias[c], dst, out.index(n, c, 0, 0), outRow, oh, ow);
                }
            }
        }
    }

    /**
     * For a narrow output read straight from the input, the lanes past the output read past the row; true when
     * even the last plane's last such read stays inside the input segment (it then only reads unused values).
     */
    private static boolean lastVectorInside(Tensor in, DepthwiseWeights wt, Tensor out) {
        int k = wt.kernelSize(), p = wt.padding(), d = wt.dilation();
        long last = in.index(in.batch() - 1, in.channels() - 1, 0, 0) - p * in.strideH() - p
                + (out.height() - 1L + (long) (k - 1) * d) * in.strideH() + (long) (k - 1) * d + L - 1;
        return last < in.segment().byteSize() / Float.BYTES;
    }

    /**
     * All ow × oh outputs of one plane, written at {@code outPlane} with rows {@code outRow} apart (ow >= L here, or
     * the rows are scratch rows of L floats). Register tiles of 8 vectors: 2 rows × 4 columns when the output is at
     * least 4 vectors wide, else 4 × 2, else 8 × 1. Columns of a tile are whole vectors apart, so their offsets are
     * constants; a row's last tile is moved back to end at the row's end and overlaps its neighbour.
     */
    private static void plane(MemorySegment src, long frame, long rowStep, long tapRowStep, long tapStep,
                              long phaseWrap, int phaseStep, int stride, int k, float[] weights, int wFirst,
                              float bias, MemorySegment dst, long outPlane, long outRow, int oh, int ow) {
        int columns = ow >= 4 * L ? 4 : ow >= 2 * L ? 2 : 1;
        int rows = TILE_VECTORS / columns, chunk = columns * L;
        for (int oy = 0; oy < oh; oy += rows) {
            int count = Math.min(rows, oh - oy);
            long first = frame + oy * rowStep, to = outPlane + oy * outRow;
            for (int x = 0; ; x += chunk) {
                x = Math.min(x, ow - chunk);
                switch (columns) {
                    case 4 -> tile2x4(src, first + x, rowStep, count, tapRowStep, k, weights, wFirst, tapStep,
                            phaseWrap, phaseStep, stride, bias, dst, to + x, outRow);
                    case 2 -> tile4x2(src, first + x, rowStep, count, tapRowStep, k, weights, wFirst, tapStep,
                            phaseWrap, phaseStep, stride, bias, dst, to + x, outRow);
                    default -> tile8x1(src, first + x, rowStep, count, tapRowStep, k, weights, wFirst, tapStep,
                            phaseWrap, phaseStep, stride, bias, dst, to + x, outRow);
                }
                if (x == ow - chunk) {
                    break;
                }
            }
        }
    }

    /** Copies the first ow floats of each of oh scratch rows (L floats apart) to the output rows. */
    private static void copyNarrowRows(MemorySegment scratch, long from, MemorySegment dst, long to, long outRow,
                                       int oh, int ow) {
        for (int oy = 0; oy < oh; oy++) {
            copyShort(scratch, from + (long) oy * L, dst, to + oy * outRow, ow);
        }
    }

    /**
     * Copies count < L floats under a mask, or one by one when a whole vector there would pass the end of either
     * segment (a masked access that does leaves the intrinsic for a slow, allocating path).
     */
    private static void copyShort(MemorySegment src, long from, MemorySegment dst, long to, int count) {
        if ((from + L) * Float.BYTES <= src.byteSize() && (to + L) * Float.BYTES <= dst.byteSize()) {
            VectorMask<Float> lanes = S.indexInRange(0, count);
            FloatVector.fromMemorySegment(S, src, from * Float.BYTES, ORDER, lanes)
                    .intoMemorySegment(dst, to * Float.BYTES, ORDER, lanes);
        } else {
            for (int i = 0; i < count; i++) {
                dst.setAtIndex(F, to + i, src.getAtIndex(F, from + i));
            }
        }
    }

    private static MemorySegment scratch(long bytes) {
        MemorySegment segment = SCRATCH.get();
        if (segment == null || segment.byteSize() < bytes) {
            segment = Arena.ofAuto().allocate(Math.max(bytes, Float.BYTES), Tensor.ALIGNMENT);
            SCRATCH.set(segment);
        }
        return segment;
    }

    /**
     * Zeroes the frame of the scratch plane: p rows above and below, and padded columns [0, p) and [p+w, w+2p) of
     * the data rows. Data columns are rewritten for every plane, and only lanes that are never stored read
     * anything else, so this is all the clearing a call needs.
     */
    private static void zeroFrame(MemorySegment scratch, int h, int w, int p, int s, long rowLen, long phaseLen) {
        zero(scratch, 0, p * rowLen);
        zero(scratch, (p + (long) h) * rowLen, p * rowLen);
        for (int iy = 0; iy < h; iy++) {
            long row = (p + (long) iy) * rowLen;
            for (int q = 0; q < p; q++) {
                scratch.setAtIndex(F, row + (q % s) * phaseLen + q / s, 0f);
                int right = p + w + q;
                scratch.setAtIndex(F, row + (right % s) * phaseLen + right / s, 0f);
            }
        }
    }

    private static void zero(MemorySegment segment, long from, long count) {
        long i = 0;
        for (; i <= count - L; i += L) {
            FloatVector.zero(S).intoMemorySegment(segment, (from + i) * Float.BYTES, ORDER);
        }
        for (; i < count; i++) {
            segment.setAtIndex(F, from + i, 0f);
        }
    }

    /** Copies one input plane into the scratch rows starting at {@code to}, at padded column p, in s phases. */
    private static void copyPlane(MemorySegment src, long plane, long inRow, int h, int w,
                                  MemorySegment scratch, long to, long rowLen, long phaseLen, int s, int p) {
        for (int iy = 0; iy < h; iy++) {
            long from = plane + iy * inRow;
            long row = to + iy * rowLen;
            if (s == 1) {
                copyRow(src, from, scratch, row + p, w);
            } else if (s == 2) {
                unzipRow(src, from, scratch, row + (p & 1) * phaseLen + p / 2,
                        row + (1 - (p & 1)) * phaseLen + (p + 1) / 2, w);
            } else {
                for (int phase = 0; phase < s; phase++) {
                    int x = Math.floorMod(phase - p, s);   // first input column whose padded column is in this phase
                    long slot = row + phase * phaseLen + (x + p) / s;
                    for (; x < w; x += s, slot++) {
                        scratch.setAtIndex(F, slot, src.getAtIndex(F, from + x));
                    }
                }
            }
        }
    }

    /** Copies {@code count} floats; a row that is not a whole number of vectors ends with an overlapping vector. */
    private static void copyRow(MemorySegment src, long from, MemorySegment dst, long to, int count) {
        if (count < L) {
            copyShort(src, from, dst, to, count);
            return;
        }
        for (int x = 0; ; x += L) {
            x = Math.min(x, count - L);
            FloatVector.fromMemorySegment(S, src, (from + x) * Float.BYTES, ORDER)
                    .intoMemorySegment(dst, (to + x) * Float.BYTES, ORDER);
            if (x == count - L) {
                break;
            }
        }
    }

    /**
     * Splits a row of {@code count} floats into its even columns (to slots from {@code even}) and odd columns (to
     * slots from {@code odd}), 2 vectors at a time; the last pair overlaps the previous one (at an even column, so
     * the roles stay put) and at most one column is left for scalar code.
     */
    private static void unzipRow(MemorySegment src, long from, MemorySegment dst, long even, long odd, int count) {
        int x = 0;
        if (count >= 2 * L) {
            int lastPair = (count - 2 * L) & ~1;
            for (; ; x += 2 * L) {
                x = Math.min(x, lastPair);
                FloatVector a = FloatVector.fromMemorySegment(S, src, (from + x) * Float.BYTES, ORDER);
                FloatVector b = FloatVector.fromMemorySegment(S, src, (from + x + L) * Float.BYTES, ORDER);
                a.rearrange(EVEN, b).intoMemorySegment(dst, (even + x / 2) * Float.BYTES, ORDER);
                a.rearrange(ODD, b).intoMemorySegment(dst, (odd + x / 2) * Float.BYTES, ORDER);
                if (x == lastPair) {
                    break;
                }
            }
            x += 2 * L;
        }
        for (; x < count; x++) {
            dst.setAtIndex(F, ((x & 1) == 0 ? even : odd) + x / 2, src.getAtIndex(F, from + x));
        }
    }

    /*
     * The tiles below share one contract. A tile computes output rows j < count (further rows repeat the last one
     * and are not stored) starting at input float index first + j·rowStep, writing them at outFirst + j·outRowStep;
     * the vectors of one row are L floats apart. Tap (ky, kx) of an output vector is read ky·tapRowStep + offset(kx)
     * after the vector's own start: offset(0) = 0, and each next kx adds tapStep, plus phaseWrap whenever the phase
     * (advanced by phaseStep) reaches stride. Weights are read from w[wi..] in tap order; every FMA is
     * acc = input.fma(weight, acc).
     */

    private static void tile2x4(MemorySegment src, long first, long rowStep, int count, long tapRowStep, int k,
                                float[] w, int wi, long tapStep, long phaseWrap, int phaseStep, int stride,
                                float bias, MemorySegment dst, long outFirst, long outRowStep) {
        long r1 = Math.min(1, count - 1) * rowStep * Float.BYTES;
        FloatVector a00 = FloatVector.broadcast(S, bias), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        long row = first;
        for (int ky = 0; ky < k; ky++, row += tapRowStep) {
            long at = row;
            int phase = 0;
            for (int kx = 0; kx < k; kx++) {
                FloatVector weight = FloatVector.broadcast(S, w[wi++]);
                long b = at * Float.BYTES, c = b + r1;
                a00 = FloatVector.fromMemorySegment(S, src, b, ORDER).fma(weight, a00);
                a01 = FloatVector.fromMemorySegment(S, src, b + VECTOR_BYTES, ORDER).fma(weight, a01);
                a02 = FloatVector.fromMemorySegment(S, src, b + 2 * VECTOR_BYTES, ORDER).fma(weight, a02);
                a03 = FloatVector.fromMemorySegment(S, src, b + 3 * VECTOR_BYTES, ORDER).fma(weight, a03);
                a10 = FloatVector.fromMemorySegment(S, src, c, ORDER).fma(weight, a10);
                a11 = FloatVector.fromMemorySegment(S, src, c + VECTOR_BYTES, ORDER).fma(weight, a11);
                a12 = FloatVector.fromMemorySegment(S, src, c + 2 * VECTOR_BYTES, ORDER).fma(weight, a12);
                a13 = FloatVector.fromMemorySegment(S, src, c + 3 * VECTOR_BYTES, ORDER).fma(weight, a13);
                at += tapStep;
                phase += phaseStep;
                if (phase >= stride) {
                    phase -= stride;
                    at += phaseWrap;
                }
            }
        }
        long o = outFirst * Float.BYTES;
        a00.intoMemorySegment(dst, o, ORDER);
        a01.intoMemorySegment(dst, o + VECTOR_BYTES, ORDER);
        a02.intoMemorySegment(dst, o + 2 * VECTOR_BYTES, ORDER);
        a03.intoMemorySegment(dst, o + 3 * VECTOR_BYTES, ORDER);
        if (count > 1) {
            o += outRowStep * Float.BYTES;
            a10.intoMemorySegment(dst, o, ORDER);
            a11.intoMemorySegment(dst, o + VECTOR_BYTES, ORDER);
            a12.intoMemorySegment(dst, o + 2 * VECTOR_BYTES, ORDER);
            a13.intoMemorySegment(dst, o + 3 * VECTOR_BYTES, ORDER);
        }
    }

    private static void tile4x2(MemorySegment src, long first, long rowStep, int count, long tapRowStep, int k,
                                float[] w, int wi, long tapStep, long phaseWrap, int phaseStep, int stride,
                                float bias, MemorySegment dst, long outFirst, long outRowStep) {
        int last = count - 1;
        long step = rowStep * Float.BYTES;
        long r1 = Math.min(1, last) * step, r2 = Math.min(2, last) * step, r3 = Math.min(3, last) * step;
        FloatVector a00 = FloatVector.broadcast(S, bias), a01 = a00, a10 = a00, a11 = a00;
        FloatVector a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        long row = first;
        for (int ky = 0; ky < k; ky++, row += tapRowStep) {
            long at = row;
            int phase = 0;
            for (int kx = 0; kx < k; kx++) {
                FloatVector weight = FloatVector.broadcast(S, w[wi++]);
                long b = at * Float.BYTES;
                a00 = FloatVector.fromMemorySegment(S, src, b, ORDER).fma(weight, a00);
                a01 = FloatVector.fromMemorySegment(S, src, b + VECTOR_BYTES, ORDER).fma(weight, a01);
                a10 = FloatVector.fromMemorySegment(S, src, b + r1, ORDER).fma(weight, a10);
                a11 = FloatVector.fromMemorySegment(S, src, b + r1 + VECTOR_BYTES, ORDER).fma(weight, a11);
                a20 = FloatVector.fromMemorySegment(S, src, b + r2, ORDER).fma(weight, a20);
                a21 = FloatVector.fromMemorySegment(S, src, b + r2 + VECTOR_BYTES, ORDER).fma(weight, a21);
                a30 = FloatVector.fromMemorySegment(S, src, b + r3, ORDER).fma(weight, a30);
                a31 = FloatVector.fromMemorySegment(S, src, b + r3 + VECTOR_BYTES, ORDER).fma(weight, a31);
                at += tapStep;
                phase += phaseStep;
                if (phase >= stride) {
                    phase -= stride;
                    at += phaseWrap;
                }
            }
        }
        long o = outFirst * Float.BYTES, q = outRowStep * Float.BYTES;
        a00.intoMemorySegment(dst, o, ORDER);
        a01.intoMemorySegment(dst, o + VECTOR_BYTES, ORDER);
        if (last >= 1) {
            a10.intoMemorySegment(dst, o + q, ORDER);
            a11.intoMemorySegment(dst, o + q + VECTOR_BYTES, ORDER);
        }
        if (last >= 2) {
            a20.intoMemorySegment(dst, o + 2 * q, ORDER);
            a21.intoMemorySegment(dst, o + 2 * q + VECTOR_BYTES, ORDER);
        }
        if (last >= 3) {
            a30.intoMemorySegment(dst, o + 3 * q, ORDER);
            a31.intoMemorySegment(dst, o + 3 * q + VECTOR_BYTES, ORDER);
        }
    }

    private static void tile8x1(MemorySegment src, long first, long rowStep, int count, long tapRowStep, int k,
                                float[] w, int wi, long tapStep, long phaseWrap, int phaseStep, int stride,
                                float bias, MemorySegment dst, long outFirst, long outRowStep) {
        int last = count - 1;
        long step = rowStep * Float.BYTES;
        long o1 = Math.min(1, last) * step, o2 = Math.min(2, last) * step, o3 = Math.min(3, last) * step;
        long o4 = Math.min(4, last) * step, o5 = Math.min(5, last) * step, o6 = Math.min(6, last) * step;
        long o7 = Math.min(7, last) * step;
        FloatVector a0 = FloatVector.broadcast(S, bias), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        long row = first;
        for (int ky = 0; ky < k; ky++, row += tapRowStep) {
            long at = row;
            int phase = 0;
            for (int kx = 0; kx < k; kx++) {
                FloatVector weight = FloatVector.broadcast(S, w[wi++]);
                long b = at * Float.BYTES;
                a0 = FloatVector.fromMemorySegment(S, src, b, ORDER).fma(weight, a0);
                a1 = FloatVector.fromMemorySegment(S, src, b + o1, ORDER).fma(weight, a1);
                a2 = FloatVector.fromMemorySegment(S, src, b + o2, ORDER).fma(weight, a2);
                a3 = FloatVector.fromMemorySegment(S, src, b + o3, ORDER).fma(weight, a3);
                a4 = FloatVector.fromMemorySegment(S, src, b + o4, ORDER).fma(weight, a4);
                a5 = FloatVector.fromMemorySegment(S, src, b + o5, ORDER).fma(weight, a5);
                a6 = FloatVector.fromMemorySegment(S, src, b + o6, ORDER).fma(weight, a6);
                a7 = FloatVector.fromMemorySegment(S, src, b + o7, ORDER).fma(weight, a7);
                at += tapStep;
                phase += phaseStep;
                if (phase >= stride) {
                    phase -= stride;
                    at += phaseWrap;
                }
            }
        }
        long o = outFirst * Float.BYTES, q = outRowStep * Float.BYTES;
        a0.intoMemorySegment(dst, o, ORDER);
        if (last >= 1) a1.intoMemorySegment(dst, o + q, ORDER);
        if (last >= 2) a2.intoMemorySegment(dst, o + 2 * q, ORDER);
        if (last >= 3) a3.intoMemorySegment(dst, o + 3 * q, ORDER);
        if (last >= 4) a4.intoMemorySegment(dst, o + 4 * q, ORDER);
        if (last >= 5) a5.intoMemorySegment(dst, o + 5 * q, ORDER);
        if (last >= 6) a6.intoMemorySegment(dst, o + 6 * q, ORDER);
        if (last >= 7) a7.intoMemorySegment(dst, o + 7 * q, ORDER);
    }
}
