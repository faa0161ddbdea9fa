package org.shiftnet4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * The Vector API depthwise convolution against the scalar reference and a double-precision oracle, over random
 * geometries (K, stride, padding, dilation), channel tails, tiny images, both layouts, bordered tensors and
 * channel-slice views on both sides.
 */
class VectorDepthwiseTest {
    private static final Kernels SIMD = KernelProvider.vector().orElseThrow();
    private static final Kernels REFERENCE = KernelProvider.scalar();
    private static final int[] KERNEL_SIZES = {1, 2, 3, 5, 7};
    /** Written into output channels outside a view; must survive the kernel. */
    private static final float SENTINEL = 12345.5f;

    /** One test geometry. Channels before/after are extra parent channels around the channel-slice view. */
    record Case(Layout layout, int n, int c, int h, int w, int k, int stride, int pad, int dilation, boolean bias,
                boolean oneHot, int inBorder, int inBefore, int inAfter, int outBorder, int outBefore, int outAfter) {
        @Override
        public String toString() {
            return layout + " N" + n + " C" + c + " " + h + "x" + w + " K" + k + " s" + stride + " p" + pad + " d"
                    + dilation + (bias ? " bias" : "") + (oneHot ? " one-hot" : "") + " in(border " + inBorder
                    + ", slice " + inBefore + "+" + inAfter + ") out(border " + outBorder + ", slice " + outBefore
                    + "+" + outAfter + ")";
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void randomGeometriesMatchReferenceAndOracle(Layout layout) {
        Random random = new Random(0x5EED_0000L + layout.ordinal());
        int done = 0;
        while (done < 160) {
            int k = KERNEL_SIZES[random.nextInt(KERNEL_SIZES.length)];
            int stride = 1 + random.nextInt(3), pad = random.nextInt(k + 1), dilation = 1 + random.nextInt(3);
            int h = 1 + random.nextInt(30), w = 1 + random.nextInt(30);
            DepthwiseWeights probe = new DepthwiseWeights(1, k, stride, pad, dilation, new float[k * k], null);
            if (probe.outputSize(h) < 1 || probe.outputSize(w) < 1) {
                continue;
            }
            boolean slicedIn = random.nextInt(3) == 0, slicedOut = random.nextInt(3) == 0;
            Case tc = new Case(layout, 1 + random.nextInt(3), 1 + random.nextInt(70), h, w, k, stride, pad, dilation,
                    random.nextInt(10) < 7, random.nextInt(5) == 0,
                    random.nextInt(k + 2), slicedIn ? random.nextInt(9) : 0, slicedIn ? random.nextInt(9) : 0,
                    random.nextInt(3), slicedOut ? random.nextInt(9) : 0, slicedOut ? random.nextInt(9) : 0);
            check(tc, random.nextLong());
            done++;
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void benchmarkShapes(Layout layout) {
        // 5x5 one-hot (the shift as a depthwise conv) and a deep 3x3 layer; with and without a border wide enough
        // for the NCHW kernel to read the padding straight from the tensor.
        for (int border : new int[] {0, 2}) {
            check(new Case(layout, 1, 64, 56, 56, 5, 1, 2, 1, false, true, border, 0, 0, 0, 0, 0), 1);
            check(new Case(layout, 1, 512, 7, 7, 3, 1, 1, 1, true, false, border, 0, 0, 0, 0, 0), 2);
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void inputsSmallerThanTheWindow(Layout layout) {
        check(new Case(layout, 1, 3, 1, 1, 3, 1, 1, 1, true, false, 0, 0, 0, 0, 0, 0), 3);
        check(new Case(layout, 2, 9, 2, 3, 7, 1, 3, 1, true, false, 0, 1, 2, 1, 0, 0), 4);
        check(new Case(layout, 1, 17, 1, 2, 5, 2, 6, 3, true, false, 0, 0, 0, 0, 0, 0), 5);
        check(new Case(layout, 1, 8, 4, 4, 2, 3, 2, 3, false, false, 0, 0, 0, 0, 0, 0), 6);
        // Narrower than a vector with a border: vectors read straight from the input would run past its end.
        check(new Case(layout, 1, 3, 2, 2, 3, 1, 1, 1, true, false, 1, 0, 0, 0, 0, 0), 8);
        // K = 1 with padding: the first and last output rows and columns see only padding, i.e. just the bias.
        check(new Case(layout, 1, 20, 5, 9, 1, 1, 1, 1, true, false, 1, 0, 0, 0, 0, 0), 7);
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void everyStrideAndDilationOnWideRows(Layout layout) {
        // Rows long enough for full 4-vector tiles with every residue of the last partial vector.
        long seed = 100;
        for (int stride = 1; stride <= 3; stride++) {
            for (int dilation = 1; dilation <= 3; dilation++) {
                for (int w : new int[] {29, 64, 77}) {
                    int pad = (int) (seed % 3); // 0, 1, 2: both parities for the stride-2 de-interleave
                    check(new Case(layout, 1, 19, 9, w, 3, stride, pad, dilation, true, false, (int) (seed % 2), 1,
                            0, 0, 0, 1), seed++);
                }
            }
        }
    }

    @Test
    void sameResultTwiceAndAfterOtherGeometries() {
        // The NCHW scratch plane is reused across calls of different geometries: stale columns must not leak.
        try (Arena arena = Arena.ofConfined()) {
            Random random = new Random(9);
            Tensor in = filled(arena, Layout.NCHW, 1, 4, 12, 12, 0, random);
            DepthwiseWeights small = weights(4, 3, 1, 1, 1, true, false, random);
            Tensor first = Tensor.allocate(arena, Layout.NCHW, 1, 4, 12, 12);
            SIMD.depthwiseConv2d(in, small, first);
            Tensor big = filled(arena, Layout.NCHW, 1, 4, 20, 25, 0, random);
            DepthwiseWeights wide = weights(4, 5, 2, 0, 2, true, false, random);
            SIMD.depthwiseConv2d(big, wide, Tensor.allocate(arena, Layout.NCHW, 1, 4, wide.outputSize(20),
                    wide.outputSize(25)));
            Tensor again = Tensor.allocate(arena, Layout.NCHW, 1, 4, 12, 12);
            SIMD.depthwiseConv2d(in, small, again);
            assertTrue(java.util.Arrays.equals(first.toArray(), again.toArray()), "result changed after another call");
        }
    }

    private static void check(Case tc, long seed) {
        Random random = new Random(seed);
        try (Arena arena = Arena.ofConfined()) {
            DepthwiseWeights wt = weights(tc.c, tc.k, tc.stride, tc.pad, tc.dilation, tc.bias, tc.oneHot, random);
            int oh = wt.outputSize(tc.h), ow = wt.outputSize(tc.w);
            Tensor inParent = filled(arena, tc.layout, tc.n, tc.inBefore + tc.c + tc.inAfter, tc.h, tc.w,
                    tc.inBorder, random);
            Tensor in = inParent.channelSlice(tc.inBefore, tc.c);
            Tensor simdParent = sentinel(arena, tc, oh, ow);
            Tensor refParent = sentinel(arena, tc, oh, ow);
            Tensor simdOut = simdParent.channelSlice(tc.outBefore, tc.c);
            Tensor refOut = refParent.channelSlice(tc.outBefore, tc.c);

            SIMD.depthwiseConv2d(in, wt, simdOut);
            REFERENCE.depthwiseConv2d(in, wt, refOut);

            compareWithOracle(tc, in, wt, simdOut, "vector");
            compareWithOracle(tc, in, wt, refOut, "scalar reference");
            checkUntouched(tc, simdParent, oh, ow);
        }
    }

    private static void compareWithOracle(Case tc, Tensor in, DepthwiseWeights wt, Tensor out, String what) {
        int k = tc.k;
        for (int n = 0; n < tc.n; n++) {
            for (int c = 0; c < tc.c; c++) {
                for (int oy = 0; oy < out.height(); oy++) {
                    for (int ox = 0; ox < out.width(); ox++) {
                        double exact = wt.bias()[c], magnitude = Math.abs(wt.bias()[c]);
                        for (int ky = 0; ky < k; ky++) {
                            int iy = oy * tc.stride - tc.pad + ky * tc.dilation;
                            if (iy < 0 || iy >= tc.h) continue;
                            for (int kx = 0; kx < k; kx++) {
                                int ix = ox * tc.stride - tc.pad + kx * tc.dilation;
                                if (ix < 0 || ix >= tc.w) continue;
                                double term = (double) wt.weight(c, ky, kx) * in.get(n, c, iy, ix);
                                exact += term;
                                magnitude += Math.abs(term);
                            }
                        }
                        float actual = out.get(n, c, oy, ox);
                        double tolerance = 1e-6 * (k * k + 1) * magnitude + 1e-30;
                        if (!(Math.abs(actual - exact) <= tolerance)) {
                            fail(what + " wrong at (" + n + ", " + c + ", " + oy + ", " + ox + "): " + actual
                                    + " vs exact " + exact + " (tolerance " + tolerance + ") for " + tc);
                        }
                    }
                }
            }
        }
    }

    /** Output channels outside the view keep their sentinel, and the output border stays zero. */
    private static void checkUntouched(Case tc, Tensor parent, int oh, int ow) {
        int b = tc.outBorder;
        for (int n = 0; n < tc.n; n++) {
            for (int c = 0; c < parent.channels(); c++) {
                boolean inView = c >= tc.outBefore && c < tc.outBefore + tc.c;
                for (int y = -b; y < oh + b; y++) {
                    for (int x = -b; x < ow + b; x++) {
                        boolean interior = y >= 0 && y < oh && x >= 0 && x < ow;
                        if (interior && inView) continue;
                        float expected = interior ? SENTINEL : 0f;
                        assertEquals(expected, parent.get(n, c, y, x),
                                "vector kernel wrote outside its output at (" + n + ", " + c + ", " + y + ", " + x
                                        + ") for " + tc);
                    }
                }
            }
        }
    }

    private static Tensor sentinel(Arena arena, Case tc, int oh, int ow) {
        Tensor t = Tensor.allocate(arena, tc.layout, tc.n, tc.outBefore + tc.c + tc.outAfter, oh, ow, tc.outBorder);
        float[] values = new float[Math.toIntExact(t.elementCount())];
        java.util.Arrays.fill(values, SENTINEL);
        t.copyFrom(values);
        return t;
    }

    private static Tensor filled(Arena arena, Layout layout, int n, int c, int h, int w, int border, Random random) {
        Tensor t = Tensor.allocate(arena, layout, n, c, h, w, border);
        float[] values = new float[Math.toIntExact(t.elementCount())];
        for (int i = 0; i < values.length; i++) values[i] = random.nextFloat() * 2 - 1;
        t.copyFrom(values);
        return t;
    }

    private static DepthwiseWeights weights(int c, int k, int stride, int pad, int dilation, boolean bias,
                                            boolean oneHot, Random random) {
        float[] w = new float[c * k * k];
        for (int ch = 0; ch < c; ch++) {
            if (oneHot) {
                w[ch * k * k + random.nextInt(k * k)] = 1f;
            } else {
                for (int t = 0; t < k * k; t++) w[ch * k * k + t] = random.nextFloat() * 2 - 1;
            }
        }
        float[] b = null;
        if (bias) {
            b = new float[c];
            for (int ch = 0; ch < c; ch++) b[ch] = random.nextFloat() - 0.5f;
        }
        return new DepthwiseWeights(c, k, stride, pad, dilation, w, b);
    }
}
