package org.shiftnet4j.runtime;

import org.shiftnet4j.kernel.Kernels;
import org.shiftnet4j.tensor.Tensor;

/**
 * The runtime's pointwise step ({@link Steps.Pointwise}) bound to caller-owned tensors and run on an
 * {@link IntraOpPool}, exactly as a {@link Session} runs it: the same output-channel split, the same per-part
 * weights, the same hand-off. Without the session's input and output copies, so a benchmark times the step alone.
 *
 * <p>It lives in the benchmark module, in the runtime's package, so that the engine's public API does not grow a
 * benchmark-only entry point.
 */
public final class PointwiseStepHarness implements AutoCloseable {
    private final IntraOpPool pool;
    private final Step.Bound bound;

    /**
     * @param weights {@code Cout×Cin}, {@code bias} {@code Cout} floats; {@code out} has the step's output shape
     */
    public PointwiseStepHarness(Kernels kernels, Tensor in, Tensor out, float[] weights, float[] bias, int stride,
                                boolean relu, int threads) {
        Steps.Pointwise step = new Steps.Pointwise(0, 1, "conv 1×1 (benchmark)", kernels, in.channels(),
                out.channels(), weights, bias, stride, relu);
        this.bound = step.bind(new Tensor[] {in, out}, threads);
        this.pool = new IntraOpPool(threads, "shiftnet4j-bench-pointwise");
    }

    public int threads() {
        return pool.parts();
    }

    /** One run of the whole step; returns when every part is done. */
    public void run() {
        pool.run(bound);
    }

    @Override
    public void close() {
        pool.close();
    }
}
