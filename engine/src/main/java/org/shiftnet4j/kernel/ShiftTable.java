package org.shiftnet4j.kernel;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A per-channel table of integer offsets (dy, dx): a shift reads {@code out[n,c,y,x] = in[n,c,y+dy[c],x+dx[c]]},
 * zero outside the image. Offsets already include the dilation.
 *
 * <p>Tables come from a {@link ShiftPolicy} with an odd kernel size K (1..15) and a dilation d ≥ 1, or from an
 * explicit list of offsets (sparse or learned-then-rounded shifts). Immutable and thread-safe.
 */
public final class ShiftTable {
    /** Largest kernel size accepted by a policy; also bounds explicit offsets to keep borders reasonable. */
    public static final int MAX_KERNEL_SIZE = 15;
    /** Largest |offset| of an explicit table. */
    public static final int MAX_OFFSET = 1 << 12;

    private final int[] dy;
    private final int[] dx;
    private final int kernelSize;
    private final int dilation;
    private final String description;
    /** Kernel-specific plans derived from this table (e.g. per-vector-block masks), computed once and reused. */
    private final ConcurrentHashMap<Object, Object> derived = new ConcurrentHashMap<>();

    private ShiftTable(int[] dy, int[] dx, int kernelSize, int dilation, String description) {
        this.dy = dy;
        this.dx = dx;
        this.kernelSize = kernelSize;
        this.dilation = dilation;
        this.description = description;
    }

    /** A table for {@code channels} channels built from {@code policy}, kernel size K and dilation d. */
    public static ShiftTable of(ShiftPolicy policy, int channels, int kernelSize, int dilation) {
        Objects.requireNonNull(policy, "policy");
        if (channels < 1) {
            throw new IllegalArgumentException("a shift needs at least one channel, got " + channels);
        }
        if (kernelSize < 1 || kernelSize > MAX_KERNEL_SIZE || kernelSize % 2 == 0) {
            throw new IllegalArgumentException("shift kernel size must be odd and in 1.." + MAX_KERNEL_SIZE + ", got " + kernelSize);
        }
        if (dilation < 1 || (long) dilation * (kernelSize / 2) > MAX_OFFSET) {
            throw new IllegalArgumentException("shift dilation must be >= 1 (and dilation·K/2 <= " + MAX_OFFSET + "), got " + dilation);
        }
        int k2 = kernelSize * kernelSize;
        int half = kernelSize / 2;
        int perGroup = channels / k2;
        int shifted = perGroup * k2;
        int[] dy = new int[channels];
        int[] dx = new int[channels];
        for (int c = 0; c < shifted; c++) {
            int g = switch (policy) {
                case MODULO -> c % k2;
                case CONTIGUOUS -> c / perGroup;
            };
            dy[c] = (g / kernelSize - half) * dilation;
            dx[c] = (g % kernelSize - half) * dilation;
        }
        // channels >= shifted keep (0, 0): the official kernel leaves the remainder unshifted.
        return new ShiftTable(dy, dx, kernelSize, dilation,
                policy + " K=" + kernelSize + " d=" + dilation + " C=" + channels);
    }

    /** A table with explicit offsets {@code (dy[c], dx[c])} for each channel; any integers up to ±{@value #MAX_OFFSET}. */
    public static ShiftTable explicit(int[] dy, int[] dx) {
        Objects.requireNonNull(dy, "dy");
        Objects.requireNonNull(dx, "dx");
        if (dy.length != dx.length || dy.length == 0) {
            throw new IllegalArgumentException("explicit shift table needs equal, non-empty dy and dx arrays, got "
                    + dy.length + " and " + dx.length);
        }
        int max = 0;
        for (int c = 0; c < dy.length; c++) {
            if (Math.abs(dy[c]) > MAX_OFFSET || Math.abs(dx[c]) > MAX_OFFSET) {
                throw new IllegalArgumentException("explicit shift offset (" + dy[c] + ", " + dx[c] + ") of channel "
                        + c + " exceeds ±" + MAX_OFFSET);
            }
            max = Math.max(max, Math.max(Math.abs(dy[c]), Math.abs(dx[c])));
        }
        return new ShiftTable(dy.clone(), dx.clone(), 2 * max + 1, 1, "EXPLICIT C=" + dy.length);
    }

