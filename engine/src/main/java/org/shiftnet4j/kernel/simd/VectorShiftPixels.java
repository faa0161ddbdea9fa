package org.shiftnet4j.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.shiftnet4j.kernel.ShiftTable;
import org.shiftnet4j.tensor.Tensor;

/**
 * NHWC shift: the channels of a pixel are contiguous, so a vector holds neighbouring channels of one pixel, which
 * may have different offsets. The channels are covered by the pieces of a {@link VectorShiftPlan}.
 *
 * <p>Each piece is applied to a band of rows at a time (bands keep the rows a piece reads and writes in L2 while
 * the next piece reuses them). Within a band the pixels are split into rectangular cells in which every source of
 * the piece is either readable for all pixels or for none (readable = inside the image or its zero border), so the
 * inner loops have no bounds tests: a readable source is loaded, an unreadable one is replaced by zeros. The
 * interior of the image is a single cell; the border ring adds at most a few cells per reach of the offsets.
 */
final class VectorShiftPixels {
    private static final VectorSpecies<Float> S = VectorKernels.S;
    private static final int LANES = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long VECTOR_BYTES = S.vectorByteSize();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    /** Output bytes per band of rows; with the rows the band reads this stays well inside the 512 KiB L2. */
    private static final long BAND_BYTES = 96 * 1024;

    private VectorShiftPixels() {
    }

    static void shift(Tensor in, ShiftTable table, Tensor out) {
        shift(in, table, out, table.derived(VectorShiftPlan.KEY, VectorShiftPlan::of));
    }

    /** With an explicit plan; tests use it to reach plans that only wider vectors would produce. */
    static void shift(Tensor in, ShiftTable table, Tensor out, VectorShiftPlan plan) {
        int h = in.height(), w = in.width(), channels = in.channels();
        long rowBytes = (long) w * channels * Float.BYTES;
        int bandRows = (int) Math.max(1, Math.min(h, BAND_BYTES / rowBytes));
        VectorShiftPlan.Geometry geometry = plan.geometry(h, w, in.border());
        for (int n = 0; n < in.batch(); n++) {
            for (int band = 0; band < h; band += bandRows) {
                int bandEnd = Math.min(h, band + bandRows);
                for (int p = 0; p < plan.pieces(); p++) {
                    switch (plan.kind[p]) {
                        case VectorShiftPlan.SCALAR -> scalarPiece(in, table, out, n, band, bandEnd);
                        case VectorShiftPlan.BLEND -> blend(in, out, n, plan, p, geometry, band, bandEnd);
                        default -> cells(plan, p, in, out, n, band, bandEnd);
                    }
                }
            }
        }
    }

    /** Splits rows {@code [rowBegin, rowEnd)} × all columns into cells of equal readability and runs each. */
    private static void cells(VectorShiftPlan plan, int p, Tensor in, Tensor out, int n, int rowBegin, int rowEnd) {
        int h = in.height(), w = in.width(), border = in.border();
        int first = plan.firstSource[p], count = plan.sources[p];
        long sH = in.strideH() * Float.BYTES, sW = in.strideW() * Float.BYTES;
        long dH = out.strideH() * Float.BYTES, dW = out.strideW() * Float.BYTES;
        long srcImage = in.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long dstImage = out.index(n, plan.start[p], 0, 0) * Float.BYTES;
        for (int y0 = rowBegin; y0 < rowEnd; ) {
            int y1 = nextChange(plan.dy, first, count, y0, rowEnd, h, border);
            long rowDropped = unreadable(plan.dy, first, count, y0, h, border);
            for (int x0 = 0; x0 < w; ) {
                int x1 = nextChange(plan.dx, first, count, x0, w, w, border);
                long dropped = rowDropped | unreadable(plan.dx, first, count, x0, w, border);
                long srcCorner = srcImage + y0 * sH + x0 * sW;
                long dstCorner = dstImage + y0 * dH + x0 * dW;
                int rows = y1 - y0, cols = x1 - x0;
                switch (plan.kind[p]) {
                    case VectorShiftPlan.RUN -> run(in.segment(), srcCorner, sH, sW, out.segment(), dstCorner, dH, dW,
                            rows, cols, plan.length[p], plan.dy[first], plan.dx[first], dropped != 0,
                            plan.length[p] == in.channels());
                    default -> blendMany(in.segment(), srcCorner, sH, sW, out.segment(), dstCorner, dH, dW,
                            rows, cols, plan, first, count, dropped);
                }
                x0 = x1;
            }
            y0 = y1;
        }
    }

