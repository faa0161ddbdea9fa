package org.shiftnet4j.properties;

/** An N×C×H×W shape; printed as "2×17×5×3" so a shrunk counterexample reads like a tensor description. */
record Shape(int n, int c, int h, int w) {
    Shape {
        if (n < 1 || c < 1 || h < 1 || w < 1) {
            throw new IllegalArgumentException("every dimension must be >= 1: " + n + "×" + c + "×" + h + "×" + w);
        }
    }

    int count() {
        return Math.multiplyExact(Math.multiplyExact(n, c), Math.multiplyExact(h, w));
    }

    Shape withSpatial(int height, int width) {
        return new Shape(n, c, height, width);
    }

    /** Index of (n, c, y, x) in an NCHW-ordered array of this shape. */
    int flat(int in, int ic, int y, int x) {
        return ((in * c + ic) * h + y) * w + x;
    }

    /** "(n=0, c=3, y=1, x=4)" for an NCHW flat index. */
    String coordinates(int flatIndex) {
        int x = flatIndex % w;
        int y = flatIndex / w % h;
        int ic = flatIndex / (w * h) % c;
        int in = flatIndex / (w * h * c);
        return "(n=" + in + ", c=" + ic + ", y=" + y + ", x=" + x + ")";
    }

    int channelOf(int flatIndex) {
        return flatIndex / (w * h) % c;
    }

    @Override
    public String toString() {
        return n + "×" + c + "×" + h + "×" + w;
    }
}
