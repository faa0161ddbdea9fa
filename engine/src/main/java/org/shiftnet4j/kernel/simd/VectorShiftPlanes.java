package org.shiftnet4j.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.shiftnet4j.kernel.ShiftTable;
import org.shiftnet4j.tensor.Tensor;

/**
 * NCHW shift: every (n, c) plane is the input plane moved by (dy, dx), and when the plane is dense (no border, rows
 * back to back) that is its flat storage moved by {@code dy·w + dx} floats. So a dense plane is swept in whole
 * vectors: load from the moved position, zero the lanes whose source is outside the image (a mask per offset class
 * and chunk, from {@link VectorShiftPlaneMasks}), store. No per-pixel or per-row work, no gap filling. Tiny planes
 * (7×7, 14×14) are swept as one flat loop over the whole image, because a loop of three or four vectors per plane
 * costs more in loop overhead than in data movement.
 *
 * <p>Loads that would leave the input segment (the first and last planes of an allocation) fall back to a span copy
 * plus zero fills, as do planes too large for mask tables. Planes with a border or other row strides are copied row
 * by row; reads may use the input's zero border, so with a border of at least the largest offset a plane is nothing
 * but row copies.
 */
final class VectorShiftPlanes {
    private static final VectorSpecies<Float> S = VectorKernels.S;
    private static final int LANES = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Planes up to this size are swept (their masks, classes × area / LANES longs, are cached on the table). */
    private static final long SWEEP_MAX_FLOATS = 64 * 64;

    private VectorShiftPlanes() {
    }

    static void shift(Tensor in, ShiftTable table, Tensor out) {
        int h = in.height(), w = in.width();
        long area = (long) h * w;
        boolean dense = in.strideH() == w && out.strideH() == w;
        if (dense && area >= LANES && area <= SWEEP_MAX_FLOATS) {
            VectorShiftPlaneMasks classes = table.derived(VectorShiftPlaneMasks.KEY, VectorShiftPlaneMasks::of);
            VectorShiftPlaneMasks.Geometry g = classes.geometry(h, w);
            boolean flat = g.flatDst() != null && in.strideC() == area && out.strideC() == area
                    && in.channels() >= 3;
            for (int n = 0; n < in.batch(); n++) {
                if (flat) {
                    // Planes 1..C-2 read only inside the image; the first and last may reach past the allocation.
                    sweepImage(in, out, n, g);
                    sweptOrCopied(in, table, out, n, 0, classes, g);
                    sweptOrCopied(in, table, out, n, in.channels() - 1, classes, g);
                } else {
                    for (int c = 0; c < in.channels(); c++) sweptOrCopied(in, table, out, n, c, classes, g);
                }
            }
            return;
        }
        MemorySegment src = in.segment(), dst = out.segment();
        for (int n = 0; n < in.batch(); n++) {
            for (int c = 0; c < in.channels(); c++) {
                long srcPlane = in.index(n, c, 0, 0) * Float.BYTES;
                long dstPlane = out.index(n, c, 0, 0) * Float.BYTES;
                if (dense) {
                    densePlane(src, srcPlane, dst, dstPlane, h, w, table.dy(c), table.dx(c));
                } else {
                    rowPlane(src, srcPlane, in.strideH(), in.border(), dst, dstPlane, out.strideH(), h, w,
                            table.dy(c), table.dx(c));
                }
            }
        }
    }

    /** Channels 1..C-2 of image n as one loop over the precomputed chunk list. */
    private static void sweepImage(Tensor in, Tensor out, int n, VectorShiftPlaneMasks.Geometry g) {
        MemorySegment src = in.segment(), dst = out.segment();
        long srcImage = in.index(n, 0, 0, 0) * Float.BYTES, dstImage = out.index(n, 0, 0, 0) * Float.BYTES;
        long[] flatDst = g.flatDst(), flatMove = g.flatMove(), flatZero = g.flatZero();
        int end = (in.channels() - 1) * g.chunks();
        for (int t = g.chunks(); t < end; t++) {
            long d = flatDst[t];
            FloatVector.fromMemorySegment(S, src, srcImage + d + flatMove[t], ORDER)
                    .blend(0f, VectorMask.fromLong(S, flatZero[t]))
                    .intoMemorySegment(dst, dstImage + d, ORDER);
        }
    }