    /** The identity: every channel keeps (0, 0). */
    public static ShiftTable identity(int channels) {
        return explicit(new int[channels], new int[channels]);
    }

    public int channels() { return dy.length; }
    /** Offset along H of channel c, dilation included. */
    public int dy(int c) { return dy[c]; }
    /** Offset along W of channel c, dilation included. */
    public int dx(int c) { return dx[c]; }
    /** Window size K (for explicit tables, 2·max|offset|+1). */
    public int kernelSize() { return kernelSize; }
    public int dilation() { return dilation; }

    /** How the table was made: "MODULO K=5 d=1 C=64", "EXPLICIT C=64". */
    public String description() { return description; }

    /** True when both tables move every channel by the same offsets (however they were made). */
    public boolean sameOffsets(ShiftTable other) {
        return Arrays.equals(dy, other.dy) && Arrays.equals(dx, other.dx);
    }

    /** Largest |dy| or |dx|: the zero border a reader needs to skip bounds tests. */
    public int maxAbsOffset() {
        int max = 0;
        for (int c = 0; c < dy.length; c++) max = Math.max(max, Math.max(Math.abs(dy[c]), Math.abs(dx[c])));
        return max;
    }

    /** True when channel c is not moved (centre direction, remainder, or a zero entry of a sparse table). */
    public boolean isIdentity(int c) {
        return dy[c] == 0 && dx[c] == 0;
    }

    /** The adjoint (backward) shift: every offset negated. */
    public ShiftTable negated() {
        int[] ny = new int[dy.length], nx = new int[dx.length];
        for (int c = 0; c < dy.length; c++) {
            ny[c] = -dy[c];
            nx[c] = -dx[c];
        }
        return new ShiftTable(ny, nx, kernelSize, dilation, "negated " + description);
    }

    /**
     * The one-hot depthwise kernels that compute this shift: {@code C×K×K} weights (K = {@link #kernelSize()})
     * for a depthwise convolution with dilation {@link #dilation()} and padding {@code dilation·(K/2)}.
     */
    public float[] oneHotDepthwiseWeights() {
        int k = kernelSize, half = k / 2;
        long size = (long) dy.length * k * k;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("the one-hot depthwise kernels of " + this + " would need " + size
                    + " floats (K = " + k + "); such a table is only practical as a shift");
        }
        float[] weights = new float[dy.length * k * k];
        for (int c = 0; c < dy.length; c++) {
            int ky = dy[c] / dilation + half;
            int kx = dx[c] / dilation + half;
            weights[(c * k + ky) * k + kx] = 1f;
        }
        return weights;
    }

    /**
     * A value derived from this table by a kernel, computed on first use and cached for the table's life, so that
     * kernels can precompute plans without allocating on every call. {@code compute} should be a non-capturing
     * function (a static method reference) so that a cache hit allocates nothing.
     */
    @SuppressWarnings("unchecked")
    public <T> T derived(Object key, Function<ShiftTable, T> compute) {
        Object value = derived.get(key);
        if (value == null) {
            value = derived.computeIfAbsent(key, k -> compute.apply(this));
        }
        return (T) value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShiftTable t && kernelSize == t.kernelSize && dilation == t.dilation
                && Arrays.equals(dy, t.dy) && Arrays.equals(dx, t.dx);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kernelSize, dilation, Arrays.hashCode(dy), Arrays.hashCode(dx));
    }

    @Override
    public String toString() {
        return "ShiftTable[" + description + "]";
    }
}
