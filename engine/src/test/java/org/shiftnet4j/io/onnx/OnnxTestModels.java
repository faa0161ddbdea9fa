package org.shiftnet4j.io.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Small ONNX models built by hand, the way PyTorch's exporter writes them, for import tests. */
final class OnnxTestModels {
    private OnnxTestModels() {}

    record Built(byte[] bytes, OnnxModel model, int channels, int height, int width) {}

    /** Collects nodes and initializers; values are seeded so a failure is reproducible. */
    static final class Builder {
        final List<OnnxNode> nodes = new ArrayList<>();
        final List<OnnxTensor> initializers = new ArrayList<>();
        final SplittableRandom random;
        long opset = 17;

        Builder(long seed) {
            random = new SplittableRandom(seed);
        }

        Builder node(String op, List<String> inputs, String output, OnnxAttribute... attrs) {
            nodes.add(new OnnxNode(op + "_" + nodes.size(), op, "", inputs, List.of(output), List.of(attrs), ""));
            return this;
        }

        String floats(String name, long[] dims, float[] values) {
            initializers.add(OnnxTensor.ofFloats(name, dims, values));
            return name;
        }

        String random(String name, long... dims) {
            float[] v = new float[(int) Arrays.stream(dims).reduce(1, (a, b) -> a * b)];
            for (int i = 0; i < v.length; i++) v[i] = (float) (random.nextDouble() * 2 - 1);
            return floats(name, dims, v);
        }

        String positive(String name, long... dims) {
            float[] v = new float[(int) Arrays.stream(dims).reduce(1, (a, b) -> a * b)];
            for (int i = 0; i < v.length; i++) v[i] = (float) (0.5 + random.nextDouble());
            return floats(name, dims, v);
        }

        String longs(String name, long... values) {
            initializers.add(OnnxTensor.ofLongs(name, new long[] {values.length}, values));
            return name;
        }

        String scalar(String name, float value) {
            return floats(name, new long[0], new float[] {value});
        }

        /** One-hot depthwise kernels [c, 1, k, k] with a random hot tap per channel. */
        String oneHot(String name, int c, int k) {
            float[] v = new float[c * k * k];
            for (int ch = 0; ch < c; ch++) v[ch * k * k + random.nextInt(k * k)] = 1f;
            return floats(name, new long[] {c, 1, k, k}, v);
        }

        Built build(String inputName, int c, int h, int w, String output, OnnxDim... outDims) {
            OnnxValueInfo in = OnnxValueInfo.tensor(inputName, OnnxTensor.FLOAT, OnnxDim.symbolic("N"), OnnxDim.of(c),
                    OnnxDim.of(h), OnnxDim.of(w));
            OnnxDim[] dims = new OnnxDim[outDims.length + 1];
            dims[0] = OnnxDim.symbolic("N");
            System.arraycopy(outDims, 0, dims, 1, outDims.length);
            OnnxValueInfo out = OnnxValueInfo.tensor(output, OnnxTensor.FLOAT, dims);
            OnnxGraph g = new OnnxGraph("test", nodes, initializers, List.of(in), List.of(out), List.of(), "");
            OnnxModel m = new OnnxModel(8, List.of(new OpsetImport("", opset)), "test", "", "", 0, "", g, java.util.Map.of());
            return new Built(m.toByteArray(), m, c, h, w);
        }
    }

    static OnnxAttribute ints(String name, long... v) {
        return OnnxAttribute.ofInts(name, v);
    }

    static OnnxAttribute i(String name, long v) {
        return OnnxAttribute.ofInt(name, v);
    }