    /**
     * The first position after {@code pos} (at most {@code end}) where some source's readability changes. A source
     * with offset d is readable at positions {@code [-border - d, extent + border - d)}.
     */
    private static int nextChange(int[] offsets, int first, int count, int pos, int end, int extent, int border) {
        int next = end;
        for (int k = 0; k < count; k++) {
            int low = -border - offsets[first + k], high = extent + border - offsets[first + k];
            if (low > pos && low < next) next = low;
            if (high > pos && high < next) next = high;
        }
        return next;
    }

    /** Bit k set when source k is not readable at {@code pos}. */
    private static long unreadable(int[] offsets, int first, int count, int pos, int extent, int border) {
        long dropped = 0;
        for (int k = 0; k < count; k++) {
            int source = pos + offsets[first + k];
            if (source < -border || source >= extent + border) dropped |= 1L << k;
        }
        return dropped;
    }

    /**
     * Rows {@code [rowBegin, rowEnd)} of a blend piece, in raster order. The fixed-slot kernels load every source for
     * every pixel (an unreadable one lands in the border, a neighbouring row or image, and its lanes are zeroed), so
     * they run on the pixels whose loads all stay inside the input segment: in raster order one range, which misses
     * only a few pixels at the ends of the allocation (or many, with offsets beyond the image). Those pixels load
     * only their readable sources, one at a time.
     */
    private static void blend(Tensor in, Tensor out, int n, VectorShiftPlan plan, int p, VectorShiftPlan.Geometry g,
                              int rowBegin, int rowEnd) {
        int w = in.width(), h = in.height();
        long sH = in.strideH() * Float.BYTES, sW = in.strideW() * Float.BYTES;
        long srcImage = in.index(n, plan.start[p], 0, 0) * Float.BYTES;
        int begin = rowBegin * w, end = rowEnd * w;
        int safeBegin = Math.max(begin, firstSafePixel(srcImage + plan.lowestOffset(p, sH, sW), sH, sW, h, w));
        int safeEnd = Math.min(end, lastSafePixel(srcImage + plan.highestOffset(p, sH, sW) + VECTOR_BYTES,
                in.segment().byteSize(), sH, sW, h, w));
        if (safeBegin >= safeEnd) {
            blendEdge(in, out, n, plan, p, begin, end);
            return;
        }
        if (begin < safeBegin) blendEdge(in, out, n, plan, p, begin, safeBegin);
        blendPixels(in, out, n, plan, p, g, safeBegin, safeEnd);
        if (safeEnd < end) blendEdge(in, out, n, plan, p, safeEnd, end);
    }

    /** First raster index (y·w + x) from which {@code base + y·sH + x·sW >= 0}; addresses grow in raster order. */
    private static int firstSafePixel(long base, long sH, long sW, int h, int w) {
        if (base >= 0) return 0;
        long y = Math.max(0, Math.ceilDiv(-base - (w - 1) * sW, sH));
        if (y >= h) return h * w;
        long x = Math.max(0, Math.ceilDiv(-base - y * sH, sW));
        return (int) (y * w + x);
    }

    /** One past the last raster index up to which {@code end + y·sH + x·sW <= size}. */
    private static int lastSafePixel(long end, long size, long sH, long sW, int h, int w) {
        long y = Math.floorDiv(size - end, sH);
        if (y < 0) return 0;
        if (y >= h) return h * w;
        long x = Math.min(w - 1, Math.floorDiv(size - end - y * sH, sW));
        return (int) (y * w + x + 1);
    }

    /** Pixels {@code [pixelBegin, pixelEnd)} in raster order, each source loaded only where it is readable. */
    private static void blendEdge(Tensor in, Tensor out, int n, VectorShiftPlan plan, int p,
                                  int pixelBegin, int pixelEnd) {
        MemorySegment src = in.segment(), dst = out.segment();
        int h = in.height(), w = in.width(), border = in.border(), f = plan.firstSource[p], count = plan.sources[p];
        long sH = in.strideH() * Float.BYTES, sW = in.strideW() * Float.BYTES;
        for (int pixel = pixelBegin; pixel < pixelEnd; pixel++) {
            int y = pixel / w, x = pixel % w;
            long s = in.index(n, plan.start[p], y, x) * Float.BYTES;
            FloatVector v = FloatVector.zero(S);
            for (int k = f; k < f + count; k++) {
                if (readable(y + plan.dy[k], h, border) && readable(x + plan.dx[k], w, border)) {
                    v = v.blend(load(src, s + plan.offset(k, sH, sW)), VectorMask.fromLong(S, plan.lanes[k]));
                }
            }
            v.intoMemorySegment(dst, out.index(n, plan.start[p], y, x) * Float.BYTES, ORDER);
        }
    }

    private static boolean readable(int position, int extent, int border) {
        return position >= -border && position < extent + border;
    }

