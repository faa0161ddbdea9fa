package org.shiftnet4j.properties;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.shiftnet4j.kernel.Conv2dWeights;

/**
 * Cases and generators for the ops a prepared network runs besides shift, depthwise and 1×1 convolution: general
 * convolution, BatchNorm's scale-shift, residual add, ReLU, clamp (ReLU6), average and max pooling, softmax and
 * the concat copy. Each case is a
 * record whose {@code toString} is the counterexample; data comes from its seed (see {@link Values}). Ranges start
 * at 1 so failures shrink towards 1×1×1×1, and lean small so 1,000 tries fit the time budget.
 */
final class OpCases {
    private OpCases() {
    }

    /** How an op call may share memory between its tensors, where the {@code Kernels} javadoc allows it. */
    enum Aliasing {
        /** Every tensor has its own memory. */
        NONE,
        /** The output is the (first) input tensor itself. */
        OUT_IS_IN,
        /** add only: the output is the second operand. */
        OUT_IS_SECOND,
        /** add only: both operands are the same tensor (out = 2·a), the output separate. */
        SAME_OPERANDS
    }

    static Arbitrary<OpPlacement> placements() {
        return Combinators.combine(
                Arbitraries.of(InputBorder.class),
                Arbitraries.of(View.class),
                Arbitraries.of(0, 1, 3),
                Arbitraries.of(View.class)).as(OpPlacement::new);
    }

    // ---------------------------------------------------------------- conv2d

    /** Geometry of a convolution or pooling window. */
    record Window(int kernelSize, int stride, int padding, int dilation) {
        /** Smallest input extent that still gives one output pixel. */
        int smallestInput() {
            return Math.max(1, dilation * (kernelSize - 1) + 1 - 2 * padding);
        }

        int outputSize(int in) {
            return (in + 2 * padding - dilation * (kernelSize - 1) - 1) / stride + 1;
        }

        @Override
        public String toString() {
            return "K=" + kernelSize + " s=" + stride + " p=" + padding + (dilation > 1 ? " d=" + dilation : "");
        }
    }

    /**
     * One K×K convolution: {@code groups} groups of {@code inPerGroup} → {@code outPerGroup} channels over an
     * N×(groups·inPerGroup)×H×W input. The input grows, if needed, to give at least one output pixel.
     */
    record Conv2d(Shape input, int groups, int outPerGroup, Window window, boolean bias, boolean relu,
                  OpPlacement placement, long seed) {
        Conv2d {
            int smallest = window.smallestInput();
            input = input.withSpatial(Math.max(input.h(), smallest), Math.max(input.w(), smallest));
        }

        int inPerGroup() {
            return input.c() / groups;
        }

        Shape output() {
            return new Shape(input.n(), groups * outPerGroup, window.outputSize(input.h()), window.outputSize(input.w()));
        }

        long multiplyAdds() {
            return (long) output().count() * inPerGroup() * window.kernelSize() * window.kernelSize();
        }

        Conv2dWeights weights() {
            int cout = groups * outPerGroup, k = window.kernelSize();
            float[] w = Values.weights(seed, Values.Stream.WEIGHTS, cout * inPerGroup() * k * k);
            float[] b = bias ? Values.weights(seed, Values.Stream.BIAS, cout) : null;
            return new Conv2dWeights(input.c(), cout, groups, k, window.stride(), window.padding(), window.dilation(),
                    w, b);
        }

        @Override
        public String toString() {
            return "Conv2dCase{" + input + " -> " + output().c() + " channels" + (groups > 1 ? " in " + groups
                    + " groups" : "") + ", " + window + (bias ? " +bias" : "") + (relu ? " +relu" : "") + ", "
                    + placement + ", seed=" + seed + "}";
        }
    }

