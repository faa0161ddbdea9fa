package org.shiftnet4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.shiftnet4j.ops.Shift;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * The Vector API shift equals the scalar reference bit for bit (a shift only moves data), over random tables,
 * shapes, layouts, borders and views, and writes nothing outside the output view's interior.
 */
class VectorShiftTest {
    private static final Kernels VECTOR = KernelProvider.vector().orElseThrow();
    private static final Kernels SCALAR = KernelProvider.scalar();

    /** Prints the width under test, so that a run with -XX:MaxVectorSize=16 visibly covers the 128-bit kernels. */
    @Test
    void reportsVectorWidth() {
        System.out.println("VectorShiftTest runs " + VECTOR.name() + " kernels against " + SCALAR.name());
        assertTrue(VECTOR.name().startsWith("vector-"));
    }

    static Stream<Arguments> randomCases() {
        List<Arguments> cases = new ArrayList<>();
        Random seeds = new Random(20261128);
        for (int i = 0; i < 400; i++) {
            long seed = seeds.nextLong();
            cases.add(Arguments.of(VectorShiftCases.random(new Random(seed), seed)));
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("randomCases")
    void randomCaseMatchesReference(VectorShiftCases c) {
        assertMatchesReference(c);
    }

    /** Every policy, kernel size and dilation at channel counts around K² and around the vector width. */
    static Stream<Arguments> policyGrid() {
        List<Arguments> cases = new ArrayList<>();
        for (Layout layout : Layout.values()) {
            for (ShiftPolicy policy : ShiftPolicy.values()) {
                for (int k = 1; k <= 7; k += 2) {
                    for (int d = 1; d <= 3; d++) {
                        for (int c : new int[] {1, 3, 8, 9, 17, 24, 49, 50, 64, 75}) {
                            cases.add(Arguments.of(VectorShiftCases.simple(layout, 2, c, 9, 11,
                                    ShiftTable.of(policy, c, k, d))));
                        }
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("policyGrid")
    void policyTableMatchesReference(VectorShiftCases c) {
        assertMatchesReference(c);
    }

    /** The benchmark shapes of the product promise, small batch; both policies, both layouts. */
    static Stream<Arguments> productShapes() {
        int[][] shapes = {{64, 56, 5}, {128, 28, 5}, {256, 14, 3}, {512, 7, 3}};
        List<Arguments> cases = new ArrayList<>();
        for (Layout layout : Layout.values()) {
            for (ShiftPolicy policy : ShiftPolicy.values()) {
                for (int[] s : shapes) {
                    cases.add(Arguments.of(VectorShiftCases.simple(layout, 1, s[0], s[1], s[1],
                            ShiftTable.of(policy, s[0], s[2], 1))));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("productShapes")
    void productShapeMatchesReference(VectorShiftCases c) {
        assertMatchesReference(c);
    }

    /** Offsets larger than the image give all-zero channels; 1×1 images keep only unshifted channels. */
    @Test
    void offsetsBeyondTheImage() {
        Random random = new Random(7);
        for (Layout layout : Layout.values()) {
            for (int size : new int[] {1, 2, 5, 16}) {
                for (int c : new int[] {1, 7, 8, 33}) {
                    int[] dy = new int[c], dx = new int[c];
                    for (int i = 0; i < c; i++) {
                        dy[i] = (random.nextBoolean() ? 1 : -1) * (size + random.nextInt(3)) * (i % 3);
                        dx[i] = (random.nextBoolean() ? 1 : -1) * (size + random.nextInt(3)) * (i % 2);
                    }
                    for (int border : new int[] {0, 1, 3}) {
                        assertMatchesReference(new VectorShiftCases(layout, 2, c, size, size,
                                ShiftTable.explicit(dy, dx), border, border % 2,
                                VectorShiftCases.View.WHOLE, new VectorShiftCases.View(1, 2, 0), 99));
                    }
                }
            }
        }
    }

    /** A border at least as wide as every offset: the kernels may read it instead of testing bounds. */
    @Test
    void borderWideEnoughForEveryOffset() {
        for (Layout layout : Layout.values()) {
            for (int c : new int[] {5, 16, 64, 100}) {
                ShiftTable table = ShiftTable.of(ShiftPolicy.MODULO, c, 5, 2);
                assertMatchesReference(new VectorShiftCases(layout, 1, c, 13, 10, table, 4, 0,
                        VectorShiftCases.View.WHOLE, VectorShiftCases.View.WHOLE, 5));
                assertMatchesReference(new VectorShiftCases(layout, 1, c, 13, 10, table, 4, 4,
                        new VectorShiftCases.View(3, 1, 1), new VectorShiftCases.View(2, 0, 0), 6));
            }
        }
    }

    /** The op routes to the kernel; the plan cached on the table is reused across calls and layouts. */
    @Test
    void shiftOpWithVectorKernelsMatchesScalarOp() {
        ShiftTable table = ShiftTable.of(ShiftPolicy.MODULO, 40, 3, 1);
        try (Arena arena = Arena.ofConfined()) {
            for (Layout layout : Layout.values()) {
                float[] values = new float[2 * 40 * 6 * 7];
                Random random = new Random(3);
                for (int i = 0; i < values.length; i++) values[i] = random.nextFloat();
                Tensor in = Tensor.fromArray(arena, layout, 2, 40, 6, 7, values);
                Tensor expected = Tensor.allocate(arena, layout, 2, 40, 6, 7);
                Tensor actual = Tensor.allocate(arena, layout, 2, 40, 6, 7);
                new Shift(table, SCALAR).apply(in, expected);
                for (int repeat = 0; repeat < 3; repeat++) {
                    new Shift(table, VECTOR).apply(in, actual);
                    assertArrayEquals(expected.toArray(), actual.toArray());
                }
                Tensor back = Tensor.allocate(arena, layout, 2, 40, 6, 7);
                Tensor backExpected = Tensor.allocate(arena, layout, 2, 40, 6, 7);
                new Shift(table, VECTOR).transposed().apply(actual, back);
                new Shift(table, SCALAR).transposed().apply(expected, backExpected);
                assertArrayEquals(backExpected.toArray(), back.toArray());
            }
        }
    }

    static void assertMatchesReference(VectorShiftCases c) {
        int[] expected = c.run((in, out) -> SCALAR.shift(in, c.table(), out));
        int[] actual = c.run((in, out) -> VECTOR.shift(in, c.table(), out));
        c.assertSameBits(expected, actual, VECTOR.name() + " shift vs scalar");
    }
}
