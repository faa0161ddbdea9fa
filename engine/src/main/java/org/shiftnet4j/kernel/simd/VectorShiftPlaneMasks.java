package org.shiftnet4j.kernel.simd;

import java.util.Arrays;
import org.shiftnet4j.kernel.ShiftTable;

/**
 * For the NCHW sweep of dense planes: the table's distinct offsets ("classes") and, per plane geometry, one lane
 * mask per class and vector-sized chunk of the plane telling which output floats have no source in the image (and
 * must be zeroed).
 *
 * <p>Chunk i of a plane of {@code area = h·w} floats starts at {@code i·LANES}, except the last, which starts at
 * {@code area − LANES} (it overlaps its predecessor, writing some floats twice with the same value). For tiny planes
 * the geometry also lists every chunk of every channel of an image as one flat sequence (destination offset,
 * source move, zero mask), so that an image is one long loop instead of a short loop per plane. Derived once per
 * table; the masks for the most recent geometry are kept (shapes rarely change between calls).
 */
final class VectorShiftPlaneMasks {
    static final Object KEY = VectorShiftPlaneMasks.class;

    /** Per channel: index of its offset in {@link #dy}/{@link #dx}. */
    final int[] classOf;
    final int[] dy, dx;
    private final int lanes;
    private volatile Geometry last;

    /**
     * Masks for one plane size: {@code zero[class·chunks + i]} (lanes without a source); {@code empty[class]} when
     * nothing is readable. For tiny planes also the flat chunk list of a whole image (null otherwise): byte offsets
     * {@code flatDst[t]} from the image's first float, {@code flatMove[t]} from there to the source, and
     * {@code flatZero[t]}.
     */
    record Geometry(int h, int w, int chunks, long[] zero, boolean[] empty,
                    long[] flatDst, long[] flatMove, long[] flatZero) {
    }

    /** Planes at most this big (in floats) are swept as one flat chunk list per image. */
    static final int FLAT_MAX_AREA = 256;
    /** ... as long as the list stays this short (it is read once per image). */
    static final int FLAT_MAX_CHUNKS = 1 << 15;

    private VectorShiftPlaneMasks(int[] classOf, int[] dy, int[] dx, int lanes) {
        this.classOf = classOf;
        this.dy = dy;
        this.dx = dx;
        this.lanes = lanes;
    }

    static VectorShiftPlaneMasks of(ShiftTable table) {
        return build(table, VectorKernels.S.length());
    }

    static VectorShiftPlaneMasks build(ShiftTable table, int lanes) {
        int channels = table.channels();
        int[] classOf = new int[channels];
        int[] dy = new int[channels], dx = new int[channels];
        int classes = 0;
        for (int c = 0; c < channels; c++) {
            int found = -1;
            for (int k = 0; k < classes && found < 0; k++) {
                if (dy[k] == table.dy(c) && dx[k] == table.dx(c)) found = k;
            }
            if (found < 0) {
                found = classes++;
                dy[found] = table.dy(c);
                dx[found] = table.dx(c);
            }
            classOf[c] = found;
        }
        return new VectorShiftPlaneMasks(classOf, Arrays.copyOf(dy, classes), Arrays.copyOf(dx, classes), lanes);
    }

    /** The masks for {@code h×w} planes (at least one vector each), computed on the first call with that size. */
    Geometry geometry(int h, int w) {
        Geometry g = last;
        if (g == null || g.h != h || g.w != w) {
            g = compute(h, w);
            last = g;
        }
        return g;
    }

    private Geometry compute(int h, int w) {
        int area = h * w;
        int chunks = (area + lanes - 1) / lanes;
        long allLanes = lanes == Long.SIZE ? -1L : (1L << lanes) - 1;
        long[] zero = new long[dy.length * chunks];
        boolean[] empty = new boolean[dy.length];
        for (int k = 0; k < dy.length; k++) {
            long any = 0;
            for (int i = 0; i < chunks; i++) {
                int start = Math.min(i * lanes, area - lanes);
                long valid = 0;
                for (int lane = 0; lane < lanes; lane++) {
                    int y = (start + lane) / w + dy[k], x = (start + lane) % w + dx[k];
                    if (y >= 0 && y < h && x >= 0 && x < w) valid |= 1L << lane;
                }
                zero[k * chunks + i] = ~valid & allLanes;
                any |= valid;
            }
            empty[k] = any == 0;
        }
        long entries = (long) classOf.length * chunks;
        if (area > FLAT_MAX_AREA || entries > FLAT_MAX_CHUNKS) {
            return new Geometry(h, w, chunks, zero, empty, null, null, null);
        }
        long[] flatDst = new long[(int) entries], flatMove = new long[(int) entries], flatZero = new long[(int) entries];
        int t = 0;
        for (int c = 0; c < classOf.length; c++) {
            int k = classOf[c];
            for (int i = 0; i < chunks; i++, t++) {
                flatDst[t] = ((long) c * area + Math.min(i * lanes, area - lanes)) * Float.BYTES;
                // A chunk with no readable lane loads its own position instead (always inside the image).
                flatMove[t] = empty[k] ? 0 : ((long) dy[k] * w + dx[k]) * Float.BYTES;
                flatZero[t] = zero[k * chunks + i];
            }
        }
        return new Geometry(h, w, chunks, zero, empty, flatDst, flatMove, flatZero);
    }
}