    /** Dispatches to the fixed-slot kernel of this piece's width. */
    private static void blendPixels(Tensor in, Tensor out, int n, VectorShiftPlan plan, int p,
                                    VectorShiftPlan.Geometry g, int pixelBegin, int pixelEnd) {
        switch (plan.sources[p]) {
            case 2 -> blend2(in, out, n, plan, p, g, pixelBegin, pixelEnd);
            case 3 -> blend3(in, out, n, plan, p, g, pixelBegin, pixelEnd);
            case 4 -> blend4(in, out, n, plan, p, g, pixelBegin, pixelEnd);
            case 6 -> blend6(in, out, n, plan, p, g, pixelBegin, pixelEnd);
            case 8 -> blend8(in, out, n, plan, p, g, pixelBegin, pixelEnd);
            case 9 -> blend9(in, out, n, plan, p, g, pixelBegin, pixelEnd);
            case 12 -> blend12(in, out, n, plan, p, g, pixelBegin, pixelEnd);
            default -> blend16(in, out, n, plan, p, g, pixelBegin, pixelEnd);
        }
    }

    /** One offset for {@code length >= LANES} channels: vector copies, or zeros when the source is unreadable. */
    private static void run(MemorySegment src, long srcCorner, long sH, long sW,
                            MemorySegment dst, long dstCorner, long dH, long dW,
                            int rows, int cols, int length, int dy, int dx, boolean dropped, boolean wholePixels) {
        long move = dy * sH + dx * sW;
        long pixelBytes = (long) length * Float.BYTES;
        boolean pixelsBackToBack = wholePixels && sW == pixelBytes && dW == pixelBytes;
        if (pixelsBackToBack && sH == cols * sW && dH == cols * dW) {
            // Rows back to back as well: the whole cell is one span.
            span(src, srcCorner + move, dst, dstCorner, (long) rows * cols * length, dropped);
            return;
        }
        for (int r = 0; r < rows; r++) {
            long srcRow = srcCorner + r * sH + move, dstRow = dstCorner + r * dH;
            if (pixelsBackToBack) {
                span(src, srcRow, dst, dstRow, (long) cols * length, dropped);
                continue;
            }
            if (dropped) {
                for (int i = 0; i < cols; i++) {
                    VectorShiftSpans.zero(dst, dstRow + i * dW, length);
                }
            } else if (length == LANES) {
                for (int i = 0; i < cols; i++) {
                    load(src, srcRow + i * sW).intoMemorySegment(dst, dstRow + i * dW, ORDER);
                }
            } else if (length <= 2 * LANES) {
                long tail = (long) (length - LANES) * Float.BYTES; // second vector overlaps the first
                for (int i = 0; i < cols; i++) {
                    long s = srcRow + i * sW, d = dstRow + i * dW;
                    FloatVector head = load(src, s), last = load(src, s + tail);
                    head.intoMemorySegment(dst, d, ORDER);
                    last.intoMemorySegment(dst, d + tail, ORDER);
                }
            } else {
                for (int i = 0; i < cols; i++) {
                    VectorShiftSpans.copyVectors(src, srcRow + i * sW, dst, dstRow + i * dW, length);
                }
            }
        }
    }

    private static void span(MemorySegment src, long srcByte, MemorySegment dst, long dstByte, long floats,
                             boolean zero) {
        if (zero) {
            VectorShiftSpans.zero(dst, dstByte, floats);
        } else {
            VectorShiftSpans.copy(src, srcByte, dst, dstByte, floats);
        }
    }

    // ---- fixed-slot blend kernels, one per slot count. Slot 0 is loaded whole, slots 1.. are merged under their
    // lane masks, then lanes whose source is outside the image are zeroed. Every source is loaded for every pixel
    // (an unreadable one lands in the border, a neighbouring row or image, always inside the segment, and is
    // discarded); rows where a load could leave the segment go through the exact cells instead.

    private static void blend2(Tensor in, Tensor out, int n, VectorShiftPlan plan, int p, VectorShiftPlan.Geometry g,
                                int pixelBegin, int pixelEnd) {
        MemorySegment src = in.segment(), dst = out.segment();
        int f = plan.firstSource[p], w = in.width();
        long sH = in.strideH() * Float.BYTES, sW = in.strideW() * Float.BYTES;
        long dH = out.strideH() * Float.BYTES, dW = out.strideW() * Float.BYTES;
        long srcImage = in.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long dstImage = out.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long o0 = plan.offset(f + 0, sH, sW), o1 = plan.offset(f + 1, sH, sW);
        VectorMask<Float> m1 = VectorMask.fromLong(S, plan.lanes[f + 1]);
        long[] rowZero = g.rowZero(), colZero = g.colZero();
        int rowAt = g.rowAt(p), colAt = g.colAt(p);
        int lastRow = (pixelEnd - 1) / w;
        for (int y = pixelBegin / w; y <= lastRow; y++) {
            long srcRow = srcImage + y * sH, dstRow = dstImage + y * dH;
            long rowZ = rowZero[rowAt + y];
            int xEnd = Math.min(w, pixelEnd - y * w);
            for (int x = Math.max(0, pixelBegin - y * w); x < xEnd; x++) {
                long s = srcRow + x * sW;
                FloatVector v = load(src, s + o0)
                        .blend(load(src, s + o1), m1);
                v = v.blend(0f, VectorMask.fromLong(S, rowZ | colZero[colAt + x]));
                v.intoMemorySegment(dst, dstRow + x * dW, ORDER);
            }
        }
    }

