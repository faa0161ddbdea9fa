package org.shiftnet4j.kernel;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.function.BiConsumer;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * Shift test cases: tensors (possibly bordered, channel- and batch-sliced views of larger parents) filled from a
 * seed, and an exact comparison of two shift implementations over the whole output allocation, so that values
 * written outside the view or into the border are caught too.
 */
public record VectorShiftCases(Layout layout, int batch, int channels, int height, int width, ShiftTable table,
                               int inBorder, int outBorder, View inView, View outView, long seed) {

    /** Where a view sits in its parent: extra channels before/after and extra images before. */
    public record View(int channelsBefore, int channelsAfter, int imagesBefore) {
        public static final View WHOLE = new View(0, 0, 0);

        static View random(Random random) {
            return random.nextInt(3) == 0
                    ? new View(random.nextInt(4), random.nextInt(4), random.nextInt(2))
                    : WHOLE;
        }
    }

    public static VectorShiftCases simple(Layout layout, int n, int c, int h, int w, ShiftTable table) {
        return new VectorShiftCases(layout, n, c, h, w, table, 0, 0, View.WHOLE, View.WHOLE, 42);
    }

    @Override
    public String toString() {
        return layout + " " + batch + "×" + channels + "×" + height + "×" + width + " " + table
                + " borders in/out " + inBorder + "/" + outBorder + " views in/out " + inView + "/" + outView
                + " seed " + seed;
    }

    /** A random case within the ranges the kernel promises to handle. */
    public static VectorShiftCases random(Random random, long seed) {
        Layout layout = random.nextBoolean() ? Layout.NCHW : Layout.NHWC;
        int n = 1 + random.nextInt(3);
        int c = pickSize(random, 150);
        int h = pickSize(random, 40), w = pickSize(random, 40);
        ShiftTable table = randomTable(random, c);
        int inBorder = random.nextInt(3) == 0 ? random.nextInt(5) : 0;
        int outBorder = random.nextInt(4) == 0 ? 1 + random.nextInt(2) : 0;
        return new VectorShiftCases(layout, n, c, h, w, table, inBorder, outBorder,
                View.random(random), View.random(random), seed);
    }

    /** Sizes biased towards the edge cases: 1, a few odd small sizes, then anything up to {@code max}. */
    static int pickSize(Random random, int max) {
        return switch (random.nextInt(6)) {
            case 0 -> 1;
            case 1 -> 2 + random.nextInt(8);
            default -> 1 + random.nextInt(max);
        };
    }

    static ShiftTable randomTable(Random random, int channels) {
        int k = 1 + 2 * random.nextInt(4);            // 1, 3, 5, 7
        int dilation = 1 + random.nextInt(3);
        return switch (random.nextInt(6)) {
            case 0, 1 -> ShiftTable.of(ShiftPolicy.MODULO, channels, k, dilation);
            case 2 -> ShiftTable.of(ShiftPolicy.CONTIGUOUS, channels, k, dilation);
            case 3 -> explicitScattered(random, channels, random.nextInt(4) == 0 ? 60 : 1 + random.nextInt(4));
            case 4 -> explicitRuns(random, channels);
            default -> random.nextBoolean() ? ShiftTable.identity(channels)
                    : explicitScattered(random, channels, 60);
        };
    }

    /** Independent random offsets per channel, up to ±{@code reach} (beyond the image when reach is large). */
    static ShiftTable explicitScattered(Random random, int channels, int reach) {
        int[] dy = new int[channels], dx = new int[channels];
        for (int c = 0; c < channels; c++) {
            dy[c] = random.nextInt(2 * reach + 1) - reach;
            dx[c] = random.nextInt(2 * reach + 1) - reach;
        }
        return ShiftTable.explicit(dy, dx);
    }

    /** Runs of equal offsets of random lengths (some longer than a vector, some not). */
    static ShiftTable explicitRuns(Random random, int channels) {
        int[] dy = new int[channels], dx = new int[channels];
        int c = 0;
        while (c < channels) {
            int run = 1 + random.nextInt(random.nextBoolean() ? 4 : 40);
            int ry = random.nextInt(7) - 3, rx = random.nextInt(7) - 3;
            for (int end = Math.min(channels, c + run); c < end; c++) {
                dy[c] = ry;
                dx[c] = rx;
            }
        }
        return ShiftTable.explicit(dy, dx);
    }

    /**
     * Runs {@code shift} on this case and returns the raw bits of the whole output allocation (parent tensor,
     * border included), after filling the parent's interior with a seeded sentinel pattern.
     */
    public int[] run(BiConsumer<Tensor, Tensor> shift) {
        try (Arena arena = Arena.ofConfined()) {
            Tensor inParent = Tensor.allocate(arena, layout, batch + inView.imagesBefore,
                    channels + inView.channelsBefore + inView.channelsAfter, height, width, inBorder);
            fill(inParent, new Random(seed));
            Tensor outParent = Tensor.allocate(arena, layout, batch + outView.imagesBefore,
                    channels + outView.channelsBefore + outView.channelsAfter, height, width, outBorder);
            fill(outParent, new Random(~seed));
            shift.accept(view(inParent, inView), view(outParent, outView));
            return outParent.segment().toArray(ValueLayout.JAVA_INT);
        }
    }

    private Tensor view(Tensor parent, View view) {
        return parent.batchSlice(view.imagesBefore, batch).channelSlice(view.channelsBefore, channels);
    }

    private static void fill(Tensor t, Random random) {
        float[] values = new float[Math.toIntExact(t.elementCount())];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextInt(16) == 0 ? -0f : random.nextFloat() * 2 - 1;
        }
        t.copyFrom(values);
    }

    /** Fails with the first differing float (as an index into the output allocation) unless equal bit for bit. */
    public void assertSameBits(int[] expected, int[] actual, String what) {
        if (expected.length != actual.length) {
            fail(what + ": allocation sizes differ for " + this);
        }
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                int mismatches = 0;
                for (int j = i; j < expected.length; j++) if (expected[j] != actual[j]) mismatches++;
                fail(what + ": " + mismatches + " floats differ, first at allocation index " + i + " (expected "
                        + Float.intBitsToFloat(expected[i]) + ", got " + Float.intBitsToFloat(actual[i]) + ") for " + this);
            }
        }
    }
}
