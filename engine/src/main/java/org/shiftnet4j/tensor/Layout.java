package org.shiftnet4j.tensor;

/** Memory order of a four-dimensional activation tensor. */
public enum Layout {
    /** Batch, channels, rows, columns: each channel is a contiguous plane (PyTorch's default). */
    NCHW,
    /** Batch, rows, columns, channels: each pixel's channels are contiguous (XNNPACK's default). */
    NHWC
}
