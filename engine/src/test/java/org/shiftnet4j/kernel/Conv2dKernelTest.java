package org.shiftnet4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * conv2d: the SIMD kernels and the scalar reference against a double-precision oracle, over random geometry
 * (kernel 1..7, stride 1..3, padding 0..K, dilation 1..2, all kinds of groups, channel tails, tiny images),
 * both layouts, zero-bordered tensors and channel-slice views; plus the shapes the models use.
 */
class Conv2dKernelTest {
    private static final Kernels SCALAR = KernelProvider.scalar();
    private static final Kernels VECTOR = KernelProvider.vector().orElseThrow();
    /** Written around the output view to prove kernels write nothing but its interior. */
    private static final float SENTINEL = -12345.5f;

    /** One convolution problem; the {@code *Extra} channels surround the tensors so they are channel-slice views. */
    record Case(int batch, int in, int out, int groups, int k, int stride, int pad, int dilation, int h, int w,
                boolean relu, boolean bias, int inBorder, int outBorder, int inExtra, int outExtra, long seed) {
        long macs() {
            Conv2dWeights g = geometry();
            return (long) batch * out * g.outputSize(h) * g.outputSize(w) * (in / groups) * k * k;
        }

        Conv2dWeights geometry() {
            return new Conv2dWeights(in, out, groups, k, stride, pad, dilation,
                    new float[out * (in / groups) * k * k], null);
        }

        @Override
        public String toString() {
            return "N" + batch + " " + in + "->" + out + " g" + groups + " k" + k + " s" + stride + " p" + pad
                    + " d" + dilation + " " + h + "x" + w + (relu ? " relu" : "") + (bias ? " bias" : "")
                    + " border " + inBorder + "/" + outBorder + " extra " + inExtra + "/" + outExtra + " seed " + seed;
        }
    }

