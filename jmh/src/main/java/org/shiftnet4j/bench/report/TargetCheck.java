package org.shiftnet4j.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;

/**
 * One performance target checked against the rows of a report table: every row records its figure (NaN when the
 * run has none), grouped by layout or another key; the target's status follows from the tallies by a stated rule.
 * Verdicts compare JMH's mean with the threshold; the error bars are in the tables.
 */
final class TargetCheck {
    /** How a target is judged. */
    enum Status {
        MET("MET"),
        /** Every measured row meets it, but rows are missing (a restricted or failed run). */
        PARTIAL("MET where measured"),
        NOT_MET("**NOT MET**"),
        NO_DATA("NO DATA");

        final String text;

        Status(String text) {
            this.text = text;
        }
    }

    /** Which groups must meet the target on all of their rows. */
    enum Rule {
        /** Every group, e.g. both layouts. */
        EVERY_GROUP,
        /** At least one group, e.g. the layout a model would run in. */
        SOME_GROUP
    }

    /** The outcome: what was asked, the status, and a one-line account of the rows. */
    record Target(String id, String goal, Status status, String result) {
    }

    private static final class Tally {
        int met;
        int failed;
        int missing;

        boolean complete() {
            return missing == 0 && met > 0;
        }
    }

    private final String id;
    private final String goal;
    private final double threshold;
    private final boolean higherIsBetter;
    private final Rule rule;
    private final DoubleFunction<String> format;
    private final Map<String, Tally> groups = new LinkedHashMap<>();
    private String worstRow;
    private double worstValue = Double.NaN;

    /**
     * @param goal   what the target asks, e.g. "≥ 80% of the same-run FMA peak"
     * @param format how a figure reads in the result line, e.g. {@code FoundationReport::pct}
     */
    TargetCheck(String id, String goal, double threshold, boolean higherIsBetter, Rule rule,
                DoubleFunction<String> format) {
        this.id = id;
        this.goal = goal;
        this.threshold = threshold;
        this.higherIsBetter = higherIsBetter;
        this.rule = rule;
        this.format = format;
    }

    String id() {
        return id;
    }

    /** True when {@code value} meets the target (false for NaN). */
    boolean meets(double value) {
        return higherIsBetter ? value >= threshold : value <= threshold;
    }

    /** The verdict cell of one row: MET, NOT MET or "—" without a figure. */
    String verdict(double value) {
        if (Double.isNaN(value)) {
            return FoundationReport.MISSING;
        }
        return meets(value) ? Status.MET.text : Status.NOT_MET.text;
    }

    /** Records one row of {@code group} (its figure, NaN when missing) and returns its verdict cell. */
    String record(String group, String row, double value) {
        Tally tally = groups.computeIfAbsent(group, g -> new Tally());
        if (Double.isNaN(value)) {
            tally.missing++;
        } else if (meets(value)) {
            tally.met++;
        } else {
            tally.failed++;
        }
        if (!Double.isNaN(value) && (Double.isNaN(worstValue) || (higherIsBetter ? value < worstValue : value > worstValue))) {
            worstValue = value;
            worstRow = row;
        }
        return verdict(value);
    }

    Target result() {
        return new Target(id, goal, status(), describe());
    }

    Status status() {
        List<Tally> all = List.copyOf(groups.values());
        boolean anyData = all.stream().anyMatch(t -> t.met + t.failed > 0);
        if (!anyData) {
            return Status.NO_DATA;
        }
        return switch (rule) {
            case EVERY_GROUP -> {
                if (all.stream().anyMatch(t -> t.failed > 0)) {
                    yield Status.NOT_MET;
                }
                yield all.stream().allMatch(Tally::complete) ? Status.MET : Status.PARTIAL;
            }
            case SOME_GROUP -> {
                if (all.stream().anyMatch(t -> t.failed == 0 && t.complete())) {
                    yield Status.MET;
                }
                yield all.stream().anyMatch(t -> t.failed == 0 && t.met > 0) ? Status.PARTIAL : Status.NOT_MET;
            }
        };
    }

    /** E.g. "NHWC: 12 of 12 rows met; NCHW: 4 of 12 met, 8 not; worst 61% (256->64 @56x56, NCHW)". */
    private String describe() {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Tally> e : groups.entrySet()) {
            Tally t = e.getValue();
            int total = t.met + t.failed + t.missing;
            StringBuilder part = new StringBuilder();
            if (!e.getKey().isEmpty()) {
                part.append(e.getKey()).append(": ");
            }
            part.append(t.met).append(" of ").append(total).append(" met");
            if (t.failed > 0) {
                part.append(", ").append(t.failed).append(" not");
            }
            if (t.missing > 0) {
                part.append(", ").append(t.missing).append(" without data");
            }
            parts.add(part.toString());
        }
        String rows = parts.isEmpty() ? "no rows" : String.join("; ", parts);
        String worst = worstRow == null ? "" : "; worst " + format.apply(worstValue) + " (" + worstRow + ")";
        String judged = groups.size() > 1
                ? (rule == Rule.EVERY_GROUP ? " (every group must meet it)" : " (one group meeting it suffices)")
                : "";
        return rows + worst + judged;
    }
}
