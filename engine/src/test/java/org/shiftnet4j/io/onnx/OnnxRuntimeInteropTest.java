package org.shiftnet4j.io.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writer against the real thing: models encoded by {@link OnnxModel#toByteArray()} must load and run in ONNX
 * Runtime (a C++ protobuf reader of onnx.proto) and give the expected numbers, and a model ONNX Runtime writes
 * must parse here. This is what proves the packed/unpacked and field-presence choices.
 */
class OnnxRuntimeInteropTest {
    /** A process-wide singleton shared with any other test that uses ONNX Runtime, so it is not closed here. */
    private static OrtEnvironment env;

    @BeforeAll
    static void environment() {
        env = OrtEnvironment.getEnvironment();
    }

    private static OrtSession.SessionOptions singleThreaded() throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        return options;
    }

    private static OnnxModel model(OnnxGraph graph) {
        return new OnnxModel(8, List.of(new OpsetImport("", 17)), "shiftnet4j", "test", "", 0, "", graph, Map.of());
    }

    /** Runs {@code model} on one float input and returns the first output's values. */
    private static float[] run(OnnxModel model, String input, float[] values, long[] shape) throws OrtException {
        try (OrtSession.SessionOptions options = singleThreaded();
             OrtSession session = env.createSession(model.toByteArray(), options);
             ai.onnxruntime.OnnxTensor x = ai.onnxruntime.OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape);
             OrtSession.Result result = session.run(Map.of(input, x))) {
            FloatBuffer out = ((ai.onnxruntime.OnnxTensor) result.get(0)).getFloatBuffer();
            float[] copy = new float[out.remaining()];
            out.get(copy);
            return copy;
        }
    }

    static OnnxModel convRelu(float[] weight, float[] bias) {
        OnnxTensor w = OnnxTensor.ofFloats("conv.weight", new long[]{2, 3, 1, 1}, weight);
        OnnxTensor b = OnnxTensor.ofFloats("conv.bias", new long[]{2}, bias);
        OnnxNode conv = new OnnxNode("conv", "Conv", "", List.of("X", "conv.weight", "conv.bias"), List.of("c"),
                List.of(OnnxAttribute.ofInts("kernel_shape", 1, 1), OnnxAttribute.ofInts("strides", 1, 1),
                        OnnxAttribute.ofInts("pads", 0, 0, 0, 0), OnnxAttribute.ofInts("dilations", 1, 1),
                        OnnxAttribute.ofInt("group", 1)), "");
        OnnxNode relu = new OnnxNode("relu", "Relu", "", List.of("c"), List.of("Y"), List.of(), "");
        OnnxGraph graph = new OnnxGraph("conv_relu", List.of(conv, relu), List.of(w, b),
                List.of(OnnxValueInfo.tensor("X", OnnxTensor.FLOAT, OnnxDim.symbolic("N"), OnnxDim.of(3), OnnxDim.of(4),
                        OnnxDim.of(4))),
                List.of(OnnxValueInfo.tensor("Y", OnnxTensor.FLOAT, OnnxDim.symbolic("N"), OnnxDim.of(2),
                        OnnxDim.of(4), OnnxDim.of(4))),
                List.of(), "");
        return model(graph);
    }

    @Test
    void convReluWrittenHereRunsInOnnxRuntime() throws OrtException {
        float[] weight = {0.5f, -1f, 2f, 0.25f, 0f, -0.75f};
        float[] bias = {0.1f, -0.2f};
        int n = 2;
        float[] x = new float[n * 3 * 16];
        Random random = new Random(3);
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) random.nextGaussian();
        }
        float[] y = run(convRelu(weight, bias), "X", x, new long[]{n, 3, 4, 4});
        assertEquals(n * 2 * 16, y.length);
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < 2; o++) {
                for (int p = 0; p < 16; p++) {
                    double sum = bias[o];
                    for (int c = 0; c < 3; c++) {
                        sum += (double) weight[o * 3 + c] * x[(b * 3 + c) * 16 + p];
                    }
                    assertEquals(Math.max(0, sum), y[(b * 2 + o) * 16 + p], 1e-5, "n" + b + " o" + o + " p" + p);
                }
            }
        }
    }

    /** Attributes whose value is 0 keep it: {@code alpha=0} must not turn into LeakyRelu's default of 0.01. */
    @Test
    void zeroValuedScalarAttributesArePresent() throws OrtException {
        OnnxTensor row = OnnxTensor.ofFloats("row", new long[]{1, 2}, new float[]{7f, 8f});
        OnnxNode concat = new OnnxNode("cat", "Concat", "", List.of("X", "row"), List.of("c"),
                List.of(OnnxAttribute.ofInt("axis", 0)), "");
        OnnxNode leaky = new OnnxNode("leaky", "LeakyRelu", "", List.of("c"), List.of("Y"),
                List.of(OnnxAttribute.ofFloat("alpha", 0f)), "");
        OnnxGraph graph = new OnnxGraph("cat", List.of(concat, leaky), List.of(row),
                List.of(OnnxValueInfo.tensor("X", OnnxTensor.FLOAT, OnnxDim.symbolic("N"), OnnxDim.of(2))),
                List.of(OnnxValueInfo.tensor("Y", OnnxTensor.FLOAT, new OnnxDim(-1, null), OnnxDim.of(2))),
                List.of(), "");
        float[] y = run(model(graph), "X", new float[]{1f, -2f, -3f, 4f}, new long[]{2, 2});
        assertArrayEquals(new float[]{1f, 0f, 0f, 4f, 7f, 8f}, y, 0f, "alpha 0 (the default is 0.01), -0 == 0");
    }

    /** Every supported element type, written as raw_data, cast to float by ONNX Runtime. */
    @Test
    void initializersOfEveryTypeReadBackThroughCast() throws OrtException {
        List<OnnxTensor> tensors = new ArrayList<>();
        for (OnnxTensor t : OnnxRoundTripTest.tensorsOfEveryType()) {
            // Empty tensors have nothing to compare, and Cast's output names need the tensor's name.
            if (t.elementCount() > 0 && !t.name().isEmpty()) {
                tensors.add(t);
            }
        }
        List<OnnxNode> nodes = new ArrayList<>();
        List<OnnxValueInfo> outputs = new ArrayList<>();
        for (OnnxTensor t : tensors) {
            nodes.add(new OnnxNode("cast_" + t.name(), "Cast", "", List.of(t.name()), List.of("out_" + t.name()),
                    List.of(OnnxAttribute.ofInt("to", t.dataType() == OnnxTensor.DOUBLE ? OnnxTensor.DOUBLE
                            : OnnxTensor.FLOAT)), ""));
            outputs.add(new OnnxValueInfo("out_" + t.name(), 0, null));
        }
        OnnxGraph graph = new OnnxGraph("casts", nodes, tensors, List.of(), outputs, List.of(), "");
        try (OrtSession.SessionOptions options = singleThreaded();
             OrtSession session = env.createSession(model(graph).toByteArray(), options);
             OrtSession.Result result = session.run(Map.of())) {
            for (int k = 0; k < tensors.size(); k++) {
                OnnxTensor t = tensors.get(k);
                ai.onnxruntime.OnnxTensor out = (ai.onnxruntime.OnnxTensor) result.get(k);
                double[] actual = new double[(int) t.elementCount()];
                if (t.dataType() == OnnxTensor.DOUBLE) {
                    out.getDoubleBuffer().get(actual);
                } else {
                    float[] f = new float[actual.length];
                    out.getFloatBuffer().get(f);
                    for (int j = 0; j < f.length; j++) {
                        actual[j] = f[j];
                    }
                }
                for (int j = 0; j < actual.length; j++) {
                    double expected = t.isFloating() ? t.floats()[j]
                            : t.dataType() == OnnxTensor.UINT64 ? unsignedToDouble(t.longs()[j]) : t.longs()[j];
                    if (t.dataType() != OnnxTensor.DOUBLE) {
                        expected = (float) expected;
                    }
                    assertEquals(expected, actual[j], 0.0, t.name() + "[" + j + "]");
                }
            }
        }
    }

    private static double unsignedToDouble(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }

    /** ONNX Runtime saves the model it optimised; that file, from a C++ protobuf writer, must parse here. */
    @Test
    void modelSavedByOnnxRuntimeParsesHere(@TempDir Path dir) throws OrtException, IOException {
        float[] weight = {0.5f, -1f, 2f, 0.25f, 0f, -0.75f};
        OnnxModel ours = convRelu(weight, new float[]{0.1f, -0.2f});
        Path saved = dir.resolve("optimized.onnx");
        try (OrtSession.SessionOptions options = singleThreaded()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT);
            options.setOptimizedModelFilePath(saved.toString());
            env.createSession(ours.toByteArray(), options).close();
        }
        OnnxModel theirs = OnnxModel.read(saved);
        assertTrue(theirs.defaultOpset() >= 17, theirs.toString());
        List<String> ops = theirs.graph().nodes().stream().map(OnnxNode::opType).toList();
        assertTrue(ops.contains("Conv") || ops.contains("FusedConv"), ops.toString());
        OnnxTensor w = theirs.graph().initializers().stream().filter(t -> t.name().equals("conv.weight"))
                .findFirst().orElseThrow();
        assertArrayEquals(new long[]{2, 3, 1, 1}, w.dims());
        assertArrayEquals(weight, w.floats());
        assertEquals(OnnxDim.symbolic("N"), theirs.graph().inputs().getFirst().shape().getFirst());
    }
}