    private static void blend3(Tensor in, Tensor out, int n, VectorShiftPlan plan, int p, VectorShiftPlan.Geometry g,
                                int pixelBegin, int pixelEnd) {
        MemorySegment src = in.segment(), dst = out.segment();
        int f = plan.firstSource[p], w = in.width();
        long sH = in.strideH() * Float.BYTES, sW = in.strideW() * Float.BYTES;
        long dH = out.strideH() * Float.BYTES, dW = out.strideW() * Float.BYTES;
        long srcImage = in.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long dstImage = out.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long o0 = plan.offset(f + 0, sH, sW), o1 = plan.offset(f + 1, sH, sW);
        long o2 = plan.offset(f + 2, sH, sW);
        VectorMask<Float> m1 = VectorMask.fromLong(S, plan.lanes[f + 1]);
        VectorMask<Float> m2 = VectorMask.fromLong(S, plan.lanes[f + 2]);
        long[] rowZero = g.rowZero(), colZero = g.colZero();
        int rowAt = g.rowAt(p), colAt = g.colAt(p);
        int lastRow = (pixelEnd - 1) / w;
        for (int y = pixelBegin / w; y <= lastRow; y++) {
            long srcRow = srcImage + y * sH, dstRow = dstImage + y * dH;
            long rowZ = rowZero[rowAt + y];
            int xEnd = Math.min(w, pixelEnd - y * w);
            for (int x = Math.max(0, pixelBegin - y * w); x < xEnd; x++) {
                long s = srcRow + x * sW;
                FloatVector v = load(src, s + o0)
                        .blend(load(src, s + o1), m1)
                        .blend(load(src, s + o2), m2);
                v = v.blend(0f, VectorMask.fromLong(S, rowZ | colZero[colAt + x]));
                v.intoMemorySegment(dst, dstRow + x * dW, ORDER);
            }
        }
    }

    private static void blend4(Tensor in, Tensor out, int n, VectorShiftPlan plan, int p, VectorShiftPlan.Geometry g,
                                int pixelBegin, int pixelEnd) {
        MemorySegment src = in.segment(), dst = out.segment();
        int f = plan.firstSource[p], w = in.width();
        long sH = in.strideH() * Float.BYTES, sW = in.strideW() * Float.BYTES;
        long dH = out.strideH() * Float.BYTES, dW = out.strideW() * Float.BYTES;
        long srcImage = in.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long dstImage = out.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long o0 = plan.offset(f + 0, sH, sW), o1 = plan.offset(f + 1, sH, sW);
        long o2 = plan.offset(f + 2, sH, sW), o3 = plan.offset(f + 3, sH, sW);
        VectorMask<Float> m1 = VectorMask.fromLong(S, plan.lanes[f + 1]);
        VectorMask<Float> m2 = VectorMask.fromLong(S, plan.lanes[f + 2]);
        VectorMask<Float> m3 = VectorMask.fromLong(S, plan.lanes[f + 3]);
        long[] rowZero = g.rowZero(), colZero = g.colZero();
        int rowAt = g.rowAt(p), colAt = g.colAt(p);
        int lastRow = (pixelEnd - 1) / w;
        for (int y = pixelBegin / w; y <= lastRow; y++) {
            long srcRow = srcImage + y * sH, dstRow = dstImage + y * dH;
            long rowZ = rowZero[rowAt + y];
            int xEnd = Math.min(w, pixelEnd - y * w);
            for (int x = Math.max(0, pixelBegin - y * w); x < xEnd; x++) {
                long s = srcRow + x * sW;
                FloatVector v = load(src, s + o0)
                        .blend(load(src, s + o1), m1)
                        .blend(load(src, s + o2), m2)
                        .blend(load(src, s + o3), m3);
                v = v.blend(0f, VectorMask.fromLong(S, rowZ | colZero[colAt + x]));
                v.intoMemorySegment(dst, dstRow + x * dW, ORDER);
            }
        }
    }

