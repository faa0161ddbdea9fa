package org.shiftnet4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * The Vector API pointwise convolution against the scalar reference and a double-precision oracle, over random
 * shapes (channel tails, tiny and odd images, batches, strides 1–3), both layouts, bordered tensors and
 * channel-slice views on both sides. Also checks that nothing outside the output view's interior is written.
 */
class VectorConv1x1Test {
    private static final Kernels SIMD = KernelProvider.vector().orElseThrow();
    private static final Kernels SCALAR = KernelProvider.scalar();
    /** Value of output memory the kernel must not touch (neighbouring channels of a view). */
    private static final float UNTOUCHED = -777f;

    /** One convolution problem; {@code inExtra}/{@code outExtra} > 0 make the tensors channel slices of wider ones. */
    record Case(Layout layout, int batch, int cin, int cout, int height, int width, int stride, boolean relu,
                boolean bias, int inBorder, int outBorder, int inExtra, int outExtra, long seed) {
        int outHeight() { return (height - 1) / stride + 1; }
        int outWidth() { return (width - 1) / stride + 1; }
    }

    @Test
    void randomShapesMatchTheOracle() {
        SplittableRandom random = new SplittableRandom(20261128);
        for (int i = 0; i < 400; i++) {
            Layout layout = random.nextBoolean() ? Layout.NCHW : Layout.NHWC;
            int stride = random.nextInt(4) == 0 ? 3 : 1 + random.nextInt(2);
            check(new Case(layout, 1 + random.nextInt(3), 1 + random.nextInt(70), 1 + random.nextInt(70),
                    1 + random.nextInt(20), 1 + random.nextInt(20), stride, random.nextBoolean(), random.nextBoolean(),
                    random.nextInt(3) == 0 ? 1 + random.nextInt(2) : 0, random.nextInt(3) == 0 ? 1 : 0,
                    random.nextInt(3) == 0 ? 1 + random.nextInt(9) : 0, random.nextInt(3) == 0 ? 1 + random.nextInt(9) : 0,
                    random.nextLong()));
        }
    }

    @Test
    void tinyImagesAndSingleChannels() {
        for (Layout layout : Layout.values()) {
            for (int stride = 1; stride <= 3; stride++) {
                check(new Case(layout, 1, 1, 1, 1, 1, stride, false, true, 0, 0, 0, 0, 1));
                check(new Case(layout, 2, 3, 1, 1, 1, stride, true, true, 1, 1, 0, 0, 2));
                check(new Case(layout, 3, 1, 17, 2, 3, stride, false, false, 0, 0, 2, 3, 3));
                check(new Case(layout, 1, 9, 33, 1, 17, stride, true, true, 0, 0, 0, 0, 4));
                check(new Case(layout, 1, 9, 33, 17, 1, stride, true, true, 0, 1, 0, 0, 5));
            }
        }
    }

    /** Full-width strips and tiles, exact multiples of the register tile, and the last float of the segment. */
    @Test
    void tileMultiplesAndSegmentEnd() {
        for (Layout layout : Layout.values()) {
            for (int stride = 1; stride <= 2; stride++) {
                check(new Case(layout, 1, 16, 16, 8, 8, stride, false, true, 0, 0, 0, 0, 10));
                check(new Case(layout, 1, 32, 40, 16, 32, stride, true, true, 0, 0, 0, 0, 11));
                check(new Case(layout, 2, 8, 10, 33, 33, stride, false, true, 0, 0, 0, 0, 12));
                check(new Case(layout, 1, 8, 5, 5, 35, stride, false, false, 0, 0, 0, 0, 13));
                check(new Case(layout, 1, 7, 8, 9, 63, stride, true, true, 0, 0, 0, 0, 14));
            }
        }
    }

