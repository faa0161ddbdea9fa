package org.shiftnet4j.models;

import java.util.List;
import java.util.Locale;
import org.shiftnet4j.graph.Graph;

/** Builds a network by name, with the options that apply to it; unknown names and options are rejected clearly. */
public final class ModelZoo {
    /** Every name {@link #build} accepts. */
    public static final List<String> NAMES = List.of("shiftresnet20", "shiftresnet56", "shiftresnet110",
            "resnet20", "resnet56", "resnet110", "shiftnet-a", "shiftnet-b", "shiftnet-c");

    /** Defaults: ShiftResNets use the paper's headline expansion 6; CIFAR models 10 classes at 32×32; ShiftNets 1000 at 224×224. */
    public static final double DEFAULT_EXPANSION = 6;

    /**
     * Options; null means the model's default. {@code reduction} and {@code blockwise} apply to ResNets only,
     * {@code expansion} to ShiftResNets only.
     */
    public record Options(Double expansion, Integer classes, Integer inChannels, Integer imageSize,
                          Double reduction, Boolean blockwise) {
        public static Options defaults() {
            return new Options(null, null, null, null, null, null);
        }

        public Options withExpansion(double e) {
            return new Options(e, classes, inChannels, imageSize, reduction, blockwise);
        }

        public Options withClasses(int c) {
            return new Options(expansion, c, inChannels, imageSize, reduction, blockwise);
        }

        public Options withImage(int channels, int size) {
            return new Options(expansion, classes, channels, size, reduction, blockwise);
        }
    }

    private ModelZoo() {
    }

    public static Graph build(String name) {
        return build(name, Options.defaults());
    }

    public static Graph build(String name, Options o) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        boolean shiftResNet = key.startsWith("shiftresnet");
        boolean resNet = key.startsWith("resnet");
        boolean shiftNet = key.startsWith("shiftnet-");
        if (!NAMES.contains(key)) {
            throw new IllegalArgumentException("unknown model '" + name + "'; known models: " + String.join(", ", NAMES));
        }
        if (o.expansion() != null && !shiftResNet) {
            throw new IllegalArgumentException("--expansion applies to ShiftResNets only, not to " + key
                    + (shiftNet ? " (ShiftNet expansions are fixed per stage)" : ""));
        }
        if ((o.reduction() != null || o.blockwise() != null) && !resNet) {
            throw new IllegalArgumentException("--reduction applies to ResNets only, not to " + key);
        }
        int channels = o.inChannels() == null ? 3 : o.inChannels();
        if (shiftNet) {
            ShiftNet.Spec spec = switch (key) {
                case "shiftnet-a" -> ShiftNet.A;
                case "shiftnet-b" -> ShiftNet.B;
                default -> ShiftNet.C;
            };
            return ShiftNet.build(spec, o.classes() == null ? 1000 : o.classes(), channels,
                    o.imageSize() == null ? 224 : o.imageSize());
        }
        int depth = Integer.parseInt(key.substring(key.indexOf("net") + 3));
        int classes = o.classes() == null ? 10 : o.classes();
        int size = o.imageSize() == null ? 32 : o.imageSize();
        if (shiftResNet) {
            return ShiftResNet.shiftResNet(depth, o.expansion() == null ? DEFAULT_EXPANSION : o.expansion(), classes,
                    channels, size);
        }
        return ShiftResNet.resNet(depth, classes, channels, size, o.reduction() == null ? 1 : o.reduction(),
                o.blockwise() == null || o.blockwise());
    }
}