    /**
     * Conv (bias, groups, stride), Clip as ReLU6, BatchNormalization with its own epsilon, MaxPool and AveragePool
     * (both count_include_pad settings), Add, Concat, a non-one-hot depthwise Conv, Identity, Flatten of a 5×5 map,
     * Gemm with transB = 0 and alpha/beta, MatMul + Add, Relu: logits out.
     */
    static Built everyOp(int channels) {
        Builder b = new Builder(42);
        b.node("Conv", List.of("image", b.random("c1.weight", 8, channels, 3, 3), b.random("c1.bias", 8)), "t1",
                ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1));
        b.node("Clip", List.of("t1", b.scalar("zero", 0f), b.scalar("six", 6f)), "t2");
        b.node("Conv", List.of("t2", b.random("c2.weight", 8, 2, 3, 3)), "t3", i("group", 4),
                ints("pads", 1, 1, 1, 1), ints("strides", 2, 2));
        b.node("BatchNormalization", List.of("t3", b.random("bn.weight", 8), b.random("bn.bias", 8),
                b.random("bn.running_mean", 8), b.positive("bn.running_var", 8)), "t4", OnnxAttribute.ofFloat("epsilon", 1e-3f));
        b.node("Relu", List.of("t4"), "t5");
        b.node("MaxPool", List.of("t5"), "t6", ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1));
        b.node("AveragePool", List.of("t5"), "t7", ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1));
        b.node("AveragePool", List.of("t5"), "t7b", ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1),
                i("count_include_pad", 1));
        b.node("Add", List.of("t6", "t7"), "t8");
        b.node("Concat", List.of("t8", "t7b"), "t9", i("axis", 1));
        b.node("Conv", List.of("t9", b.random("dw.weight", 16, 1, 3, 3)), "t10", i("group", 16),
                ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1));
        b.node("Identity", List.of("t10"), "t11");
        b.node("Flatten", List.of("t11"), "t12", i("axis", 1));
        b.node("Gemm", List.of("t12", b.random("fc1.weight", 16 * 25, 20), b.random("fc1.bias", 20)), "t13",
                OnnxAttribute.ofFloat("alpha", 0.5f), OnnxAttribute.ofFloat("beta", 2f));
        b.node("Relu", List.of("t13"), "t14");
        b.node("MatMul", List.of("t14", b.random("fc2.weight", 20, 7)), "t15");
        b.node("Add", List.of("t15", b.random("fc2.bias", 7)), "logits");
        return b.build("image", channels, 9, 9, "logits", OnnxDim.of(7));
    }

    /**
     * Shifts as exporters write them: one-hot depthwise Convs (K3, and K3 with dilation 2), a Pad followed by
     * chained per-axis Slices and a Concat, and a K5 one-hot Conv with a BatchNorm folded into its taps and bias;
     * then GlobalAveragePool, Reshape to rows and Gemm (transB = 1).
     */
    static Built pytorchStyleShifts() {
        Builder b = new Builder(7);
        int c = 12, mid = 18;
        b.node("Conv", List.of("image", b.random("a.weight", mid, c, 1, 1)), "a", ints("kernel_shape", 1, 1));
        b.node("Conv", List.of("a", b.oneHot("shift1", mid, 3)), "s1", i("group", mid), ints("kernel_shape", 3, 3),
                ints("pads", 1, 1, 1, 1));
        b.node("Conv", List.of("s1", b.random("b.weight", mid, mid, 1, 1), b.random("b.bias", mid)), "bb");
        b.node("Conv", List.of("bb", b.oneHot("shift2", mid, 3)), "s2", i("group", mid), ints("kernel_shape", 3, 3),
                ints("dilations", 2, 2), ints("pads", 2, 2, 2, 2));
        b.node("Pad", List.of("s2", b.longs("pads", 0, 0, 1, 1, 0, 0, 1, 1)), "padded", OnnxAttribute.ofString("mode", "constant"));
        // Three channel groups moved by (-1, 0), (0, +1) and (+1, -1): channel slice first, then one spatial slice.
        int[][] groups = {{0, 6, 0, 1}, {6, 12, 1, 2}, {12, 18, 2, 0}};
        List<String> parts = new ArrayList<>();
        for (int g = 0; g < groups.length; g++) {
            int[] gr = groups[g];
            b.node("Slice", List.of("padded", b.longs("cs" + g, gr[0]), b.longs("ce" + g, gr[1]), b.longs("ca" + g, 1)),
                    "ch" + g);
            b.node("Slice", List.of("ch" + g, b.longs("ss" + g, gr[2], gr[3]),
                    b.longs("se" + g, gr[2] + 7, gr[3] + 7), b.longs("sa" + g, 2, 3), b.longs("st" + g, 1, 1)), "part" + g);
            parts.add("part" + g);
        }
        b.node("Concat", parts, "s3", i("axis", 1));
        // A shift with the following BatchNorm folded in by the exporter: one scaled tap per kernel, and a bias.
        String scaled = b.oneHot("shift4", mid, 5);
        OnnxTensor hot = b.initializers.remove(b.initializers.size() - 1);
        float[] v = hot.floats().clone();
        for (int k = 0; k < v.length; k++) if (v[k] != 0f) v[k] = (float) (0.5 + b.random.nextDouble());
        b.floats(scaled, hot.dims(), v);
        b.node("Conv", List.of("s3", scaled, b.random("shift4.bias", mid)), "s4", i("group", mid),
                ints("kernel_shape", 5, 5), ints("pads", 2, 2, 2, 2));
        b.node("Relu", List.of("s4"), "r4");
        b.node("GlobalAveragePool", List.of("r4"), "gap");
        b.node("Reshape", List.of("gap", b.longs("shape", 0, -1)), "rows");
        b.node("Gemm", List.of("rows", b.random("fc.weight", 5, mid), b.random("fc.bias", 5)), "logits", i("transB", 1));
        return b.build("image", c, 7, 7, "logits", OnnxDim.of(5));
    }

    /**
     * The head torch.onnx writes for {@code x.view(x.size(0), -1)}: Shape → Gather(0) → Unsqueeze → Concat with
     * [-1] → Reshape, after a GlobalAveragePool, then Gemm.
     */
    static Built torchViewHead() {
        Builder b = new Builder(5);
        b.node("GlobalAveragePool", List.of("image"), "gap");
        b.node("Shape", List.of("gap"), "shape");
        b.initializers.add(OnnxTensor.ofLongs("zero", new long[0], new long[] {0}));
        b.node("Gather", List.of("shape", "zero"), "batch", i("axis", 0));
        b.node("Unsqueeze", List.of("batch", b.longs("axes", 0)), "batch1");
        b.node("Concat", List.of("batch1", b.longs("minus1", -1)), "target", i("axis", 0));
        b.node("Reshape", List.of("gap", "target"), "rows");
        b.node("Gemm", List.of("rows", b.random("fc.weight", 4, 6), b.random("fc.bias", 4)), "logits", i("transB", 1));
        return b.build("image", 6, 5, 3, "logits", OnnxDim.of(4));
    }

    /** Flatten of a C×1×1 input, then Softmax over the classes. */
    static Built softmaxHead(int classes) {
        Builder b = new Builder(3);
        b.node("Flatten", List.of("image"), "rows");
        b.node("Softmax", List.of("rows"), "probabilities", i("axis", -1));
        return b.build("image", classes, 1, 1, "probabilities", OnnxDim.of(classes));
    }
}
