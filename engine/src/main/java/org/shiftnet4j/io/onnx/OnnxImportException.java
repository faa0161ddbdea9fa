package org.shiftnet4j.io.onnx;

import java.io.IOException;

/**
 * A well-formed ONNX model that shiftnet4j cannot run: an unsupported op, attribute or value, or wiring the engine
 * does not model. The message names the node, its op and, where one is at fault, the attribute.
 */
public final class OnnxImportException extends IOException {
    private final String node;
    private final String opType;
    private final String attribute;

    public OnnxImportException(String node, String opType, String attribute, String problem) {
        super(message(node, opType, attribute, problem));
        this.node = node;
        this.opType = opType;
        this.attribute = attribute;
    }

    /** A problem of the model as a whole (opset, inputs, outputs), not of one node. */
    public OnnxImportException(String problem) {
        super("cannot import ONNX model: " + problem);
        this.node = null;
        this.opType = null;
        this.attribute = null;
    }

    private static String message(String node, String opType, String attribute, String problem) {
        StringBuilder m = new StringBuilder("cannot import ONNX node '").append(node).append("' (").append(opType).append(')');
        if (attribute != null) m.append(", attribute '").append(attribute).append('\'');
        return m.append(": ").append(problem).toString();
    }

    /** The node's name (or its first output when unnamed); null for model-level problems. */
    public String node() { return node; }
    public String opType() { return opType; }
    /** The attribute at fault, or null. */
    public String attribute() { return attribute; }
}
