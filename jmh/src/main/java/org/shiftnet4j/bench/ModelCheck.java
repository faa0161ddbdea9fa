package org.shiftnet4j.bench;

import java.util.Arrays;
import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.ReferenceExecutor;
import org.shiftnet4j.graph.Weights;
import org.shiftnet4j.runtime.Model;
import org.shiftnet4j.runtime.Session;
import org.shiftnet4j.tensor.Layout;

/**
 * What a model benchmark checks before it times anything, so that a broken kernel fails the run instead of
 * producing a fast number: finite outputs, run-to-run determinism (a race between intra-op threads shows here),
 * images in a batch equal to the same images run alone, and agreement with the double-precision
 * {@link ReferenceExecutor}, which runs the graph unfused and knows nothing of kernels or layouts.
 */
final class ModelCheck {
    /**
     * Allowed error relative to the largest reference logit: float rounding through ~100 layers stays near 1e-5
     * (the model tests hold 1e-4); a wrong kernel is off by order one.
     */
    static final double RELATIVE_TOLERANCE = 1e-3;

    private ModelCheck() {
    }

    /**
     * Runs {@code session} on {@code input} ({@code batch} NCHW images) and checks the result as described above;
     * leaves the logits in {@code logits}. {@code weights} and {@code options} are the ones the session's model was
     * prepared with; {@code checkGraph} is the network compared with the reference (see
     * {@link BenchModels#referenceCheckGraph}).
     */
    static void requireCorrect(String what, Session session, float[] input, int batch, float[] logits,
                               Graph checkGraph, Weights weights, Model.Options options, int threads) {
        session.run(input, Layout.NCHW, batch, logits);
        requireFinite(what, logits);
        float[] again = new float[logits.length];
        session.run(input, Layout.NCHW, batch, again);
        if (!Arrays.equals(logits, again)) {
            throw new IllegalStateException(what + ": two runs on the same input gave different logits; "
                    + "benchmarking it would time a broken (racy?) session");
        }
        if (batch > 1) {
            requireBatchMatchesSingleImages(what, session, input, batch, logits);
        }
        requireMatchesReference(what, session, input, logits, checkGraph, weights, options, threads);
    }

    /** The first and the last image of the batch, each run alone, against its slot of the batch output. */
    private static void requireBatchMatchesSingleImages(String what, Session session, float[] input, int batch,
                                                        float[] logits) {
        int in = session.inputSize(), out = session.outputSize();
        for (int image : new int[] {0, batch - 1}) {
            float[] alone = session.run(Arrays.copyOfRange(input, image * in, (image + 1) * in), Layout.NCHW, 1);
            requireClose(what + ", image " + image + " of the batch against the same image alone",
                    toDoubles(alone), Arrays.copyOfRange(logits, image * out, (image + 1) * out));
        }
    }

    private static void requireMatchesReference(String what, Session session, float[] input, float[] logits,
                                                Graph checkGraph, Weights weights, Model.Options options,
                                                int threads) {
        Graph timed = session.model().graph();
        boolean sameNetwork = checkGraph.input().height() == timed.input().height()
                && checkGraph.input().width() == timed.input().width();
        float[] image;
        float[] actual;
        if (sameNetwork) {
            image = Arrays.copyOf(input, session.inputSize());
            actual = Arrays.copyOf(logits, session.outputSize());
        } else {
            image = BenchSettings.randomFloats((int) checkGraph.input().elementsPerImage(), 1f,
                    BenchSettings.SEED + 2);
            try (Session small = Model.prepare(checkGraph, weights, options).newSession(1, threads)) {
                actual = small.run(image, Layout.NCHW, 1);
            }
        }
        double[] expected = new ReferenceExecutor(checkGraph, weights).run(image, 1);
        requireClose(what + " against the double-precision reference (" + BenchModels.label(checkGraph) + ")",
                expected, actual);
    }

    private static void requireFinite(String what, float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalStateException(what + ": logit " + i + " is " + values[i]
                        + "; benchmarking it would time a broken network");
            }
        }
    }

    static void requireClose(String what, double[] expected, float[] actual) {
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs(expected[i] - actual[i]);
            if (!(error <= RELATIVE_TOLERANCE * scale + 1e-6)) {
                throw new IllegalStateException(what + ": logit " + i + " is " + actual[i] + ", expected "
                        + expected[i] + " (error " + error + ", largest |logit| " + scale
                        + "); benchmarking it would time a wrong kernel");
            }
        }
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
