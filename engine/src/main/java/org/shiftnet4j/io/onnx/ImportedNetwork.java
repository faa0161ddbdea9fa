package org.shiftnet4j.io.onnx;

import java.util.List;
import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.Weights;
import org.shiftnet4j.kernel.ShiftTable;

/**
 * An ONNX model turned into an engine network: the graph, its weights (named after the ONNX initializers), the ONNX
 * names of its input and output, and the shifts recognised in it.
 */
public record ImportedNetwork(Graph graph, Weights weights, String inputName, String outputName,
                              List<RecognizedShift> shifts) {
    public ImportedNetwork {
        shifts = List.copyOf(shifts);
    }

    /**
     * ONNX nodes that together computed a shift and now run as one zero-FLOP {@code Shift}.
     *
     * @param nodes   names of the ONNX nodes replaced (for Pad + Slice + Concat: the Pad, the Concat and how many slices)
     * @param pattern how the exporter wrote the shift: {@value OnnxImporter#ONE_HOT_DEPTHWISE} or
     *                {@value OnnxImporter#PAD_SLICE_CONCAT}
     * @param table   the per-channel offsets read from the kernels or slices
     */
    public record RecognizedShift(List<String> nodes, String pattern, ShiftTable table) {
        public RecognizedShift {
            nodes = List.copyOf(nodes);
        }
    }
}
