package org.shiftnet4j.properties;

/**
 * Where one op call's tensors live, apart from the layout: every op property runs each case in NCHW and in NHWC,
 * so the layout is not part of the case. The input border is relative to the op's reach (its padding; zero for
 * elementwise ops); borders and views are poisoned and guarded as {@link Placed} describes.
 */
record OpPlacement(InputBorder inputBorder, View inputView, int outputBorder, View outputView) {

    int inputBorderPixels(int reach) {
        return inputBorder.pixels(reach);
    }

    @Override
    public String toString() {
        return "in[border " + inputBorder + ", " + inputView + "] out[border " + outputBorder + ", " + outputView + "]";
    }
}
