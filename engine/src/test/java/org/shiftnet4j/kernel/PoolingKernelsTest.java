package org.shiftnet4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.shiftnet4j.kernel.ElementwiseKernelsTest.Fixtures;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * The Vector API pooling kernels against the scalar reference and a double-precision oracle: random shapes in both
 * layouts with borders and views, window sizes 1..4, strides 1..3, padding 0..K/2, both divisor conventions, and the
 * 3×3 stride-2 padding-1 pooling of odd-sized images that downsampling networks use. Max pooling likewise, held
 * to the exact largest tap (padding never wins).
 */
class PoolingKernelsTest {
    private static final int CASES = 300;

    private record Pool(int k, int stride, int padding, boolean countIncludePad) {
        int outSize(int in) {
            return (in + 2 * padding - k) / stride + 1;
        }

        @Override
        public String toString() {
            return k + "×" + k + " s" + stride + " p" + padding + (countIncludePad ? " include-pad" : " exclude-pad");
        }
    }

    @Test
    void avgPoolRandomGeometry() {
        Random shapes = new Random(42);
        for (int seed = 0; seed < CASES; seed++) {
            int k = 1 + shapes.nextInt(4);
            Pool pool = new Pool(k, 1 + shapes.nextInt(3), shapes.nextInt(k / 2 + 1), shapes.nextBoolean());
            Layout layout = shapes.nextBoolean() ? Layout.NCHW : Layout.NHWC;
            int minSize = Math.max(1, k - 2 * pool.padding);
            // Every fourth case is wide, so the NCHW vector path sees whole blocks even at stride 3.
            int maxW = seed % 4 == 0 ? 64 : 20;
            int h = minSize + shapes.nextInt(21 - minSize), w = minSize + shapes.nextInt(maxW + 1 - minSize);
            if (seed % 16 == 1) h = w = minSize;
            checkAvgPool(seed, layout, 1 + shapes.nextInt(3), 1 + shapes.nextInt(70), h, w, pool);
        }
    }

    @Test
    void avgPoolThreeByThreeStrideTwoOnOddSizes() {
        int seed = 10_000;
        for (int size : new int[] {7, 9, 15}) {
            for (boolean includePad : new boolean[] {true, false}) {
                for (Layout layout : Layout.values()) {
                    for (int channels : new int[] {3, 16, 37, 64}) {
                        checkAvgPool(seed++, layout, 2, channels, size, size, new Pool(3, 2, 1, includePad));
                    }
                }
            }
        }
    }

    /**
     * Every window, stride and padding over every row width up to three vectors of 16 lanes: NCHW splits each row into
     * clipped edge columns and whole vector blocks, and this walks every position of that split.
     */
    @Test
    void avgPoolEveryRowSplit() {
        int seed = 30_000;
        for (int k = 1; k <= 4; k++) {
            for (int stride = 1; stride <= 3; stride++) {
                for (int padding = 0; padding <= k / 2; padding++) {
                    int minSize = Math.max(1, k - 2 * padding);
                    for (int w = minSize; w <= 3 * 16 + k + 4; w++) {   // three 512-bit vectors
                        boolean includePad = (w & 1) == 0;
                        checkAvgPool(seed++, Layout.NCHW, 1, 2, minSize + 1, w, new Pool(k, stride, padding, includePad));
                    }
                }
            }
        }
    }

    @Test
    void avgPoolOfOnePixel() {
        int seed = 20_000;
        for (Layout layout : Layout.values()) {
            for (boolean includePad : new boolean[] {true, false}) {
                checkAvgPool(seed++, layout, 1, 9, 1, 1, new Pool(1, 1, 0, includePad));
                checkAvgPool(seed++, layout, 2, 9, 1, 1, new Pool(3, 1, 1, includePad));
                checkAvgPool(seed++, layout, 2, 9, 1, 1, new Pool(2, 3, 1, includePad));
            }
        }
    }

