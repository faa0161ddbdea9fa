package org.shiftnet4j.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The graph nodes an ONNX importer needs beyond the model zoo's (max pooling, clip, flatten, softmax, BatchNorm with
 * its own epsilon): shapes inferred as PyTorch does, bad wiring rejected with the node named, and the
 * double-precision reference computing each by its definition on hand-checked values.
 */
class ImportNodesGraphTest {

    private static Graph graph() {
        return new Graph("g");
    }

    // ---- shapes and descriptions -------------------------------------------------------------------------------

    @Test
    void maxPoolShapesFollowPyTorchFloorMode() {
        Graph g = graph();
        Value x = g.input(64, 112, 112);
        assertEquals("64×56×56", g.maxPool(x, 3, 2, 1).shape());   // ResNet's stem
        assertEquals("64×56×56", g.maxPool(x, 2, 2, 0).shape());   // VGG's
        Value pooled = g.maxPool(g.maxPool(x, 3, 3, 0), 2, 2, 1); // 112 → 37 → floor((37+2-2)/2)+1 = 19
        assertEquals("64×19×19", pooled.shape());
        Graph h = new Graph("h");
        Value rect = h.maxPool(h.input(8, 7, 9), 2, 2, 0);
        assertEquals("8×3×4", rect.shape());
        Node.MaxPool node = assertInstanceOf(Node.MaxPool.class, h.producer(rect));
        assertEquals("maxpool 2×2/2", node.describe());
        assertEquals(0, Graph.macs(node));
        assertEquals(0, h.parameterCount(node, true));
    }

    @Test
    void clipKeepsTheShapeAndNamesReluSix() {
        Graph g = graph();
        Value x = g.input(5, 4, 3);
        Value six = g.clip(x, 0f, 6f);
        Value band = g.clip(six, -1f, 1f);
        Value oneSided = g.clip(band, Float.NEGATIVE_INFINITY, 0.5f);
        Value point = g.clip(oneSided, 2f, 2f);
        assertEquals("5×4×3", point.shape());
        assertEquals("relu6", g.producer(six).describe());
        assertEquals("clip [-1.0, 1.0]", g.producer(band).describe());
        assertEquals("clip [-Infinity, 0.5]", g.producer(oneSided).describe());
        Node.Clip node = assertInstanceOf(Node.Clip.class, g.producer(point));
        assertEquals(2f, node.min());
        assertEquals(2f, node.max());
        assertEquals(0, Graph.macs(node));
    }

    @Test
    void flattenGivesAllFeaturesAsChannels() {
        Graph g = graph();
        Value x = g.input(3, 4, 5);
        Value f = g.flatten(x);
        assertEquals("60×1×1", f.shape());
        assertEquals("flatten", g.producer(f).describe());
        Value again = g.flatten(f);
        assertEquals("60×1×1", again.shape());
        Value logits = g.linear(f, "fc", 7);
        Value probabilities = g.softmax(logits);
        assertEquals("7×1×1", probabilities.shape());
        assertEquals("softmax", g.producer(probabilities).describe());
        assertEquals(0, Graph.macs(g.producer(f)));
        assertEquals(0, Graph.macs(g.producer(probabilities)));
    }

    @Test
    void batchNormCarriesItsEpsilon() {
        Graph g = graph();
        Value x = g.input(4, 2, 2);
        Value a = g.batchNorm(x, "bn1");
        Value b = g.batchNorm(a, "bn2", 1e-3f);
        Value c = g.batchNorm(b, "bn3", 0f);
        assertEquals(Graph.BN_EPSILON, ((Node.BatchNorm) g.producer(a)).epsilon());
        assertEquals(1e-3f, ((Node.BatchNorm) g.producer(b)).epsilon());
        assertEquals(0f, ((Node.BatchNorm) g.producer(c)).epsilon());
        assertTrue(g.params().containsKey("bn2.running_var"));
    }

    // ---- rejections ----------------------------------------------------------------------------------------------

