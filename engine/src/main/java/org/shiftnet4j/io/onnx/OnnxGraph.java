package org.shiftnet4j.io.onnx;

import java.util.List;
import java.util.Objects;

/**
 * A computation graph: nodes in the file's order (ONNX requires topological order), constant tensors, and the
 * declared types of its inputs, outputs and (optionally) intermediate values.
 *
 * @param name         the graph's name
 * @param nodes        the nodes
 * @param initializers constant tensors (weights), referenced by name from node inputs
 * @param inputs       the graph inputs; older exporters also list the initializers here
 * @param outputs      the graph outputs
 * @param valueInfo    declared types of intermediate values (often empty)
 * @param docString    documentation, usually empty
 */
public record OnnxGraph(String name, List<OnnxNode> nodes, List<OnnxTensor> initializers, List<OnnxValueInfo> inputs,
                        List<OnnxValueInfo> outputs, List<OnnxValueInfo> valueInfo, String docString) {
    public OnnxGraph {
        name = Objects.requireNonNullElse(name, "");
        nodes = List.copyOf(nodes);
        initializers = List.copyOf(initializers);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        valueInfo = List.copyOf(valueInfo);
        docString = Objects.requireNonNullElse(docString, "");
    }

    /** A summary: name and counts, never the whole graph. */
    @Override
    public String toString() {
        return "OnnxGraph['" + Shown.cut(name) + "': " + nodes.size() + " nodes, " + initializers.size()
                + " initializers, inputs " + names(inputs) + ", outputs " + names(outputs) + "]";
    }

    private static String names(List<OnnxValueInfo> values) {
        return values.size() > 8 ? values.size() + " values"
                : values.stream().map(v -> Shown.cut(v.name())).toList().toString();
    }
}
