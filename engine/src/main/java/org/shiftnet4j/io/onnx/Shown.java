package org.shiftnet4j.io.onnx;

/** Shortens text from a file for messages and toString, so a hostile or huge name cannot flood a log. */
final class Shown {
    private static final int MAX_CHARS = 80;

    private Shown() {
    }

    /** {@code text} cut to a readable length, with control characters escaped. */
    static String cut(String text) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 8);
        for (int k = 0; k < text.length() && k < MAX_CHARS; k++) {
            char c = text.charAt(k);
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return text.length() > MAX_CHARS ? b.append("...").toString() : b.toString();
    }
}
