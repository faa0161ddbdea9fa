package org.shiftnet4j.bench;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.Node;
import org.shiftnet4j.graph.Weights;
import org.shiftnet4j.io.onnx.ImportedNetwork;
import org.shiftnet4j.io.onnx.OnnxExporter;
import org.shiftnet4j.io.onnx.OnnxImporter;
import org.shiftnet4j.io.onnx.OnnxModel;
import org.shiftnet4j.models.ModelZoo;

/**
 * The networks and run configurations of the model benchmarks, written as JMH {@code @Param} strings and turned
 * back into graphs here, by the benchmark and by the report alike, so the report counts the FLOPs of exactly the
 * network that was timed.
 */
public final class BenchModels {
    /** ImageNet-sized (224×224, 1000 classes): the paper's 1.4 G multiply-add network. */
    public static final String SHIFTNET_A = "shiftnet-a";
    /** CIFAR-sized (32×32, 10 classes) at {@link #SHIFTRESNET_EXPANSION}. */
    public static final String SHIFTRESNET20 = "shiftresnet20";
    /** The conventional 3×3-convolution network that ShiftResNet-20 is compared with in the paper. */
    public static final String RESNET20 = "resnet20";

    /** The paper's headline ShiftResNet expansion; fixed here so a changed zoo default cannot change the benchmark. */
    public static final double SHIFTRESNET_EXPANSION = 6;

    /**
     * ShiftNets are checked against the double-precision reference at this image size instead of 224: the same
     * layers and weights at 1/12 of the work, because the reference needs ~15 s per 224×224 image, in every fork.
     */
    public static final int SHIFTNET_CHECK_IMAGE_SIZE = 64;

    /** Batch and intra-op threads of one timed {@code Session.run}. */
    public static final String BATCH1_THREADS1 = "b1-t1";
    public static final String BATCH1_THREADS2 = "b1-t2";
    public static final String BATCH8_THREADS2 = "b8-t2";

    private static final Pattern CONFIG = Pattern.compile("b(\\d+)-t(\\d+)");

    private BenchModels() {
    }

    /** The timed network: any {@link ModelZoo} name, with ShiftResNets at {@link #SHIFTRESNET_EXPANSION}. */
    public static Graph build(String name) {
        ModelZoo.Options options = ModelZoo.Options.defaults();
        if (isShiftResNet(name)) {
            options = options.withExpansion(SHIFTRESNET_EXPANSION);
        }
        return ModelZoo.build(name, options);
    }

    /**
     * The network whose output the benchmark compares with the reference before timing: the timed one, or for the
     * ImageNet-sized ShiftNets the same layers and parameters on a {@link #SHIFTNET_CHECK_IMAGE_SIZE} image.
     */
    public static Graph referenceCheckGraph(String name) {
        if (!isShiftNet(name)) {
            return build(name);
        }
        Graph timed = build(name);
        return ModelZoo.build(name, ModelZoo.Options.defaults()
                .withImage(timed.input().channels(), SHIFTNET_CHECK_IMAGE_SIZE));
    }

    /**
     * The network as a user who exported it from PyTorch would bring it: written to ONNX with every shift as a
     * one-hot depthwise Conv, then imported. Fails unless every shift was recognised again.
     */
    public static ImportedNetwork throughOnnx(Graph graph, Weights weights) {
        try {
            byte[] bytes = OnnxExporter.export(graph, weights, OnnxExporter.ShiftForm.ONE_HOT_DEPTHWISE).toByteArray();
            ImportedNetwork imported = OnnxImporter.importModel(OnnxModel.parse(bytes), graph.name());
            long shifts = graph.nodes().stream().filter(n -> n instanceof Node.Shift).count();
            if (imported.shifts().size() != shifts) {
                throw new IllegalStateException(graph.name() + ": " + shifts + " shifts exported, "
                        + imported.shifts().size() + " recognised on import");
            }
            return imported;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** E.g. "shiftresnet20-e6 @32×32". */
    public static String label(Graph graph) {
        return graph.name() + " @" + graph.input().height() + "×" + graph.input().width();
    }

    private static boolean isShiftResNet(String name) {
        return key(name).startsWith("shiftresnet");
    }

    static boolean isShiftNet(String name) {
        return key(name).startsWith("shiftnet-");
    }

    private static String key(String name) {
        return name.trim().toLowerCase(Locale.ROOT);
    }

    /** One run configuration, parsed from {@code b<batch>-t<threads>}. */
    public record RunConfig(int batch, int threads) {
        public RunConfig {
            if (batch < 1 || threads < 1) {
                throw new IllegalArgumentException("batch and threads must be >= 1, got " + batch + ", " + threads);
            }
        }

        public static RunConfig parse(String text) {
            Matcher m = CONFIG.matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException("run configuration '" + text + "' does not read as"
                        + " b<batch>-t<threads>, e.g. " + BATCH8_THREADS2);
            }
            return new RunConfig(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
    }
}
