package org.shiftnet4j.kernel;

/** How a shift assigns its K² directions to channels. Tables built from a policy are {@link ShiftTable}s. */
public enum ShiftPolicy {
    /**
     * The official CUDA kernel (peterhj/shiftnet_cuda_v2), used by the official ShiftResNet checkpoints:
     * channel c < floor(C/K²)·K² takes direction g = c mod K² (dy = g div K − K div 2, dx = g mod K − K div 2);
     * the remaining C mod K² channels are not shifted.
     */
    MODULO,
    /**
     * floor(C/K²) consecutive channels per direction in row-major window order; the remaining channels go to the
     * centre, i.e. are not shifted.
     */
    CONTIGUOUS
}