    static Stream<Case> randomCases() {
        Random rnd = new Random(20261128L);
        List<Case> cases = new ArrayList<>();
        while (cases.size() < 260) {
            int groups, cinG, coG;
            switch (rnd.nextInt(5)) {
                case 0 -> { groups = 1; cinG = 1 + rnd.nextInt(40); coG = 1 + rnd.nextInt(40); }
                case 1 -> { groups = 2; cinG = 1 + rnd.nextInt(20); coG = 1 + rnd.nextInt(20); }
                case 2 -> { groups = 1 + rnd.nextInt(40); cinG = 1; coG = 1; }
                case 3 -> { groups = 1 + rnd.nextInt(20); cinG = 1; coG = 1 + rnd.nextInt(40 / groups); }
                default -> {
                    groups = 3 + rnd.nextInt(8);
                    cinG = 1 + rnd.nextInt(40 / groups);
                    coG = 1 + rnd.nextInt(40 / groups);
                }
            }
            int k = 1 + rnd.nextInt(7);
            Case c = new Case(1 + rnd.nextInt(3), groups * cinG, groups * coG, groups, k, 1 + rnd.nextInt(3),
                    rnd.nextInt(k + 1), 1 + rnd.nextInt(2), 1 + rnd.nextInt(24), 1 + rnd.nextInt(24),
                    rnd.nextBoolean(), rnd.nextInt(4) != 0, rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(4),
                    rnd.nextInt(2) * rnd.nextInt(3), rnd.nextBoolean() ? 0 : 1 + rnd.nextInt(3),
                    rnd.nextBoolean() ? 0 : 1 + rnd.nextInt(3), rnd.nextLong());
            Conv2dWeights g = c.geometry();
            if (g.outputSize(c.h) < 1 || g.outputSize(c.w) < 1 || c.macs() > 1_500_000) continue;
            cases.add(c);
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("randomCases")
    void randomGeometryMatchesOracle(Case c) {
        for (Layout layout : Layout.values()) check(c, layout);
    }

    static Stream<Case> modelCases() {
        return Stream.of(
                // stems
                new Case(1, 3, 16, 1, 3, 1, 1, 1, 32, 32, true, true, 0, 0, 0, 0, 1),
                new Case(2, 1, 16, 1, 3, 1, 1, 1, 32, 32, true, true, 0, 0, 0, 0, 2),
                new Case(1, 3, 32, 1, 7, 2, 3, 1, 64, 64, true, true, 0, 0, 0, 0, 3),
                new Case(1, 3, 32, 1, 7, 2, 3, 1, 61, 59, false, true, 3, 1, 0, 0, 4),
                // ResNet-CIFAR 3x3, with and without a border at least as wide as the padding
                new Case(1, 16, 16, 1, 3, 1, 1, 1, 32, 32, true, true, 0, 0, 0, 0, 5),
                new Case(1, 16, 16, 1, 3, 1, 1, 1, 32, 32, false, false, 1, 1, 0, 0, 6),
                new Case(1, 16, 32, 1, 3, 2, 1, 1, 32, 32, true, true, 0, 0, 0, 0, 7),
                new Case(1, 32, 32, 1, 3, 1, 1, 1, 16, 16, true, true, 0, 0, 0, 0, 8),
                new Case(2, 32, 32, 1, 3, 1, 1, 1, 16, 16, true, true, 1, 0, 2, 3, 9),
                new Case(1, 32, 64, 1, 3, 2, 1, 1, 16, 16, true, true, 1, 1, 0, 0, 10),
                new Case(1, 64, 64, 1, 3, 1, 1, 1, 8, 8, true, true, 0, 0, 0, 0, 11),
                new Case(1, 64, 64, 1, 3, 1, 1, 1, 8, 8, false, true, 1, 1, 0, 0, 12),
                // depthwise-like
                new Case(1, 32, 32, 32, 3, 1, 1, 1, 16, 16, false, true, 0, 0, 0, 0, 13),
                new Case(2, 64, 64, 64, 3, 1, 1, 1, 32, 32, true, true, 1, 0, 0, 0, 14),
                new Case(1, 32, 32, 32, 3, 2, 1, 1, 16, 16, false, true, 0, 0, 0, 0, 15),
                new Case(1, 5, 5, 5, 5, 1, 2, 2, 20, 20, false, true, 0, 0, 1, 2, 16),
                new Case(1, 16, 32, 16, 3, 1, 1, 1, 12, 12, false, true, 0, 0, 0, 0, 17),
                // grouped
                new Case(1, 32, 32, 4, 3, 1, 1, 1, 16, 16, true, true, 0, 0, 0, 0, 18),
                new Case(1, 24, 36, 3, 3, 2, 1, 1, 15, 17, true, true, 0, 0, 0, 0, 19),
                // 1x1 image, image smaller than the kernel
                new Case(3, 17, 19, 1, 3, 1, 1, 1, 1, 1, true, true, 0, 0, 1, 1, 20),
                new Case(1, 9, 11, 1, 7, 1, 3, 1, 2, 3, false, true, 0, 2, 0, 0, 21));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("modelCases")
    void modelShapesMatchOracle(Case c) {
        for (Layout layout : Layout.values()) check(c, layout);
    }

    @Test
    void reportsTheVectorWidthUnderTest() {
        // Shows in the test log which species ran (e.g. when the suite is rerun with -XX:MaxVectorSize=16).
        System.out.println("Conv2dKernelTest: vector kernels are " + VECTOR.name());
    }

    @Test
    void packedWeightsAreCachedAndReused() {
        Case c = new Case(1, 8, 8, 1, 3, 1, 1, 1, 9, 9, false, true, 0, 0, 0, 0, 7);
        try (Arena arena = Arena.ofConfined()) {
            Problem pr = new Problem(arena, c, Layout.NHWC);
            Tensor first = pr.newOutput(arena), second = pr.newOutput(arena);
            VECTOR.conv2d(pr.in, pr.weights, false, first);
            VECTOR.conv2d(pr.in, pr.weights, false, second);
            float[] a = first.toArray(), b = second.toArray();
            for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], "repeat call differs at " + i);
        }
    }

    /** Inputs, weights and the oracle of one case in one layout. */
    private static final class Problem {
        final Case c;
        final Layout layout;
        final Conv2dWeights weights;
        final Tensor in;
        final int hOut, wOut;
        final double[] exact;   // NCHW order
        final double[] bound;   // Σ|w·x| + |bias| per output

        Problem(Arena arena, Case c, Layout layout) {
            this.c = c;
            this.layout = layout;
            Random rnd = new Random(c.seed);
            int cinG = c.in / c.groups, coG = c.out / c.groups, k = c.k;
            float[] w = new float[c.out * cinG * k * k];
            for (int i = 0; i < w.length; i++) w[i] = rnd.nextFloat() * 2 - 1;
            float[] b = null;
            if (c.bias) {
                b = new float[c.out];
                for (int i = 0; i < b.length; i++) b[i] = rnd.nextFloat() * 2 - 1;
            }
            weights = new Conv2dWeights(c.in, c.out, c.groups, k, c.stride, c.pad, c.dilation, w, b);
            hOut = weights.outputSize(c.h);
            wOut = weights.outputSize(c.w);
            Tensor full = Tensor.allocate(arena, layout, c.batch, c.in + 2 * c.inExtra, c.h, c.w, c.inBorder);
            float[] values = new float[Math.toIntExact(full.elementCount())];
            for (int i = 0; i < values.length; i++) values[i] = rnd.nextFloat() * 2 - 1;
            full.copyFrom(values);
            in = c.inExtra == 0 ? full : full.channelSlice(c.inExtra, c.in);
            float[] x = in.toArray();
            exact = new double[c.batch * c.out * hOut * wOut];
            bound = new double[exact.length];
            float[] bias = weights.bias();
            int o = 0;
            for (int n = 0; n < c.batch; n++) {
                for (int co = 0; co < c.out; co++) {
                    int ci0 = co / coG * cinG;
                    for (int oy = 0; oy < hOut; oy++) {
                        for (int ox = 0; ox < wOut; ox++, o++) {
                            double sum = bias[co], abs = Math.abs(bias[co]);
                            for (int ci = 0; ci < cinG; ci++) {
                                for (int ky = 0; ky < k; ky++) {
                                    int iy = oy * c.stride - c.pad + ky * c.dilation;
                                    if (iy < 0 || iy >= c.h) continue;
                                    for (int kx = 0; kx < k; kx++) {
                                        int ix = ox * c.stride - c.pad + kx * c.dilation;
                                        if (ix < 0 || ix >= c.w) continue;
                                        double t = (double) weights.weight(co, ci, ky, kx)
                                                * x[((n * c.in + ci0 + ci) * c.h + iy) * c.w + ix];
                                        sum += t;
                                        abs += Math.abs(t);
                                    }
                                }
                            }
                            exact[o] = sum;
                            bound[o] = abs;
                        }
                    }
                }
            }
        }

        /** A fresh output view whose surroundings (extra channels, interior) hold {@link #SENTINEL}. */
        Tensor newOutput(Arena arena) {
            Tensor full = Tensor.allocate(arena, layout, c.batch, c.out + 2 * c.outExtra, hOut, wOut, c.outBorder);
            float[] fill = new float[Math.toIntExact(full.elementCount())];
            Arrays.fill(fill, SENTINEL);
            full.copyFrom(fill);
            return c.outExtra == 0 ? full : full.channelSlice(c.outExtra, c.out);
        }
    }

    private static void check(Case c, Layout layout) {
        try (Arena arena = Arena.ofConfined()) {
            Problem pr = new Problem(arena, c, layout);
            for (Kernels kernels : List.of(SCALAR, VECTOR)) {
                Tensor out = pr.newOutput(arena);
                kernels.conv2d(pr.in, pr.weights, c.relu, out);
                String where = kernels.name() + " " + layout + " " + c;
                float[] y = out.toArray();
                int cinG = c.in / c.groups;
                for (int i = 0; i < y.length; i++) {
                    double want = c.relu ? Math.max(0, pr.exact[i]) : pr.exact[i];
                    double tol = 1e-6 * (cinG * c.k * c.k + 1) * pr.bound[i] + 1e-30;
                    if (!(Math.abs(y[i] - want) <= tol)) {
                        fail(where + ": output " + describe(i, c.out, pr.hOut, pr.wOut) + " is " + y[i]
                                + ", expected " + want + " ± " + tol);
                    }
                }
                checkSurroundings(out, c, where);
            }
        }
    }

    /** Extra channels keep the sentinel and the border stays zero: the kernel wrote only the view's interior. */
    private static void checkSurroundings(Tensor view, Case c, String where) {
        int extra = c.outExtra, b = view.border();
        for (int n = 0; n < view.batch(); n++) {
            for (int ch = -extra; ch < view.channels() + extra; ch++) {
                boolean inView = ch >= 0 && ch < view.channels();
                for (int y = -b; y < view.height() + b; y++) {
                    for (int x = -b; x < view.width() + b; x++) {
                        boolean interior = y >= 0 && y < view.height() && x >= 0 && x < view.width();
                        if (inView && interior) continue;
                        float v = view.segment().getAtIndex(ValueLayout.JAVA_FLOAT,
                                view.index(n, ch, y, x));
                        float want = interior ? SENTINEL : 0f;
                        if (v != want) {
                            fail(where + ": wrote " + v + " outside the output view at (" + n + ", " + ch + ", "
                                    + y + ", " + x + ")");
                        }
                    }
                }
            }
        }
    }

    private static String describe(int i, int channels, int h, int w) {
        int x = i % w, y = i / w % h, ch = i / (w * h) % channels, n = i / (w * h * channels);
        return "(" + n + ", " + ch + ", " + y + ", " + x + ")";
    }
}
