package org.shiftnet4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.shiftnet4j.graph.Graph;

/** Parameter and multiply-add counts that must match the paper's code exactly (paper-facts §4.4 and §5.2). */
class GoldenCountsTest {
    @Test
    void shiftResNet20AndResNet20MatchTheOfficialCountScript() {
        assertEquals(95_642, ShiftResNet.shiftResNet(20, 3, 10, 3, 32).parameterCount(true));
        assertEquals(272_474, ShiftResNet.resNet(20, 10, 3, 32, 1, true).parameterCount(true));
    }

    @Test
    void shiftNetAAndB() {
        Graph a = ShiftNet.build(ShiftNet.A, 1000, 3, 224);
        assertEquals(4_163_144, a.parameterCount(false));
        assertEquals(4_188_680, a.parameterCount(true));
        assertEquals(1_424_306_176L, a.multiplyAdds());
        Graph b = ShiftNet.build(ShiftNet.B, 1000, 3, 224);
        assertEquals(1_170_712, b.parameterCount(false));
        assertEquals(1_183_480, b.parameterCount(true));
        assertEquals(370_956_288L, b.multiplyAdds());
    }

    @Test
    void shiftNetCReconstructionIsWithinFivePercentOfThePaper() {
        long params = ShiftNet.build(ShiftNet.C, 1000, 3, 224).parameterCount(false);
        assertEquals(777_496, params);
        assertEquals(780_000, params, 780_000 * 0.05, "ShiftNet-C parameters " + params);
    }

    @ParameterizedTest(name = "ResNet{0}, {1} classes")
    @CsvSource({
        "20, 10, 272474, 40813184, 34906, 5948032, 95642, 16433792, 186746, 32162432, 277850, 47891072",
        "20, 100, 278324, 40818944, 40756, 5953792, 101492, 16439552, 192596, 32168192, 283700, 47896832",
        "56, 10, 855770, 125747840, 102106, 15385216, 294554, 44745344, 583226, 88785536, 871898, 132825728",
        "56, 100, 861620, 125753600, 107956, 15390976, 300404, 44751104, 589076, 88791296, 877748, 132831488",
        "110, 10, 1730714, 253149824, 202906, 29540992, 592922, 87212672, 1177946, 173720192, 1762970, 260227712",
        "110, 100, 1736564, 253155584, 208756, 29546752, 598772, 87218432, 1183796, 173725952, 1768820, 260233472",
    })
    void paperFactsTable44(int depth, int classes, long resParams, long resMacs, long p1, long m1, long p3, long m3,
                           long p6, long m6, long p9, long m9) {
        Graph resnet = ShiftResNet.resNet(depth, classes, 3, 32, 1, true);
        assertEquals(resParams, resnet.parameterCount(true), "ResNet params");
        assertEquals(resMacs, resnet.multiplyAdds(), "ResNet multiply-adds");
        long[][] shift = {{1, p1, m1}, {3, p3, m3}, {6, p6, m6}, {9, p9, m9}};
        for (long[] row : shift) {
            Graph g = ShiftResNet.shiftResNet(depth, row[0], classes, 3, 32);
            assertEquals(row[1], g.parameterCount(true), "ShiftResNet e=" + row[0] + " params");
            assertEquals(row[2], g.multiplyAdds(), "ShiftResNet e=" + row[0] + " multiply-adds");
        }
    }
}
