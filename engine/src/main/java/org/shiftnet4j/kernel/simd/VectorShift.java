package org.shiftnet4j.kernel.simd;

import org.shiftnet4j.kernel.ShiftTable;
import org.shiftnet4j.kernel.scalar.ScalarKernels;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * The shift {@code out[n,c,y,x] = in[n,c,y+dy[c],x+dx[c]]}, zero outside the image, as data movement at about the
 * cost of a memory copy: span copies and zero fills in NCHW ({@link VectorShiftPlanes}), vector copies and
 * masked merges of a few loads in NHWC ({@link VectorShiftPixels}). Results equal the scalar reference bit for bit
 * (nothing is computed, only moved). Any border, any view, any integer offsets; allocates nothing after the first
 * call with a table (the NHWC plan is cached on the table).
 *
 * <p>Reads may use the input's zero border, as the tensor contract allows. Input and output must not share memory
 * (the op checks this).
 */
final class VectorShift {
    private VectorShift() {
    }

    static void shift(Tensor in, ShiftTable table, Tensor out) {
        if ((long) in.height() * in.width() > Integer.MAX_VALUE) {
            // Pixel indices are ints in the vector kernels; images this large do not occur in practice.
            ScalarKernels.INSTANCE.shift(in, table, out);
        } else if (in.layout() == Layout.NCHW && in.strideW() == 1 && out.strideW() == 1) {
            VectorShiftPlanes.shift(in, table, out);
        } else if (in.layout() == Layout.NHWC && in.strideC() == 1 && out.strideC() == 1) {
            VectorShiftPixels.shift(in, table, out);
        } else {
            // Unit-stride innermost dimensions are what both layouts produce today; anything else is still correct.
            ScalarKernels.INSTANCE.shift(in, table, out);
        }
    }
}
