package org.shiftnet4j.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hand-written notes on what limits each performance target, read from a Markdown file with one
 * {@code ## <target id>} section per target (e.g. {@code docs/benchmarks/limits.md}). The performance report prints
 * a target's note under it when the target is not met. Text before the first section is the file's own
 * explanation and is not printed; deeper headings ({@code ###}) belong to the section they are in.
 */
record LimitNotes(String source, Map<String, String> byTarget) {
    private static final Pattern SECTION = Pattern.compile("^##\\s+`?([A-Za-z0-9._-]+)`?\\s*$");

    /** No notes; {@code source} is the file where they would go. */
    static LimitNotes none(String source) {
        return new LimitNotes(source, Map.of());
    }

    /** The notes of {@code file}; none when the file does not exist. */
    static LimitNotes read(Path file) throws IOException {
        return Files.exists(file) ? parse(file.toString(), Files.readAllLines(file)) : none(file.toString());
    }

    static LimitNotes parse(String source, List<String> lines) {
        Map<String, String> notes = new LinkedHashMap<>();
        String current = null;
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            Matcher m = SECTION.matcher(line);
            if (m.matches()) {
                put(notes, current, text);
                current = m.group(1);
                text.setLength(0);
            } else if (current != null) {
                text.append(line).append('\n');
            }
        }
        put(notes, current, text);
        return new LimitNotes(source, Map.copyOf(notes));
    }

    private static void put(Map<String, String> notes, String target, StringBuilder text) {
        String note = text.toString().strip();
        if (target != null && !note.isEmpty()) {
            notes.put(target, note);
        }
    }

    Optional<String> of(String targetId) {
        return Optional.ofNullable(byTarget.get(targetId));
    }
}
