package org.shiftnet4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * The shift folded into a 1×1 conv ({@link Kernels#shiftConv1x1}), Vector API and scalar, against a double-precision
 * oracle that reads the input's border wherever a shifted tap leaves the image: random shapes with channel and pixel
 * tails, strides 1–3, batches, both layouts, every shift policy, a border filled with non-zero values (what a folded
 * BatchNorm puts there) and output channel-slice views whose neighbours must stay untouched. With a zero border it
 * must equal conv1x1(shift(x)).
 */
class ShiftConv1x1Test {
    private static final Kernels SIMD = KernelProvider.vector().orElseThrow();
    private static final Kernels SCALAR = KernelProvider.scalar();
    private static final float UNTOUCHED = -777f;

    record Case(Layout layout, int batch, int cin, int cout, int height, int width, int stride, ShiftTable table,
                int extraBorder, boolean relu, int outExtra, long seed) {
        int outHeight() { return (height - 1) / stride + 1; }
        int outWidth() { return (width - 1) / stride + 1; }
    }

    @Test
    void randomShapesMatchTheOracle() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 300; i++) {
            int cin = 1 + random.nextInt(80);
            check(new Case(random.nextBoolean() ? Layout.NCHW : Layout.NHWC, 1 + random.nextInt(3), cin,
                    1 + random.nextInt(70), 1 + random.nextInt(24), 1 + random.nextInt(40),
                    random.nextInt(4) == 0 ? 2 + random.nextInt(2) : 1, randomTable(random, cin),
                    random.nextInt(3) == 0 ? 1 : 0, random.nextBoolean(), random.nextInt(3) == 0 ? 1 + random.nextInt(5) : 0,
                    random.nextLong()));
        }
    }

    @Test
    void shiftNetLayerShapes() {
        for (Layout layout : Layout.values()) {
            check(new Case(layout, 1, 256, 64, 14, 14, 1, ShiftTable.of(ShiftPolicy.MODULO, 256, 5, 1), 0, true, 0, 1));
            check(new Case(layout, 1, 192, 128, 28, 28, 2, ShiftTable.of(ShiftPolicy.MODULO, 192, 5, 1), 0, false, 0, 2));
            check(new Case(layout, 2, 96, 16, 32, 32, 1, ShiftTable.of(ShiftPolicy.MODULO, 96, 3, 1), 0, false, 0, 3));
            check(new Case(layout, 1, 512, 256, 7, 7, 1, ShiftTable.of(ShiftPolicy.CONTIGUOUS, 512, 3, 2), 1, true, 0, 4));
        }
    }

    @Test
    void withAZeroBorderItIsTheConvolutionOfTheShift() {
        SplittableRandom random = new SplittableRandom(11);
        for (Layout layout : Layout.values()) {
            for (int stride = 1; stride <= 2; stride++) {
                int cin = 37, cout = 21, h = 9, w = 19;
                ShiftTable table = ShiftTable.of(ShiftPolicy.MODULO, cin, 3, 1);
                Conv1x1Weights weights = weights(random, cin, cout);
                try (Arena arena = Arena.ofConfined()) {
                    Tensor x = Tensor.allocate(arena, layout, 2, cin, h, w, 1);
                    fillInterior(x, random);
                    Tensor shifted = Tensor.allocate(arena, layout, 2, cin, h, w);
                    SIMD.shift(x, table, shifted);
                    int oh = (h - 1) / stride + 1, ow = (w - 1) / stride + 1;
                    Tensor expected = Tensor.allocate(arena, layout, 2, cout, oh, ow);
                    Tensor actual = Tensor.allocate(arena, layout, 2, cout, oh, ow);
                    SCALAR.conv1x1(shifted, weights, stride, false, expected);
                    SIMD.shiftConv1x1(x, table, weights, stride, false, actual);
                    float[] e = expected.toArray(), a = actual.toArray();
                    for (int i = 0; i < e.length; i++) {
                        assertEquals(e[i], a[i], 1e-4f * (1 + Math.abs(e[i])), layout + " stride " + stride + " at " + i);
                    }
                }
            }
        }
    }

    private static ShiftTable randomTable(SplittableRandom random, int channels) {
        return switch (random.nextInt(3)) {
            case 0 -> ShiftTable.of(ShiftPolicy.MODULO, channels, 1 + 2 * random.nextInt(3), 1 + random.nextInt(2));
            case 1 -> ShiftTable.of(ShiftPolicy.CONTIGUOUS, channels, 1 + 2 * random.nextInt(3), 1);
            default -> {
                int[] dy = new int[channels], dx = new int[channels];
                for (int c = 0; c < channels; c++) {
                    dy[c] = random.nextInt(7) - 3;
                    dx[c] = random.nextInt(7) - 3;
                }
                yield ShiftTable.explicit(dy, dx);
            }
        };
    }

    private static Conv1x1Weights weights(SplittableRandom random, int cin, int cout) {
        float[] w = new float[cin * cout], b = new float[cout];
        for (int i = 0; i < w.length; i++) w[i] = (float) (random.nextDouble() * 2 - 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) (random.nextDouble() - 0.5);
        return new Conv1x1Weights(cin, cout, w, b);
    }

    private static void fillInterior(Tensor t, SplittableRandom random) {
        for (int n = 0; n < t.batch(); n++)
            for (int c = 0; c < t.channels(); c++)
                for (int y = 0; y < t.height(); y++)
                    for (int x = 0; x < t.width(); x++) t.set(n, c, y, x, (float) (random.nextDouble() * 2 - 1));
    }

    private static void check(Case k) {
        SplittableRandom random = new SplittableRandom(k.seed());
        Conv1x1Weights weights = weights(random, k.cin(), k.cout());
        int b = k.table().maxAbsOffset() + k.extraBorder();
        try (Arena arena = Arena.ofConfined()) {
            Tensor in = Tensor.allocate(arena, k.layout(), k.batch(), k.cin(), k.height(), k.width(), b);
            // Interior and border alike get values: the border stands for what BN and ReLU make of zero padding.
            for (int n = 0; n < k.batch(); n++)
                for (int c = 0; c < k.cin(); c++)
                    for (int y = -b; y < k.height() + b; y++)
                        for (int x = -b; x < k.width() + b; x++)
                            in.segment().setAtIndex(ValueLayout.JAVA_FLOAT, in.index(n, c, y, x), (float) (random.nextDouble() * 2 - 1));
            double[] exact = new double[k.batch() * k.cout() * k.outHeight() * k.outWidth()];
            double[] bound = new double[exact.length];
            int i = 0;
            for (int n = 0; n < k.batch(); n++)
                for (int co = 0; co < k.cout(); co++)
                    for (int oy = 0; oy < k.outHeight(); oy++)
                        for (int ox = 0; ox < k.outWidth(); ox++, i++) {
                            double acc = weights.bias()[co], mag = Math.abs(acc);
                            for (int ci = 0; ci < k.cin(); ci++) {
                                double v = in.segment().getAtIndex(ValueLayout.JAVA_FLOAT, in.index(n, ci,
                                        oy * k.stride() + k.table().dy(ci), ox * k.stride() + k.table().dx(ci)));
                                acc += weights.weight(co, ci) * v;
                                mag += Math.abs(weights.weight(co, ci) * v);
                            }
                            exact[i] = k.relu() ? Math.max(acc, 0) : acc;
                            bound[i] = 1e-6 * (k.cin() + 1) * mag + 1e-30;
                        }
            for (Kernels kernels : new Kernels[] {SCALAR, SIMD}) {
                Tensor wide = Tensor.allocate(arena, k.layout(), k.batch(), k.cout() + k.outExtra(), k.outHeight(), k.outWidth());
                for (int n = 0; n < k.batch(); n++)
                    for (int c = 0; c < wide.channels(); c++)
                        for (int y = 0; y < wide.height(); y++)
                            for (int x = 0; x < wide.width(); x++) wide.set(n, c, y, x, UNTOUCHED);
                Tensor out = k.outExtra() > 0 ? wide.channelSlice(k.outExtra() / 2, k.cout()) : wide;
                kernels.shiftConv1x1(in, k.table(), weights, k.stride(), k.relu(), out);
                float[] actual = out.toArray();
                for (int j = 0; j < exact.length; j++) {
                    double err = Math.abs(actual[j] - exact[j]);
                    if (!(err <= bound[j])) {
                        throw new AssertionError(kernels.name() + " " + k + ": element " + j + " is " + actual[j]
                                + ", exact " + exact[j] + " (error " + err + " > " + bound[j] + ")");
                    }
                }
                for (int n = 0; n < k.batch(); n++)
                    for (int c = 0; c < wide.channels(); c++) {
                        boolean inside = c >= k.outExtra() / 2 && c < k.outExtra() / 2 + k.cout();
                        if (!inside) assertTrue(wide.get(n, c, 0, 0) == UNTOUCHED, kernels.name() + " wrote channel " + c);
                    }
            }
        }
    }
}
