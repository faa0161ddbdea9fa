package org.shiftnet4j.cli;

import java.io.PrintStream;

/** A one-line progress bar on stderr; on a non-terminal it prints the phase name once instead of redrawing. */
final class Progress {
    private static final int WIDTH = 30;
    private final PrintStream err;
    private final boolean terminal;
    private String phase = "";
    private int lastPercent = -1;

    Progress(PrintStream err) {
        this.err = err;
        this.terminal = System.console() != null && System.console().isTerminal();
    }

    void update(String phase, double fraction) {
        int percent = (int) Math.min(100, Math.max(0, Math.round(fraction * 100)));
        if (!terminal) {
            if (!phase.equals(this.phase)) err.println(phase + "...");
            this.phase = phase;
            return;
        }
        if (percent == lastPercent && phase.equals(this.phase)) return;
        this.phase = phase;
        lastPercent = percent;
        int filled = percent * WIDTH / 100;
        err.print("\r" + String.format("%-12s", phase) + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] "
                + String.format("%3d%%", percent));
        err.flush();
    }

    void done() {
        if (terminal) {
            err.print("\r" + " ".repeat(WIDTH + 20) + "\r");
            err.flush();
        }
    }
}
