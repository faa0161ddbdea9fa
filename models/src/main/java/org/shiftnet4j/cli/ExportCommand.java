package org.shiftnet4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.Weights;
import org.shiftnet4j.io.onnx.OnnxExporter;
import org.shiftnet4j.io.onnx.OnnxModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Writes a network as an ONNX model (opset 17) that other runtimes (ONNX Runtime, ...) can run.")
final class ExportCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--weights", paramLabel = "W.safetensors",
            description = "Weights (PyTorch state_dict names). Without it a zoo network gets seeded He-normal weights (--seed).")
    Path weights;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the weights when --weights is absent (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--shift-as", paramLabel = "FORM", defaultValue = "one-hot-depthwise",
            description = "How shifts are written: one-hot-depthwise (a depthwise Conv, default) or pad-slice-concat.")
    String shiftAs;

    @Option(names = "--out", required = true, paramLabel = "M.onnx", description = "File to write.")
    Path out;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        OnnxExporter.ShiftForm form = switch (shiftAs) {
            case "one-hot-depthwise" -> OnnxExporter.ShiftForm.ONE_HOT_DEPTHWISE;
            case "pad-slice-concat" -> OnnxExporter.ShiftForm.PAD_SLICE_CONCAT;
            default -> throw new IllegalArgumentException("--shift-as must be one-hot-depthwise or pad-slice-concat, got " + shiftAs);
        };
        ModelOptions.Loaded loaded;
        String source;
        if (modelOptions.isOnnx() || weights != null) {
            loaded = modelOptions.load(weights);
            source = modelOptions.isOnnx() ? "its own weights" : "weights " + weights;
        } else {
            Graph graph = modelOptions.build();
            loaded = new ModelOptions.Loaded(graph, Weights.heNormal(graph, seed));
            source = "seeded He-normal weights (seed " + seed + "; pass --weights for trained ones)";
        }
        OnnxModel model = OnnxExporter.export(loaded.graph(), loaded.weights(), form);
        model.write(out);
        long shifts = loaded.graph().nodes().stream().filter(n -> n instanceof org.shiftnet4j.graph.Node.Shift).count();
        spec.commandLine().getOut().printf("wrote %s: %s with %s, opset %d, %d shifts as %s%n", out,
                loaded.graph().name(), source, OnnxExporter.OPSET, shifts, shiftAs);
        return 0;
    }
}
