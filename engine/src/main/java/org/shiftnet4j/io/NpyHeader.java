package org.shiftnet4j.io;

import java.util.Arrays;

/**
 * The header dictionary of an {@code .npy} file, e.g. {@code {'descr': '<f4', 'fortran_order': False,
 * 'shape': (2, 3), }}. NumPy evaluates it as a Python literal; this parser accepts that literal's grammar for the
 * three keys NumPy requires (either quote style, any key order, optional trailing commas, free whitespace) and
 * nothing else, so it cannot be made to do work beyond one pass over the text.
 */
record NpyHeader(String descr, boolean fortranOrder, int[] shape) {
    private static final String KEYS = "descr, fortran_order and shape";

    /**
     * Parses {@code text}. {@code allowLongSuffix} accepts Python 2's {@code 3L} integers, which NumPy still reads
     * in version 1.0 and 2.0 headers.
     */
    static NpyHeader parse(String text, boolean allowLongSuffix, String source) throws WeightFileException {
        return new Parser(text, allowLongSuffix, source).header();
    }

    private static final class Parser {
        private final String text;
        private final boolean allowLongSuffix;
        private final String source;
        private int pos;

        Parser(String text, boolean allowLongSuffix, String source) {
            this.text = text;
            this.allowLongSuffix = allowLongSuffix;
            this.source = source;
        }

        NpyHeader header() throws WeightFileException {
            String descr = null;
            Boolean fortranOrder = null;
            int[] shape = null;
            expect('{', "the header dictionary to start");
            while (peek() != '}') {
                String key = string("a key");
                expect(':', "':' after key '" + key + "'");
                switch (key) {
                    case "descr" -> {
                        checkFirst(descr == null, key);
                        if (peek() == '[') {
                            throw fail("structured dtypes (a list in 'descr') are not supported");
                        }
                        descr = string("the 'descr' string");
                    }
                    case "fortran_order" -> {
                        checkFirst(fortranOrder == null, key);
                        fortranOrder = bool();
                    }
                    case "shape" -> {
                        checkFirst(shape == null, key);
                        shape = tuple();
                    }
                    default -> throw fail("unexpected key '" + key + "' (the header holds exactly " + KEYS + ")");
                }
                if (peek() != ',') {
                    break;
                }
                pos++;
            }
            expect('}', "',' or '}' after a value");
            skipWhitespace();
            if (pos != text.length()) {
                throw fail("unexpected text after the header dictionary");
            }
            if (descr == null || fortranOrder == null || shape == null) {
                throw new WeightFileException(source, "header lacks "
                        + (descr == null ? "'descr'" : fortranOrder == null ? "'fortran_order'" : "'shape'")
                        + " (the header holds exactly " + KEYS + ")");
            }
            return new NpyHeader(descr, fortranOrder, shape);
        }

        private void checkFirst(boolean first, String key) throws WeightFileException {
            if (!first) {
                throw fail("duplicate key '" + key + "'");
            }
        }

        private String string(String what) throws WeightFileException {
            char quote = peek();
            if (quote != '\'' && quote != '"') {
                throw fail("expected " + what + " in quotes");
            }
            int start = ++pos;
            while (pos < text.length() && text.charAt(pos) != quote) {
                char c = text.charAt(pos);
                if (c == '\\' || c == '\n' || c == '\r') {
                    throw fail("escapes and line breaks inside strings are not supported");
                }
                pos++;
            }
            if (pos == text.length()) {
                throw fail("unterminated string");
            }
            return text.substring(start, pos++);
        }

        private boolean bool() throws WeightFileException {
            skipWhitespace();
            if (text.startsWith("True", pos)) {
                pos += 4;
                return true;
            }
            if (text.startsWith("False", pos)) {
                pos += 5;
                return false;
            }
            throw fail("'fortran_order' must be True or False");
        }

        /** A Python tuple of non-negative ints: {@code ()}, {@code (n,)} or {@code (a, b[, ...][,])}. */
        private int[] tuple() throws WeightFileException {
            expect('(', "'shape' to be a tuple");
            int[] dims = new int[4];
            int count = 0;
            boolean trailingComma = false;
            while (peek() != ')') {
                if (count == dims.length) {
                    dims = Arrays.copyOf(dims, 2 * count);
                }
                dims[count++] = dimension();
                trailingComma = peek() == ',';
                if (!trailingComma) {
                    break;
                }
                pos++;
            }
            expect(')', "',' or ')' in 'shape'");
            if (count == 1 && !trailingComma) {
                throw fail("'shape' (n) is a number, not a tuple; a 1-D shape is written (n,)");
            }
            return Arrays.copyOf(dims, count);
        }

        private int dimension() throws WeightFileException {
            skipWhitespace();
            if (pos < text.length() && text.charAt(pos) == '-') {
                throw fail("negative dimension in 'shape'");
            }
            int start = pos;
            long value = 0;
            while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
                value = 10 * value + (text.charAt(pos++) - '0');
                if (value > Integer.MAX_VALUE) {
                    throw fail("dimension in 'shape' is larger than " + Integer.MAX_VALUE);
                }
            }
            if (pos == start) {
                throw fail("'shape' must hold only non-negative integers");
            }
            if (allowLongSuffix && pos < text.length() && text.charAt(pos) == 'L') {
                pos++;
            }
            return (int) value;
        }

        private void expect(char c, String what) throws WeightFileException {
            if (peek() != c) {
                throw fail("expected " + what);
            }
            pos++;
        }

        /** Skips whitespace and returns the next character, or 0 at the end. */
        private char peek() {
            skipWhitespace();
            return pos < text.length() ? text.charAt(pos) : 0;
        }

        private void skipWhitespace() {
            while (pos < text.length() && " \t\n\r\f".indexOf(text.charAt(pos)) >= 0) {
                pos++;
            }
        }

        private WeightFileException fail(String problem) {
            return new WeightFileException(source, "bad header at character " + pos + ": " + problem
                    + " in " + excerpt());
        }

        private String excerpt() {
            String head = text.length() <= 120 ? text : text.substring(0, 120) + "...";
            return '"' + head.strip() + '"';
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyHeader h && descr.equals(h.descr) && fortranOrder == h.fortranOrder
                && Arrays.equals(shape, h.shape);
    }

    @Override
    public int hashCode() {
        return 31 * descr.hashCode() + Arrays.hashCode(shape) + (fortranOrder ? 1 : 0);
    }

    @Override
    public String toString() {
        return "NpyHeader[descr=" + descr + ", fortranOrder=" + fortranOrder + ", shape=" + Arrays.toString(shape) + "]";
    }
}
