package org.shiftnet4j.properties;

import java.lang.foreign.Arena;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.shiftnet4j.kernel.Kernels;
import org.shiftnet4j.kernel.ShiftTable;
import org.shiftnet4j.ops.Shift;
import org.shiftnet4j.tensor.Layout;

/**
 * Law 4, the algebra of shifts that a backward pass will rely on: the transposed shift (offsets negated) is the
 * adjoint, {@code <shift(x), y> = <x, shiftᵀ(y)>}; the all-zero table is the identity; negating twice gives back
 * the original table and the original results.
 */
class ShiftAdjointTest {

    @Provide
    Arbitrary<ShiftCase> shiftCases() {
        return Cases.shiftCases();
    }

    @Provide
    Arbitrary<Shape> shapes() {
        return Cases.shapes();
    }

    @Provide
    Arbitrary<Placement> placements() {
        return Cases.placements();
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Cases.seeds();
    }

    @Property
    void transposedShiftIsTheAdjoint(@ForAll("shiftCases") ShiftCase shiftCase) {
        ShiftTable table = shiftCase.table();
        Shape shape = shiftCase.shape();
        Layout layout = shiftCase.placement().layout();
        float[] x = Values.activations(shiftCase.seed(), Values.Stream.INPUT, shape.count());
        float[] y = Values.activations(shiftCase.seed(), Values.Stream.SECOND_INPUT, shape.count());
        for (Kernels kernels : Families.BOTH) {
            String context = Runs.context(shiftCase, kernels, layout) + ", " + table;
            Shift shift = new Shift(table, kernels);
            Shift transposed = shift.transposed();
            Expect.that(context, isNegationOf(transposed.table(), table),
                    () -> "transposed() must negate every offset: got " + transposed.table());
            try (Arena arena = Arena.ofShared()) {
                Runs.Outcome forward = Runs.shift(arena, layout, shiftCase.placement(), shape, x,
                        table.maxAbsOffset(), shift);
                Runs.Outcome backward = Runs.shift(arena, layout, shiftCase.placement(), shape, y,
                        table.maxAbsOffset(), transposed);
                forward.verifyMemory(context, "shift");
                backward.verifyMemory(context, "transposed shift");
                double[] lhs = Oracle.dotAndMagnitude(forward.result(), y);
                double[] rhs = Oracle.dotAndMagnitude(x, backward.result());
                // Both sides add the same exact products in different orders: only double rounding separates them.
                double tolerance = 2 * Math.ulp(1.0) * shape.count() * Math.max(lhs[1], rhs[1]);
                Expect.near(context, "<shift(x), y> vs <x, shiftT(y)>", lhs[0], rhs[0], tolerance);
                Expect.near(context, "Σ|shift(x)·y| vs Σ|x·shiftT(y)| (the same products must meet)",
                        lhs[1], rhs[1], tolerance);
            }
        }
    }

    @Property
    void allZeroTableIsTheIdentity(@ForAll("shapes") Shape shape, @ForAll("placements") Placement placement,
                                   @ForAll("seeds") long seed) {
        ShiftTable identity = ShiftTable.identity(shape.c());
        float[] input = Values.activations(seed, Values.Stream.INPUT, shape.count());
        for (Kernels kernels : Families.BOTH) {
            String context = "identity shift of " + shape + ", " + placement + ", seed=" + seed + " on "
                    + kernels.name() + " kernels";
            try (Arena arena = Arena.ofShared()) {
                Runs.Outcome run = Runs.shift(arena, kernels, placement.layout(), placement, shape, input, identity);
                Expect.identical(context, "identity shift vs its input", shape, input, run.result(), Expect.NO_NOTE);
                run.verifyMemory(context, "identity shift");
            }
        }
    }

    @Property
    void negatingTwiceGivesTheOriginal(@ForAll("shiftCases") ShiftCase shiftCase) {
        ShiftTable table = shiftCase.table();
        ShiftTable twice = table.negated().negated();
        Expect.that(shiftCase, table.equals(twice) && table.hashCode() == twice.hashCode()
                        && table.kernelSize() == twice.kernelSize() && table.dilation() == twice.dilation(),
                () -> "negated().negated() must equal the table: " + table + " vs " + twice);
        Shape shape = shiftCase.shape();
        Layout layout = shiftCase.placement().layout();
        float[] input = Values.activations(shiftCase.seed(), Values.Stream.INPUT, shape.count());
        for (Kernels kernels : Families.BOTH) {
            String context = Runs.context(shiftCase, kernels, layout) + ", " + table;
            Shift shift = new Shift(table, kernels);
            try (Arena arena = Arena.ofShared()) {
                Runs.Outcome once = Runs.shift(arena, layout, shiftCase.placement(), shape, input,
                        table.maxAbsOffset(), shift);
                Runs.Outcome transposedTwice = Runs.shift(arena, layout, shiftCase.placement(), shape, input,
                        table.maxAbsOffset(), shift.transposed().transposed());
                Expect.identical(context, "shift.transposed().transposed() vs shift", shape, once.result(),
                        transposedTwice.result(), ShiftCase.offsetsOf(table));
            }
        }
    }

    private static boolean isNegationOf(ShiftTable negated, ShiftTable table) {
        if (negated.channels() != table.channels()) return false;
        for (int c = 0; c < table.channels(); c++) {
            if (negated.dy(c) != -table.dy(c) || negated.dx(c) != -table.dx(c)) return false;
        }
        return true;
    }
}