    private static void sweptOrCopied(Tensor in, ShiftTable table, Tensor out, int n, int c,
                                      VectorShiftPlaneMasks classes, VectorShiftPlaneMasks.Geometry g) {
        int h = in.height(), w = in.width();
        long srcPlane = in.index(n, c, 0, 0) * Float.BYTES, dstPlane = out.index(n, c, 0, 0) * Float.BYTES;
        int dy = table.dy(c), dx = table.dx(c);
        if (!sweepPlane(in.segment(), srcPlane, out.segment(), dstPlane, h * w, (long) dy * w + dx, g,
                classes.classOf[c])) {
            densePlane(in.segment(), srcPlane, out.segment(), dstPlane, h, w, dy, dx);
        }
    }

    /**
     * A dense plane as vector-sized chunks, each loaded from the input moved by {@code move} floats with the lanes
     * that have no source zeroed. False, doing nothing, when some load would leave the input segment (the first or
     * last planes of an allocation, or offsets beyond the image): the caller then copies and fills instead.
     */
    private static boolean sweepPlane(MemorySegment src, long srcPlane, MemorySegment dst, long dstPlane, int area,
                                      long move, VectorShiftPlaneMasks.Geometry g, int cls) {
        if (g.empty()[cls]) {
            VectorShiftSpans.zero(dst, dstPlane, area);
            return true;
        }
        long srcStart = srcPlane + move * Float.BYTES;
        if (srcStart < 0 || srcStart + (long) area * Float.BYTES > src.byteSize()) {
            return false;
        }
        long[] zero = g.zero();
        int chunks = g.chunks(), at = cls * chunks;
        for (int i = 0; i < chunks - 1; i++) {
            long b = (long) i * LANES * Float.BYTES;
            FloatVector.fromMemorySegment(S, src, srcStart + b, ORDER).blend(0f, VectorMask.fromLong(S, zero[at + i]))
                    .intoMemorySegment(dst, dstPlane + b, ORDER);
        }
        long b = (long) (area - LANES) * Float.BYTES;
        FloatVector.fromMemorySegment(S, src, srcStart + b, ORDER).blend(0f, VectorMask.fromLong(S, zero[at + chunks - 1]))
                .intoMemorySegment(dst, dstPlane + b, ORDER);
        return true;
    }

    /** Both planes are {@code h·w} contiguous floats. */
    static void densePlane(MemorySegment src, long srcPlane, MemorySegment dst, long dstPlane,
                           int h, int w, int dy, int dx) {
        long area = (long) h * w;
        int y0 = Math.max(0, -dy), y1 = Math.min(h, h - dy);
        int x0 = Math.max(0, -dx), x1 = Math.min(w, w - dx);
        if (y0 >= y1 || x0 >= x1) {
            VectorShiftSpans.zero(dst, dstPlane, area);
            return;
        }
        long first = (long) y0 * w + x0;      // first output element that has a source
        long end = (long) (y1 - 1) * w + x1;  // one past the last
        long move = (long) dy * w + dx;
        VectorShiftSpans.copy(src, srcPlane + (first + move) * Float.BYTES, dst, dstPlane + first * Float.BYTES,
                end - first);
        VectorShiftSpans.zero(dst, dstPlane, first);
        VectorShiftSpans.zero(dst, dstPlane + end * Float.BYTES, area - end);
        int wrapped = w - (x1 - x0);
        if (wrapped > 0) {
            // Between two valid rows the flat copy carried the columns that crossed the left or right edge.
            for (int y = y0; y < y1 - 1; y++) {
                VectorShiftSpans.zero(dst, dstPlane + ((long) y * w + x1) * Float.BYTES, wrapped);
            }
        }
    }