    private static void blend6(Tensor in, Tensor out, int n, VectorShiftPlan plan, int p, VectorShiftPlan.Geometry g,
                                int pixelBegin, int pixelEnd) {
        MemorySegment src = in.segment(), dst = out.segment();
        int f = plan.firstSource[p], w = in.width();
        long sH = in.strideH() * Float.BYTES, sW = in.strideW() * Float.BYTES;
        long dH = out.strideH() * Float.BYTES, dW = out.strideW() * Float.BYTES;
        long srcImage = in.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long dstImage = out.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long o0 = plan.offset(f + 0, sH, sW), o1 = plan.offset(f + 1, sH, sW);
        long o2 = plan.offset(f + 2, sH, sW), o3 = plan.offset(f + 3, sH, sW);
        long o4 = plan.offset(f + 4, sH, sW), o5 = plan.offset(f + 5, sH, sW);
        VectorMask<Float> m1 = VectorMask.fromLong(S, plan.lanes[f + 1]);
        VectorMask<Float> m2 = VectorMask.fromLong(S, plan.lanes[f + 2]);
        VectorMask<Float> m3 = VectorMask.fromLong(S, plan.lanes[f + 3]);
        VectorMask<Float> m4 = VectorMask.fromLong(S, plan.lanes[f + 4]);
        VectorMask<Float> m5 = VectorMask.fromLong(S, plan.lanes[f + 5]);
        long[] rowZero = g.rowZero(), colZero = g.colZero();
        int rowAt = g.rowAt(p), colAt = g.colAt(p);
        int lastRow = (pixelEnd - 1) / w;
        for (int y = pixelBegin / w; y <= lastRow; y++) {
            long srcRow = srcImage + y * sH, dstRow = dstImage + y * dH;
            long rowZ = rowZero[rowAt + y];
            int xEnd = Math.min(w, pixelEnd - y * w);
            for (int x = Math.max(0, pixelBegin - y * w); x < xEnd; x++) {
                long s = srcRow + x * sW;
                FloatVector v = load(src, s + o0)
                        .blend(load(src, s + o1), m1)
                        .blend(load(src, s + o2), m2)
                        .blend(load(src, s + o3), m3)
                        .blend(load(src, s + o4), m4)
                        .blend(load(src, s + o5), m5);
                v = v.blend(0f, VectorMask.fromLong(S, rowZ | colZero[colAt + x]));
                v.intoMemorySegment(dst, dstRow + x * dW, ORDER);
            }
        }
    }

    private static void blend8(Tensor in, Tensor out, int n, VectorShiftPlan plan, int p, VectorShiftPlan.Geometry g,
                                int pixelBegin, int pixelEnd) {
        MemorySegment src = in.segment(), dst = out.segment();
        int f = plan.firstSource[p], w = in.width();
        long sH = in.strideH() * Float.BYTES, sW = in.strideW() * Float.BYTES;
        long dH = out.strideH() * Float.BYTES, dW = out.strideW() * Float.BYTES;
        long srcImage = in.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long dstImage = out.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long o0 = plan.offset(f + 0, sH, sW), o1 = plan.offset(f + 1, sH, sW);
        long o2 = plan.offset(f + 2, sH, sW), o3 = plan.offset(f + 3, sH, sW);
        long o4 = plan.offset(f + 4, sH, sW), o5 = plan.offset(f + 5, sH, sW);
        long o6 = plan.offset(f + 6, sH, sW), o7 = plan.offset(f + 7, sH, sW);
        VectorMask<Float> m1 = VectorMask.fromLong(S, plan.lanes[f + 1]);
        VectorMask<Float> m2 = VectorMask.fromLong(S, plan.lanes[f + 2]);
        VectorMask<Float> m3 = VectorMask.fromLong(S, plan.lanes[f + 3]);
        VectorMask<Float> m4 = VectorMask.fromLong(S, plan.lanes[f + 4]);
        VectorMask<Float> m5 = VectorMask.fromLong(S, plan.lanes[f + 5]);
        VectorMask<Float> m6 = VectorMask.fromLong(S, plan.lanes[f + 6]);
        VectorMask<Float> m7 = VectorMask.fromLong(S, plan.lanes[f + 7]);
        long[] rowZero = g.rowZero(), colZero = g.colZero();
        int rowAt = g.rowAt(p), colAt = g.colAt(p);
        int lastRow = (pixelEnd - 1) / w;
        for (int y = pixelBegin / w; y <= lastRow; y++) {
            long srcRow = srcImage + y * sH, dstRow = dstImage + y * dH;
            long rowZ = rowZero[rowAt + y];
            int xEnd = Math.min(w, pixelEnd - y * w);
            for (int x = Math.max(0, pixelBegin - y * w); x < xEnd; x++) {
                long s = srcRow + x * sW;
                FloatVector v = load(src, s + o0)
                        .blend(load(src, s + o1), m1)
                        .blend(load(src, s + o2), m2)
                        .blend(load(src, s + o3), m3)
                        .blend(load(src, s + o4), m4)
                        .blend(load(src, s + o5), m5)
                        .blend(load(src, s + o6), m6)
                        .blend(load(src, s + o7), m7);
                v = v.blend(0f, VectorMask.fromLong(S, rowZ | colZero[colAt + x]));
                v.intoMemorySegment(dst, dstRow + x * dW, ORDER);
            }
        }
    }

