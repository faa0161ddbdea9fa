package org.shiftnet4j.properties;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.shiftnet4j.kernel.ShiftPolicy;
import org.shiftnet4j.kernel.ShiftTable;

/**
 * The channel-to-direction rules of the two named policies (paper-facts §2.2 for MODULO, which official
 * ShiftResNet checkpoints need bit for bit), and the shape of the one-hot kernels that law 1 relies on.
 * Pure table arithmetic: no tensors, so these cost next to nothing.
 */
class ShiftTableTest {

    @Property
    void moduloGivesChannelCTheDirectionCModKSquaredAndLeavesTheRemainderUnshifted(
            @ForAll @IntRange(min = 1, max = 300) int channels, @ForAll("oddKernelSizes") int k,
            @ForAll @IntRange(min = 1, max = 3) int dilation) {
        ShiftTable table = ShiftTable.of(ShiftPolicy.MODULO, channels, k, dilation);
        int k2 = k * k, shifted = channels / k2 * k2, half = k / 2;
        for (int c = 0; c < channels; c++) {
            int expectedDy = c < shifted ? dilation * ((c / k % k) - half) : 0;
            int expectedDx = c < shifted ? dilation * ((c % k) - half) : 0;
            int channel = c;
            Expect.that(table, table.dy(c) == expectedDy && table.dx(c) == expectedDx,
                    () -> "channel " + channel + ": expected (dy, dx) = (" + expectedDy + ", " + expectedDx
                            + "), got (" + table.dy(channel) + ", " + table.dx(channel) + ")");
        }
    }

    @Property
    void contiguousGivesEachDirectionOneRunOfFloorCOverKSquaredChannels(
            @ForAll @IntRange(min = 1, max = 300) int channels, @ForAll("oddKernelSizes") int k,
            @ForAll @IntRange(min = 1, max = 3) int dilation) {
        ShiftTable table = ShiftTable.of(ShiftPolicy.CONTIGUOUS, channels, k, dilation);
        int k2 = k * k, perDirection = channels / k2, half = k / 2;
        for (int c = 0; c < channels; c++) {
            int direction = perDirection == 0 ? -1 : c / perDirection;
            boolean shifted = direction >= 0 && direction < k2;
            int expectedDy = shifted ? dilation * (direction / k - half) : 0;
            int expectedDx = shifted ? dilation * (direction % k - half) : 0;
            int channel = c;
            Expect.that(table, table.dy(c) == expectedDy && table.dx(c) == expectedDx,
                    () -> "channel " + channel + ": expected (dy, dx) = (" + expectedDy + ", " + expectedDx
                            + "), got (" + table.dy(channel) + ", " + table.dx(channel) + ")");
        }
    }

    @Property
    void oneHotKernelsHoldASingleOneAtEachChannelsOffset(
            @ForAll @IntRange(min = 1, max = 300) int channels, @ForAll("oddKernelSizes") int k,
            @ForAll @IntRange(min = 1, max = 3) int dilation, @ForAll boolean modulo) {
        ShiftTable table = ShiftTable.of(modulo ? ShiftPolicy.MODULO : ShiftPolicy.CONTIGUOUS, channels, k, dilation);
        float[] weights = table.oneHotDepthwiseWeights();
        Expect.that(table, weights.length == channels * k * k, () -> "one-hot weights hold " + weights.length
                + " floats, C·K² = " + channels * k * k + " expected");
        for (int c = 0; c < channels; c++) {
            int hot = (c * k + table.dy(c) / dilation + k / 2) * k + table.dx(c) / dilation + k / 2;
            for (int i = c * k * k; i < (c + 1) * k * k; i++) {
                float expected = i == hot ? 1f : 0f;
                int at = i;
                Expect.that(table, weights[i] == expected, () -> "weight " + at + " (channel " + at / (k * k)
                        + ", tap " + at % (k * k) + "): expected " + expected + ", got " + weights[at]);
            }
        }
    }

    @Provide
    Arbitrary<Integer> oddKernelSizes() {
        return Arbitraries.of(1, 3, 5, 7, 9, 15);
    }
}