    /** Sizes that split the pixels into several cache blocks, and long reductions. */
    @Test
    void largerLayersCrossBlockBoundaries() {
        for (Layout layout : Layout.values()) {
            check(new Case(layout, 1, 64, 70, 30, 30, 1, true, true, 0, 0, 0, 0, 20));
            check(new Case(layout, 1, 600, 37, 9, 9, 1, false, true, 0, 0, 0, 0, 21));
            check(new Case(layout, 2, 300, 21, 14, 13, 2, true, true, 1, 1, 5, 3, 22));
            check(new Case(layout, 1, 256, 256, 7, 7, 1, true, true, 0, 0, 0, 0, 23));
            // Several K blocks at every vector width, with channel and pixel tails and views.
            check(new Case(layout, 2, 1700, 19, 5, 7, 1, true, true, 1, 0, 3, 2, 24));
            check(new Case(layout, 1, 1700, 11, 6, 9, 2, true, false, 0, 1, 0, 4, 25));
        }
    }

    /** A dense input written into a bordered or sliced output (the buffer a shift reads next). */
    @Test
    void denseInputIntoBorderedOutput() {
        for (Layout layout : Layout.values()) {
            check(new Case(layout, 2, 64, 70, 7, 7, 1, true, true, 0, 1, 0, 0, 30));
            check(new Case(layout, 1, 300, 37, 14, 14, 1, false, true, 0, 2, 0, 5, 31));
            check(new Case(layout, 1, 48, 16, 3, 50, 1, true, false, 0, 1, 0, 0, 32));
            check(new Case(layout, 3, 5, 9, 2, 3, 1, true, true, 0, 1, 0, 2, 33));
            check(new Case(layout, 1, 7, 11, 1, 1, 1, false, true, 0, 3, 0, 0, 34));
        }
    }

    @Test
    void packedPanelsHoldBiasThenWeightsPerInputChannel() {
        int cin = 3, cout = 7;
        float[] weights = new float[cin * cout], bias = new float[cout];
        for (int i = 0; i < weights.length; i++) weights[i] = i + 1;
        for (int co = 0; co < cout; co++) bias[co] = -(co + 1);
        Conv1x1Weights w = new Conv1x1Weights(cin, cout, weights, bias);
        for (int width : new int[] {Conv1x1Weights.ROW_PANEL, Conv1x1Weights.COUT_ALIGN, 4, 32}) {
            float[] panels = width == Conv1x1Weights.ROW_PANEL ? w.rowPanels() : w.columnPanels(width);
            assertEquals(w.panelCount(width) * w.panelSize(width), panels.length, "width " + width);
            for (int co = 0; co < w.panelCount(width) * width; co++) {
                int base = co / width * w.panelSize(width) + co % width;
                assertEquals(co < cout ? bias[co] : 0f, panels[base], "bias, width " + width + " co " + co);
                for (int ci = 0; ci < cin; ci++) {
                    assertEquals(co < cout ? w.weight(co, ci) : 0f, panels[base + (ci + 1) * width],
                            "width " + width + " co " + co + " ci " + ci);
                }
            }
        }
        assertTrue(w.columnPanels(32) == w.columnPanels(32), "a derived width is packed once");
    }

    private static void check(Case c) {
        SplittableRandom random = new SplittableRandom(c.seed());
        float[] weights = uniform(random, c.cin() * c.cout());
        float[] bias = c.bias() ? uniform(random, c.cout()) : null;
        Conv1x1Weights w = new Conv1x1Weights(c.cin(), c.cout(), weights, bias);
        try (Arena arena = Arena.ofConfined()) {
            Tensor inParent = Tensor.allocate(arena, c.layout(), c.batch(), c.cin() + c.inExtra(), c.height(), c.width(),
                    c.inBorder());
            inParent.copyFrom(uniform(random, (int) inParent.elementCount()));
            int inStart = c.inExtra() == 0 ? 0 : random.nextInt(c.inExtra() + 1);
            Tensor in = inParent.channelSlice(inStart, c.cin());
            float[] input = in.toArray();

            double[][] oracle = oracle(c, input, weights, bias);
            for (Kernels kernels : new Kernels[] {SIMD, SCALAR}) {
                Tensor outParent = Tensor.allocate(arena, c.layout(), c.batch(), c.cout() + c.outExtra(),
                        c.outHeight(), c.outWidth(), c.outBorder());
                fillInterior(outParent, UNTOUCHED);
                int outStart = c.outExtra() == 0 ? 0 : random.nextInt(c.outExtra() + 1);
                Tensor out = outParent.channelSlice(outStart, c.cout());
                kernels.conv1x1(in, w, c.stride(), c.relu(), out);
                compare(c, kernels.name(), oracle, out.toArray());
                checkOutsideUntouched(c, kernels.name(), outParent, outStart);
            }
        }
    }

