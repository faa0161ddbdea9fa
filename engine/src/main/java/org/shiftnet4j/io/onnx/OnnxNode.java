package org.shiftnet4j.io.onnx;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One operator application in a graph.
 *
 * @param name       the node's name (may be empty)
 * @param opType     the operator ("Conv", "Relu"...)
 * @param domain     the operator's domain, {@code ""} for the default ONNX operators
 * @param inputs     the names of the input values; an empty name marks an omitted optional input
 * @param outputs    the names of the output values
 * @param attributes the attributes, in file order
 * @param docString  documentation, usually empty
 */
public record OnnxNode(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                       List<OnnxAttribute> attributes, String docString) {
    public OnnxNode {
        name = Objects.requireNonNullElse(name, "");
        opType = Objects.requireNonNullElse(opType, "");
        domain = Objects.requireNonNullElse(domain, "");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = List.copyOf(attributes);
        docString = Objects.requireNonNullElse(docString, "");
    }

    /** The first attribute called {@code name}, if any. */
    public Optional<OnnxAttribute> attribute(String name) {
        for (OnnxAttribute a : attributes) {
            if (a.name().equals(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** {@code Conv 'conv1' (x, w) -> (y) {kernel_shape=[3, 3]}}. */
    @Override
    public String toString() {
        return (domain.isEmpty() ? "" : domain + ":") + opType + " '" + Shown.cut(name) + "' (" + String.join(", ", inputs)
                + ") -> (" + String.join(", ", outputs) + ")" + (attributes.isEmpty() ? "" : " " + attributes);
    }
}