    private static void blend9(Tensor in, Tensor out, int n, VectorShiftPlan plan, int p, VectorShiftPlan.Geometry g,
                                int pixelBegin, int pixelEnd) {
        MemorySegment src = in.segment(), dst = out.segment();
        int f = plan.firstSource[p], w = in.width();
        long sH = in.strideH() * Float.BYTES, sW = in.strideW() * Float.BYTES;
        long dH = out.strideH() * Float.BYTES, dW = out.strideW() * Float.BYTES;
        long srcImage = in.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long dstImage = out.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long o0 = plan.offset(f + 0, sH, sW), o1 = plan.offset(f + 1, sH, sW);
        long o2 = plan.offset(f + 2, sH, sW), o3 = plan.offset(f + 3, sH, sW);
        long o4 = plan.offset(f + 4, sH, sW), o5 = plan.offset(f + 5, sH, sW);
        long o6 = plan.offset(f + 6, sH, sW), o7 = plan.offset(f + 7, sH, sW);
        long o8 = plan.offset(f + 8, sH, sW);
        VectorMask<Float> m1 = VectorMask.fromLong(S, plan.lanes[f + 1]);
        VectorMask<Float> m2 = VectorMask.fromLong(S, plan.lanes[f + 2]);
        VectorMask<Float> m3 = VectorMask.fromLong(S, plan.lanes[f + 3]);
        VectorMask<Float> m4 = VectorMask.fromLong(S, plan.lanes[f + 4]);
        VectorMask<Float> m5 = VectorMask.fromLong(S, plan.lanes[f + 5]);
        VectorMask<Float> m6 = VectorMask.fromLong(S, plan.lanes[f + 6]);
        VectorMask<Float> m7 = VectorMask.fromLong(S, plan.lanes[f + 7]);
        VectorMask<Float> m8 = VectorMask.fromLong(S, plan.lanes[f + 8]);
        long[] rowZero = g.rowZero(), colZero = g.colZero();
        int rowAt = g.rowAt(p), colAt = g.colAt(p);
        int lastRow = (pixelEnd - 1) / w;
        for (int y = pixelBegin / w; y <= lastRow; y++) {
            long srcRow = srcImage + y * sH, dstRow = dstImage + y * dH;
            long rowZ = rowZero[rowAt + y];
            int xEnd = Math.min(w, pixelEnd - y * w);
            for (int x = Math.max(0, pixelBegin - y * w); x < xEnd; x++) {
                long s = srcRow + x * sW;
                FloatVector v = load(src, s + o0)
                        .blend(load(src, s + o1), m1)
                        .blend(load(src, s + o2), m2)
                        .blend(load(src, s + o3), m3)
                        .blend(load(src, s + o4), m4)
                        .blend(load(src, s + o5), m5)
                        .blend(load(src, s + o6), m6)
                        .blend(load(src, s + o7), m7)
                        .blend(load(src, s + o8), m8);
                v = v.blend(0f, VectorMask.fromLong(S, rowZ | colZero[colAt + x]));
                v.intoMemorySegment(dst, dstRow + x * dW, ORDER);
            }
        }
    }

