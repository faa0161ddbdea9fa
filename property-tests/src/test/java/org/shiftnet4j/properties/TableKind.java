package org.shiftnet4j.properties;

import java.util.SplittableRandom;
import org.shiftnet4j.kernel.ShiftPolicy;
import org.shiftnet4j.kernel.ShiftTable;

/** Where a shift case's table comes from: one of the two named policies, or explicit offsets drawn from the seed. */
enum TableKind {
    MODULO,
    CONTIGUOUS,
    /** About half the channels at (0, 0), the rest anywhere within ±d·(K/2): a sparse or rounded learned shift. */
    EXPLICIT_SPARSE,
    /** Every channel anywhere within ±max(d·(K/2), min(max(H, W)+1, 12)): on tiny images most reads miss it. */
    EXPLICIT_WIDE;

    ShiftTable table(Shape shape, int kernelSize, int dilation, long seed) {
        int reach = dilation * (kernelSize / 2);
        return switch (this) {
            case MODULO -> ShiftTable.of(ShiftPolicy.MODULO, shape.c(), kernelSize, dilation);
            case CONTIGUOUS -> ShiftTable.of(ShiftPolicy.CONTIGUOUS, shape.c(), kernelSize, dilation);
            case EXPLICIT_SPARSE -> explicit(shape.c(), reach, 0.5, seed);
            case EXPLICIT_WIDE -> explicit(shape.c(), Math.max(reach, Math.min(Math.max(shape.h(), shape.w()) + 1, 12)),
                    0.0, seed);
        };
    }

    private static ShiftTable explicit(int channels, int reach, double unshiftedShare, long seed) {
        SplittableRandom random = Values.random(seed, Values.Stream.TABLE);
        int[] dy = new int[channels], dx = new int[channels];
        for (int c = 0; c < channels; c++) {
            if (random.nextDouble() < unshiftedShare) continue;
            dy[c] = random.nextInt(-reach, reach + 1);
            dx[c] = random.nextInt(-reach, reach + 1);
        }
        return ShiftTable.explicit(dy, dx);
    }
}
