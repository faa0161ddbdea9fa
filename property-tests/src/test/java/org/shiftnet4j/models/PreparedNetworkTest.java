package org.shiftnet4j.models;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.Weights;
import org.shiftnet4j.runtime.Model;
import org.shiftnet4j.runtime.Session;
import org.shiftnet4j.tensor.Layout;

/**
 * Laws of a prepared network (BatchNorm folded, ReLUs fused, buffers planned, work split over threads) on small
 * ShiftResNets, ResNets and ShiftNets with {@link Weights#randomized} weights, so that BN folding is never the
 * identity:
 * <ol>
 *   <li>fused ≡ unfused: the model's logits equal the unfused double-precision {@code ReferenceExecutor}'s within
 *       1e-4 of the batch's largest |logit|, in every family, layout, input order, thread count and batch;</li>
 *   <li>the internal layout (NCHW or NHWC) changes no logit by more than that;</li>
 *   <li>the intra-op thread count (1, 2, 3) changes no bit: every thread computes whole output channels, so each
 *       output element is summed by one kernel call in one order whatever the split;</li>
 *   <li>batch composition changes no bit: image i of a batch of 4 gives the logits it gives alone.</li>
 * </ol>
 * Laws 1 and 2 also hold for small PyTorch-style CNNs built from the nodes an ONNX import brings (clip, max
 * pooling, flatten, softmax; see {@link ImportedCnn}).
 *
 * <p>Tries: a try prepares a model and runs it, and one with a ShiftNet (one try in five) costs some 10–50 ms on the
 * scalar family; 1,000 tries per property would take minutes per surefire pass. Each property therefore runs the
 * number of tries below, chosen so the whole new suite stays under about two minutes per pass on two busy cores;
 * over the three passes (three vector widths) every law still sees several hundred networks.
 */
class PreparedNetworkTest {
    /** Runs a model and the double-precision reference, which is the heaviest part of a try. */
    private static final int REFERENCE_TRIES = 250;
    /** Runs a model twice (two layouts). */
    private static final int LAYOUT_TRIES = 200;
    /** Runs one model three times (1, 2, 3 threads). */
    private static final int THREAD_TRIES = 250;
    /** Runs one model on a batch of 4 and four times on a batch of 1. */
    private static final int BATCH_TRIES = 250;
    /** Runs a small imported-style CNN in two layouts and the reference: some milliseconds a try. */
    private static final int CNN_TRIES = 300;

    @Provide
    Arbitrary<NetworkCase> networkCases() {
        return NetworkCases.cases(3);
    }

    /**
     * For the tolerance laws: at least two classes, so that the largest |logit| measures the network's scale (a
     * single logit may cancel to near zero while its float error stays that of the sums that made it).
     */
    @Provide
    Arbitrary<NetworkCase> severalClassCases() {
        return NetworkCases.cases(3, 2);
    }

    @Property(tries = REFERENCE_TRIES)
    void preparedModelMatchesTheUnfusedReference(@ForAll("severalClassCases") NetworkCase c) {
        Graph graph = c.network().build();
        Weights weights = Weights.randomized(graph, c.seed());
        float[] images = NetworkRuns.images(c.network(), c.batch(), c.seed());
        Model model = Model.prepare(graph, weights, c.options());
        float[] logits = NetworkRuns.run(model, c.threads(), c.batch(), images, c.network(), c.inputLayout());
        double[] reference = NetworkRuns.reference(graph, weights, images, c.batch());
        NetworkRuns.closeToReference(c, "prepared model vs unfused reference", reference, logits,
                c.network().classes());
    }

    @Property(tries = LAYOUT_TRIES)
    void logitsDoNotDependOnTheInternalLayout(@ForAll("severalClassCases") NetworkCase c) {
        Graph graph = c.network().build();
        Weights weights = Weights.randomized(graph, c.seed());
        float[] images = NetworkRuns.images(c.network(), c.batch(), c.seed());
        float[][] logits = new float[2][];
        Layout[] layouts = {Layout.NCHW, Layout.NHWC};
        for (int l = 0; l < layouts.length; l++) {
            Model model = Model.prepare(graph, weights, new Model.Options(layouts[l], c.family().kernels()));
            logits[l] = NetworkRuns.run(model, c.threads(), c.batch(), images, c.network(), c.inputLayout());
        }
        NetworkRuns.closeToEachOther(c + " (prepared in NCHW and in NHWC; the case's internal layout is unused)",
                "NHWC model vs NCHW model", logits[0], logits[1], c.network().classes());
    }