    /** Channels per group: small mostly, vector boundaries (8, 16 floats) often, up to 33 now and then. */
    private static Arbitrary<Integer> channelsPerGroup() {
        return Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.integers().between(1, 8)),
                Tuple.of(2, Arbitraries.of(1, 7, 8, 9, 15, 16, 17)),
                Tuple.of(1, Arbitraries.integers().between(1, 33)));
    }

    /** Image extent for convolutions: up to 10 mostly, row-vector boundaries sometimes, up to 40 rarely. */
    private static Arbitrary<Integer> convSpatial() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(1, 10)),
                Tuple.of(2, Arbitraries.of(1, 7, 8, 9, 15, 16, 17, 31, 32, 33)),
                Tuple.of(1, Arbitraries.integers().between(1, 40)));
    }

    private static Arbitrary<Window> convWindows() {
        return Combinators.combine(
                Arbitraries.of(1, 2, 3, 3, 3, 5, 7),
                Arbitraries.of(1, 1, 2, 3),
                Arbitraries.of(Cases.Padding.class),
                Arbitraries.of(1, 1, 1, 2)).as((k, s, padding, d) -> new Window(k, s, padding.pixels(k, d), d));
    }

    /** Multiply-adds above which a case is redrawn: keeps the scalar families' four runs per try to milliseconds. */
    private static final long MAX_CONV_MULTIPLY_ADDS = 400_000;

    static Arbitrary<Conv2d> conv2dCases() {
        return conv2dCases(Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(1)), Tuple.of(3, Arbitraries.integers().between(2, 4))));
    }

    /** Convolutions with a single group (the ones a prepared model splits over threads by output channels). */
    static Arbitrary<Conv2d> ungroupedConv2dCases() {
        return conv2dCases(Arbitraries.just(1));
    }

    private static Arbitrary<Conv2d> conv2dCases(Arbitrary<Integer> groups) {
        Arbitrary<Shape> perGroupShape = Combinators.combine(Cases.batch(), channelsPerGroup(), convSpatial(),
                convSpatial()).as(Shape::new);
        return Combinators.combine(perGroupShape, groups, channelsPerGroup(), convWindows(),
                        Arbitraries.of(false, true), Arbitraries.of(false, true), placements(), Cases.seeds())
                .as((s, g, outPerGroup, window, bias, relu, placement, seed) -> new Conv2d(
                        new Shape(s.n(), s.c() * g, s.h(), s.w()), g, outPerGroup, window, bias, relu, placement, seed))
                .filter(c -> c.multiplyAdds() <= MAX_CONV_MULTIPLY_ADDS);
    }

    // ---------------------------------------------------------------- elementwise

    /** Per-channel affine map (folded BatchNorm); scale in ±2 and shift in ±1 from the seed. */
    record ScaleShift(Shape shape, boolean relu, boolean inPlace, OpPlacement placement, long seed) {
        float[] scale() {
            float[] s = Values.weights(seed, Values.Stream.WEIGHTS, shape.c());
            for (int i = 0; i < s.length; i++) s[i] *= 2;
            return s;
        }

        float[] shift() {
            return Values.weights(seed, Values.Stream.BIAS, shape.c());
        }

        @Override
        public String toString() {
            return "ScaleShiftCase{" + shape + (relu ? " +relu" : "") + (inPlace ? ", in place" : "") + ", "
                    + placement + ", seed=" + seed + "}";
        }
    }

    static Arbitrary<ScaleShift> scaleShiftCases() {
        return Combinators.combine(Cases.shapes(), Arbitraries.of(false, true), Arbitraries.of(false, true),
                placements(), Cases.seeds()).as(ScaleShift::new);
    }

    /**
     * Residual add; the second operand has its own border and view ({@code secondBorder}, {@code secondView}),
     * except when it shares memory with another tensor of the call.
     */
    record Add(Shape shape, boolean relu, Aliasing aliasing, OpPlacement placement, int secondBorder,
               View secondView, long seed) {
        @Override
        public String toString() {
            return "AddCase{" + shape + (relu ? " +relu" : "") + ", aliasing " + aliasing + ", " + placement
                    + " second[border " + secondBorder + ", " + secondView + "], seed=" + seed + "}";
        }
    }

    static Arbitrary<Add> addCases() {
        return Combinators.combine(Cases.shapes(), Arbitraries.of(false, true),
                Arbitraries.of(Aliasing.NONE, Aliasing.OUT_IS_IN, Aliasing.OUT_IS_SECOND, Aliasing.SAME_OPERANDS),
                placements(), Arbitraries.of(0, 1, 3), Arbitraries.of(View.class), Cases.seeds()).as(Add::new);
    }

    /** An op with one input, one output and no parameters (ReLU, copy, global average pool), named by {@code op}. */
    record Unary(String op, Shape shape, boolean inPlace, OpPlacement placement, long seed) {
        @Override
        public String toString() {
            return op + "Case{" + shape + (inPlace ? ", in place" : "") + ", " + placement + ", seed=" + seed + "}";
        }
    }

    static Arbitrary<Unary> unaryCases(String op, boolean mayAlias) {
        return Combinators.combine(Cases.shapes(), mayAlias ? Arbitraries.of(false, true) : Arbitraries.just(false),
                placements(), Cases.seeds()).as((shape, inPlace, placement, seed) ->
                        new Unary(op, shape, inPlace, placement, seed));
    }

    /**
     * Softmax over channels; logits are the usual activations times {@code logitScale}: 16 puts differences past
     * 88, where exp overflows a float unless the pixel's maximum is subtracted first.
     */
    record Softmax(Shape shape, float logitScale, boolean inPlace, OpPlacement placement, long seed) {
        float[] logits() {
            float[] x = Values.activations(seed, Values.Stream.INPUT, shape.count());
            for (int i = 0; i < x.length; i++) x[i] *= logitScale;
            return x;
        }

        @Override
        public String toString() {
            return "SoftmaxCase{" + shape + ", logits ×" + logitScale + (inPlace ? ", in place" : "") + ", "
                    + placement + ", seed=" + seed + "}";
        }
    }

    static Arbitrary<Softmax> softmaxCases() {
        // Logits are N×C×1×1 in a network; the kernel contract covers every pixel, so small images appear too.
        Arbitrary<Integer> pixels = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(1)), Tuple.of(1, Arbitraries.integers().between(1, 5)));
        Arbitrary<Shape> shapes = Combinators.combine(Cases.batch(), Cases.channels(), pixels, pixels).as(Shape::new);
        return Combinators.combine(shapes, Arbitraries.of(1f, 16f), Arbitraries.of(false, true), placements(),
                Cases.seeds()).as(Softmax::new);
    }

    /**
     * Clamp to [min, max]: ReLU6, a band inside the activations' range, one-sided (an infinite bound), a single
     * point, or a random interval in ±2 from the seed.
     */
    record Clamp(Shape shape, Bounds bounds, boolean inPlace, OpPlacement placement, long seed) {
        enum Bounds { RELU6, BAND, BELOW_ONLY, ABOVE_ONLY, POINT, RANDOM }

        float min() {
            return interval()[0];
        }

        float max() {
            return interval()[1];
        }

        private float[] interval() {
            return switch (bounds) {
                case RELU6 -> new float[] {0f, 6f};
                case BAND -> new float[] {-0.5f, 0.75f};
                case BELOW_ONLY -> new float[] {Float.NEGATIVE_INFINITY, 0.25f};
                case ABOVE_ONLY -> new float[] {-0.25f, Float.POSITIVE_INFINITY};
                case POINT -> new float[] {1f, 1f};
                case RANDOM -> {
                    float[] ab = Values.weights(seed, Values.Stream.BIAS, 2);
                    yield new float[] {2 * Math.min(ab[0], ab[1]), 2 * Math.max(ab[0], ab[1])};
                }
            };
        }

        @Override
        public String toString() {
            return "ClampCase{" + shape + ", [" + min() + ", " + max() + "]" + (inPlace ? ", in place" : "") + ", "
                    + placement + ", seed=" + seed + "}";
        }
    }

    static Arbitrary<Clamp> clampCases() {
        return Combinators.combine(Cases.shapes(), Arbitraries.of(Clamp.Bounds.class), Arbitraries.of(false, true),
                placements(), Cases.seeds()).as(Clamp::new);
    }

    // ---------------------------------------------------------------- pooling

    /** Average pooling; padding is at most half the window (PyTorch's rule), so every window meets the image. */
    record AvgPool(Shape input, Window window, boolean countIncludePad, OpPlacement placement, long seed) {
        AvgPool {
            int smallest = window.smallestInput();
            input = input.withSpatial(Math.max(input.h(), smallest), Math.max(input.w(), smallest));
        }

        Shape output() {
            return input.withSpatial(window.outputSize(input.h()), window.outputSize(input.w()));
        }

        @Override
        public String toString() {
            return "AvgPoolCase{" + input + ", " + window + (countIncludePad ? ", padding counted" : ", padding not counted")
                    + ", " + placement + ", seed=" + seed + "}";
        }
    }

    static Arbitrary<AvgPool> avgPoolCases() {
        Arbitrary<Window> windows = Combinators.combine(Arbitraries.of(1, 2, 3, 3, 5), Arbitraries.of(1, 2, 2, 3),
                        Arbitraries.integers().between(0, 2))
                .as((k, s, p) -> new Window(k, s, Math.min(p, k / 2), 1));
        return Combinators.combine(Cases.shapes(), windows, Arbitraries.of(false, true), placements(), Cases.seeds())
                .as(AvgPool::new);
    }

    /** Max pooling; padding at most half the window (PyTorch's rule), so every window meets the image. */
    record MaxPool(Shape input, Window window, OpPlacement placement, long seed) {
        MaxPool {
            int smallest = window.smallestInput();
            input = input.withSpatial(Math.max(input.h(), smallest), Math.max(input.w(), smallest));
        }

        Shape output() {
            return input.withSpatial(window.outputSize(input.h()), window.outputSize(input.w()));
        }

        @Override
        public String toString() {
            return "MaxPoolCase{" + input + ", " + window + ", " + placement + ", seed=" + seed + "}";
        }
    }

    static Arbitrary<MaxPool> maxPoolCases() {
        Arbitrary<Window> windows = Combinators.combine(Arbitraries.of(1, 2, 2, 3, 3, 5), Arbitraries.of(1, 2, 2, 3),
                        Arbitraries.integers().between(0, 2))
                .as((k, s, p) -> new Window(k, s, Math.min(p, k / 2), 1));
        return Combinators.combine(Cases.shapes(), windows, placements(), Cases.seeds()).as(MaxPool::new);
    }
}
