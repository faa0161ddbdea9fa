package org.shiftnet4j.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * A float32 tensor of shape N×C×H×W in {@link Layout#NCHW} or {@link Layout#NHWC}, backed by a 64-byte aligned
 * {@link MemorySegment} from an arena that the caller owns and closes.
 *
 * <p>A tensor may carry a zero border of {@link #border()} pixels on every side of H×W. Readers may then address
 * rows {@code -border..h+border-1} and columns likewise without a bounds test: this is what lets a shift become
 * pure address arithmetic. Kernels write only the interior, so the border stays zero for the tensor's life.
 *
 * <p>Element (n, c, y, x) lives at float index {@code origin + n*strideN + c*strideC + y*strideH + x*strideW}
 * of {@link #segment()}. Views ({@link #batchSlice}, {@link #channelSlice}) share memory with their parent.
 *
 * <p>Instances are immutable descriptors; the memory they describe is not synchronised.
 */
public final class Tensor {
    /** Alignment of every allocation: one cache line, and a whole number of 256- and 512-bit vectors. */
    public static final long ALIGNMENT = 64;

    private final MemorySegment segment;
    private final Layout layout;
    private final int n, c, h, w, border;
    private final long strideN, strideC, strideH, strideW, origin;

    private Tensor(MemorySegment segment, Layout layout, int n, int c, int h, int w, int border,
                   long strideN, long strideC, long strideH, long strideW, long origin) {
        this.segment = segment;
        this.layout = layout;
        this.n = n;
        this.c = c;
        this.h = h;
        this.w = w;
        this.border = border;
        this.strideN = strideN;
        this.strideC = strideC;
        this.strideH = strideH;
        this.strideW = strideW;
        this.origin = origin;
    }

    /** Allocates a zero-filled tensor without a border. */
    public static Tensor allocate(Arena arena, Layout layout, int n, int c, int h, int w) {
        return allocate(arena, layout, n, c, h, w, 0);
    }

    /** Allocates a zero-filled tensor whose H×W planes are surrounded by {@code border} zero pixels. */
    public static Tensor allocate(Arena arena, Layout layout, int n, int c, int h, int w, int border) {
        Objects.requireNonNull(arena, "arena");
        Objects.requireNonNull(layout, "layout");
        checkShape(n, c, h, w);
        if (border < 0) {
            throw new IllegalArgumentException("border must be >= 0, got " + border);
        }
        long hp = (long) h + 2L * border;
        long wp = (long) w + 2L * border;
        long elements = Math.multiplyExact(Math.multiplyExact(Math.multiplyExact((long) n, c), hp), wp);
        if (elements > Long.MAX_VALUE / Float.BYTES) {
            throw new IllegalArgumentException("tensor too large: " + describe(n, c, h, w) + " border " + border);
        }
        MemorySegment segment = arena.allocate(Math.max(elements, 1) * Float.BYTES, ALIGNMENT);
        return wrap(segment, layout, n, c, h, w, border);
    }

    /**
     * A tensor over existing memory (for example a slot of a planned activation arena), laid out exactly as
     * {@link #allocate(Arena, Layout, int, int, int, int, int)} would lay it out. The segment must be large enough;
     * the caller is responsible for the border being zero.
     */
    public static Tensor wrap(MemorySegment segment, Layout layout, int n, int c, int h, int w, int border) {
        return wrap(segment, layout, n, c, h, w, border, -1);
    }

    /**
     * Like {@link #wrap(MemorySegment, Layout, int, int, int, int, int)} but with images {@code imageStride} floats
     * apart (at least one image's size; -1 for exactly one image's size). A planner whose buffers hold values of
     * different sizes in turn gives every value the buffer's own per-image stride, so that image n of every value
     * lives in the same place and threads working on different images never touch each other's memory.
     */
    public static Tensor wrap(MemorySegment segment, Layout layout, int n, int c, int h, int w, int border,
                              long imageStride) {
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(layout, "layout");
        checkShape(n, c, h, w);
        if (border < 0) {
            throw new IllegalArgumentException("border must be >= 0, got " + border);
        }
        long hp = (long) h + 2L * border;
        long wp = (long) w + 2L * border;
        long image = Math.multiplyExact(Math.multiplyExact((long) c, hp), wp);
        long strideN = imageStride < 0 ? image : imageStride;
        if (strideN < image) {
            throw new IllegalArgumentException("image stride " + imageStride + " is smaller than one image of "
                    + describe(n, c, h, w) + " with border " + border + " (" + image + " floats)");
        }
        long bytes = Math.addExact(Math.multiplyExact(n - 1L, strideN), image) * Float.BYTES;
        if (segment.byteSize() < bytes) {
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes is too small for "
                    + describe(n, c, h, w) + " " + layout + " with border " + border + ": " + bytes + " bytes needed");
        }
        if (segment.address() % Float.BYTES != 0 && segment.isNative()) {
            throw new IllegalArgumentException("segment address " + segment.address() + " is not float aligned");
        }
        return switch (layout) {
            case NCHW -> new Tensor(segment, layout, n, c, h, w, border,
                    strideN, hp * wp, wp, 1, border * wp + border);
            case NHWC -> new Tensor(segment, layout, n, c, h, w, border,
                    strideN, 1, wp * c, c, (border * wp + border) * c);
        };
    }

    /** Allocates a tensor in {@code layout} and fills it from {@code nchw}, which is read in NCHW order. */
    public static Tensor fromArray(Arena arena, Layout layout, int n, int c, int h, int w, float[] nchw) {
        Tensor t = allocate(arena, layout, n, c, h, w);
        t.copyFrom(nchw);
        return t;
    }

    private static void checkShape(int n, int c, int h, int w) {
        if (n < 1 || c < 1 || h < 1 || w < 1) {
            throw new IllegalArgumentException("every dimension must be >= 1, got N×C×H×W = " + describe(n, c, h, w));
        }
    }

    static String describe(int n, int c, int h, int w) {
        return n + "×" + c + "×" + h + "×" + w;
    }

    public MemorySegment segment() { return segment; }
    public Layout layout() { return layout; }
    public int batch() { return n; }
    public int channels() { return c; }
    public int height() { return h; }
    public int width() { return w; }
    public int border() { return border; }
    /** Float index of element (0, 0, 0, 0) in {@link #segment()}. */
    public long origin() { return origin; }
    public long strideN() { return strideN; }
    public long strideC() { return strideC; }
    public long strideH() { return strideH; }
    public long strideW() { return strideW; }
    public long elementCount() { return (long) n * c * h * w; }

    /** "2×64×56×56 NHWC (border 2)": used in every error message about this tensor. */
    public String describe() {
        return describe(n, c, h, w) + " " + layout + (border > 0 ? " (border " + border + ")" : "");
    }

    @Override
    public String toString() {
        return "Tensor[" + describe() + "]";
    }

    /** True when the shapes N, C, H and W are equal (layouts and borders may differ). */
    public boolean sameShape(Tensor other) {
        return n == other.n && c == other.c && h == other.h && w == other.w;
    }

    /** Throws {@link IllegalStateException} when the arena that owns this tensor's memory is closed. */
    public Tensor requireAlive(String role) {
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException(role + " tensor " + describe() + " can no longer be used: its arena is closed");
        }
        return this;
    }

    /** Float index of element (n, c, y, x); y and x may reach into the border. */
    public long index(int in, int ic, int y, int x) {
        return origin + in * strideN + ic * strideC + y * strideH + x * strideW;
    }

    public float get(int in, int ic, int y, int x) {
        checkIndex(in, ic, y, x);
        return segment.getAtIndex(ValueLayout.JAVA_FLOAT, index(in, ic, y, x));
    }

    /** Writes one interior element; the border is never written, so it stays zero. */
    public void set(int in, int ic, int y, int x, float value) {
        if (in < 0 || in >= n || ic < 0 || ic >= c || y < 0 || y >= h || x < 0 || x >= w) {
            throw new IndexOutOfBoundsException("element (" + in + ", " + ic + ", " + y + ", " + x
                    + ") is outside the interior of tensor " + describe());
        }
        segment.setAtIndex(ValueLayout.JAVA_FLOAT, index(in, ic, y, x), value);
    }

    private void checkIndex(int in, int ic, int y, int x) {
        if (in < 0 || in >= n || ic < 0 || ic >= c || y < -border || y >= h + border || x < -border || x >= w + border) {
            throw new IndexOutOfBoundsException("element (" + in + ", " + ic + ", " + y + ", " + x
                    + ") is outside tensor " + describe());
        }
    }

    /** Copies {@code nchw} (NCHW order, exactly N·C·H·W values) into this tensor's interior. */
    public void copyFrom(float[] nchw) {
        copyFrom(nchw, Layout.NCHW);
    }

    /** Copies {@code data}, read in {@code order}, into this tensor's interior. */
    public void copyFrom(float[] data, Layout order) {
        Objects.requireNonNull(data, "data");
        requireLength(data.length, order);
        requireAlive("destination");
        int i = 0;
        if (order == Layout.NCHW) {
            for (int in = 0; in < n; in++) for (int ic = 0; ic < c; ic++) for (int y = 0; y < h; y++) {
                long row = index(in, ic, y, 0);
                for (int x = 0; x < w; x++) segment.setAtIndex(ValueLayout.JAVA_FLOAT, row + x * strideW, data[i++]);
            }
        } else {
            for (int in = 0; in < n; in++) for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
                long px = index(in, 0, y, x);
                for (int ic = 0; ic < c; ic++) segment.setAtIndex(ValueLayout.JAVA_FLOAT, px + ic * strideC, data[i++]);
            }
        }
    }

    /** The interior as a new array in NCHW order. */
    public float[] toArray() {
        return toArray(Layout.NCHW);
    }

    /** The interior as a new array in {@code order}. */
    public float[] toArray(Layout order) {
        float[] out = new float[Math.toIntExact(elementCount())];
        copyTo(out, order);
        return out;
    }

    /** Copies the interior into {@code data} in {@code order}; {@code data} must hold exactly N·C·H·W values. */
    public void copyTo(float[] data, Layout order) {
        Objects.requireNonNull(data, "data");
        requireLength(data.length, order);
        requireAlive("source");
        int i = 0;
        if (order == Layout.NCHW) {
            for (int in = 0; in < n; in++) for (int ic = 0; ic < c; ic++) for (int y = 0; y < h; y++) {
                long row = index(in, ic, y, 0);
                for (int x = 0; x < w; x++) data[i++] = segment.getAtIndex(ValueLayout.JAVA_FLOAT, row + x * strideW);
            }
        } else {
            for (int in = 0; in < n; in++) for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
                long px = index(in, 0, y, x);
                for (int ic = 0; ic < c; ic++) data[i++] = segment.getAtIndex(ValueLayout.JAVA_FLOAT, px + ic * strideC);
            }
        }
    }

    private void requireLength(int length, Layout order) {
        if (length != elementCount()) {
            throw new IllegalArgumentException("array of " + length + " floats does not match tensor " + describe()
                    + " in " + order + " order: expected N·C·H·W = " + elementCount());
        }
    }

    /** Copies this tensor's interior into {@code dst}, converting layout and border as needed. */
    public void copyTo(Tensor dst) {
        Objects.requireNonNull(dst, "dst");
        if (!sameShape(dst)) {
            throw new IllegalArgumentException("cannot copy " + describe() + " into " + dst.describe() + ": shapes differ");
        }
        requireAlive("source");
        dst.requireAlive("destination");
        if (layout == dst.layout && border == dst.border && segment.byteSize() == dst.segment.byteSize()
                && isWhole() && dst.isWhole()) {
            MemorySegment.copy(segment, 0, dst.segment, 0, segment.byteSize());
            return;
        }
        boolean rowsContiguous = strideW == 1 && dst.strideW == 1;
        for (int in = 0; in < n; in++) for (int ic = 0; ic < c; ic++) for (int y = 0; y < h; y++) {
            long s = index(in, ic, y, 0);
            long d = dst.index(in, ic, y, 0);
            if (rowsContiguous) {
                MemorySegment.copy(segment, s * Float.BYTES, dst.segment, d * Float.BYTES, (long) w * Float.BYTES);
            } else {
                for (int x = 0; x < w; x++) {
                    dst.segment.setAtIndex(ValueLayout.JAVA_FLOAT, d + x * dst.strideW,
                            segment.getAtIndex(ValueLayout.JAVA_FLOAT, s + x * strideW));
                }
            }
        }
    }

    /** A new tensor in {@code target} layout (no border) holding the same values. */
    public Tensor toLayout(Arena arena, Layout target) {
        Tensor out = allocate(arena, target, n, c, h, w);
        copyTo(out);
        return out;
    }

    /** True when this descriptor covers its whole allocation (not a view). */
    private boolean isWhole() {
        long hp = (long) h + 2L * border, wp = (long) w + 2L * border;
        return segment.byteSize() == Math.max(1, (long) n * c * hp * wp) * Float.BYTES
                && origin == (layout == Layout.NCHW ? border * wp + border : (border * wp + border) * c);
    }

    /** A view of images {@code [start, start+count)} of the batch. */
    public Tensor batchSlice(int start, int count) {
        if (start < 0 || count < 1 || start + count > n) {
            throw new IndexOutOfBoundsException("batch slice [" + start + ", " + (start + count) + ") is outside "
                    + describe());
        }
        return new Tensor(segment, layout, count, c, h, w, border, strideN, strideC, strideH, strideW,
                origin + start * strideN);
    }

    /** A view of channels {@code [start, start+count)}; used for concatenation and channel groups. */
    public Tensor channelSlice(int start, int count) {
        if (start < 0 || count < 1 || start + count > c) {
            throw new IndexOutOfBoundsException("channel slice [" + start + ", " + (start + count) + ") is outside "
                    + describe());
        }
        return new Tensor(segment, layout, n, count, h, w, border, strideN, strideC, strideH, strideW,
                origin + start * strideC);
    }

    /**
     * A view of rows {@code [start, start+count)} of every image and channel, without a border: the rows around it
     * are the parent's, not zeros, so it suits readers and writers of the interior only (a pointwise convolution
     * whose output rows are split between threads).
     */
    public Tensor rowSlice(int start, int count) {
        if (start < 0 || count < 1 || start + count > h) {
            throw new IndexOutOfBoundsException("row slice [" + start + ", " + (start + count) + ") is outside "
                    + describe());
        }
        return new Tensor(segment, layout, n, c, count, w, 0, strideN, strideC, strideH, strideW,
                origin + start * strideH);
    }

    /** Sets the interior to zero (the border is zero already). */
    public void zero() {
        if (isWhole()) {
            segment.fill((byte) 0);
            return;
        }
        for (int in = 0; in < n; in++) for (int ic = 0; ic < c; ic++) for (int y = 0; y < h; y++) {
            long row = index(in, ic, y, 0);
            for (int x = 0; x < w; x++) segment.setAtIndex(ValueLayout.JAVA_FLOAT, row + x * strideW, 0f);
        }
    }

    /**
     * True when the two tensors may share memory, so one cannot be written while the other is read. Conservative:
     * it compares the address ranges the tensors span (borders included), so disjoint NCHW channel slices of one
     * buffer do not overlap, while interleaved NHWC channel slices of one buffer do.
     */
    public boolean overlaps(Tensor other) {
        long a0 = segment.address() + firstIndex() * Float.BYTES, a1 = segment.address() + lastIndex() * Float.BYTES;
        long b0 = other.segment.address() + other.firstIndex() * Float.BYTES;
        long b1 = other.segment.address() + other.lastIndex() * Float.BYTES;
        boolean sameMemory = segment.isNative() == other.segment.isNative()
                && (segment.isNative() || segment.heapBase().equals(other.segment.heapBase()));
        return sameMemory && a0 <= b1 && b0 <= a1;
    }

    /** Float index of the lowest element this tensor can address (border included); strides are positive. */
    private long firstIndex() {
        return origin - border * (strideH + strideW);
    }

    /** Float index of the highest element this tensor can address (border included). */
    private long lastIndex() {
        return origin + (n - 1) * strideN + (c - 1) * strideC + (h - 1L + border) * strideH + (w - 1L + border) * strideW;
    }
}
