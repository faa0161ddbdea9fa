package org.shiftnet4j.properties;

import org.shiftnet4j.tensor.Layout;

/** Where a case's tensors live in memory: layout, borders and views of the input and of the output. */
record Placement(Layout layout, InputBorder inputBorder, View inputView, int outputBorder, View outputView) {

    Placement withLayout(Layout other) {
        return new Placement(other, inputBorder, inputView, outputBorder, outputView);
    }

    @Override
    public String toString() {
        return layout + " in[border " + inputBorder + ", " + inputView + "] out[border " + outputBorder + ", "
                + outputView + "]";
    }
}
