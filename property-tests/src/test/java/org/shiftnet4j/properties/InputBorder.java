package org.shiftnet4j.properties;

/**
 * The zero border around an input, relative to how far the op reads outside the image (its "reach": a shift's
 * largest |offset|, a convolution's padding). Kernels must be right with any border, including none.
 */
enum InputBorder {
    NONE, ONE, REACH, REACH_PLUS_TWO;

    int pixels(int reach) {
        return switch (this) {
            case NONE -> 0;
            case ONE -> 1;
            case REACH -> reach;
            case REACH_PLUS_TWO -> reach + 2;
        };
    }
}