    @Test
    void badMaxPoolGeometryIsRejected() {
        Graph g = graph();
        Value x = g.input(4, 6, 6);
        assertRejected(() -> g.maxPool(x, 0, 1, 0), "maxpool");
        assertRejected(() -> g.maxPool(x, 3, 0, 0), "maxpool");
        assertRejected(() -> g.maxPool(x, 3, 1, -1), "maxpool");
        assertRejected(() -> g.maxPool(x, 3, 1, 2), "padding must be at most half");
        assertRejected(() -> g.maxPool(x, 2, 2, 2), "padding must be at most half");
        assertRejected(() -> g.maxPool(x, 9, 1, 1), "does not fit");
        Value other = new Graph("other").input(4, 6, 6);
        assertRejected(() -> g.maxPool(other, 2, 2, 0), "does not belong");
    }

    @Test
    void badClipBoundsAreRejected() {
        Graph g = graph();
        Value x = g.input(4, 6, 6);
        assertRejected(() -> g.clip(x, 1f, 0f), "clip");
        assertRejected(() -> g.clip(x, Float.NaN, 1f), "NaN");
        assertRejected(() -> g.clip(x, 0f, Float.NaN), "NaN");
        assertRejected(() -> g.clip(x, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY), "clip");
    }

    @Test
    void softmaxNeedsOnePixel() {
        Graph g = graph();
        Value x = g.input(4, 2, 1);
        assertRejected(() -> g.softmax(x), "softmax needs a C×1×1 input");
        assertEquals("8×1×1", g.softmax(g.flatten(x)).shape());
    }

    @Test
    void badBatchNormEpsilonIsRejected() {
        Graph g = graph();
        Value x = g.input(4, 2, 2);
        assertRejected(() -> g.batchNorm(x, "bn", -1e-5f), "epsilon");
        assertRejected(() -> g.batchNorm(x, "bn", Float.NaN), "epsilon");
        assertRejected(() -> g.batchNorm(x, "bn", Float.POSITIVE_INFINITY), "epsilon");
        assertTrue(g.params().isEmpty(), "a rejected node registers no parameters");
    }

    @Test
    void flattenOfTooManyFeaturesIsRejected() {
        Graph g = graph();
        Value x = g.input(65_536, 256, 256);
        assertRejected(() -> g.flatten(x), "flatten");
    }

    private static void assertRejected(Runnable build, String messagePart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run);
        assertTrue(e.getMessage().startsWith("g: ") || e.getMessage().startsWith("g "),
                "message names the graph: " + e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage() + " should mention " + messagePart);
    }

    // ---- the double-precision reference ------------------------------------------------------------------------

    private static double[] run(Graph g, float[] input) {
        return new ReferenceExecutor(g, Weights.of(g, Map.of())).run(input, 1);
    }

    @Test
    void referenceMaxPoolIgnoresPadding() {
        Graph g = graph();
        Value x = g.input(1, 3, 3);
        g.output(g.maxPool(x, 3, 2, 1));
        float[] in = {-9, -8, -7,
                      -6, -5, -4,
                      -3, -2, -1};
        // Windows: rows/cols {0,1} x {0,1}, {0,1} x {1,2}, {1,2} x {0,1}, {1,2} x {1,2}; padding would give 0.
        assertArrayEquals(new double[] {-5, -4, -2, -1}, run(g, in));
    }

    @Test
    void referenceClipSoftmaxAndFlatten() {
        Graph g = graph();
        Value x = g.input(2, 1, 2);
        Value clipped = g.clip(x, -1f, 1f);
        g.output(g.softmax(g.flatten(clipped)));
        double[] p = run(g, new float[] {-3, 0.5f, 2, 0});
        double[] e = {Math.exp(-1), Math.exp(0.5), Math.exp(1), Math.exp(0)};
        double sum = e[0] + e[1] + e[2] + e[3];
        for (int i = 0; i < 4; i++) assertEquals(e[i] / sum, p[i], 1e-15);
    }

    @Test
    void referenceFlattenKeepsChannelMajorOrder() {
        Graph g = graph();
        Value x = g.input(2, 2, 3);
        g.output(g.flatten(x));
        float[] in = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, run(g, in));
    }

    @Test
    void referenceBatchNormUsesTheNodesEpsilon() {
        Graph g = graph();
        Value x = g.input(1, 1, 1);
        g.output(g.batchNorm(x, "bn", 0.5f));
        Weights w = Weights.of(g, Map.of("bn.weight", new float[] {1}, "bn.bias", new float[] {0},
                "bn.running_mean", new float[] {0}, "bn.running_var", new float[] {0.5f}));
        assertEquals(2.0, new ReferenceExecutor(g, w).run(new float[] {2}, 1)[0], 1e-12);
    }
}
