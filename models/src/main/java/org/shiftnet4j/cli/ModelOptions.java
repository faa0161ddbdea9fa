package org.shiftnet4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.Weights;
import org.shiftnet4j.io.onnx.ImportedNetwork;
import org.shiftnet4j.io.onnx.OnnxImporter;
import org.shiftnet4j.models.ModelZoo;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The MODEL argument and the options that shape it, shared by every command that builds a network. */
final class ModelOptions {
    @Parameters(index = "0", paramLabel = "MODEL",
            description = "One of: shiftresnet20, shiftresnet56, shiftresnet110, resnet20, resnet56, resnet110, "
                    + "shiftnet-a, shiftnet-b, shiftnet-c; or an ONNX file (*.onnx) with its weights embedded.")
    String model;

    @Option(names = "--expansion", paramLabel = "E", description = "ShiftResNet expansion (default 6).")
    Double expansion;

    @Option(names = "--classes", paramLabel = "N", description = "Output classes (default 10 for CIFAR models, 1000 for ShiftNets).")
    Integer classes;

    @Option(names = "--in-channels", paramLabel = "C", description = "Input channels: 3 (RGB, default) or 1 (grey-scale).")
    Integer inChannels;

    @Option(names = "--image-size", paramLabel = "S", description = "Square input size (default 32 for CIFAR models, 224 for ShiftNets).")
    Integer imageSize;

    @Option(names = "--reduction", paramLabel = "R", description = "ResNet width reduction for the paper's matched baselines (default 1).")
    Double reduction;

    @Option(names = "--reduction-mode", paramLabel = "MODE", description = "block (middle channels, default) or net (all widths).")
    String reductionMode;

    /** True when MODEL names an ONNX file rather than a zoo network. */
    boolean isOnnx() {
        return model.toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    /** Imports the ONNX file MODEL; the zoo options do not apply to it. */
    ImportedNetwork importOnnx() throws IOException {
        if (expansion != null || classes != null || inChannels != null || imageSize != null || reduction != null
                || reductionMode != null) {
            throw new IllegalArgumentException("--expansion, --classes, --in-channels, --image-size and --reduction "
                    + "shape zoo networks; " + model + " is an ONNX file whose shape is fixed");
        }
        return OnnxImporter.read(Path.of(model));
    }

    /** The network and its weights: imported from MODEL.onnx, or a zoo network with weights from {@code weightsFile}. */
    Loaded load(Path weightsFile) throws IOException {
        if (isOnnx()) {
            if (weightsFile != null) {
                throw new IllegalArgumentException("--weights is for zoo networks; " + model + " carries its own weights");
            }
            ImportedNetwork imported = importOnnx();
            return new Loaded(imported.graph(), imported.weights());
        }
        if (weightsFile == null) {
            throw new IllegalArgumentException("--weights W.safetensors is required for zoo network " + model
                    + " (write seeded ones with: shiftnet init " + model + " --seed 1 --out W.safetensors)");
        }
        Graph graph = build();
        return new Loaded(graph, Weights.load(graph, weightsFile));
    }

    record Loaded(Graph graph, Weights weights) {}

    Graph build() {
        if (isOnnx()) {
            throw new IllegalArgumentException("this command takes a zoo network name, not an ONNX file (" + model + ")");
        }
        Boolean blockwise = null;
        if (reductionMode != null) {
            blockwise = switch (reductionMode) {
                case "block" -> true;
                case "net" -> false;
                default -> throw new IllegalArgumentException("--reduction-mode must be block or net, got " + reductionMode);
            };
        }
        return ModelZoo.build(model, new ModelZoo.Options(expansion, classes, inChannels, imageSize, reduction, blockwise));
    }
}