    /** [0] = exact result (ReLU applied), [1] = Σ|terms| for the tolerance; indexed in NCHW order of the output. */
    private static double[][] oracle(Case c, float[] in, float[] weights, float[] bias) {
        int oh = c.outHeight(), ow = c.outWidth(), h = c.height(), w = c.width();
        double[] exact = new double[c.batch() * c.cout() * oh * ow], magnitude = new double[exact.length];
        int i = 0;
        for (int n = 0; n < c.batch(); n++) {
            for (int co = 0; co < c.cout(); co++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++, i++) {
                        double sum = bias == null ? 0 : bias[co], mag = Math.abs(sum);
                        for (int ci = 0; ci < c.cin(); ci++) {
                            double term = (double) weights[co * c.cin() + ci]
                                    * in[((n * c.cin() + ci) * h + oy * c.stride()) * w + ox * c.stride()];
                            sum += term;
                            mag += Math.abs(term);
                        }
                        exact[i] = c.relu() ? Math.max(sum, 0) : sum;
                        magnitude[i] = mag;
                    }
                }
            }
        }
        return new double[][] {exact, magnitude};
    }

    private static void compare(Case c, String kernels, double[][] oracle, float[] actual) {
        double[] exact = oracle[0], magnitude = oracle[1];
        for (int i = 0; i < actual.length; i++) {
            double tolerance = 2e-6 * (c.cin() + 1) * magnitude[i] + 1e-30;
            if (!(Math.abs(actual[i] - exact[i]) <= tolerance)) {
                int ow = c.outWidth(), oh = c.outHeight();
                fail(kernels + " " + c + ": element (n,co,oy,ox) = (" + i / (c.cout() * oh * ow) + ", "
                        + i / (oh * ow) % c.cout() + ", " + i / ow % oh + ", " + i % ow + ") is " + actual[i]
                        + ", exact " + exact[i] + ", tolerance " + tolerance);
            }
        }
    }

    /** Neighbouring channels of the view keep their value and the border stays zero. */
    private static void checkOutsideUntouched(Case c, String kernels, Tensor parent, int sliceStart) {
        int b = parent.border();
        for (int n = 0; n < parent.batch(); n++) {
            for (int ch = 0; ch < parent.channels(); ch++) {
                boolean inSlice = ch >= sliceStart && ch < sliceStart + c.cout();
                for (int y = -b; y < parent.height() + b; y++) {
                    for (int x = -b; x < parent.width() + b; x++) {
                        boolean interior = y >= 0 && y < parent.height() && x >= 0 && x < parent.width();
                        if (interior && inSlice) continue;
                        float expected = interior ? UNTOUCHED : 0f;
                        float value = parent.get(n, ch, y, x);
                        if (value != expected) {
                            fail(kernels + " " + c + ": wrote " + value + " outside its output at (n,c,y,x) = ("
                                    + n + ", " + ch + ", " + y + ", " + x + ") of the parent tensor");
                        }
                    }
                }
            }
        }
    }

    private static void fillInterior(Tensor t, float value) {
        float[] values = new float[(int) t.elementCount()];
        java.util.Arrays.fill(values, value);
        t.copyFrom(values);
    }

    private static float[] uniform(SplittableRandom random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float) (random.nextDouble() * 2 - 1);
        return values;
    }
}
