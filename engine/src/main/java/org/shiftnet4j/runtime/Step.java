package org.shiftnet4j.runtime;

import org.shiftnet4j.tensor.Tensor;

/**
 * One prepared operation of a {@link Model}: it reads some planned values and writes one. Steps are immutable and
 * shared by every session of a model; {@link #bind} turns one into a runnable over a session's buffers for one
 * batch size, split into {@code parts} independent pieces for intra-op threads (usually by output channels).
 */
abstract class Step {
    /** Value ids this step reads. */
    final int[] inputs;
    /** Value id this step writes. */
    final int output;
    /** "conv 3×3/2 + bn + relu" for the prepared program listing. */
    final String description;

    Step(int[] inputs, int output, String description) {
        this.inputs = inputs;
        this.output = output;
        this.description = description;
    }

    /** Precomputes everything one run needs (views, per-part sub-ops); the result allocates nothing when run. */
    abstract Bound bind(Tensor[] views, int parts);

    /** A step bound to concrete buffers; {@code run(part)} for part in [0, parts) together do the whole step. */
    @FunctionalInterface
    interface Bound {
        void run(int part);
    }

    /**
     * Splits {@code total} into at most {@code parts} ranges whose inner boundaries are multiples of {@code align}
     * where possible (whole vectors per thread). Returns parts+1 boundaries; empty ranges are allowed.
     */
    static int[] split(int total, int parts, int align) {
        int[] bounds = new int[parts + 1];
        for (int p = 1; p < parts; p++) {
            int b = (int) ((long) total * p / parts);
            int aligned = Math.round((float) b / align) * align;
            bounds[p] = Math.max(bounds[p - 1], Math.min(total, total >= align * parts ? aligned : b));
        }
        bounds[parts] = total;
        return bounds;
    }
}
