package org.shiftnet4j.ops;

import java.util.Objects;
import org.shiftnet4j.kernel.KernelProvider;
import org.shiftnet4j.kernel.Kernels;
import org.shiftnet4j.kernel.ShiftPolicy;
import org.shiftnet4j.kernel.ShiftTable;
import org.shiftnet4j.tensor.Tensor;

/**
 * The shift of Wu et al. (CVPR 2018): every channel moves by its own (dy, dx), zero outside the image, no FLOPs and
 * no parameters. Equal to a depthwise convolution whose kernels are one-hot ({@link ShiftTable#oneHotDepthwiseWeights}).
 * Immutable and thread-safe.
 */
public final class Shift {
    private final ShiftTable table;
    private final Kernels kernels;

    public Shift(ShiftTable table) {
        this(table, KernelProvider.get());
    }

    public Shift(ShiftTable table, Kernels kernels) {
        this.table = Objects.requireNonNull(table, "table");
        this.kernels = Objects.requireNonNull(kernels, "kernels");
    }

    /** A shift built from a named policy (the official one is {@link ShiftPolicy#MODULO}). */
    public static Shift of(ShiftPolicy policy, int channels, int kernelSize, int dilation) {
        return new Shift(ShiftTable.of(policy, channels, kernelSize, dilation));
    }

    public ShiftTable table() {
        return table;
    }

    /** The adjoint, i.e. the backward pass: the same shift with every offset negated. */
    public Shift transposed() {
        return new Shift(table.negated(), kernels);
    }

    /** {@code out[n,c,y,x] = in[n,c,y+dy[c],x+dx[c]]}, zero outside; {@code out} has the shape of {@code in}. */
    public void apply(Tensor in, Tensor out) {
        OpChecks.inputOutput("shift", in, out);
        OpChecks.channels("shift", "input", in, table.channels());
        OpChecks.shape("shift", out, in.batch(), in.channels(), in.height(), in.width());
        kernels.shift(in, table, out);
    }
}
