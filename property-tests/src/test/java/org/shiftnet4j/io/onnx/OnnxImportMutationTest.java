package org.shiftnet4j.io.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.statistics.Statistics;
import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.Weights;
import org.shiftnet4j.models.ShiftResNet;
import org.shiftnet4j.runtime.Model;
import org.shiftnet4j.runtime.Session;
import org.shiftnet4j.tensor.Layout;

/**
 * Hostile-input law for the whole ONNX path: a network exported by the engine, with random bytes flipped,
 * overwritten, inserted or deleted, either fails with a typed exception ({@link OnnxFormatException} for a broken
 * file, {@link OnnxImportException} for a well-formed model the engine cannot run) or imports into a network that
 * prepares and runs. Nothing else may escape: no IllegalArgumentException from deep inside, no index errors, no
 * crash.
 */
class OnnxImportMutationTest {
    /** A complete small ShiftResNet (conv, BN, ReLU, shifts, residual adds, pooling, linear) in both shift forms. */
    private static final byte[][] EXPORTED = exported();

    private static byte[][] exported() {
        Graph g = ShiftResNet.shiftResNet(20, 1, 4, 2, 6);
        Weights w = Weights.randomized(g, 3);
        return new byte[][] {
                OnnxExporter.export(g, w, OnnxExporter.ShiftForm.ONE_HOT_DEPTHWISE).toByteArray(),
                OnnxExporter.export(g, w, OnnxExporter.ShiftForm.PAD_SLICE_CONCAT).toByteArray()};
    }

    @Provide
    Arbitrary<List<OnnxMutationTest.Mutation>> mutations() {
        return new OnnxMutationTest().mutations();
    }

    /**
     * Well-formed but wrong models, the importer's real hostile input: nodes dropped, ops renamed, attributes set to
     * random values, inputs rewired to other tensors. Only {@link OnnxImportException} may come out, or a network that
     * runs.
     */
    @Property(tries = 1000)
    void semanticallyMutatedNetworksFailWithImportExceptionsOrStillRun(@ForAll long seed, @ForAll boolean padSliceConcat)
            throws OnnxFormatException {
        OnnxModel model = OnnxModel.parse(EXPORTED[padSliceConcat ? 1 : 0]);
        Random random = new Random(seed);
        List<OnnxNode> nodes = new ArrayList<>(model.graph().nodes());
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && !nodes.isEmpty(); e++) {
            int at = random.nextInt(nodes.size());
            OnnxNode n = nodes.get(at);
            switch (random.nextInt(4)) {
                case 0 -> nodes.remove(at);
                case 1 -> nodes.set(at, new OnnxNode(n.name(), OPS[random.nextInt(OPS.length)], n.domain(), n.inputs(),
                        n.outputs(), n.attributes(), n.docString()));
                case 2 -> {
                    List<OnnxAttribute> attrs = new ArrayList<>(n.attributes());
                    String name = ATTRIBUTES[random.nextInt(ATTRIBUTES.length)];
                    attrs.removeIf(a -> a.name().equals(name));
                    attrs.add(random.nextBoolean() ? OnnxAttribute.ofInt(name, random.nextInt(7) - 2)
                            : OnnxAttribute.ofInts(name, random.longs(random.nextInt(5), -2, 6).toArray()));
                    nodes.set(at, new OnnxNode(n.name(), n.opType(), n.domain(), n.inputs(), n.outputs(), attrs, n.docString()));
                }
                default -> {
                    if (n.inputs().isEmpty()) continue;
                    List<String> inputs = new ArrayList<>(n.inputs());
                    OnnxNode other = nodes.get(random.nextInt(nodes.size()));
                    List<String> candidates = new ArrayList<>(other.inputs());
                    candidates.addAll(other.outputs());
                    inputs.set(random.nextInt(inputs.size()), candidates.get(random.nextInt(candidates.size())));
                    nodes.set(at, new OnnxNode(n.name(), n.opType(), n.domain(), inputs, n.outputs(), n.attributes(), n.docString()));
                }
            }
        }
        OnnxGraph g = model.graph();
        OnnxModel mutated = new OnnxModel(model.irVersion(), model.opsets(), model.producerName(), model.producerVersion(),
                model.domain(), model.modelVersion(), model.docString(), new OnnxGraph(g.name(), nodes, g.initializers(),
                g.inputs(), g.outputs(), g.valueInfo(), g.docString()), model.metadata());
        String outcome;
        try {
            ImportedNetwork net = OnnxImporter.importModel(mutated, "mutated");
            Model prepared = Model.prepare(net.graph(), net.weights(), Model.Options.defaults().withLayout(Layout.NCHW));
            try (Session s = prepared.newSession(2)) {
                s.run(new float[2 * s.inputSize()], Layout.NCHW, 2);
            }
            outcome = "imported and ran";
        } catch (OnnxImportException e) {
            outcome = "not importable";
        }
        Statistics.collect(outcome);
    }

    private static final String[] OPS = {"Conv", "Relu", "Add", "Concat", "BatchNormalization", "MaxPool", "AveragePool",
            "GlobalAveragePool", "Flatten", "Gemm", "MatMul", "Softmax", "Identity", "Clip", "Slice", "Pad", "Reshape"};
    private static final String[] ATTRIBUTES = {"kernel_shape", "pads", "strides", "group", "dilations", "axis",
            "transB", "count_include_pad", "ceil_mode", "epsilon"};

    @Property(tries = 1000)
    void mutatedNetworksFailWithTypedExceptionsOrStillRun(@ForAll("mutations") List<OnnxMutationTest.Mutation> mutations,
                                                         @ForAll boolean padSliceConcat) {
        byte[] bytes = EXPORTED[padSliceConcat ? 1 : 0].clone();
        for (OnnxMutationTest.Mutation m : mutations) {
            if (bytes.length == 0) break;
            bytes = m.apply(bytes);
        }
        String outcome;
        try {
            ImportedNetwork net = OnnxImporter.importModel(OnnxModel.parse(bytes), "mutated");
            Model model = Model.prepare(net.graph(), net.weights(), Model.Options.defaults().withLayout(Layout.NHWC));
            try (Session s = model.newSession(1)) {
                s.run(new float[s.inputSize()], Layout.NCHW, 1);
            }
            outcome = "imported and ran";
        } catch (OnnxFormatException e) {
            outcome = "malformed";
        } catch (OnnxImportException e) {
            outcome = "not importable";
        }
        Statistics.collect(outcome);
    }
}
