package org.shiftnet4j.kernel.simd;

import java.util.ArrayList;
import java.util.List;
import org.shiftnet4j.kernel.ShiftTable;

/**
 * How the NHWC shift covers the channels of one pixel, derived once per table (and vector width) and cached on the
 * table through {@link ShiftTable#derived}.
 *
 * <p>The channels are split into pieces, each handled for a band of pixels before the next:
 * <ul>
 *   <li>{@link #RUN}: at least one vector of consecutive channels with the same offset (CONTIGUOUS tables, identity
 *       channels, the unshifted remainder): plain vector copies.</li>
 *   <li>{@link #BLEND}: one vector of channels with several offsets (MODULO tables interleave directions channel by
 *       channel): one load per distinct offset, merged under constant lane masks. The sources are padded to the next of
 *       2, 3, 4, 6, 8, 9, 12 or 16 slots with do-nothing entries (offset 0, empty mask) so that a few fixed-width
 *       kernels cover every case up to 512-bit vectors.</li>
 *   <li>{@link #BLEND_MANY}: more than {@link #MAX_SLOTS} distinct offsets in one vector (only with vectors wider than
 *       512 bits); merged one source at a time.</li>
 *   <li>{@link #SCALAR}: fewer channels than lanes; one float at a time.</li>
 * </ul>
 * Pieces never reach past the last channel: a vector-wide piece that would is moved back so that it ends at the last
 * channel, recomputing (with identical values) some channels an earlier piece already wrote.
 */
final class VectorShiftPlan {
    /** Cache key in {@link ShiftTable#derived}; the vector width is fixed per JVM, so one key suffices. */
    static final Object KEY = VectorShiftPlan.class;

    static final int RUN = 0, BLEND = 1, BLEND_MANY = 2, SCALAR = 3;
    /** Widest fixed-slot blend kernel: every lane of a 512-bit vector may have its own offset. */
    static final int MAX_SLOTS = 16;
    /** Widths of the fixed-slot kernels in {@link VectorShiftBlends}. */
    private static final int[] SLOT_SIZES = {2, 3, 4, 6, 8, 9, 12, 16};

    /** Per piece: kind, first channel, channel count, first source and source count (slots). */
    final int[] kind, start, length, firstSource, sources;
    /** Per source: offsets and, for blends, the lanes (bit l = lane l) that read from it. */
    final int[] dy, dx;
    final long[] lanes;
    private volatile Geometry last;

    /**
     * Per image size and input border: for every piece p, the lanes that must be zero because their source is not
     * readable, split by cause: {@code rowZero[rowAt(p) + y]} (source row outside) and {@code colZero[colAt(p) + x]}
     * (source column outside). A lane is zero when either says so.
     */
    record Geometry(int h, int w, int border, long[] rowZero, long[] colZero) {
        int rowAt(int piece) {
            return piece * h;
        }

        int colAt(int piece) {
            return piece * w;
        }
    }

    private VectorShiftPlan(List<int[]> pieces, List<long[]> sourceList) {
        int p = pieces.size(), s = sourceList.size();
        kind = new int[p];
        start = new int[p];
        length = new int[p];
        firstSource = new int[p];
        sources = new int[p];
        for (int i = 0; i < p; i++) {
            int[] piece = pieces.get(i);
            kind[i] = piece[0];
            start[i] = piece[1];
            length[i] = piece[2];
            firstSource[i] = piece[3];
            sources[i] = piece[4];
        }
        dy = new int[s];
        dx = new int[s];
        lanes = new long[s];
        for (int i = 0; i < s; i++) {
            long[] source = sourceList.get(i);
            dy[i] = (int) source[0];
            dx[i] = (int) source[1];
            lanes[i] = source[2];
        }
    }

    int pieces() {
        return kind.length;
    }

    /** Byte offset of source i from the pixel's own input position. */
    long offset(int i, long strideH, long strideW) {
        return dy[i] * strideH + dx[i] * strideW;
    }

    long lowestOffset(int piece, long strideH, long strideW) {
        long low = Long.MAX_VALUE;
        for (int i = firstSource[piece]; i < firstSource[piece] + sources[piece]; i++) {
            low = Math.min(low, offset(i, strideH, strideW));
        }
        return low;
    }

    long highestOffset(int piece, long strideH, long strideW) {
        long high = Long.MIN_VALUE;
        for (int i = firstSource[piece]; i < firstSource[piece] + sources[piece]; i++) {
            high = Math.max(high, offset(i, strideH, strideW));
        }
        return high;
    }

