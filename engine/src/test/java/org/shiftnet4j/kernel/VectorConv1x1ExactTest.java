package org.shiftnet4j.kernel;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * The Vector API pointwise convolution computes every output as its bias followed by one FMA per input channel in
 * order, whatever tile, strip, K block, path or layout computes it. So it equals, bit for bit, a scalar
 * {@link Math#fma} chain, and any subset of its output channels computed alone gives the same bits (the law the
 * runtime's channel split between threads relies on). The shapes aim at the kernels' edge paths: pixel counts
 * around the strip and block sizes (overlapping and partial strips), Cin around the K block, Cout around the tile
 * widths, 1×1 images, strides 1–3, borders and channel-slice views.
 */
class VectorConv1x1ExactTest {
    private static final Kernels SIMD = KernelProvider.vector().orElseThrow();

    record Case(Layout layout, int batch, int cin, int cout, int height, int width, int stride, boolean relu,
                int inBorder, int outBorder, int inExtra, int outExtra, long seed) {
        int outHeight() { return (height - 1) / stride + 1; }
        int outWidth() { return (width - 1) / stride + 1; }
    }

    @Test
    void pixelCountsAroundStripsAndBlocks() {
        // 1×W planes: pixels = W. 15–17, 47–49: one vector and a strip (48 with 16-lane vectors); 143–161: the
        // pixel block (144) and the merge of a short last block; 196 and 49: ShiftNet's 14×14 and 7×7.
        int[] widths = {1, 2, 15, 16, 17, 31, 33, 47, 48, 49, 95, 143, 144, 145, 160, 161, 196, 290};
        int seed = 0;
        for (Layout layout : Layout.values()) {
            for (int w : widths) {
                check(new Case(layout, 1, 5, 9, 1, w, 1, false, 0, 0, 0, 0, seed++));
            }
            check(new Case(layout, 1, 24, 16, 7, 7, 1, true, 0, 0, 0, 0, seed++));
            check(new Case(layout, 2, 40, 24, 14, 14, 1, false, 0, 0, 0, 0, seed++));
        }
    }

    @Test
    void inputChannelsAroundTheKBlock() {
        int seed = 100;
        for (Layout layout : Layout.values()) {
            for (int cin : new int[] {1, 3, 511, 512, 513, 1100}) {
                check(new Case(layout, 1, cin, 11, 5, 13, 1, true, 0, 0, 0, 0, seed++));
                // The last strip partial, and a second K block adding to it through the tile.
                check(new Case(layout, 1, cin, 8, 1, 53, 1, false, 0, 0, 0, 0, seed++));
            }
        }
    }

    @Test
    void outputChannelsAroundTheTiles() {
        int seed = 200;
        for (Layout layout : Layout.values()) {
            for (int cout : new int[] {1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 48, 63, 64, 65, 80, 100}) {
                check(new Case(layout, 1, 19, cout, 6, 9, 1, cout % 2 == 0, 0, 0, 0, 0, seed++));
            }
        }
    }

    @Test
    void stridesBordersAndViews() {
        SplittableRandom random = new SplittableRandom(20261128);
        for (int i = 0; i < 120; i++) {
            Layout layout = i % 2 == 0 ? Layout.NCHW : Layout.NHWC;
            check(new Case(layout, 1 + random.nextInt(2), 1 + random.nextInt(40), 1 + random.nextInt(70),
                    1 + random.nextInt(30), 1 + random.nextInt(30), 1 + random.nextInt(3), random.nextBoolean(),
                    random.nextInt(3) == 0 ? 1 + random.nextInt(2) : 0, random.nextInt(3) == 0 ? 1 : 0,
                    random.nextInt(3) == 0 ? 1 + random.nextInt(9) : 0, random.nextInt(3) == 0 ? 1 + random.nextInt(9) : 0,
                    random.nextLong()));
        }
        for (Layout layout : Layout.values()) {
            for (int stride = 1; stride <= 3; stride++) {
                check(new Case(layout, 2, 3, 5, 1, 1, stride, true, 1, 1, 0, 0, 300 + stride)); // 1×1 images
                check(new Case(layout, 1, 17, 33, 28, 28, stride, false, 0, 0, 0, 0, 310 + stride));
                check(new Case(layout, 1, 9, 21, 14, 14, stride, true, 2, 1, 3, 2, 320 + stride));
            }
        }
    }

    /** ShiftNet-A's shapes at a quarter of the resolution (the oracle is scalar), strided ones included. */
    @Test
    void shiftNetLikeShapes() {
        int[][] shapes = {{64, 256, 14, 1}, {256, 64, 14, 2}, {384, 128, 7, 1}, {512, 256, 7, 2}, {512, 512, 7, 1},
                {128, 32, 28, 2}};
        int seed = 400;
        for (Layout layout : Layout.values()) {
            for (int[] s : shapes) check(new Case(layout, 1, s[0], s[1], s[2], s[2], s[3], false, 0, 0, 0, 0, seed++));
        }
    }

    /** Channel ranges computed alone (a thread's share) give the bits of the whole call. */
    @Test
    void channelRangesAloneGiveTheSameBits() {
        SplittableRandom random = new SplittableRandom(7);
        for (Layout layout : Layout.values()) {
            for (int cout : new int[] {20, 64, 100}) {
                Case c = new Case(layout, 1, 37, cout, 9, 11, 1, true, 0, 0, 0, 0, random.nextLong());
                float[] weights = values(new SplittableRandom(c.seed()), c.cin() * cout);
                float[] bias = values(new SplittableRandom(c.seed() + 1), cout);
                try (Arena arena = Arena.ofConfined()) {
                    Tensor in = Tensor.allocate(arena, layout, 1, c.cin(), c.height(), c.width());
                    in.copyFrom(values(new SplittableRandom(c.seed() + 2), (int) in.elementCount()));
                    Tensor whole = Tensor.allocate(arena, layout, 1, cout, c.height(), c.width());
                    Tensor parts = Tensor.allocate(arena, layout, 1, cout, c.height(), c.width());
                    SIMD.conv1x1(in, new Conv1x1Weights(c.cin(), cout, weights, bias), 1, true, whole);
                    for (int from = 0; from < cout; ) {
                        int to = Math.min(cout, from + 1 + random.nextInt(24));
                        SIMD.conv1x1(in, new Conv1x1Weights(c.cin(), to - from,
                                Arrays.copyOfRange(weights, from * c.cin(), to * c.cin()),
                                Arrays.copyOfRange(bias, from, to)), 1, true, parts.channelSlice(from, to - from));
                        from = to;
                    }
                    requireSameBits(c + " split", whole.toArray(), parts.toArray());
                }
            }
        }
    }

    private static void check(Case c) {
        SplittableRandom random = new SplittableRandom(c.seed());
        float[] weights = values(random, c.cin() * c.cout());
        float[] bias = values(random, c.cout());
        Conv1x1Weights w = new Conv1x1Weights(c.cin(), c.cout(), weights, bias);
        try (Arena arena = Arena.ofConfined()) {
            Tensor inParent = Tensor.allocate(arena, c.layout(), c.batch(), c.cin() + c.inExtra(), c.height(),
                    c.width(), c.inBorder());
            inParent.copyFrom(values(random, (int) inParent.elementCount()));
            Tensor in = inParent.channelSlice(c.inExtra() == 0 ? 0 : random.nextInt(c.inExtra() + 1), c.cin());
            Tensor outParent = Tensor.allocate(arena, c.layout(), c.batch(), c.cout() + c.outExtra(), c.outHeight(),
                    c.outWidth(), c.outBorder());
            int outStart = c.outExtra() == 0 ? 0 : random.nextInt(c.outExtra() + 1);
            Tensor out = outParent.channelSlice(outStart, c.cout());
            SIMD.conv1x1(in, w, c.stride(), c.relu(), out);
            requireSameBits(c.toString(), fmaChains(c, in.toArray(), weights, bias), out.toArray());
        }
    }

    /** bias, then Math.fma(w, x, acc) over the input channels in order; NCHW order of the output. */
    private static float[] fmaChains(Case c, float[] in, float[] weights, float[] bias) {
        int oh = c.outHeight(), ow = c.outWidth(), h = c.height(), w = c.width();
        float[] out = new float[c.batch() * c.cout() * oh * ow];
        for (int n = 0; n < c.batch(); n++) {
            for (int co = 0; co < c.cout(); co++) {
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        float acc = bias[co];
                        for (int ci = 0; ci < c.cin(); ci++) {
                            float v = in[((n * c.cin() + ci) * h + y * c.stride()) * w + x * c.stride()];
                            acc = Math.fma(weights[co * c.cin() + ci], v, acc);
                        }
                        out[((n * c.cout() + co) * oh + y) * ow + x] = c.relu() ? Math.max(acc, 0f) : acc;
                    }
                }
            }
        }
        return out;
    }

    private static void requireSameBits(String what, float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(what + ": element " + i + " (NCHW order) is " + actual[i] + ", expected " + expected[i]);
            }
        }
    }

    private static float[] values(SplittableRandom random, int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) v[i] = (float) random.nextDouble(-1, 1);
        return v;
    }
}