    @Provide
    Arbitrary<CnnCase> importedCnnCases() {
        return Combinators.combine(ImportedCnn.networks(), Arbitraries.of(Family.class), Arbitraries.of(Layout.class),
                Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 3), NetworkCases.seeds())
                .as(CnnCase::new);
    }

    /** One run of an {@link ImportedCnn}: kernel family, order of the caller's input, threads, batch, seed. */
    record CnnCase(ImportedCnn network, Family family, Layout inputLayout, int threads, int batch, long seed) {
        @Override
        public String toString() {
            return "CnnCase{" + network + "; " + family.kernels().name() + " kernels, input given in " + inputLayout
                    + ", " + threads + " thread" + (threads == 1 ? "" : "s") + ", batch " + batch + ", seed=" + seed
                    + "}";
        }
    }

    /**
     * Law 1 and 2 for the nodes an imported PyTorch CNN brings (clip, max pooling, flatten, softmax, BatchNorm with
     * its own ε): in NCHW and in NHWC the prepared model's outputs equal the double-precision reference's within
     * 1e-4 of the batch's largest |output|. A flatten head of H·W > 1 features is where an NHWC model would feed the
     * linear layer its features in the wrong order.
     */
    @Property(tries = CNN_TRIES)
    void importedCnnMatchesTheReferenceInBothLayouts(@ForAll("importedCnnCases") CnnCase c) {
        ImportedCnn cnn = c.network();
        Graph graph = cnn.build();
        Weights weights = Weights.randomized(graph, c.seed());
        float[] images = NetworkRuns.images(cnn.inputSize(), c.batch(), c.seed());
        double[] reference = NetworkRuns.reference(graph, weights, images, c.batch());
        float[] given = NetworkRuns.inOrder(images, cnn.inChannels(), cnn.height() * cnn.width(), c.batch(),
                c.inputLayout());
        for (Layout layout : Layout.values()) {
            Model model = Model.prepare(graph, weights, new Model.Options(layout, c.family().kernels()));
            float[] outputs;
            try (Session session = model.newSession(c.batch(), c.threads())) {
                outputs = session.run(given, c.inputLayout(), c.batch());
            }
            NetworkRuns.closeToReference(c + " (prepared in " + layout + ")", "prepared model vs unfused reference",
                    reference, outputs, cnn.classes());
        }
    }

    @Property(tries = THREAD_TRIES)
    void logitsDoNotDependOnTheThreadCount(@ForAll("networkCases") NetworkCase c) {
        Graph graph = c.network().build();
        Model model = Model.prepare(graph, Weights.randomized(graph, c.seed()), c.options());
        float[] images = NetworkRuns.images(c.network(), c.batch(), c.seed());
        float[] single = NetworkRuns.run(model, 1, c.batch(), images, c.network(), c.inputLayout());
        for (int threads = 2; threads <= 3; threads++) {
            float[] split = NetworkRuns.run(model, threads, c.batch(), images, c.network(), c.inputLayout());
            NetworkRuns.identical(c + " (run with 1, 2 and 3 threads; the case's thread count is unused)",
                    threads + " threads vs 1 thread", single, split, c.network().classes());
        }
    }

    @Property(tries = BATCH_TRIES)
    void eachImageOfABatchGivesItsLogitsAlone(@ForAll("networkCases") NetworkCase c) {
        int batch = 4, classes = c.network().classes(), imageSize = c.network().inputSize();
        Graph graph = c.network().build();
        Model model = Model.prepare(graph, Weights.randomized(graph, c.seed()), c.options());
        float[] images = NetworkRuns.images(c.network(), batch, c.seed());
        // One session for both: the single-image runs use the same buffers, still holding the batch's activations.
        try (Session session = model.newSession(batch, c.threads())) {
            float[] together = session.run(NetworkRuns.inOrder(images, c.network(), batch, c.inputLayout()),
                    c.inputLayout(), batch);
            for (int i = 0; i < batch; i++) {
                float[] image = Arrays.copyOfRange(images, i * imageSize, (i + 1) * imageSize);
                float[] alone = session.run(NetworkRuns.inOrder(image, c.network(), 1, c.inputLayout()),
                        c.inputLayout(), 1);
                NetworkRuns.identical(c + " (a batch of 4 against each image alone; the case's batch is unused)",
                        "image " + i + " alone vs in the batch", Arrays.copyOfRange(together, i * classes,
                                (i + 1) * classes), alone, classes);
            }
        }
    }
}