    /** The zero masks for {@code h×w} images with an input border; cached for the most recent size. */
    Geometry geometry(int h, int w, int border) {
        Geometry g = last;
        if (g == null || g.h() != h || g.w() != w || g.border() != border) {
            g = computeGeometry(h, w, border);
            last = g;
        }
        return g;
    }

    private Geometry computeGeometry(int h, int w, int border) {
        long[] rowZero = new long[kind.length * h], colZero = new long[kind.length * w];
        for (int p = 0; p < kind.length; p++) {
            if (kind[p] != BLEND) continue;
            for (int i = firstSource[p]; i < firstSource[p] + sources[p]; i++) {
                for (int y = 0; y < h; y++) {
                    if (!readable(y + dy[i], h, border)) rowZero[p * h + y] |= lanes[i];
                }
                for (int x = 0; x < w; x++) {
                    if (!readable(x + dx[i], w, border)) colZero[p * w + x] |= lanes[i];
                }
            }
        }
        return new Geometry(h, w, border, rowZero, colZero);
    }

    private static boolean readable(int position, int extent, int border) {
        return position >= -border && position < extent + border;
    }

    /** The plan for this JVM's vector width; a static method so that {@code derived} allocates nothing on a hit. */
    static VectorShiftPlan of(ShiftTable table) {
        return build(table, VectorKernels.S.length(), MAX_SLOTS);
    }

    /** The plan for {@code vectorLanes}-wide vectors and blend kernels of at most {@code maxSlots} sources. */
    static VectorShiftPlan build(ShiftTable table, int vectorLanes, int maxSlots) {
        if (vectorLanes > Long.SIZE) {
            throw new IllegalArgumentException("lane masks are longs; " + vectorLanes + " lanes is too many");
        }
        int channels = table.channels();
        List<int[]> pieces = new ArrayList<>();
        List<long[]> sourceList = new ArrayList<>();
        if (channels < vectorLanes) {
            pieces.add(new int[] {SCALAR, 0, channels, 0, 0});
            return new VectorShiftPlan(pieces, sourceList);
        }
        int c = 0;
        while (c < channels) {
            int run = runLength(table, c);
            if (run >= vectorLanes) {
                pieces.add(new int[] {RUN, c, run, sourceList.size(), 1});
                sourceList.add(new long[] {table.dy(c), table.dx(c), 0});
                c += run;
                continue;
            }
            int block = Math.min(c, channels - vectorLanes);
            addBlend(table, block, vectorLanes, maxSlots, pieces, sourceList);
            c = block + vectorLanes;
        }
        return new VectorShiftPlan(pieces, sourceList);
    }

    /** The narrowest fixed-slot kernel for d sources (9 is MODULO K=3 at 16 lanes, 16 is K>=5 at 16 lanes). */
    static int slotsFor(int d) {
        for (int slots : SLOT_SIZES) {
            if (d <= slots) return slots;
        }
        throw new IllegalArgumentException(d + " sources exceed " + MAX_SLOTS + " slots");
    }

    private static int runLength(ShiftTable table, int c) {
        int end = c + 1;
        while (end < table.channels() && table.dy(end) == table.dy(c) && table.dx(end) == table.dx(c)) {
            end++;
        }
        return end - c;
    }

    /** One vector of channels starting at {@code block}: its distinct offsets and the lanes of each. */
    private static void addBlend(ShiftTable table, int block, int vectorLanes, int maxSlots,
                                 List<int[]> pieces, List<long[]> sourceList) {
        List<long[]> distinct = new ArrayList<>();
        for (int lane = 0; lane < vectorLanes; lane++) {
            int c = block + lane;
            long[] found = null;
            for (long[] source : distinct) {
                if (source[0] == table.dy(c) && source[1] == table.dx(c)) {
                    found = source;
                    break;
                }
            }
            if (found == null) {
                found = new long[] {table.dy(c), table.dx(c), 0};
                distinct.add(found);
            }
            found[2] |= 1L << lane;
        }
        int first = sourceList.size();
        if (distinct.size() == 1) {
            pieces.add(new int[] {RUN, block, vectorLanes, first, 1});
            sourceList.add(distinct.get(0));
            return;
        }
        if (distinct.size() > maxSlots) {
            pieces.add(new int[] {BLEND_MANY, block, vectorLanes, first, distinct.size()});
            sourceList.addAll(distinct);
            return;
        }
        int d = distinct.size();
        int slots = slotsFor(d);
        sourceList.addAll(distinct);
        for (int pad = distinct.size(); pad < slots; pad++) {
            sourceList.add(new long[] {0, 0, 0}); // loads the pixel itself, merges no lane
        }
        pieces.add(new int[] {BLEND, block, vectorLanes, first, slots});
    }
}
