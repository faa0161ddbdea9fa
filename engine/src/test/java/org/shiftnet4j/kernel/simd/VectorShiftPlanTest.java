package org.shiftnet4j.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.shiftnet4j.kernel.KernelProvider;
import org.shiftnet4j.kernel.ShiftPolicy;
import org.shiftnet4j.kernel.ShiftTable;
import org.shiftnet4j.kernel.VectorShiftCases;
import org.shiftnet4j.tensor.Layout;

/** Plans the default vector width never produces here, and the shape of the plans it does produce. */
class VectorShiftPlanTest {

    /** Narrow slot limits force two-slot blends and the one-source-at-a-time path used by wide vectors. */
    @Test
    void narrowSlotLimitsMatchReference() {
        Random seeds = new Random(11);
        for (int maxSlots : new int[] {2, 4}) {
            for (int i = 0; i < 60; i++) {
                long seed = seeds.nextLong();
                VectorShiftCases random = VectorShiftCases.random(new Random(seed), seed);
                VectorShiftCases c = new VectorShiftCases(Layout.NHWC, random.batch(), random.channels(),
                        random.height(), random.width(), random.table(), random.inBorder(), random.outBorder(),
                        random.inView(), random.outView(), seed);
                VectorShiftPlan plan = VectorShiftPlan.build(c.table(), VectorKernels.S.length(), maxSlots);
                int[] expected = c.run((in, out) -> KernelProvider.scalar().shift(in, c.table(), out));
                int[] actual = c.run((in, out) -> VectorShiftPixels.shift(in, c.table(), out, plan));
                c.assertSameBits(expected, actual, "maxSlots " + maxSlots);
            }
        }
    }

    /** 56 channels per direction: nine runs, then one vector for the 8 unshifted channels (a run when it fills one). */
    @Test
    void contiguousTableIsRuns() {
        ShiftTable table = ShiftTable.of(ShiftPolicy.CONTIGUOUS, 512, 3, 1);
        VectorShiftPlan plan = VectorShiftPlan.of(table);
        assertEquals(10, plan.pieces());
        for (int p = 0; p < 9; p++) {
            assertEquals(VectorShiftPlan.RUN, plan.kind[p], "piece " + p);
            assertEquals(56, plan.length[p], "piece " + p);
        }
        assertEquals(VectorKernels.S.length() <= 8 ? VectorShiftPlan.RUN : VectorShiftPlan.BLEND, plan.kind[9]);
    }

    @Test
    void moduloTableBlendsEveryVector() {
        int lanes = VectorKernels.S.length();
        ShiftTable table = ShiftTable.of(ShiftPolicy.MODULO, 9 * lanes, 3, 1);
        VectorShiftPlan plan = VectorShiftPlan.of(table);
        assertEquals(9, plan.pieces());
        for (int p = 0; p < plan.pieces(); p++) {
            assertEquals(VectorShiftPlan.BLEND, plan.kind[p], "piece " + p);
        }
    }

    @Test
    void planIsCachedOnTheTable() {
        ShiftTable table = ShiftTable.of(ShiftPolicy.MODULO, 64, 5, 1);
        assertSame(table.derived(VectorShiftPlan.KEY, VectorShiftPlan::of),
                table.derived(VectorShiftPlan.KEY, VectorShiftPlan::of));
    }
}
