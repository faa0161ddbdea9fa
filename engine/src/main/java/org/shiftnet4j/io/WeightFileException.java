package org.shiftnet4j.io;

import java.io.IOException;

/**
 * A weight file (safetensors or .npy) is malformed, or does not hold what the caller asked for.
 *
 * <p>It is an {@link IOException} because a bad file is bad input, like a read failure: callers that load weights
 * already handle {@code IOException}, and one {@code catch} covers both. The message always names the file (or
 * in-memory source), the tensor when one is involved, and the problem.
 */
public final class WeightFileException extends IOException {
    private final String source;

    WeightFileException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
    }

    WeightFileException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
    }

    static WeightFileException forTensor(String source, String tensor, String problem) {
        return new WeightFileException(source, "tensor '" + tensor + "': " + problem);
    }

    /** The file path or in-memory source name given when the file was opened. */
    public String source() {
        return source;
    }
}
