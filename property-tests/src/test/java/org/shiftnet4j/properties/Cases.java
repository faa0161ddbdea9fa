package org.shiftnet4j.properties;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.shiftnet4j.tensor.Layout;

/**
 * Generators of the suite's cases. Sizes lean small, so that 1,000 tries of every property fit the time budget, but
 * every range still reaches its maximum now and then; each range starts at 1, so a failure shrinks towards 1×1×1×1.
 */
final class Cases {
    /** Channel counts around vector widths (8, 16 floats) and K² (9, 25, 49), where tails and remainders start. */
    private static final Integer[] CHANNEL_BOUNDARIES =
            {1, 7, 8, 9, 15, 16, 17, 24, 25, 26, 31, 32, 33, 48, 49, 50, 63, 64, 65, 127, 128, 129, 150};

    private Cases() {
    }

    static Arbitrary<Integer> batch() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(1)),
                Tuple.of(2, Arbitraries.integers().between(1, 3)));
    }

    static Arbitrary<Integer> channels() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(1, 20)),
                Tuple.of(2, Arbitraries.of(CHANNEL_BOUNDARIES)),
                Tuple.of(3, Arbitraries.integers().between(1, 150)));
    }

    /** Widths around multiples of 8 and 16 floats, where an NCHW kernel's row loop switches to its tail. */
    private static final Integer[] SPATIAL_BOUNDARIES = {1, 7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 32, 33, 39, 40};

    /** Height or width: half the time up to 9, else up to 20, near a vector boundary or anything up to 40. */
    static Arbitrary<Integer> spatial() {
        return Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.integers().between(1, 9)),
                Tuple.of(2, Arbitraries.integers().between(1, 20)),
                Tuple.of(1, Arbitraries.of(SPATIAL_BOUNDARIES)),
                Tuple.of(2, Arbitraries.integers().between(1, 40)));
    }

    static Arbitrary<Shape> shapes() {
        return Combinators.combine(batch(), channels(), spatial(), spatial()).as(Shape::new);
    }

    static Arbitrary<Placement> placements() {
        return Combinators.combine(
                Arbitraries.of(Layout.class),
                Arbitraries.of(InputBorder.class),
                Arbitraries.of(View.class),
                Arbitraries.of(0, 1, 3),
                Arbitraries.of(View.class)).as(Placement::new);
    }

    static Arbitrary<Long> seeds() {
        return Arbitraries.longs().between(0, 999_999);
    }

    static Arbitrary<ShiftCase> shiftCases() {
        return Combinators.combine(
                shapes(),
                Arbitraries.of(TableKind.class),
                Arbitraries.of(1, 3, 5, 7),
                Arbitraries.integers().between(1, 3),
                placements(),
                seeds()).as(ShiftCase::new);
    }

    /** How a depthwise case pads, relative to its window's reach d·(K/2). */
    enum Padding {
        NONE, ONE, SAME, SAME_PLUS_ONE;

        int pixels(int kernelSize, int dilation) {
            int same = dilation * (kernelSize / 2);
            return switch (this) {
                case NONE -> 0;
                case ONE -> 1;
                case SAME -> same;
                case SAME_PLUS_ONE -> same + 1;
            };
        }
    }

    static Arbitrary<DepthwiseCase> depthwiseCases() {
        return Combinators.combine(
                shapes(),
                Arbitraries.of(1, 3, 5, 7, 2, 4),
                Arbitraries.of(1, 2, 3),
                Arbitraries.of(Padding.class),
                Arbitraries.integers().between(1, 3),
                Arbitraries.of(false, true),
                placements(),
                seeds()).as((shape, k, stride, padding, dilation, bias, placement, seed) ->
                        new DepthwiseCase(shape, k, stride, padding.pixels(k, dilation), dilation, bias, placement, seed));
    }

    static Arbitrary<Conv1x1Case> conv1x1Cases() {
        return Combinators.combine(
                shapes(),
                channels(),
                Arbitraries.of(1, 2, 3),
                Arbitraries.of(false, true),
                Arbitraries.of(false, true),
                placements(),
                seeds()).as(Conv1x1Case::new);
    }
}
