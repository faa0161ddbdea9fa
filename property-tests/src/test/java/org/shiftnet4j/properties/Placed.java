package org.shiftnet4j.properties;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * A tensor handed to a kernel (the {@link #view}) together with the allocation around it (the {@link #parent}),
 * and a snapshot of that allocation taken before the kernel ran.
 *
 * <p>Inputs: the parent's elements outside the view hold NaN, so a kernel that reads past a view poisons its result.
 * Outputs: the view's interior starts as NaN (an element the kernel forgets to write stays NaN) and the parent
 * outside the view holds {@link #SENTINEL} (a kernel that writes outside its view changes it). Borders stay zero.
 */
final class Placed {
    /** What a kernel must leave alone around an output view; a value no op here produces by accident. */
    static final float SENTINEL = -12345.5f;

    private final Tensor parent;
    private final Tensor view;
    private final View viewKind;
    private float[] before;

    private Placed(Tensor parent, Tensor view, View viewKind) {
        this.parent = parent;
        this.view = view;
        this.viewKind = viewKind;
    }

    /** An input view of {@code shape} filled with {@code values} (NCHW order). */
    static Placed input(Arena arena, Layout layout, Shape shape, int border, View viewKind, float[] values) {
        Placed placed = allocate(arena, layout, shape, border, viewKind, Float.NaN);
        placed.view.copyFrom(values);
        return placed.snapshot();
    }

    /** An output view of {@code shape} whose interior is NaN until a kernel writes it. */
    static Placed output(Arena arena, Layout layout, Shape shape, int border, View viewKind) {
        Placed placed = allocate(arena, layout, shape, border, viewKind, SENTINEL);
        placed.view.copyFrom(Values.filled(shape.count(), Float.NaN));
        return placed.snapshot();
    }

    private static Placed allocate(Arena arena, Layout layout, Shape shape, int border, View viewKind, float around) {
        Shape outer = viewKind.parentOf(shape);
        Tensor parent = Tensor.allocate(arena, layout, outer.n(), outer.c(), outer.h(), outer.w(), border);
        parent.copyFrom(Values.filled(outer.count(), around));
        Tensor view = parent
                .batchSlice(viewKind.imagesBefore, shape.n())
                .channelSlice(viewKind.channelsBefore, shape.c());
        return new Placed(parent, view, viewKind);
    }

    private Placed snapshot() {
        before = parent.segment().toArray(ValueLayout.JAVA_FLOAT);
        return this;
    }

    Tensor view() {
        return view;
    }

    /** The view's interior now, in NCHW order. */
    float[] result() {
        return view.toArray(Layout.NCHW);
    }

    /** Null when nothing in the allocation changed since the snapshot (inputs), else what changed. */
    String changesAnywhere() {
        return changes(false);
    }

    /** Null when nothing outside the view's interior changed (outputs: border and neighbours), else what did. */
    String changesOutsideView() {
        return changes(true);
    }

    private String changes(boolean ignoreViewInterior) {
        float[] now = parent.segment().toArray(ValueLayout.JAVA_FLOAT);
        int b = parent.border();
        int changed = 0;
        String first = null;
        for (int n = 0; n < parent.batch(); n++) {
            for (int c = 0; c < parent.channels(); c++) {
                for (int y = -b; y < parent.height() + b; y++) {
                    for (int x = -b; x < parent.width() + b; x++) {
                        if (ignoreViewInterior && insideViewInterior(n, c, y, x)) continue;
                        int i = Math.toIntExact(parent.index(n, c, y, x));
                        if (Float.floatToRawIntBits(now[i]) != Float.floatToRawIntBits(before[i])) {
                            if (changed++ == 0) {
                                first = "allocation element (n=" + n + ", c=" + c + ", y=" + y + ", x=" + x + ") "
                                        + where(n, c, y, x) + " changed from " + before[i] + " to " + now[i];
                            }
                        }
                    }
                }
            }
        }
        return changed == 0 ? null : changed + " element(s) of " + parent.describe() + " changed; first: " + first;
    }

    private boolean insideViewInterior(int n, int c, int y, int x) {
        return n >= viewKind.imagesBefore && n < viewKind.imagesBefore + view.batch()
                && c >= viewKind.channelsBefore && c < viewKind.channelsBefore + view.channels()
                && y >= 0 && y < view.height() && x >= 0 && x < view.width();
    }

    private String where(int n, int c, int y, int x) {
        boolean border = y < 0 || x < 0 || y >= parent.height() || x >= parent.width();
        if (border) return "(zero border)";
        return insideViewInterior(n, c, y, x) ? "(inside the view)" : "(outside the " + viewKind + " view)";
    }
}
