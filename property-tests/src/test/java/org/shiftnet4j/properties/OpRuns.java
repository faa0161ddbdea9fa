package org.shiftnet4j.properties;

import java.lang.foreign.Arena;
import java.util.List;
import org.shiftnet4j.kernel.Kernels;
import org.shiftnet4j.tensor.Layout;

/**
 * Calls one kernel directly (these ops have no op classes; the kernels trust their callers, so every call here is
 * valid by construction) on tensors placed as a case says. The arena must outlive the returned call.
 */
final class OpRuns {
    private OpRuns() {
    }

    /** The tensors of one kernel call; the output may be one of the inputs (an in-place call). */
    record Call(List<Placed> inputs, Placed output) {
        float[] result() {
            return output.result();
        }

        /** Inputs that are not the output are unchanged everywhere; the output changed only inside its view. */
        void verifyMemory(Object context, String op) {
            for (Placed in : inputs) {
                if (in != output) Expect.untouched(context, op + " modified an input", in.changesAnywhere());
            }
            Expect.untouched(context, op + " wrote outside its output view's interior", output.changesOutsideView());
        }
    }

    static Call conv2d(Arena arena, Kernels kernels, Layout layout, OpCases.Conv2d c, float[] x) {
        Placed in = input(arena, layout, c.input(), c.placement(), c.window().padding(), x);
        Placed out = output(arena, layout, c.output(), c.placement());
        kernels.conv2d(in.view(), c.weights(), c.relu(), out.view());
        return new Call(List.of(in), out);
    }

    static Call scaleShift(Arena arena, Kernels kernels, Layout layout, OpCases.ScaleShift c, float[] x) {
        Placed in = input(arena, layout, c.shape(), c.placement(), 0, x);
        Placed out = c.inPlace() ? in : output(arena, layout, c.shape(), c.placement());
        kernels.scaleShift(in.view(), c.scale(), c.shift(), c.relu(), out.view());
        return new Call(List.of(in), out);
    }

    static Call add(Arena arena, Kernels kernels, Layout layout, OpCases.Add c, float[] a, float[] b) {
        Placed first = input(arena, layout, c.shape(), c.placement(), 0, a);
        Placed second = c.aliasing() == OpCases.Aliasing.SAME_OPERANDS ? first
                : Placed.input(arena, layout, c.shape(), c.secondBorder(), c.secondView(), b);
        Placed out = switch (c.aliasing()) {
            case OUT_IS_IN -> first;
            case OUT_IS_SECOND -> second;
            case NONE, SAME_OPERANDS -> output(arena, layout, c.shape(), c.placement());
        };
        kernels.add(first.view(), second.view(), c.relu(), out.view());
        return new Call(List.of(first, second), out);
    }

    static Call relu(Arena arena, Kernels kernels, Layout layout, OpCases.Unary c, float[] x) {
        Placed in = input(arena, layout, c.shape(), c.placement(), 0, x);
        Placed out = c.inPlace() ? in : output(arena, layout, c.shape(), c.placement());
        kernels.relu(in.view(), out.view());
        return new Call(List.of(in), out);
    }

    static Call clamp(Arena arena, Kernels kernels, Layout layout, OpCases.Clamp c, float[] x) {
        Placed in = input(arena, layout, c.shape(), c.placement(), 0, x);
        Placed out = c.inPlace() ? in : output(arena, layout, c.shape(), c.placement());
        kernels.clamp(in.view(), c.min(), c.max(), out.view());
        return new Call(List.of(in), out);
    }

    static Call copy(Arena arena, Kernels kernels, Layout layout, OpCases.Unary c, float[] x) {
        Placed in = input(arena, layout, c.shape(), c.placement(), 0, x);
        Placed out = output(arena, layout, c.shape(), c.placement());
        kernels.copy(in.view(), out.view());
        return new Call(List.of(in), out);
    }

    static Call softmax(Arena arena, Kernels kernels, Layout layout, OpCases.Softmax c, float[] x) {
        Placed in = input(arena, layout, c.shape(), c.placement(), 0, x);
        Placed out = c.inPlace() ? in : output(arena, layout, c.shape(), c.placement());
        kernels.softmax(in.view(), out.view());
        return new Call(List.of(in), out);
    }

    static Call avgPool(Arena arena, Kernels kernels, Layout layout, OpCases.AvgPool c, float[] x) {
        Placed in = input(arena, layout, c.input(), c.placement(), c.window().padding(), x);
        Placed out = output(arena, layout, c.output(), c.placement());
        OpCases.Window w = c.window();
        kernels.avgPool(in.view(), w.kernelSize(), w.stride(), w.padding(), c.countIncludePad(), out.view());
        return new Call(List.of(in), out);
    }

    static Call maxPool(Arena arena, Kernels kernels, Layout layout, OpCases.MaxPool c, float[] x) {
        Placed in = input(arena, layout, c.input(), c.placement(), c.window().padding(), x);
        Placed out = output(arena, layout, c.output(), c.placement());
        OpCases.Window w = c.window();
        kernels.maxPool(in.view(), w.kernelSize(), w.stride(), w.padding(), out.view());
        return new Call(List.of(in), out);
    }

    static Call globalAvgPool(Arena arena, Kernels kernels, Layout layout, OpCases.Unary c, float[] x) {
        Placed in = input(arena, layout, c.shape(), c.placement(), 0, x);
        Placed out = output(arena, layout, c.shape().withSpatial(1, 1), c.placement());
        kernels.globalAvgPool(in.view(), out.view());
        return new Call(List.of(in), out);
    }

    private static Placed input(Arena arena, Layout layout, Shape shape, OpPlacement placement, int reach,
                                float[] values) {
        return Placed.input(arena, layout, shape, placement.inputBorderPixels(reach), placement.inputView(), values);
    }

    private static Placed output(Arena arena, Layout layout, Shape shape, OpPlacement placement) {
        return Placed.output(arena, layout, shape, placement.outputBorder(), placement.outputView());
    }
}
