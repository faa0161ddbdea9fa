package org.shiftnet4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShiftTableTest {
    @Test
    void moduloMatchesTheOfficialKernelTable() {
        // paper-facts §2.2: c mod 9 -> (dh, dw) for K=3, d=1
        int[][] expected = {{-1, -1}, {-1, 0}, {-1, 1}, {0, -1}, {0, 0}, {0, 1}, {1, -1}, {1, 0}, {1, 1}};
        ShiftTable t = ShiftTable.of(ShiftPolicy.MODULO, 20, 3, 1);
        for (int c = 0; c < 18; c++) {
            assertEquals(expected[c % 9][0], t.dy(c), "dy of channel " + c);
            assertEquals(expected[c % 9][1], t.dx(c), "dx of channel " + c);
        }
        assertTrue(t.isIdentity(18) && t.isIdentity(19), "the C mod K² remainder is not shifted");
    }

    @Test
    void contiguousGroupsAndDilation() {
        ShiftTable t = ShiftTable.of(ShiftPolicy.CONTIGUOUS, 20, 3, 2);
        assertEquals(-2, t.dy(0));
        assertEquals(-2, t.dx(1));
        assertEquals(0, t.dx(2));  // group 1 = (-1, 0)
        assertEquals(2, t.dx(17)); // group 8 = (+1, +1)
        assertTrue(t.isIdentity(18) && t.isIdentity(19));
        assertEquals(2, t.maxAbsOffset());
    }

    @Test
    void fewerChannelsThanDirectionsShiftNothing() {
        ShiftTable t = ShiftTable.of(ShiftPolicy.MODULO, 8, 3, 1);
        for (int c = 0; c < 8; c++) assertTrue(t.isIdentity(c));
    }

    @Test
    void oneHotWeightsPutTheOneWhereTheShiftReads() {
        ShiftTable t = ShiftTable.of(ShiftPolicy.MODULO, 9, 3, 2);
        float[] w = t.oneHotDepthwiseWeights();
        assertEquals(1f, w[0]);          // channel 0 reads (-1,-1)·d: tap (0,0)
        assertEquals(1f, w[9 + 1]);      // channel 1 reads (-1,0)·d: tap (0,1)
        assertEquals(1f, w[8 * 9 + 8]);  // channel 8 reads (+1,+1)·d: tap (2,2)
    }

    @Test
    void negationIsAnInvolution() {
        ShiftTable t = ShiftTable.explicit(new int[] {3, -1, 0}, new int[] {0, 2, -5});
        assertEquals(t, t.negated().negated());
        assertEquals(-3, t.negated().dy(0));
        assertEquals(11, t.kernelSize());
    }

    @Test
    void invalidArgumentsAreExplained() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ShiftTable.of(ShiftPolicy.MODULO, 8, 4, 1))
                .getMessage().contains("odd"));
        assertThrows(IllegalArgumentException.class, () -> ShiftTable.of(ShiftPolicy.MODULO, 8, 17, 1));
        assertThrows(IllegalArgumentException.class, () -> ShiftTable.of(ShiftPolicy.MODULO, 0, 3, 1));
        assertThrows(IllegalArgumentException.class, () -> ShiftTable.of(ShiftPolicy.MODULO, 8, 3, 0));
        assertThrows(IllegalArgumentException.class, () -> ShiftTable.explicit(new int[2], new int[3]));
    }
}
