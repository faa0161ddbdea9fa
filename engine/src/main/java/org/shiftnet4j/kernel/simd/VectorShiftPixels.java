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
 * may have different offsets. The channels are covered by the pieces of a {@link VectorShiftPlan}, each applied to
 * a band of rows before the next (a band and the rows it reads stay in L2 while the next piece reuses them).
 *
 * <p>No inner loop tests bounds. A run (one offset) splits the band into rectangular cells where its source is
 * either readable for every pixel (inside the image or its zero border: copy) or for none (zero fill). A blend
 * block loads all of its sources for every pixel, wherever they land, and zeroes the lanes whose source is not
 * readable with per-row and per-column masks ({@link VectorShiftBlends}); only the few pixels whose loads would
 * leave the input segment (at the ends of the allocation) take a slower path that loads readable sources only.
 */
final class VectorShiftPixels {
    private static final VectorSpecies<Float> S = VectorKernels.S;
    private static final int LANES = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long VECTOR_BYTES = S.vectorByteSize();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    /** Output bytes per band of rows: half a 1 MiB L2 (Zen 4/5), so that a band and the rows it reads stay cached. */
    private static final long BAND_BYTES = 512 * 1024;

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

    /** {@code length >= LANES} floats of one pixel (runs are short: straight-line up to four vectors). */
    private static void copyRun(MemorySegment src, long s, MemorySegment dst, long d, int length) {
        if (length <= 4 * LANES) {
            VectorShiftSpans.copyFew(src, s, dst, d, length);
        } else {
            VectorShiftSpans.copyVectors(src, s, dst, d, length);
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
        VectorShiftBlends.blend(in, out, n, plan, p, g, safeBegin, safeEnd);
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
            } else {
                for (int i = 0; i < cols; i++) {
                    copyRun(src, srcRow + i * sW, dst, dstRow + i * dW, length);
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
