package org.shiftnet4j.io.onnx;

import java.io.IOException;

/**
 * An ONNX file is malformed, or uses a feature shiftnet4j does not read (external weights, string tensors...).
 *
 * <p>It is an {@link IOException} because a bad file is bad input, like a read failure. The message says what is
 * wrong and where, as a path from the model down to the offending message, for example
 * {@code malformed ONNX file: graph.node[12] (name 'Conv_3').attribute[2]: field 20 has wire type 2, expected varint}.
 */
public final class OnnxFormatException extends IOException {
    public OnnxFormatException(String message) {
        super(message);
    }

    public OnnxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
