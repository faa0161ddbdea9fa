package org.shiftnet4j.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;
import org.shiftnet4j.kernel.ShiftPolicy;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

class OpValidationTest {
    private static void assertMessage(Exception e, String part) {
        assertTrue(e.getMessage().contains(part), () -> "message '" + e.getMessage() + "' lacks '" + part + "'");
    }

    @Test
    void shiftRejectsMismatches() {
        try (Arena arena = Arena.ofConfined()) {
            Shift shift = Shift.of(ShiftPolicy.MODULO, 9, 3, 1);
            Tensor in = Tensor.allocate(arena, Layout.NCHW, 1, 9, 4, 4);
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> shift.apply(in, Tensor.allocate(arena, Layout.NHWC, 1, 9, 4, 4))), "same layout");
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> shift.apply(in, Tensor.allocate(arena, Layout.NCHW, 1, 9, 4, 5))), "wrong shape");
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> shift.apply(Tensor.allocate(arena, Layout.NCHW, 1, 8, 4, 4),
                            Tensor.allocate(arena, Layout.NCHW, 1, 8, 4, 4))), "8 channels; 9 expected");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> shift.apply(in, in)), "in place");
        }
    }

    @Test
    void closedArenaIsNamed() {
        Tensor in;
        Tensor out;
        try (Arena arena = Arena.ofConfined()) {
            in = Tensor.allocate(arena, Layout.NCHW, 1, 9, 4, 4);
            out = Tensor.allocate(arena, Layout.NCHW, 1, 9, 4, 4);
        }
        Shift shift = Shift.of(ShiftPolicy.MODULO, 9, 3, 1);
        assertMessage(assertThrows(IllegalStateException.class, () -> shift.apply(in, out)), "arena is closed");
    }

    @Test
    void convolutionsCheckWeightsAndOutputShapes() {
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> new Conv1x1(4, 8, 1, new float[31], null, false)), "32 expected");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> new DepthwiseConv2d(4, 3, 1, 1, 1, new float[35], null)), "36 expected");
        try (Arena arena = Arena.ofConfined()) {
            Conv1x1 conv = new Conv1x1(4, 8, 2, new float[32], null, true);
            Tensor in = Tensor.allocate(arena, Layout.NHWC, 1, 4, 5, 5);
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> conv.apply(in, Tensor.allocate(arena, Layout.NHWC, 1, 8, 5, 5))), "1×8×3×3 expected");
            DepthwiseConv2d dw = new DepthwiseConv2d(4, 7, 1, 0, 1, new float[4 * 49], null);
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> dw.apply(in, Tensor.allocate(arena, Layout.NHWC, 1, 4, 1, 1))), "smaller than");
        }
    }
}
