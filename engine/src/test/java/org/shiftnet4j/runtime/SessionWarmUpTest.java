package org.shiftnet4j.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.shiftnet4j.graph.Weights;
import org.shiftnet4j.tensor.Layout;

class SessionWarmUpTest {
    @Test
    void warmUpRunsEveryBatchSizeAndLeavesResultsUnchanged() {
        var g = ShiftFoldingTest.preActivation(9, 1);
        Model m = Model.prepare(g, Weights.randomized(g, 1));
        float[] x = new float[(int) (2 * g.input().elementsPerImage())];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i);
        float[] cold;
        try (Session s = m.newSession(3)) {
            cold = s.run(x, Layout.NCHW, 2);
        }
        try (Session s = m.newSession(3, 2)) {
            assertEquals(3, s.warmUp(Duration.ZERO), "one run per batch size even with no time");
            assertTrue(s.warmUp(Duration.ofMillis(50)) >= 3);
            assertArrayEquals(cold, s.run(x, Layout.NCHW, 2));
        }
    }
}
