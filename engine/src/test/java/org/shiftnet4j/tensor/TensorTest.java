package org.shiftnet4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TensorTest {
    private static float[] random(int size, long seed) {
        Random r = new Random(seed);
        float[] a = new float[size];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() * 2 - 1;
        return a;
    }

    @Test
    void segmentsAreAlignedAndZeroed() {
        try (Arena arena = Arena.ofConfined()) {
            for (Layout layout : Layout.values()) {
                Tensor t = Tensor.allocate(arena, layout, 2, 3, 5, 7, 2);
                assertEquals(0, t.segment().address() % Tensor.ALIGNMENT);
                for (int y = -2; y < 7; y++) for (int x = -2; x < 9; x++) assertEquals(0f, t.get(1, 2, y, x));
            }
        }
    }

    @Test
    void roundTripsThroughEitherOrderAndLayout() {
        float[] data = random(2 * 3 * 5 * 7, 1);
        try (Arena arena = Arena.ofConfined()) {
            for (Layout layout : Layout.values()) {
                for (int border : new int[] {0, 3}) {
                    Tensor t = Tensor.allocate(arena, layout, 2, 3, 5, 7, border);
                    t.copyFrom(data);
                    assertArrayEquals(data, t.toArray());
                    Tensor other = t.toLayout(arena, layout == Layout.NCHW ? Layout.NHWC : Layout.NCHW);
                    assertArrayEquals(data, other.toArray());
                    assertArrayEquals(t.toArray(Layout.NHWC), other.toArray(Layout.NHWC));
                }
            }
        }
    }

    @Test
    void layoutOrderMatchesDefinition() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.allocate(arena, Layout.NHWC, 1, 2, 1, 2);
            t.copyFrom(new float[] {1, 2, 3, 4}); // NCHW: c0 = [1,2], c1 = [3,4]
            assertArrayEquals(new float[] {1, 3, 2, 4}, t.toArray(Layout.NHWC));
        }
    }

    @Test
    void bordersStayZeroAndWritesOutsideTheInteriorFail() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.allocate(arena, Layout.NCHW, 1, 1, 2, 2, 1);
            t.copyFrom(new float[] {1, 2, 3, 4});
            assertEquals(0f, t.get(0, 0, -1, -1));
            assertEquals(4f, t.get(0, 0, 1, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> t.set(0, 0, -1, 0, 5f));
            assertThrows(IndexOutOfBoundsException.class, () -> t.get(0, 0, 3, 0));
        }
    }

    @Test
    void viewsShareMemory() {
        float[] data = random(2 * 6 * 3 * 3, 2);
        try (Arena arena = Arena.ofConfined()) {
            for (Layout layout : Layout.values()) {
                Tensor t = Tensor.fromArray(arena, layout, 2, 6, 3, 3, data);
                Tensor v = t.batchSlice(1, 1).channelSlice(2, 3);
                assertEquals(data[((6 + 2) * 3 + 1) * 3 + 2], v.get(0, 0, 1, 2));
                v.set(0, 0, 1, 2, 42f);
                assertEquals(42f, t.get(1, 2, 1, 2));
                assertThrows(IndexOutOfBoundsException.class, () -> t.channelSlice(4, 3));
                assertThrows(IndexOutOfBoundsException.class, () -> t.batchSlice(2, 1));
            }
        }
    }

    @Test
    void rowSlicesAreViewsOfTheirRowsWithoutABorder() {
        float[] data = random(2 * 3 * 5 * 4, 3);
        try (Arena arena = Arena.ofConfined()) {
            for (Layout layout : Layout.values()) {
                Tensor t = Tensor.allocate(arena, layout, 2, 3, 5, 4, 1);
                t.copyFrom(data);
                Tensor v = t.rowSlice(2, 2);
                assertEquals(2, v.height());
                assertEquals(0, v.border());
                for (int n = 0; n < 2; n++) for (int c = 0; c < 3; c++) for (int y = 0; y < 2; y++) for (int x = 0; x < 4; x++) {
                    assertEquals(t.get(n, c, y + 2, x), v.get(n, c, y, x));
                }
                v.set(1, 2, 1, 3, 42f);
                assertEquals(42f, t.get(1, 2, 3, 3));
                assertThrows(IndexOutOfBoundsException.class, () -> t.rowSlice(4, 2));
                assertThrows(IndexOutOfBoundsException.class, () -> t.rowSlice(0, 0));
            }
        }
    }

    @Test
    void badShapesAndLengthsAreNamed() {
        try (Arena arena = Arena.ofConfined()) {
            var e = assertThrows(IllegalArgumentException.class, () -> Tensor.allocate(arena, Layout.NCHW, 1, 0, 4, 4));
            assertTrue(e.getMessage().contains("1×0×4×4"), e.getMessage());
            Tensor t = Tensor.allocate(arena, Layout.NCHW, 1, 2, 2, 2);
            var e2 = assertThrows(IllegalArgumentException.class, () -> t.copyFrom(new float[7]));
            assertTrue(e2.getMessage().contains("expected N·C·H·W = 8"), e2.getMessage());
            Tensor u = Tensor.allocate(arena, Layout.NCHW, 1, 2, 2, 3);
            assertThrows(IllegalArgumentException.class, () -> t.copyTo(u));
        }
    }

    @Test
    void overlapFollowsTheAddressesAViewSpans() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor nchw = Tensor.allocate(arena, Layout.NCHW, 2, 8, 4, 4, 1);
            assertTrue(nchw.overlaps(nchw));
            assertTrue(nchw.channelSlice(0, 4).overlaps(nchw));
            assertTrue(!nchw.channelSlice(0, 4).overlaps(nchw.channelSlice(4, 4).batchSlice(1, 1)));
            assertTrue(!nchw.batchSlice(0, 1).overlaps(nchw.batchSlice(1, 1)));
            Tensor nhwc = Tensor.allocate(arena, Layout.NHWC, 1, 8, 4, 4);
            assertTrue(nhwc.channelSlice(0, 4).overlaps(nhwc.channelSlice(4, 4)), "interleaved: conservative");
            assertTrue(!nhwc.overlaps(Tensor.allocate(arena, Layout.NHWC, 1, 8, 4, 4)));
        }
    }

    @Test
    void closedArenaIsReportedClearly() {
        Tensor t;
        try (Arena arena = Arena.ofConfined()) {
            t = Tensor.allocate(arena, Layout.NCHW, 1, 1, 2, 2);
        }
        var e = assertThrows(IllegalStateException.class, () -> t.toArray());
        assertTrue(e.getMessage().contains("arena is closed"), e.getMessage());
    }
}
