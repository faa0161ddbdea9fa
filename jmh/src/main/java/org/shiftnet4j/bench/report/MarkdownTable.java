package org.shiftnet4j.bench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A GitHub-flavoured Markdown table. Numeric tables align every column but the first to the right; text tables
 * align everything to the left.
 */
final class MarkdownTable {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();
    private boolean numeric = true;

    MarkdownTable(String... header) {
        this.header = List.of(header);
    }

    /** Left-aligns every column (for tables of text). */
    MarkdownTable text() {
        numeric = false;
        return this;
    }

    MarkdownTable row(String... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, header " + header.size());
        }
        rows.add(List.of(cells));
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void appendTo(StringBuilder out) {
        line(out, header);
        StringBuilder rule = new StringBuilder("|");
        for (int i = 0; i < header.size(); i++) {
            rule.append(i == 0 || !numeric ? "---|" : "---:|");
        }
        out.append(rule).append('\n');
        for (List<String> row : rows) {
            line(out, row);
        }
        out.append('\n');
    }

    private static void line(StringBuilder out, List<String> cells) {
        out.append('|');
        for (String cell : cells) {
            out.append(' ').append(cell.replace("|", "\\|")).append(" |");
        }
        out.append('\n');
    }
}
