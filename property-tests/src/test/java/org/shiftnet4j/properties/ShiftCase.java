package org.shiftnet4j.properties;

import java.util.function.IntFunction;
import org.shiftnet4j.kernel.ShiftTable;

/** One shift counterexample candidate; the tensors and, for explicit tables, the offsets come from {@code seed}. */
record ShiftCase(Shape shape, TableKind tableKind, int kernelSize, int dilation, Placement placement, long seed) {

    ShiftTable table() {
        return tableKind.table(shape, kernelSize, dilation, seed);
    }

    /** ", channel 5 moves by (dy=-1, dx=1)": the one fact needed to check a differing element by hand. */
    static IntFunction<String> offsetsOf(ShiftTable table) {
        return c -> ", channel " + c + " reads (y" + signed(table.dy(c)) + ", x" + signed(table.dx(c)) + ")";
    }

    private static String signed(int offset) {
        return offset >= 0 ? "+" + offset : Integer.toString(offset);
    }

    @Override
    public String toString() {
        return "ShiftCase{" + shape + ", " + tableKind + " K=" + kernelSize + " d=" + dilation + ", " + placement
                + ", seed=" + seed + "}";
    }
}