    private static void blend12(Tensor in, Tensor out, int n, VectorShiftPlan plan, int p, VectorShiftPlan.Geometry g,
                                int pixelBegin, int pixelEnd) {
        MemorySegment src = in.segment(), dst = out.segment();
        int f = plan.firstSource[p], w = in.width();
        long sH = in.strideH() * Float.BYTES, sW = in.strideW() * Float.BYTES;
        long dH = out.strideH() * Float.BYTES, dW = out.strideW() * Float.BYTES;
        long srcImage = in.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long dstImage = out.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long o0 = plan.offset(f + 0, sH, sW), o1 = plan.offset(f + 1, sH, sW);
        long o2 = plan.offset(f + 2, sH, sW), o3 = plan.offset(f + 3, sH, sW);
        long o4 = plan.offset(f + 4, sH, sW), o5 = plan.offset(f + 5, sH, sW);
        long o6 = plan.offset(f + 6, sH, sW), o7 = plan.offset(f + 7, sH, sW);
        long o8 = plan.offset(f + 8, sH, sW), o9 = plan.offset(f + 9, sH, sW);
        long o10 = plan.offset(f + 10, sH, sW), o11 = plan.offset(f + 11, sH, sW);
        VectorMask<Float> m1 = VectorMask.fromLong(S, plan.lanes[f + 1]);
        VectorMask<Float> m2 = VectorMask.fromLong(S, plan.lanes[f + 2]);
        VectorMask<Float> m3 = VectorMask.fromLong(S, plan.lanes[f + 3]);
        VectorMask<Float> m4 = VectorMask.fromLong(S, plan.lanes[f + 4]);
        VectorMask<Float> m5 = VectorMask.fromLong(S, plan.lanes[f + 5]);
        VectorMask<Float> m6 = VectorMask.fromLong(S, plan.lanes[f + 6]);
        VectorMask<Float> m7 = VectorMask.fromLong(S, plan.lanes[f + 7]);
        VectorMask<Float> m8 = VectorMask.fromLong(S, plan.lanes[f + 8]);
        VectorMask<Float> m9 = VectorMask.fromLong(S, plan.lanes[f + 9]);
        VectorMask<Float> m10 = VectorMask.fromLong(S, plan.lanes[f + 10]);
        VectorMask<Float> m11 = VectorMask.fromLong(S, plan.lanes[f + 11]);
        long[] rowZero = g.rowZero(), colZero = g.colZero();
        int rowAt = g.rowAt(p), colAt = g.colAt(p);
        int lastRow = (pixelEnd - 1) / w;
        for (int y = pixelBegin / w; y <= lastRow; y++) {
            long srcRow = srcImage + y * sH, dstRow = dstImage + y * dH;
            long rowZ = rowZero[rowAt + y];
            int xEnd = Math.min(w, pixelEnd - y * w);
            for (int x = Math.max(0, pixelBegin - y * w); x < xEnd; x++) {
                long s = srcRow + x * sW;
                FloatVector v = load(src, s + o0)
                        .blend(load(src, s + o1), m1)
                        .blend(load(src, s + o2), m2)
                        .blend(load(src, s + o3), m3)
                        .blend(load(src, s + o4), m4)
                        .blend(load(src, s + o5), m5)
                        .blend(load(src, s + o6), m6)
                        .blend(load(src, s + o7), m7)
                        .blend(load(src, s + o8), m8)
                        .blend(load(src, s + o9), m9)
                        .blend(load(src, s + o10), m10)
                        .blend(load(src, s + o11), m11);
                v = v.blend(0f, VectorMask.fromLong(S, rowZ | colZero[colAt + x]));
                v.intoMemorySegment(dst, dstRow + x * dW, ORDER);
            }
        }
    }

