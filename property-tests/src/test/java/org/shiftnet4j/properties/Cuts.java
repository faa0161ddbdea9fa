package org.shiftnet4j.properties;

import java.util.TreeSet;

/**
 * Where a channel range is cut into independent calls, as a prepared model cuts a step's output channels over its
 * intra-op threads: {@code first} and {@code second} are taken modulo C+1, so any 1..3 ranges (empty ones dropped)
 * can come up and a failure shrinks towards no cut at all.
 */
record Cuts(int first, int second) {

    /** Boundaries 0 = b0 < b1 < ... = channels of the non-empty ranges. */
    int[] boundaries(int channels) {
        TreeSet<Integer> b = new TreeSet<>();
        b.add(0);
        b.add(first % (channels + 1));
        b.add(second % (channels + 1));
        b.add(channels);
        return b.stream().mapToInt(Integer::intValue).toArray();
    }

    String describe(int channels) {
        int[] b = boundaries(channels);
        StringBuilder s = new StringBuilder("channels cut into");
        for (int i = 0; i + 1 < b.length; i++) s.append(" [").append(b[i]).append(", ").append(b[i + 1]).append(')');
        return s.toString();
    }
}
