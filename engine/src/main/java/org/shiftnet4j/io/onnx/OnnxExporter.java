package org.shiftnet4j.io.onnx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.Node;
import org.shiftnet4j.graph.Value;
import org.shiftnet4j.graph.Weights;
import org.shiftnet4j.kernel.ShiftTable;

/**
 * Writes an engine network as an ONNX model (opset {@value #OPSET}) that other runtimes can run. Every node maps to
 * standard ops; BatchNorm is kept as BatchNormalization (unfolded) so the file carries the same parameters as the
 * PyTorch state_dict; a shift becomes a depthwise Conv with one-hot kernels (default) or Pad + Slice + Concat.
 *
 * <p>The output is deterministic: exporting, importing with {@link OnnxImporter} and exporting again gives the same
 * bytes. Value names are "input", "output" and "t" + the engine value's id; initializers keep the PyTorch names.
 */
public final class OnnxExporter {
    public static final long OPSET = 17;
    public static final long IR_VERSION = 8;
    public static final String PRODUCER = "shiftnet4j";

    /** How a shift is written: there is no ONNX shift op. */
    public enum ShiftForm {
        /** A depthwise Conv (group = C) with one-hot K×K kernels: one node, C·K² weights. */
        ONE_HOT_DEPTHWISE,
        /** Pad by the largest offset, one Slice per run of channels with equal offsets, a channel Concat: no weights. */
        PAD_SLICE_CONCAT
    }

    private OnnxExporter() {}

    public static OnnxModel export(Graph graph, Weights weights) {
        return export(graph, weights, ShiftForm.ONE_HOT_DEPTHWISE);
    }

    public static OnnxModel export(Graph graph, Weights weights, ShiftForm shiftForm) {
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(shiftForm, "shiftForm");
        return new Writer(graph, weights, shiftForm).write();
    }

    private static final class Writer {
        private final Graph graph;
        private final Weights weights;
        private final ShiftForm shiftForm;
        private final List<OnnxNode> nodes = new ArrayList<>();
        private final Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
        /** Values ONNX sees as N×F rows rather than N×C×H×W. */
        private final Set<Value> rows = new HashSet<>();

        Writer(Graph graph, Weights weights, ShiftForm shiftForm) {
            this.graph = graph;
            this.weights = weights;
            this.shiftForm = shiftForm;
        }

        OnnxModel write() {
            for (Node n : graph.nodes()) node(n);
            Value in = graph.input(), out = graph.output();
            OnnxDim batch = OnnxDim.symbolic("N");
            OnnxValueInfo input = OnnxValueInfo.tensor("input", OnnxTensor.FLOAT, batch,
                    OnnxDim.of(in.channels()), OnnxDim.of(in.height()), OnnxDim.of(in.width()));
            OnnxValueInfo output = rows.contains(out)
                    ? OnnxValueInfo.tensor("output", OnnxTensor.FLOAT, batch, OnnxDim.of(out.channels()))
                    : OnnxValueInfo.tensor("output", OnnxTensor.FLOAT, batch, OnnxDim.of(out.channels()),
                    OnnxDim.of(out.height()), OnnxDim.of(out.width()));
            OnnxGraph g = new OnnxGraph(graph.name(), nodes, List.copyOf(initializers.values()), List.of(input),
                    List.of(output), List.of(), "");
            return new OnnxModel(IR_VERSION, List.of(new OpsetImport("", OPSET)), PRODUCER, "", "", 0, "", g, Map.of());
        }

        private String name(Value v) {
            if (v.equals(graph.input())) return "input";
            if (v.equals(graph.output())) return "output";
            return "t" + v.id();
        }

