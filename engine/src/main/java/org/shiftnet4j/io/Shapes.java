package org.shiftnet4j.io;

/** Shape arithmetic shared by the readers and writers. */
final class Shapes {
    private Shapes() {
    }

    /** Element count of a non-negative shape, saturated at Long.MAX_VALUE so an overflow reads as "too many". */
    static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d == 0) {
                return 0;
            }
            n = n > Long.MAX_VALUE / d ? Long.MAX_VALUE : n * d;
        }
        return n;
    }
}
