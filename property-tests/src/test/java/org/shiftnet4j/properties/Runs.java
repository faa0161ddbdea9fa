package org.shiftnet4j.properties;

import java.lang.foreign.Arena;
import org.shiftnet4j.kernel.Conv1x1Weights;
import org.shiftnet4j.kernel.DepthwiseWeights;
import org.shiftnet4j.kernel.Kernels;
import org.shiftnet4j.kernel.ShiftTable;
import org.shiftnet4j.ops.Conv1x1;
import org.shiftnet4j.ops.DepthwiseConv2d;
import org.shiftnet4j.ops.Shift;
import org.shiftnet4j.tensor.Layout;

/**
 * Runs one op through its public class ({@code Shift}, {@code DepthwiseConv2d}, {@code Conv1x1}) on tensors placed
 * as a case says, with a given kernel family and layout. The arena must outlive the returned outcome.
 */
final class Runs {
    private Runs() {
    }

    /** The input and output of one op call; the result is the output view's interior in NCHW order. */
    record Outcome(Placed input, Placed output) {
        float[] result() {
            return output.result();
        }

        /** The input is unchanged everywhere; the output changed only inside its view's interior. */
        void verifyMemory(Object context, String op) {
            Expect.untouched(context, op + " modified its input", input.changesAnywhere());
            Expect.untouched(context, op + " wrote outside its output view's interior", output.changesOutsideView());
        }
    }

    static Outcome shift(Arena arena, Kernels kernels, Layout layout, Placement placement, Shape shape,
                         float[] input, ShiftTable table) {
        return shift(arena, layout, placement, shape, input, table.maxAbsOffset(), new Shift(table, kernels));
    }

    /** Runs a given {@link Shift} (e.g. a transposed one); {@code reach} sizes the input border. */
    static Outcome shift(Arena arena, Layout layout, Placement placement, Shape shape, float[] input, int reach,
                         Shift shift) {
        Placed in = placeInput(arena, layout, placement, shape, input, reach);
        Placed out = Placed.output(arena, layout, shape, placement.outputBorder(), placement.outputView());
        shift.apply(in.view(), out.view());
        return new Outcome(in, out);
    }

    static Outcome depthwise(Arena arena, Kernels kernels, Layout layout, Placement placement, Shape shape,
                             float[] input, DepthwiseWeights weights) {
        Placed in = placeInput(arena, layout, placement, shape, input, weights.padding());
        Shape outShape = shape.withSpatial(weights.outputSize(shape.h()), weights.outputSize(shape.w()));
        Placed out = Placed.output(arena, layout, outShape, placement.outputBorder(), placement.outputView());
        new DepthwiseConv2d(weights, kernels).apply(in.view(), out.view());
        return new Outcome(in, out);
    }

    static Outcome conv1x1(Arena arena, Kernels kernels, Layout layout, Placement placement, Shape shape,
                           float[] input, Conv1x1Weights weights, int stride, boolean relu) {
        Conv1x1 op = new Conv1x1(weights, stride, relu, kernels);
        Placed in = placeInput(arena, layout, placement, shape, input, 0);
        Shape outShape = new Shape(shape.n(), weights.outChannels(), op.outputSize(shape.h()), op.outputSize(shape.w()));
        Placed out = Placed.output(arena, layout, outShape, placement.outputBorder(), placement.outputView());
        op.apply(in.view(), out.view());
        return new Outcome(in, out);
    }

    private static Placed placeInput(Arena arena, Layout layout, Placement placement, Shape shape, float[] input,
                                     int reach) {
        return Placed.input(arena, layout, shape, placement.inputBorder().pixels(reach), placement.inputView(), input);
    }

    static String context(Object testCase, Kernels kernels, Layout layout) {
        return testCase + " on " + kernels.name() + " kernels, " + layout;
    }
}