    /** Any row strides; the input may have a zero border of {@code inBorder} pixels that reads can use. */
    static void rowPlane(MemorySegment src, long srcPlane, long srcRowStride, int inBorder,
                         MemorySegment dst, long dstPlane, long dstRowStride, int h, int w, int dy, int dx) {
        // Output rows/columns whose source is readable (inside the image or its zero border).
        int y0 = clamp(-inBorder - dy, h), y1 = clamp(h + inBorder - dy, h);
        int x0 = clamp(-inBorder - dx, w), x1 = clamp(w + inBorder - dx, w);
        long srcRowBytes = srcRowStride * Float.BYTES, dstRowBytes = dstRowStride * Float.BYTES;
        if (x0 >= x1) {
            y0 = y1 = h; // no readable column: every row is zero
        }
        for (int y = 0; y < h; y++) {
            if (y == y0) y = y1;
            if (y < h) VectorShiftSpans.zero(dst, dstPlane + y * dstRowBytes, w);
        }
        if (y0 >= y1) return;
        long srcFirst = srcPlane + (y0 + dy) * srcRowBytes + (long) (x0 + dx) * Float.BYTES;
        long dstFirst = dstPlane + y0 * dstRowBytes + (long) x0 * Float.BYTES;
        copyRows(src, srcFirst, srcRowBytes, dst, dstFirst, dstRowBytes, y1 - y0, x1 - x0);
        if (x0 > 0) zeroRows(dst, dstPlane + y0 * dstRowBytes, dstRowBytes, y1 - y0, x0);
        if (x1 < w) zeroRows(dst, dstPlane + y0 * dstRowBytes + (long) x1 * Float.BYTES, dstRowBytes, y1 - y0, w - x1);
    }

    /** {@code rows} rows of {@code count} floats; the copy form is chosen once, not per row. */
    private static void copyRows(MemorySegment src, long srcFirst, long srcRowBytes,
                                 MemorySegment dst, long dstFirst, long dstRowBytes, int rows, int count) {
        if (count < LANES) {
            // Shorter than a vector: load a whole vector (the rest of the row, the border, the next row: discarded)
            // unless that would leave the segment, and store only the row's floats.
            VectorMask<Float> first = VectorMask.fromLong(S, (1L << count) - 1);
            boolean wholeLoads = srcFirst + (rows - 1) * srcRowBytes + S.vectorByteSize() <= src.byteSize();
            for (int r = 0; r < rows; r++) {
                long s = srcFirst + r * srcRowBytes;
                FloatVector row = wholeLoads ? FloatVector.fromMemorySegment(S, src, s, ORDER)
                        : FloatVector.fromMemorySegment(S, src, s, ORDER, first);
                row.intoMemorySegment(dst, dstFirst + r * dstRowBytes, ORDER, first);
            }
        } else if (count <= 4 * LANES) {
            for (int r = 0; r < rows; r++) {
                VectorShiftSpans.copyFew(src, srcFirst + r * srcRowBytes, dst, dstFirst + r * dstRowBytes, count);
            }
        } else {
            for (int r = 0; r < rows; r++) {
                VectorShiftSpans.copy(src, srcFirst + r * srcRowBytes, dst, dstFirst + r * dstRowBytes, count);
            }
        }
    }

    /** The same {@code count} columns of {@code rows} rows set to zero (columns whose source is outside). */
    private static void zeroRows(MemorySegment dst, long dstFirst, long dstRowBytes, int rows, int count) {
        for (int r = 0; r < rows; r++) {
            VectorShiftSpans.zero(dst, dstFirst + r * dstRowBytes, count);
        }
    }

    private static int clamp(int v, int max) {
        return Math.max(0, Math.min(max, v));
    }
}