    private static void checkAvgPool(int seed, Layout layout, int n, int c, int h, int w, Pool pool) {
        int outH = pool.outSize(h), outW = pool.outSize(w);
        float[][] results = new float[2][];
        float[] x = null;
        String what = null;
        for (int f = 0; f < 2; f++) {
            try (Arena arena = Arena.ofConfined()) {
                Random rnd = new Random(seed);
                Tensor in = Fixtures.tensor(arena, rnd, layout, n, c, h, w);
                Tensor out = Fixtures.tensor(arena, rnd, layout, n, c, outH, outW);
                x = in.toArray();
                what = "seed " + seed + ": avgPool " + pool + " in=" + Fixtures.describe(in) + " out=" + Fixtures.describe(out);
                float[] inBefore = Fixtures.snapshot(in), outBefore = Fixtures.snapshot(out);
                ElementwiseKernelsTest.FAMILIES.get(f).avgPool(in, pool.k, pool.stride, pool.padding, pool.countIncludePad, out);
                Fixtures.assertOnlyInteriorWritten(out, outBefore, what);
                Fixtures.assertUnchanged(in, inBefore, what);
                results[f] = out.toArray();
            }
        }
        int i = 0;
        for (int in = 0; in < n; in++) for (int ch = 0; ch < c; ch++) for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++, i++) {
                double sum = 0, magnitude = 0;
                int taps = 0;
                for (int ky = 0; ky < pool.k; ky++) for (int kx = 0; kx < pool.k; kx++) {
                    int iy = oy * pool.stride - pool.padding + ky, ix = ox * pool.stride - pool.padding + kx;
                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                    float v = x[((in * c + ch) * h + iy) * w + ix];
                    sum += v;
                    magnitude += Math.abs(v);
                    taps++;
                }
                double divisor = pool.countIncludePad ? pool.k * pool.k : taps;
                double exact = sum / divisor;
                // Float summation of up to K² taps and one division.
                double tolerance = 1e-7 * (pool.k * pool.k + 1) * magnitude / divisor;
                for (int f = 0; f < 2; f++) {
                    Fixtures.assertClose(exact, results[f][i], tolerance, what + " "
                            + ElementwiseKernelsTest.FAMILIES.get(f).name() + " at (" + in + "," + ch + "," + oy + "," + ox + ")");
                }
            }
        }
        // Both families add each window's taps in the same order, so they agree exactly.
        Fixtures.assertBitEqual(results[0], results[1], what);
    }

    // ---- maxPool --------------------------------------------------------------------------------------------

    @Test
    void maxPoolRandomGeometry() {
        Random shapes = new Random(43);
        for (int seed = 0; seed < CASES; seed++) {
            int k = 1 + shapes.nextInt(4);
            Pool pool = new Pool(k, 1 + shapes.nextInt(3), shapes.nextInt(k / 2 + 1), false);
            Layout layout = shapes.nextBoolean() ? Layout.NCHW : Layout.NHWC;
            int minSize = Math.max(1, k - 2 * pool.padding);
            int maxW = seed % 4 == 0 ? 64 : 20;
            int h = minSize + shapes.nextInt(21 - minSize), w = minSize + shapes.nextInt(maxW + 1 - minSize);
            if (seed % 16 == 1) h = w = minSize;
            checkMaxPool(40_000 + seed, layout, 1 + shapes.nextInt(3), 1 + shapes.nextInt(70), h, w, pool);
        }
    }

    /** ResNet's stem pooling (3×3, stride 2, padding 1) and VGG's (2×2, stride 2) on odd and even sizes. */
    @Test
    void maxPoolOfClassifierStems() {
        int seed = 50_000;
        for (int size : new int[] {7, 8, 9, 15, 16}) {
            for (Layout layout : Layout.values()) {
                for (int channels : new int[] {3, 16, 37, 64}) {
                    checkMaxPool(seed++, layout, 2, channels, size, size, new Pool(3, 2, 1, false));
                    checkMaxPool(seed++, layout, 2, channels, size, size, new Pool(2, 2, 0, false));
                }
            }
        }
    }

    /** Every window, stride and padding over every NCHW row width up to three 16-lane vectors (see avgPool's). */
    @Test
    void maxPoolEveryRowSplit() {
        int seed = 60_000;
        for (int k = 1; k <= 4; k++) {
            for (int stride = 1; stride <= 3; stride++) {
                for (int padding = 0; padding <= k / 2; padding++) {
                    int minSize = Math.max(1, k - 2 * padding);
                    for (int w = minSize; w <= 3 * 16 + k + 4; w++) {
                        checkMaxPool(seed++, Layout.NCHW, 1, 2, minSize + 1, w, new Pool(k, stride, padding, false));
                    }
                }
            }
        }
    }

    @Test
    void maxPoolOfOnePixel() {
        int seed = 70_000;
        for (Layout layout : Layout.values()) {
            checkMaxPool(seed++, layout, 1, 9, 1, 1, new Pool(1, 1, 0, false));
            checkMaxPool(seed++, layout, 2, 9, 1, 1, new Pool(3, 1, 1, false));
            checkMaxPool(seed++, layout, 2, 9, 1, 1, new Pool(2, 3, 1, false));
        }
    }

    /**
     * Padding never wins, even over all-negative windows (a zero-padded max would return 0 there); NaN propagates
     * and +0 beats −0 in both families, as {@link Math#max} defines.
     */
    @Test
    void maxPoolPaddingNeverWinsAndSpecialValuesFollowMathMax() {
        for (Layout layout : Layout.values()) {
            for (Kernels k : ElementwiseKernelsTest.FAMILIES) {
                try (Arena arena = Arena.ofConfined()) {
                    int c = 37, h = 5, w = 40;   // a whole NCHW vector block and an NHWC channel tail
                    float[] x = new float[c * h * w];
                    Random rnd = new Random(3);
                    for (int i = 0; i < x.length; i++) x[i] = -1f - rnd.nextFloat();
                    x[(5 * h + 2) * w + 17] = Float.NaN;
                    x[(6 * h + 0) * w + 0] = -0f;
                    x[(6 * h + 0) * w + 1] = 0f;
                    x[(7 * h + 1) * w + 30] = -0f;
                    Tensor in = Tensor.fromArray(arena, layout, 1, c, h, w, x);
                    Tensor out = Tensor.allocate(arena, layout, 1, c, 3, 20);
                    k.maxPool(in, 3, 2, 1, out);
                    String what = k.name() + " " + layout;
                    for (int ch = 0; ch < c; ch++) for (int oy = 0; oy < 3; oy++) for (int ox = 0; ox < 20; ox++) {
                        float expected = Float.NEGATIVE_INFINITY;
                        for (int iy = Math.max(0, 2 * oy - 1); iy <= Math.min(h - 1, 2 * oy + 1); iy++) {
                            for (int ix = Math.max(0, 2 * ox - 1); ix <= Math.min(w - 1, 2 * ox + 1); ix++) {
                                expected = Math.max(expected, x[(ch * h + iy) * w + ix]);
                            }
                        }
                        float actual = out.get(0, ch, oy, ox);
                        if (Float.floatToIntBits(expected) != Float.floatToIntBits(actual)) {
                            fail(what + " at (" + ch + "," + oy + "," + ox
                                    + "): expected " + expected + " but was " + actual);
                        }
                        if (!Float.isNaN(expected) && expected != 0f && !(expected <= -1f)) {
                            fail(what + ": a padded zero won at " + ch + "," + oy + "," + ox);
                        }
                    }
                    assertTrue(Float.isNaN(out.get(0, 5, 1, 8)), what + " NaN");
                    assertEquals(0x0, Float.floatToRawIntBits(out.get(0, 6, 0, 0)),
                            what + " +0 beats -0");
                    assertEquals(0x80000000, Float.floatToRawIntBits(out.get(0, 7, 0, 15)),
                            what + " -0 beats negatives");
                }
            }
        }
    }

    /** An output larger than the geometry gives has windows without in-image taps: they hold −∞ in both families. */
    @Test
    void maxPoolWindowWithoutTapsIsNegativeInfinity() {
        for (Layout layout : Layout.values()) {
            for (Kernels k : ElementwiseKernelsTest.FAMILIES) {
                try (Arena arena = Arena.ofConfined()) {
                    Tensor in = Tensor.fromArray(arena, layout, 1, 3, 2, 2, new float[12]);
                    Tensor out = Tensor.allocate(arena, layout, 1, 3, 4, 4);
                    k.maxPool(in, 1, 1, 0, out);
                    for (int c = 0; c < 3; c++) {
                        assertEquals(0f, out.get(0, c, 1, 1), k.name());
                        assertEquals(Float.NEGATIVE_INFINITY, out.get(0, c, 3, 0), k.name());
                        assertEquals(Float.NEGATIVE_INFINITY, out.get(0, c, 0, 3), k.name());
                    }
                }
            }
        }
    }

    private static void checkMaxPool(int seed, Layout layout, int n, int c, int h, int w, Pool pool) {
        int outH = pool.outSize(h), outW = pool.outSize(w);
        float[][] results = new float[2][];
        float[] x = null;
        String what = null;
        for (int f = 0; f < 2; f++) {
            try (Arena arena = Arena.ofConfined()) {
                Random rnd = new Random(seed);
                Tensor in = Fixtures.tensor(arena, rnd, layout, n, c, h, w);
                Tensor out = Fixtures.tensor(arena, rnd, layout, n, c, outH, outW);
                x = in.toArray();
                what = "seed " + seed + ": maxPool " + pool.k + "×" + pool.k + " s" + pool.stride + " p" + pool.padding
                        + " in=" + Fixtures.describe(in) + " out=" + Fixtures.describe(out);
                float[] inBefore = Fixtures.snapshot(in), outBefore = Fixtures.snapshot(out);
                ElementwiseKernelsTest.FAMILIES.get(f).maxPool(in, pool.k, pool.stride, pool.padding, out);
                Fixtures.assertOnlyInteriorWritten(out, outBefore, what);
                Fixtures.assertUnchanged(in, inBefore, what);
                results[f] = out.toArray();
            }
        }
        int i = 0;
        for (int in = 0; in < n; in++) for (int ch = 0; ch < c; ch++) for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++, i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int ky = 0; ky < pool.k; ky++) for (int kx = 0; kx < pool.k; kx++) {
                    int iy = oy * pool.stride - pool.padding + ky, ix = ox * pool.stride - pool.padding + kx;
                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                    max = Math.max(max, x[((in * c + ch) * h + iy) * w + ix]);
                }
                for (int f = 0; f < 2; f++) {
                    // The largest tap is one of the inputs: exact.
                    Fixtures.assertClose(max, results[f][i], 0, what + " "
                            + ElementwiseKernelsTest.FAMILIES.get(f).name() + " at (" + in + "," + ch + "," + oy + "," + ox + ")");
                }
            }
        }
        Fixtures.assertBitEqual(results[0], results[1], what);
    }

    @Test
    void globalAvgPoolMatchesOracle() {
        for (int seed = 0; seed < CASES; seed++) {
            float[][] results = new float[2][];
            float[] x = null;
            String what = null;
            int n = 0, c = 0, h = 0, w = 0;
            for (int f = 0; f < 2; f++) {
                try (Arena arena = Arena.ofConfined()) {
                    Random rnd = new Random(5000 + seed);
                    Layout layout = rnd.nextBoolean() ? Layout.NCHW : Layout.NHWC;
                    n = 1 + rnd.nextInt(3);
                    c = 1 + rnd.nextInt(70);
                    boolean pixel = rnd.nextInt(8) == 0;
                    h = pixel ? 1 : 1 + rnd.nextInt(20);
                    w = pixel ? 1 : 1 + rnd.nextInt(20);
                    Tensor in = Fixtures.tensor(arena, rnd, layout, n, c, h, w);
                    Tensor out = Fixtures.tensor(arena, rnd, layout, n, c, 1, 1);
                    x = in.toArray();
                    what = "seed " + seed + ": globalAvgPool in=" + Fixtures.describe(in) + " out=" + Fixtures.describe(out);
                    float[] inBefore = Fixtures.snapshot(in), outBefore = Fixtures.snapshot(out);
                    ElementwiseKernelsTest.FAMILIES.get(f).globalAvgPool(in, out);
                    Fixtures.assertOnlyInteriorWritten(out, outBefore, what);
                    Fixtures.assertUnchanged(in, inBefore, what);
                    results[f] = out.toArray();
                }
            }
            int plane = h * w;
            for (int i = 0; i < n * c; i++) {
                double sum = 0, magnitude = 0;
                for (int p = 0; p < plane; p++) {
                    sum += x[i * plane + p];
                    magnitude += Math.abs(x[i * plane + p]);
                }
                // Float partial sums: the SIMD kernel's longest sequential chain grows with H + W (blocked sums),
                // plus a constant for lane reduction and tails; the double-accumulating reference is far inside.
                double tolerance = 1e-7 * (h + w + 64) * magnitude / plane;
                for (int f = 0; f < 2; f++) {
                    Fixtures.assertClose(sum / plane, results[f][i], tolerance,
                            what + " " + ElementwiseKernelsTest.FAMILIES.get(f).name() + " at " + i);
                }
            }
        }
    }
}