        private void node(Node n) {
            switch (n) {
                case Node.Input in -> { }
                case Node.Conv c -> conv(c);
                case Node.BatchNorm b -> {
                    String p = b.param();
                    emit("BatchNormalization", p, List.of(name(b.input()), param(p + ".weight", b.input().channels()),
                            param(p + ".bias", b.input().channels()), param(p + ".running_mean", b.input().channels()),
                            param(p + ".running_var", b.input().channels())), b.output(),
                            OnnxAttribute.ofFloat("epsilon", b.epsilon()));
                    sameRank(b.input(), b.output());
                }
                case Node.Relu r -> {
                    emit("Relu", "relu_" + r.output().id(), List.of(name(r.input())), r.output());
                    sameRank(r.input(), r.output());
                }
                case Node.Clip c -> clip(c);
                case Node.Shift s -> {
                    if (shiftForm == ShiftForm.ONE_HOT_DEPTHWISE) oneHotShift(s);
                    else padSliceConcatShift(s);
                }
                case Node.Add a -> {
                    emit("Add", "add_" + a.output().id(), List.of(name(a.left()), name(a.right())), a.output());
                    if (rows.contains(a.left()) || rows.contains(a.right())) rows.add(a.output());
                }
                case Node.Concat c -> {
                    List<String> parts = new ArrayList<>();
                    for (Value v : c.parts()) parts.add(name(v));
                    emit("Concat", "concat_" + c.output().id(), parts, c.output(), OnnxAttribute.ofInt("axis", 1));
                    if (rows.contains(c.parts().get(0))) rows.add(c.output());
                }
                case Node.AvgPool p -> emit("AveragePool", "avgpool_" + p.output().id(), List.of(name(p.input())), p.output(),
                        OnnxAttribute.ofInt("count_include_pad", p.countIncludePad() ? 1 : 0),
                        OnnxAttribute.ofInts("kernel_shape", p.kernelSize(), p.kernelSize()),
                        OnnxAttribute.ofInts("pads", p.padding(), p.padding(), p.padding(), p.padding()),
                        OnnxAttribute.ofInts("strides", p.stride(), p.stride()));
                case Node.MaxPool p -> emit("MaxPool", "maxpool_" + p.output().id(), List.of(name(p.input())), p.output(),
                        OnnxAttribute.ofInts("kernel_shape", p.kernelSize(), p.kernelSize()),
                        OnnxAttribute.ofInts("pads", p.padding(), p.padding(), p.padding(), p.padding()),
                        OnnxAttribute.ofInts("strides", p.stride(), p.stride()));
                case Node.GlobalAvgPool g -> emit("GlobalAveragePool", "globalavgpool_" + g.output().id(),
                        List.of(name(g.input())), g.output());
                case Node.Flatten f -> {
                    emit("Flatten", "flatten_" + f.output().id(), List.of(name(f.input())), f.output(),
                            OnnxAttribute.ofInt("axis", 1));
                    rows.add(f.output());
                }
                case Node.Linear l -> linear(l);
                case Node.Softmax s -> {
                    emit("Softmax", "softmax_" + s.output().id(), List.of(asRow(s.input())), s.output(),
                            OnnxAttribute.ofInt("axis", 1));
                    rows.add(s.output());
                }
            }
        }

        private void sameRank(Value in, Value out) {
            if (rows.contains(in)) rows.add(out);
        }

        private void conv(Node.Conv c) {
            String p = c.param();
            int k = c.kernelSize(), pad = c.padding();
            List<String> inputs = new ArrayList<>(List.of(name(c.input()),
                    param(p + ".weight", c.output().channels(), c.input().channels() / c.groups(), k, k)));
            if (c.bias()) inputs.add(param(p + ".bias", c.output().channels()));
            List<OnnxAttribute> attrs = new ArrayList<>();
            if (c.groups() != 1) attrs.add(OnnxAttribute.ofInt("group", c.groups()));
            attrs.add(OnnxAttribute.ofInts("kernel_shape", k, k));
            attrs.add(OnnxAttribute.ofInts("pads", pad, pad, pad, pad));
            attrs.add(OnnxAttribute.ofInts("strides", c.stride(), c.stride()));
            emit("Conv", p, inputs, c.output(), attrs.toArray(OnnxAttribute[]::new));
        }

        private void clip(Node.Clip c) {
            String id = "clip_" + c.output().id();
            String min = Float.isInfinite(c.min()) ? "" : constant(id + ".min", c.min());
            String max = Float.isInfinite(c.max()) ? "" : constant(id + ".max", c.max());
            List<String> inputs = new ArrayList<>(List.of(name(c.input()), min));
            if (!max.isEmpty()) inputs.add(max);
            emit("Clip", id, inputs, c.output());
            sameRank(c.input(), c.output());
        }

