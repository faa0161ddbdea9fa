package org.shiftnet4j.models;

import java.util.SplittableRandom;
import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.ReferenceExecutor;
import org.shiftnet4j.graph.Weights;
import org.shiftnet4j.runtime.Model;
import org.shiftnet4j.runtime.Session;
import org.shiftnet4j.tensor.Layout;

/** Images, runs and logit comparisons for the network properties. */
final class NetworkRuns {
    /** Model logits may differ from the double-precision reference by this fraction of the largest |logit|. */
    static final double RELATIVE_TOLERANCE = 1e-4;

    private NetworkRuns() {
    }

    /** {@code batch} images in NCHW order, uniform in ±1 with some exact zeros, from the seed. */
    static float[] images(Network network, int batch, long seed) {
        return images(network.inputSize(), batch, seed);
    }

    /** {@code batch} images of {@code imageSize} values each, as {@link #images(Network, int, long)}. */
    static float[] images(int imageSize, int batch, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        float[] x = new float[batch * imageSize];
        for (int i = 0; i < x.length; i++) x[i] = random.nextDouble() < 0.05 ? 0f : (float) random.nextDouble(-1, 1);
        return x;
    }

    /** The same images with each image's values in {@code order}. */
    static float[] inOrder(float[] nchw, Network network, int batch, Layout order) {
        return inOrder(nchw, network.inChannels(), network.imageSize() * network.imageSize(), batch, order);
    }

    /** The same images of {@code c} channels × {@code hw} pixels with each image's values in {@code order}. */
    static float[] inOrder(float[] nchw, int c, int hw, int batch, Layout order) {
        if (order == Layout.NCHW) return nchw.clone();
        float[] out = new float[nchw.length];
        for (int n = 0; n < batch; n++) {
            int base = n * c * hw;
            for (int p = 0; p < hw; p++) for (int ch = 0; ch < c; ch++) out[base + p * c + ch] = nchw[base + ch * hw + p];
        }
        return out;
    }

    /** Runs {@code batch} NCHW images through a fresh session of {@code threads}, giving them in {@code order}. */
    static float[] run(Model model, int threads, int batch, float[] nchw, Network network, Layout order) {
        try (Session session = model.newSession(batch, threads)) {
            return session.run(inOrder(nchw, network, batch, order), order, batch);
        }
    }

    static double[] reference(Graph graph, Weights weights, float[] nchw, int batch) {
        return new ReferenceExecutor(graph, weights).run(nchw, batch);
    }

    /**
     * Every logit within {@link #RELATIVE_TOLERANCE} of the largest reference |logit| of the batch. A float network's
     * error scales with the magnitudes summed inside it, not with one logit, so a scale taken from a lone logit
     * that happens to cancel to near zero would be unfair; the batch's largest, over several classes, is not.
     */
    static void closeToReference(Object context, String what, double[] reference, float[] actual, int classes) {
        double scale = 0;
        for (double r : reference) scale = Math.max(scale, Math.abs(r));
        double tolerance = RELATIVE_TOLERANCE * scale + 1e-30;
        for (int i = 0; i < reference.length; i++) {
            double error = Math.abs(actual[i] - reference[i]);
            if (!(error <= tolerance)) {
                throw new AssertionError(context + "\n  " + what + ": image " + i / classes + " logit " + i % classes
                        + " is " + actual[i] + ", reference " + reference[i] + ": error " + error + " > " + tolerance
                        + " (1e-4 of the batch's largest |logit| " + scale + ")");
            }
        }
    }

    /** Every logit within {@link #RELATIVE_TOLERANCE} of the largest |logit| of the first run's batch. */
    static void closeToEachOther(Object context, String what, float[] first, float[] second, int classes) {
        double[] asDouble = new double[first.length];
        for (int i = 0; i < first.length; i++) asDouble[i] = first[i];
        closeToReference(context, what, asDouble, second, classes);
    }

    /** Bit for bit (== on every logit: NaN never matches). */
    static void identical(Object context, String what, float[] expected, float[] actual, int classes) {
        for (int i = 0; i < expected.length; i++) {
            if (!(expected[i] == actual[i])) {
                int differing = 0;
                for (int j = 0; j < expected.length; j++) if (!(expected[j] == actual[j])) differing++;
                throw new AssertionError(context + "\n  " + what + ": " + differing + " of " + expected.length
                        + " logits differ (bit-identical expected); first: image " + i / classes + " logit "
                        + i % classes + ": " + expected[i] + " vs " + actual[i] + " (difference "
                        + Math.abs(expected[i] - actual[i]) + ")");
            }
        }
    }
}
