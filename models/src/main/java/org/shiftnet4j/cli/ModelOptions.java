package org.shiftnet4j.cli;

import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.models.ModelZoo;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The MODEL argument and the options that shape it, shared by every command that builds a network. */
final class ModelOptions {
    @Parameters(index = "0", paramLabel = "MODEL",
            description = "One of: shiftresnet20, shiftresnet56, shiftresnet110, resnet20, resnet56, resnet110, "
                    + "shiftnet-a, shiftnet-b, shiftnet-c.")
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

    Graph build() {
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