        private void linear(Node.Linear l) {
            String p = l.param();
            int in = l.input().channels(), out = l.output().channels();
            emit("Gemm", p, List.of(asRow(l.input()), param(p + ".weight", out, in), param(p + ".bias", out)), l.output(),
                    OnnxAttribute.ofInt("transB", 1));
            rows.add(l.output());
        }

        /** The ONNX name of {@code v} as an N×F row: a C×1×1 activation gets a Flatten in front of its reader. */
        private String asRow(Value v) {
            if (rows.contains(v)) return name(v);
            String flat = name(v) + "_row";
            if (!initializers.containsKey(flat) && nodes.stream().noneMatch(n -> n.outputs().contains(flat))) {
                nodes.add(new OnnxNode("flatten_" + v.id(), "Flatten", "", List.of(name(v)), List.of(flat),
                        List.of(OnnxAttribute.ofInt("axis", 1)), ""));
            }
            return flat;
        }

        private void oneHotShift(Node.Shift s) {
            ShiftTable t = s.table();
            int k = t.kernelSize(), d = t.dilation(), c = t.channels();
            String weight = "shift_" + s.output().id() + ".weight";
            initializers.put(weight, OnnxTensor.ofFloats(weight, new long[] {c, 1, k, k}, t.oneHotDepthwiseWeights()));
            int pad = d * (k / 2);
            List<OnnxAttribute> attrs = new ArrayList<>();
            if (d != 1) attrs.add(OnnxAttribute.ofInts("dilations", d, d));
            attrs.add(OnnxAttribute.ofInt("group", c));
            attrs.add(OnnxAttribute.ofInts("kernel_shape", k, k));
            attrs.add(OnnxAttribute.ofInts("pads", pad, pad, pad, pad));
            attrs.add(OnnxAttribute.ofInts("strides", 1, 1));
            emit("Conv", "shift_" + s.output().id(), List.of(name(s.input()), weight), s.output(),
                    attrs.toArray(OnnxAttribute[]::new));
        }

        private void padSliceConcatShift(Node.Shift s) {
            ShiftTable t = s.table();
            String id = "shift_" + s.output().id();
            int m = t.maxAbsOffset(), h = s.input().height(), w = s.input().width();
            String padded = id + "_padded";
            String pads = ints(id + ".pads", 0, 0, m, m, 0, 0, m, m);
            nodes.add(new OnnxNode(id + "_pad", "Pad", "", List.of(name(s.input()), pads), List.of(padded),
                    List.of(OnnxAttribute.ofString("mode", "constant")), ""));
            String axes = ints(id + ".axes", 1, 2, 3);
            List<String> parts = new ArrayList<>();
            for (int c0 = 0, part = 0; c0 < t.channels(); part++) {
                int c1 = c0 + 1;
                while (c1 < t.channels() && t.dy(c1) == t.dy(c0) && t.dx(c1) == t.dx(c0)) c1++;
                int y0 = m + t.dy(c0), x0 = m + t.dx(c0);
                String starts = ints(id + ".s" + part + ".starts", c0, y0, x0);
                String ends = ints(id + ".s" + part + ".ends", c1, y0 + h, x0 + w);
                String out = id + "_s" + part;
                nodes.add(new OnnxNode(id + "_slice" + part, "Slice", "", List.of(padded, starts, ends, axes),
                        List.of(out), List.of(), ""));
                parts.add(out);
                c0 = c1;
            }
            emit("Concat", id, parts, s.output(), OnnxAttribute.ofInt("axis", 1));
        }

        private String ints(String name, long... values) {
            initializers.put(name, OnnxTensor.ofLongs(name, new long[] {values.length}, values));
            return name;
        }

        private String constant(String name, float value) {
            initializers.put(name, OnnxTensor.ofFloats(name, new long[0], new float[] {value}));
            return name;
        }

        /** Adds parameter {@code name} as an initializer of the given ONNX shape; returns its name. */
        private String param(String name, long... dims) {
            initializers.put(name, OnnxTensor.ofFloats(name, dims, weights.get(name)));
            return name;
        }

        private void emit(String op, String nodeName, List<String> inputs, Value out, OnnxAttribute... attrs) {
            nodes.add(new OnnxNode(nodeName, op, "", inputs, List.of(name(out)), List.of(attrs), ""));
        }
    }
}