    private static void blend16(Tensor in, Tensor out, int n, VectorShiftPlan plan, int p, VectorShiftPlan.Geometry g,
                                int pixelBegin, int pixelEnd) {
        MemorySegment src = in.segment(), dst = out.segment();
        int f = plan.firstSource[p], w = in.width();
        long sH = in.strideH() * Float.BYTES, sW = in.strideW() * Float.BYTES;
        long dH = out.strideH() * Float.BYTES, dW = out.strideW() * Float.BYTES;
        long srcImage = in.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long dstImage = out.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long o0 = plan.offset(f + 0, sH, sW), o1 = plan.offset(f + 1, sH, sW);
        long o2 = plan.offset(f + 2, sH, sW), o3 = plan.offset(f + 3, sH, sW);
        long o4 = plan.offset(f + 4, sH, sW), o5 = plan.offset(f + 5, sH, sW);
        long o6 = plan.offset(f + 6, sH, sW), o7 = plan.offset(f + 7, sH, sW);
        long o8 = plan.offset(f + 8, sH, sW), o9 = plan.offset(f + 9, sH, sW);
        long o10 = plan.offset(f + 10, sH, sW), o11 = plan.offset(f + 11, sH, sW);
        long o12 = plan.offset(f + 12, sH, sW), o13 = plan.offset(f + 13, sH, sW);
        long o14 = plan.offset(f + 14, sH, sW), o15 = plan.offset(f + 15, sH, sW);
        VectorMask<Float> m1 = VectorMask.fromLong(S, plan.lanes[f + 1]);
        VectorMask<Float> m2 = VectorMask.fromLong(S, plan.lanes[f + 2]);
        VectorMask<Float> m3 = VectorMask.fromLong(S, plan.lanes[f + 3]);
        VectorMask<Float> m4 = VectorMask.fromLong(S, plan.lanes[f + 4]);
        VectorMask<Float> m5 = VectorMask.fromLong(S, plan.lanes[f + 5]);
        VectorMask<Float> m6 = VectorMask.fromLong(S, plan.lanes[f + 6]);
        VectorMask<Float> m7 = VectorMask.fromLong(S, plan.lanes[f + 7]);
        VectorMask<Float> m8 = VectorMask.fromLong(S, plan.lanes[f + 8]);
        VectorMask<Float> m9 = VectorMask.fromLong(S, plan.lanes[f + 9]);
        VectorMask<Float> m10 = VectorMask.fromLong(S, plan.lanes[f + 10]);
        VectorMask<Float> m11 = VectorMask.fromLong(S, plan.lanes[f + 11]);
        VectorMask<Float> m12 = VectorMask.fromLong(S, plan.lanes[f + 12]);
        VectorMask<Float> m13 = VectorMask.fromLong(S, plan.lanes[f + 13]);
        VectorMask<Float> m14 = VectorMask.fromLong(S, plan.lanes[f + 14]);
        VectorMask<Float> m15 = VectorMask.fromLong(S, plan.lanes[f + 15]);
        long[] rowZero = g.rowZero(), colZero = g.colZero();
        int rowAt = g.rowAt(p), colAt = g.colAt(p);
        int lastRow = (pixelEnd - 1) / w;
        for (int y = pixelBegin / w; y <= lastRow; y++) {
            long srcRow = srcImage + y * sH, dstRow = dstImage + y * dH;
            long rowZ = rowZero[rowAt + y];
            int xEnd = Math.min(w, pixelEnd - y * w);
            for (int x = Math.max(0, pixelBegin - y * w); x < xEnd; x++) {
                long s = srcRow + x * sW;
                FloatVector v = load(src, s + o0)
                        .blend(load(src, s + o1), m1)
                        .blend(load(src, s + o2), m2)
                        .blend(load(src, s + o3), m3)
                        .blend(load(src, s + o4), m4)
                        .blend(load(src, s + o5), m5)
                        .blend(load(src, s + o6), m6)
                        .blend(load(src, s + o7), m7)
                        .blend(load(src, s + o8), m8)
                        .blend(load(src, s + o9), m9)
                        .blend(load(src, s + o10), m10)
                        .blend(load(src, s + o11), m11)
                        .blend(load(src, s + o12), m12)
                        .blend(load(src, s + o13), m13)
                        .blend(load(src, s + o14), m14)
                        .blend(load(src, s + o15), m15);
                v = v.blend(0f, VectorMask.fromLong(S, rowZ | colZero[colAt + x]));
                v.intoMemorySegment(dst, dstRow + x * dW, ORDER);
            }
        }
    }

    /**
     * Any number of sources, merged one at a time with the unreadable ones ({@code dropped}) left zero: the path for
     * vectors with more offsets than the widest fixed kernel (only with vectors wider than 512 bits).
     */
    private static void blendMany(MemorySegment src, long srcCorner, long sH, long sW,
                                  MemorySegment dst, long dstCorner, long dH, long dW,
                                  int rows, int cols, VectorShiftPlan plan, int f, int count, long dropped) {
        for (int r = 0; r < rows; r++) {
            long srcRow = srcCorner + r * sH, dstRow = dstCorner + r * dH;
            for (int i = 0; i < cols; i++) {
                long s = srcRow + i * sW;
                FloatVector v = FloatVector.zero(S);
                for (int k = 0; k < count; k++) {
                    if ((dropped >>> k & 1) == 0) {
                        long o = plan.dy[f + k] * sH + plan.dx[f + k] * sW;
                        v = v.blend(load(src, s + o), VectorMask.fromLong(S, plan.lanes[f + k]));
                    }
                }
                v.intoMemorySegment(dst, dstRow + i * dW, ORDER);
            }
        }
    }

    private static FloatVector load(MemorySegment segment, long byteOffset) {
        return FloatVector.fromMemorySegment(S, segment, byteOffset, ORDER);
    }

    /** Fewer channels than lanes: one float at a time, rows {@code [rowBegin, rowEnd)}. */
    private static void scalarPiece(Tensor in, ShiftTable table, Tensor out, int n, int rowBegin, int rowEnd) {
        MemorySegment src = in.segment(), dst = out.segment();
        int h = in.height(), w = in.width(), border = in.border();
        for (int y = rowBegin; y < rowEnd; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < in.channels(); c++) {
                    int sy = y + table.dy(c), sx = x + table.dx(c);
                    boolean readable = sy >= -border && sy < h + border && sx >= -border && sx < w + border;
                    dst.setAtIndex(F, out.index(n, c, y, x), readable ? src.getAtIndex(F, in.index(n, c, sy, sx)) : 0f);
                }
            }
        }
    }
}
