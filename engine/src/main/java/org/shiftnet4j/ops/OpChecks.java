package org.shiftnet4j.ops;

import java.util.Objects;
import org.shiftnet4j.tensor.Tensor;

/** Argument checks shared by the ops, so every op words its errors the same way. */
final class OpChecks {
    private OpChecks() {
    }

    /** Non-null, alive, same layout, not aliased. */
    static void inputOutput(String op, Tensor in, Tensor out) {
        Objects.requireNonNull(in, op + ": input tensor");
        Objects.requireNonNull(out, op + ": output tensor");
        // Messages are built only on failure: these checks run on every call of a hot op.
        if (!in.segment().scope().isAlive()) in.requireAlive(op + " input");
        if (!out.segment().scope().isAlive()) out.requireAlive(op + " output");
        if (in.layout() != out.layout()) {
            throw new IllegalArgumentException(op + ": input is " + in.layout() + " but output is " + out.layout()
                    + "; both must have the same layout (convert with Tensor.toLayout)");
        }
        if (in.overlaps(out)) {
            throw new IllegalArgumentException(op + ": input and output share memory; " + op
                    + " cannot run in place, give it a separate output tensor");
        }
    }

    static void channels(String op, String role, Tensor t, int expected) {
        if (t.channels() != expected) {
            throw new IllegalArgumentException(op + ": " + role + " " + t.describe() + " has " + t.channels()
                    + " channels; " + expected + " expected");
        }
    }

    static void shape(String op, Tensor out, int n, int c, int h, int w) {
        if (out.batch() != n || out.channels() != c || out.height() != h || out.width() != w) {
            throw new IllegalArgumentException(op + ": output " + out.describe() + " has the wrong shape; "
                    + n + "×" + c + "×" + h + "×" + w + " expected");
        }
    }
}
