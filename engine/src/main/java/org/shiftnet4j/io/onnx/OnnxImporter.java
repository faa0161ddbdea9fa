package org.shiftnet4j.io.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.Value;
import org.shiftnet4j.graph.Weights;
import org.shiftnet4j.kernel.ShiftPolicy;
import org.shiftnet4j.kernel.ShiftTable;

/**
 * Turns an ONNX model (opsets {@value #MIN_OPSET}–{@value #MAX_OPSET}) exported from PyTorch or by
 * {@link OnnxExporter} into an engine {@link Graph} with {@link Weights}, ready for {@code Model.prepare}.
 *
 * <p>Shifts are recognised wherever an exporter wrote them out as computation: a depthwise Conv whose every kernel
 * is one-hot becomes a {@code Shift} with the offsets read from the kernels (one non-zero tap that is not 1, or a bias,
 * is a BatchNorm folded in by the exporter: it becomes a shift then a per-channel affine map), and a Pad followed by per-group Slices
 * and a channel Concat becomes one too. BatchNorm stays a node here; {@code Model.prepare} folds it.
 *
 * <p>Supported: Conv (any group), BatchNormalization, Relu, Clip, Add, Concat, AveragePool, MaxPool,
 * GlobalAveragePool, Flatten, Reshape (to 2-D), Gemm, MatMul (+ Add as its bias), Softmax, Pad/Slice (as a shift),
 * Identity, Dropout (inference), Constant and initializers, and the shape arithmetic of {@code x.view(x.size(0), -1)}
 * (Shape, Gather, Unsqueeze, Concat of constants, folded). Anything else raises an {@link OnnxImportException}
 * naming the node, op and attribute.
 */
public final class OnnxImporter {
    public static final int MIN_OPSET = 13;
    public static final int MAX_OPSET = 21;
    /** {@link ImportedNetwork.RecognizedShift#pattern()} of a one-hot depthwise Conv. */
    public static final String ONE_HOT_DEPTHWISE = "one-hot depthwise Conv";
    /**
     * {@link ImportedNetwork.RecognizedShift#pattern()} of a depthwise Conv with one non-zero tap per kernel (and maybe
     * a bias): a shift followed by a per-channel affine map, as PyTorch writes a shift with the next BatchNorm folded in.
     */
    public static final String SCALED_ONE_HOT_DEPTHWISE = "one-hot depthwise Conv with folded BatchNorm";
    /** {@link ImportedNetwork.RecognizedShift#pattern()} of Pad + Slice + Concat. */
    public static final String PAD_SLICE_CONCAT = "Pad + Slice + Concat";

    private OnnxImporter() {}

    /** Reads and imports an ONNX file; the network is named after the file when the graph has no name. */
    public static ImportedNetwork read(Path path) throws IOException {
        OnnxModel model = OnnxModel.read(path);
        String file = path.getFileName() == null ? "model" : path.getFileName().toString();
        return importModel(model, file.endsWith(".onnx") ? file.substring(0, file.length() - 5) : file);
    }

    /** Imports a parsed model; {@code fallbackName} names the network when the ONNX graph has no name. */
    public static ImportedNetwork importModel(OnnxModel model, String fallbackName) throws OnnxImportException {
        return new Importer(model, fallbackName).run();
    }

    /** An activation: the engine value and whether ONNX sees it as N×C×H×W (4) or N×F (2). */
    private record Act(Value value, int rank) {}

    private static final class Importer {
        private final OnnxModel model;
        private final OnnxGraph onnx;
        private final Graph graph;
        private final Map<String, OnnxTensor> constants = new HashMap<>();
        private final Map<String, Act> acts = new HashMap<>();
        private final Map<String, List<OnnxNode>> consumers = new HashMap<>();
        private final Map<String, OnnxNode> producers = new HashMap<>();
        private final Set<String> graphOutputs = new HashSet<>();
        private final Set<OnnxNode> consumed = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        private final Map<String, float[]> params = new LinkedHashMap<>();
        private final Set<String> prefixes = new HashSet<>();
        /** MatMul outputs → the linear layer's parameter prefix, so that a following Add can become its bias. */
        private final Map<String, String> biasFreeLinears = new HashMap<>();
        private final List<ImportedNetwork.RecognizedShift> shifts = new ArrayList<>();

        Importer(OnnxModel model, String fallbackName) {
            this.model = model;
            this.onnx = model.graph();
            String name = onnx == null || onnx.name() == null || onnx.name().isEmpty() ? fallbackName : onnx.name();
            this.graph = new Graph(name);
        }

        ImportedNetwork run() throws OnnxImportException {
            if (onnx == null) throw new OnnxImportException("the model has no graph");
            long opset = model.defaultOpset();
            if (opset < MIN_OPSET || opset > MAX_OPSET) {
                throw new OnnxImportException(opset < 0 ? "the model imports no default-domain opset"
                        : "opset " + opset + " is not supported (shiftnet4j reads opsets " + MIN_OPSET + "–" + MAX_OPSET
                        + "; re-export with opset_version=17)");
            }
            for (OnnxTensor t : onnx.initializers()) constants.put(t.name(), t);
            for (OnnxNode n : onnx.nodes()) {
                for (String out : n.outputs()) if (!out.isEmpty()) producers.put(out, n);
                for (String in : n.inputs()) {
                    if (!in.isEmpty()) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                }
            }
            for (OnnxValueInfo out : onnx.outputs()) graphOutputs.add(out.name());
            String inputName = declareInput();
            for (OnnxNode n : onnx.nodes()) {
                if (consumed.contains(n)) continue;
                try {
                    lower(n);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    throw new OnnxImportException(label(n), n.opType(), null, e.getMessage());
                }
            }
            if (onnx.outputs().size() != 1) {
                throw new OnnxImportException("the graph has " + onnx.outputs().size()
                        + " outputs; shiftnet4j runs networks with exactly one");
            }
            OnnxValueInfo outInfo = onnx.outputs().get(0);
            Act out = acts.get(outInfo.name());
            if (out == null) {
                throw new OnnxImportException("the graph output '" + outInfo.name() + "' is "
                        + (constants.containsKey(outInfo.name()) ? "a constant" : "not produced by any node"));
            }
            checkDeclaredShape(outInfo, out);
            graph.output(out.value());
            Weights weights;
            try {
                weights = Weights.of(graph, params);
            } catch (IllegalArgumentException e) {
                throw new OnnxImportException(e.getMessage());
            }
            return new ImportedNetwork(graph, weights, inputName, outInfo.name(), shifts);
        }

        private String declareInput() throws OnnxImportException {
            List<OnnxValueInfo> real = new ArrayList<>();
            for (OnnxValueInfo in : onnx.inputs()) if (!constants.containsKey(in.name())) real.add(in);
            if (real.size() != 1) {
                throw new OnnxImportException("the graph has " + real.size()
                        + " inputs besides its initializers; shiftnet4j runs networks with exactly one image input");
            }
            OnnxValueInfo in = real.get(0);
            if (in.elemType() != OnnxTensor.FLOAT) {
                throw new OnnxImportException("input '" + in.name() + "' has element type "
                        + OnnxTensor.typeName(in.elemType()) + "; shiftnet4j takes FLOAT images");
            }
            List<OnnxDim> dims = in.shape();
            if (dims == null || dims.size() != 4) {
                throw new OnnxImportException("input '" + in.name() + "' must be a 4-D N×C×H×W tensor, got "
                        + (dims == null ? "no shape" : dims.size() + " dimensions"));
            }
            int[] chw = new int[3];
            String[] what = {"channels", "height", "width"};
            for (int i = 0; i < 3; i++) {
                long d = dims.get(i + 1).value();
                if (d < 1 || d > 1 << 20) {
                    throw new OnnxImportException("input '" + in.name() + "' has " + (d < 0 ? "a symbolic " : "invalid ")
                            + what[i] + " (" + dims.get(i + 1) + "); shiftnet4j needs fixed C, H and W");
                }
                chw[i] = (int) d;
            }
            acts.put(in.name(), new Act(graph.input(chw[0], chw[1], chw[2]), 4));
            return in.name();
        }

        private void checkDeclaredShape(OnnxValueInfo info, Act act) throws OnnxImportException {
            if (info.shape() == null) return;
            Value v = act.value();
            long[] ours = act.rank() == 2 ? new long[] {v.channels()} : new long[] {v.channels(), v.height(), v.width()};
            if (info.shape().size() != ours.length + 1) {
                throw new OnnxImportException("output '" + info.name() + "' is declared with " + info.shape().size()
                        + " dimensions but the network computes " + (ours.length + 1));
            }
            for (int i = 0; i < ours.length; i++) {
                long d = info.shape().get(i + 1).value();
                if (d >= 0 && d != ours[i]) {
                    throw new OnnxImportException("output '" + info.name() + "' is declared as " + info.shape()
                            + " but the network computes N×" + v.shape());
                }
            }
        }

        // ---------------------------------------------------------------- ops

        private void lower(OnnxNode n) throws OnnxImportException {
            if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
                throw unsupported(n, null, "ops of domain '" + n.domain() + "' are not supported");
            }
            switch (n.opType()) {
                case "Conv" -> conv(n);
                case "BatchNormalization" -> batchNorm(n);
                case "Relu" -> { allow(n); define(n, graph.relu(act(n, 0).value()), act(n, 0).rank()); }
                case "Clip" -> clip(n);
                case "Add" -> add(n);
                case "Concat" -> {
                    if (allConstant(n)) foldConcat(n);
                    else concat(n);
                }
                case "Shape" -> shape(n);
                case "Gather" -> foldGather(n);
                case "Unsqueeze" -> foldUnsqueeze(n);
                case "AveragePool" -> pool(n, true);
                case "MaxPool" -> pool(n, false);
                case "GlobalAveragePool" -> {
                    allow(n);
                    define(n, graph.globalAvgPool(act4(n, 0).value()), 4);
                }
                case "Flatten" -> flatten(n);
                case "Reshape" -> reshape(n);
                case "Gemm" -> gemm(n);
                case "MatMul" -> matMul(n);
                case "Softmax" -> softmax(n);
                case "Identity" -> { allow(n); alias(n, act(n, 0)); }
                case "Dropout" -> dropout(n);
                case "Constant" -> constant(n);
                case "Pad" -> padSliceConcat(n);
                case "Slice" -> throw unsupported(n, null,
                        "a Slice is supported only inside a shift pattern (Pad, per-group Slices, one channel Concat)");
                default -> throw unsupported(n, null, "op " + n.opType() + " is not supported");
            }
        }

        private void conv(OnnxNode n) throws OnnxImportException {
            allow(n, "auto_pad", "dilations", "group", "kernel_shape", "pads", "strides");
            outputs(n, 1);
            Act x = act4(n, 0);
            OnnxTensor w = floatConstant(n, 1, "weight");
            OnnxTensor b = n.inputs().size() > 2 && !n.inputs().get(2).isEmpty() ? floatConstant(n, 2, "bias") : null;
            if (w.dims().length != 4) throw unsupported(n, null, "weight must be 4-D [Cout, Cin/group, kH, kW], got " + dims(w));
            int cout = toInt(n, w.dims()[0]), cinPerGroup = toInt(n, w.dims()[1]);
            int kh = toInt(n, w.dims()[2]), kw = toInt(n, w.dims()[3]);
            int cin = x.value().channels(), h = x.value().height(), wd = x.value().width();
            long group = intAttr(n, "group", 1);
            if (group < 1 || cin % group != 0 || cinPerGroup * group != cin || cout % group != 0) {
                throw unsupported(n, "group", "group " + group + " does not fit weight " + dims(w) + " and "
                        + cin + " input channels");
            }
            long[] ks = intsAttr(n, "kernel_shape", null);
            if (ks != null && (ks.length != 2 || ks[0] != kh || ks[1] != kw)) {
                throw unsupported(n, "kernel_shape", "kernel_shape " + java.util.Arrays.toString(ks)
                        + " disagrees with the weight " + dims(w));
            }
            long[] strides = pair(n, "strides");
            long[] dilations = pair(n, "dilations");
            long[] pads = pads(n, h, wd, kh, kw, strides, dilations);
            if (b != null && b.elementCount() != cout) {
                throw unsupported(n, null, "bias has " + b.elementCount() + " values for " + cout + " output channels");
            }
            if (group == cin && cout == cin && strides[0] == 1 && strides[1] == 1
                    && pads[0] + pads[2] == dilations[0] * (kh - 1) && pads[1] + pads[3] == dilations[1] * (kw - 1)) {
                float[] taps = new float[cin];
                ShiftTable table = singleTapShift(w.floats(), cin, kh, kw, pads, dilations, taps);
                if (table != null) {
                    Value shifted = graph.shift(x.value(), table);
                    boolean scaled = !allEqual(taps, 1f) || (b != null && !allZero(b.floats()));
                    if (scaled) {
                        // PyTorch folds a BatchNorm after the shift into the kernels: keep it as a per-channel affine.
                        String prefix = prefix(w.name(), ".weight", label(n));
                        params.put(prefix + ".weight", taps);
                        params.put(prefix + ".bias", b == null ? new float[cin] : b.floats());
                        params.put(prefix + ".running_mean", new float[cin]);
                        float[] ones = new float[cin];
                        java.util.Arrays.fill(ones, 1f);
                        params.put(prefix + ".running_var", ones);
                        shifted = graph.batchNorm(shifted, prefix, 0f);
                    }
                    define(n, shifted, 4);
                    shifts.add(new ImportedNetwork.RecognizedShift(List.of(label(n)),
                            scaled ? SCALED_ONE_HOT_DEPTHWISE : ONE_HOT_DEPTHWISE, table));
                    return;
                }
            }
            if (kh != kw) throw unsupported(n, "kernel_shape", "non-square kernels (" + kh + "×" + kw + ") are not supported");
            if (strides[0] != strides[1]) throw unsupported(n, "strides", "unequal strides " + java.util.Arrays.toString(strides));
            if (dilations[0] != 1 || dilations[1] != 1) {
                throw unsupported(n, "dilations", "dilated convolutions are supported only as one-hot shifts");
            }
            if (pads[0] != pads[1] || pads[0] != pads[2] || pads[0] != pads[3]) {
                throw unsupported(n, "pads", "asymmetric padding " + java.util.Arrays.toString(pads) + " is not supported");
            }
            String prefix = prefix(w.name(), ".weight", label(n));
            params.put(prefix + ".weight", w.floats());
            if (b != null) params.put(prefix + ".bias", b.floats());
            define(n, graph.conv(x.value(), prefix, cout, kh, (int) strides[0], (int) pads[0], (int) group, b != null), 4);
        }

        /**
         * The shift a depthwise kernel set computes when every kernel has exactly one non-zero tap (whose values go
         * to {@code tapValues}), or null when some kernel has more or none.
         */
        private static ShiftTable singleTapShift(float[] w, int channels, int kh, int kw, long[] pads, long[] dilations,
                                                 float[] tapValues) {
            int[] dy = new int[channels], dx = new int[channels];
            int taps = kh * kw;
            for (int c = 0; c < channels; c++) {
                int hot = -1;
                for (int t = 0; t < taps; t++) {
                    float v = w[c * taps + t];
                    if (v == 0f) continue;
                    if (hot >= 0 || !Float.isFinite(v)) return null;
                    hot = t;
                    tapValues[c] = v;
                }
                if (hot < 0) return null;
                long oy = (hot / kw) * dilations[0] - pads[0];
                long ox = (hot % kw) * dilations[1] - pads[1];
                if (Math.abs(oy) > ShiftTable.MAX_OFFSET || Math.abs(ox) > ShiftTable.MAX_OFFSET) return null;
                dy[c] = (int) oy;
                dx[c] = (int) ox;
            }
            int k = kh == kw && kh % 2 == 1 && dilations[0] == dilations[1] ? kh : -1;
            return table(dy, dx, k, (int) dilations[0]);
        }

        /**
         * A table with these offsets, described by the policy that produces them when one does (MODULO or CONTIGUOUS,
         * first at the exporter's K and dilation), else explicit.
         */
        private static ShiftTable table(int[] dy, int[] dx, int kernelSize, int dilation) {
            ShiftTable explicit = ShiftTable.explicit(dy, dx);
            List<int[]> candidates = new ArrayList<>();
            if (kernelSize >= 1 && kernelSize <= ShiftTable.MAX_KERNEL_SIZE && dilation >= 1) {
                candidates.add(new int[] {kernelSize, dilation});
            }
            int max = explicit.maxAbsOffset();
            for (int d = Math.max(max, 1); d >= 1; d--) {
                if (max % d == 0 && 2 * (max / d) + 1 <= ShiftTable.MAX_KERNEL_SIZE) candidates.add(new int[] {2 * (max / d) + 1, d});
            }
            for (int[] kd : candidates) {
                for (ShiftPolicy policy : ShiftPolicy.values()) {
                    ShiftTable t = ShiftTable.of(policy, dy.length, kd[0], kd[1]);
                    if (t.sameOffsets(explicit)) return t;
                }
            }
            return explicit;
        }

        private void batchNorm(OnnxNode n) throws OnnxImportException {
            allow(n, "epsilon", "momentum", "training_mode");
            if (intAttr(n, "training_mode", 0) != 0) throw unsupported(n, "training_mode", "training mode is not supported");
            outputs(n, 1);
            Act x = act(n, 0);
            int c = x.value().channels();
            String[] roles = {"weight", "bias", "running_mean", "running_var"};
            OnnxTensor[] t = new OnnxTensor[4];
            for (int i = 0; i < 4; i++) {
                t[i] = floatConstant(n, i + 1, roles[i]);
                if (t[i].elementCount() != c) {
                    throw unsupported(n, null, roles[i] + " has " + t[i].elementCount() + " values for " + c + " channels");
                }
            }
            float eps = floatAttr(n, "epsilon", 1e-5f);
            if (!(eps >= 0) || Float.isInfinite(eps)) throw unsupported(n, "epsilon", "epsilon " + eps + " is not a finite number >= 0");
            String prefix = prefix(t[0].name(), ".weight", label(n));
            for (int i = 0; i < 4; i++) params.put(prefix + "." + roles[i], t[i].floats());
            define(n, graph.batchNorm(x.value(), prefix, eps), x.rank());
        }

        private void clip(OnnxNode n) throws OnnxImportException {
            allow(n);
            outputs(n, 1);
            Act x = act(n, 0);
            float min = optionalScalar(n, 1, Float.NEGATIVE_INFINITY);
            float max = optionalScalar(n, 2, Float.POSITIVE_INFINITY);
            if (Float.isNaN(min) || Float.isNaN(max) || min > max) {
                throw unsupported(n, null, "bounds [" + min + ", " + max + "] are not an interval");
            }
            Value out = min == 0f && max == Float.POSITIVE_INFINITY ? graph.relu(x.value()) : graph.clip(x.value(), min, max);
            define(n, out, x.rank());
        }

        private void add(OnnxNode n) throws OnnxImportException {
            allow(n);
            outputs(n, 1);
            input(n, 1);
            String a = n.inputs().get(0), b = n.inputs().get(1);
            if (acts.containsKey(a) && acts.containsKey(b)) {
                Act x = acts.get(a), y = acts.get(b);
                define(n, graph.add(x.value(), y.value()), Math.max(x.rank(), y.rank()));
                return;
            }
            String actName = acts.containsKey(a) ? a : acts.containsKey(b) ? b : null;
            String constName = actName == a ? b : a;
            String prefix = actName == null ? null : biasFreeLinears.get(actName);
            if (prefix == null || !constants.containsKey(constName) || uses(actName) != 1) {
                throw unsupported(n, null, "adding a constant is supported only as the bias right after a MatMul");
            }
            float[] bias = params.get(prefix + ".bias");
            OnnxTensor c = floatConstant(n, actName == a ? 1 : 0, "bias");
            if (c.elementCount() != bias.length && c.elementCount() != 1) {
                throw unsupported(n, null, "bias has " + c.elementCount() + " values for " + bias.length + " outputs");
            }
            for (int i = 0; i < bias.length; i++) bias[i] += c.floats()[c.elementCount() == 1 ? 0 : i];
            biasFreeLinears.remove(actName);
            alias(n, acts.get(actName));
        }

        private void concat(OnnxNode n) throws OnnxImportException {
            allow(n, "axis");
            outputs(n, 1);
            if (n.inputs().isEmpty()) throw unsupported(n, null, "a Concat needs inputs");
            Value[] parts = new Value[n.inputs().size()];
            int rank = act(n, 0).rank();
            for (int i = 0; i < parts.length; i++) {
                Act a = act(n, i);
                if (a.rank() != rank) throw unsupported(n, null, "inputs of different ranks");
                parts[i] = a.value();
            }
            long axis = intAttr(n, "axis", Long.MIN_VALUE);
            if (axis != 1 && axis != 1 - rank) {
                throw unsupported(n, "axis", "only concatenation along channels (axis 1) is supported, got "
                        + (axis == Long.MIN_VALUE ? "no axis" : axis));
            }
            define(n, graph.concat(parts), rank);
        }

        private void pool(OnnxNode n, boolean average) throws OnnxImportException {
            if (average) allow(n, "auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides");
            else allow(n, "auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides");
            outputs(n, 1);
            Act x = act4(n, 0);
            long[] ks = intsAttr(n, "kernel_shape", null);
            if (ks == null || ks.length != 2) throw unsupported(n, "kernel_shape", "a 2-D kernel_shape is required");
            if (ks[0] != ks[1] || ks[0] < 1 || ks[0] > 1 << 16) {
                throw unsupported(n, "kernel_shape", "only square kernels are supported, got " + java.util.Arrays.toString(ks));
            }
            long[] strides = pair(n, "strides");
            long[] dilations = pair(n, "dilations");
            if (dilations[0] != 1 || dilations[1] != 1) throw unsupported(n, "dilations", "dilated pooling is not supported");
            if (strides[0] != strides[1]) throw unsupported(n, "strides", "unequal strides " + java.util.Arrays.toString(strides));
            int h = x.value().height(), w = x.value().width(), k = (int) ks[0], s = (int) strides[0];
            long[] pads = pads(n, h, w, k, k, strides, dilations);
            if (pads[0] != pads[1] || pads[0] != pads[2] || pads[0] != pads[3]) {
                throw unsupported(n, "pads", "asymmetric padding " + java.util.Arrays.toString(pads) + " is not supported");
            }
            int p = (int) pads[0];
            if (intAttr(n, "ceil_mode", 0) != 0 && (ceilSize(h, k, s, p) != floorSize(h, k, s, p)
                    || ceilSize(w, k, s, p) != floorSize(w, k, s, p))) {
                throw unsupported(n, "ceil_mode", "ceil_mode 1 changes the output size here and is not supported");
            }
            if (!average && intAttr(n, "storage_order", 0) != 0) throw unsupported(n, "storage_order", "only 0 is supported");
            Value out = average
                    ? graph.avgPool(x.value(), k, s, p, intAttr(n, "count_include_pad", 0) != 0)
                    : graph.maxPool(x.value(), k, s, p);
            define(n, out, 4);
        }

        private static long floorSize(int in, int k, int s, int p) {
            return Math.floorDiv(in + 2L * p - k, s) + 1;
        }

        private static long ceilSize(int in, int k, int s, int p) {
            long size = Math.floorDiv(in + 2L * p - k + s - 1, s) + 1;
            // ONNX (like PyTorch) drops a last window that would start inside the right padding.
            if ((size - 1) * s >= in + p) size--;
            return size;
        }

        private void flatten(OnnxNode n) throws OnnxImportException {
            allow(n, "axis");
            outputs(n, 1);
            Act x = act(n, 0);
            long axis = intAttr(n, "axis", 1);
            if (axis != 1 && axis != 1 - x.rank()) {
                throw unsupported(n, "axis", "only Flatten(axis=1) (one row per image) is supported, got " + axis);
            }
            toFeatures(n, x);
        }

        /** An image's activation as one feature row: free when it is already C×1×1. */
        private void toFeatures(OnnxNode n, Act x) throws OnnxImportException {
            Value v = x.value();
            if (x.rank() == 2 || (v.height() == 1 && v.width() == 1)) alias(n, new Act(v, 2));
            else define(n, graph.flatten(v), 2);
        }

        private void reshape(OnnxNode n) throws OnnxImportException {
            allow(n, "allowzero");
            outputs(n, 1);
            Act x = act(n, 0);
            OnnxTensor shape = constant(n, 1, "shape");
            if (shape.longs() == null || shape.dims().length != 1) {
                throw unsupported(n, null, "the target shape must be a 1-D INT64 constant");
            }
            long[] s = shape.longs();
            long features = x.value().elementsPerImage();
            boolean allowZero = intAttr(n, "allowzero", 0) != 0;
            boolean batchOk = s.length >= 1 && (s[0] == -1 || (s[0] == 0 && !allowZero) || s[0] >= 1);
            if (s.length == 2 && batchOk && (s[1] == features || (s[1] == -1 && s[0] != -1))) {
                toFeatures(n, x);
                return;
            }
            Value v = x.value();
            if (s.length == 4 && batchOk && s[1] == v.channels() && s[2] == v.height() && s[3] == v.width() && x.rank() == 4) {
                alias(n, x);
                return;
            }
            throw unsupported(n, null, "Reshape to " + java.util.Arrays.toString(s) + " of an N×" + v.shape()
                    + " activation: only flattening each image to one row is supported");
        }

        private void gemm(OnnxNode n) throws OnnxImportException {
            allow(n, "alpha", "beta", "transA", "transB");
            outputs(n, 1);
            Act x = act(n, 0);
            if (x.rank() != 2) throw unsupported(n, null, "input A must be 2-D (Flatten first)");
            if (intAttr(n, "transA", 0) != 0) throw unsupported(n, "transA", "transA = 1 is not supported");
            boolean transB = intAttr(n, "transB", 0) != 0;
            float alpha = floatAttr(n, "alpha", 1f), beta = floatAttr(n, "beta", 1f);
            OnnxTensor b = floatConstant(n, 1, "weight");
            int in = x.value().channels();
            if (b.dims().length != 2) throw unsupported(n, null, "B must be 2-D, got " + dims(b));
            int out = toInt(n, transB ? b.dims()[0] : b.dims()[1]);
            if ((transB ? b.dims()[1] : b.dims()[0]) != in) {
                throw unsupported(n, null, "B " + dims(b) + (transB ? " (transposed)" : "") + " does not take " + in + " features");
            }
            float[] weight = transB ? scaled(b.floats(), alpha) : transposed(b.floats(), in, out, alpha);
            float[] bias = new float[out];
            if (n.inputs().size() > 2 && !n.inputs().get(2).isEmpty()) {
                OnnxTensor c = floatConstant(n, 2, "bias");
                if (c.elementCount() != out && c.elementCount() != 1) {
                    throw unsupported(n, null, "C has " + c.elementCount() + " values for " + out + " outputs (only [" + out + "], [1, "
                            + out + "] or a scalar broadcast)");
                }
                for (int i = 0; i < out; i++) bias[i] = beta * c.floats()[c.elementCount() == 1 ? 0 : i];
            }
            String prefix = prefix(b.name(), ".weight", label(n));
            params.put(prefix + ".weight", weight);
            params.put(prefix + ".bias", bias);
            define(n, graph.linear(x.value(), prefix, out), 2);
        }

        private void matMul(OnnxNode n) throws OnnxImportException {
            allow(n);
            outputs(n, 1);
            Act x = act(n, 0);
            if (x.rank() != 2) throw unsupported(n, null, "input A must be 2-D (Flatten first)");
            OnnxTensor b = floatConstant(n, 1, "weight");
            int in = x.value().channels();
            if (b.dims().length != 2 || b.dims()[0] != in) {
                throw unsupported(n, null, "B must be a 2-D [" + in + ", out] constant, got " + dims(b));
            }
            int out = toInt(n, b.dims()[1]);
            String prefix = prefix(b.name(), ".weight", label(n));
            params.put(prefix + ".weight", transposed(b.floats(), in, out, 1f));
            params.put(prefix + ".bias", new float[out]);
            define(n, graph.linear(x.value(), prefix, out), 2);
            biasFreeLinears.put(n.outputs().get(0), prefix);
        }

        private void softmax(OnnxNode n) throws OnnxImportException {
            allow(n, "axis");
            outputs(n, 1);
            Act x = act(n, 0);
            long axis = intAttr(n, "axis", -1);
            boolean channels = x.rank() == 2 ? axis == 1 || axis == -1 : axis == 1 || axis == -3;
            if (!channels || x.value().height() != 1 || x.value().width() != 1) {
                throw unsupported(n, "axis", "only a softmax over the classes of each image is supported");
            }
            define(n, graph.softmax(x.value()), x.rank());
        }

        private void dropout(OnnxNode n) throws OnnxImportException {
            allow(n, "seed");
            if (n.outputs().size() > 1 && !n.outputs().get(1).isEmpty()) {
                throw unsupported(n, null, "the mask output is not supported");
            }
            if (n.inputs().size() > 2 && !n.inputs().get(2).isEmpty()) {
                OnnxTensor training = constant(n, 2, "training_mode");
                if (training.elementCount() != 1 || (training.longs() != null ? training.longs()[0] : training.floats()[0]) != 0) {
                    throw unsupported(n, null, "training mode is not supported");
                }
            }
            alias(n, act(n, 0));
        }

        private void constant(OnnxNode n) throws OnnxImportException {
            outputs(n, 1);
            if (n.attributes().size() != 1) throw unsupported(n, null, "a Constant needs exactly one value attribute");
            OnnxAttribute a = n.attributes().get(0);
            String out = n.outputs().get(0);
            OnnxTensor t = switch (a.name()) {
                case "value" -> {
                    if (a.type() != OnnxAttribute.Type.TENSOR || a.t() == null) throw unsupported(n, "value", "must be a tensor");
                    yield a.t();
                }
                case "value_float" -> OnnxTensor.ofFloats(out, new long[0], new float[] {a.f()});
                case "value_floats" -> OnnxTensor.ofFloats(out, new long[] {a.floats().length}, a.floats());
                case "value_int" -> OnnxTensor.ofLongs(out, new long[0], new long[] {a.i()});
                case "value_ints" -> OnnxTensor.ofLongs(out, new long[] {a.ints().length}, a.ints());
                default -> throw unsupported(n, a.name(), "this kind of Constant is not supported");
            };
            constants.put(out, new OnnxTensor(out, t.dataType(), t.dims(), t.floats(), t.longs()));
        }

        // ------------------------------------------------------- shape arithmetic, folded
        // torch.onnx writes x.view(x.size(0), -1) as Shape → Gather → Unsqueeze → Concat → Reshape. The batch size is
        // unknown until run time, so a folded shape holds 0 there: Reshape reads 0 as "keep this dimension".

        private boolean allConstant(OnnxNode n) {
            for (String in : n.inputs()) if (in.isEmpty() || !constants.containsKey(in)) return false;
            return !n.inputs().isEmpty();
        }

        private void constantOutput(OnnxNode n, long[] dims, long[] values) throws OnnxImportException {
            outputs(n, 1);
            String out = n.outputs().get(0);
            constants.put(out, OnnxTensor.ofLongs(out, dims, values));
        }

        private void shape(OnnxNode n) throws OnnxImportException {
            allow(n, "start", "end");
            Act x = act(n, 0);
            Value v = x.value();
            long[] full = x.rank() == 2 ? new long[] {0, v.channels()} : new long[] {0, v.channels(), v.height(), v.width()};
            int r = full.length;
            long start = intAttr(n, "start", 0), end = intAttr(n, "end", r);
            start = clamp(start < 0 ? start + r : start, r);
            end = clamp(end < 0 ? end + r : end, r);
            long[] part = java.util.Arrays.copyOfRange(full, (int) start, (int) Math.max(start, end));
            constantOutput(n, new long[] {part.length}, part);
        }

        private OnnxTensor longsInput(OnnxNode n, int index, String role) throws OnnxImportException {
            OnnxTensor t = constant(n, index, role);
            if (t.longs() == null) throw unsupported(n, null, role + " must be an integer constant");
            return t;
        }

        private void foldGather(OnnxNode n) throws OnnxImportException {
            allow(n, "axis");
            OnnxTensor data = longsInput(n, 0, "data"), indices = longsInput(n, 1, "indices");
            if (data.dims().length != 1 || intAttr(n, "axis", 0) != 0) {
                throw unsupported(n, null, "Gather is supported only on 1-D integer constants (shape arithmetic)");
            }
            long[] out = new long[indices.longs().length];
            for (int i = 0; i < out.length; i++) {
                long k = indices.longs()[i], size = data.longs().length;
                if (k < -size || k >= size) throw unsupported(n, null, "index " + k + " is out of range for " + size + " values");
                out[i] = data.longs()[(int) (k < 0 ? k + size : k)];
            }
            constantOutput(n, indices.dims().clone(), out);
        }

        private void foldUnsqueeze(OnnxNode n) throws OnnxImportException {
            allow(n);
            OnnxTensor data = longsInput(n, 0, "data"), axes = longsInput(n, 1, "axes");
            int rank = data.dims().length + axes.longs().length;
            if (rank > 8) throw unsupported(n, null, "the result would have " + rank + " dimensions");
            boolean[] inserted = new boolean[rank];
            for (long a : axes.longs()) {
                long axis = a < 0 ? a + rank : a;
                if (axis < 0 || axis >= rank || inserted[(int) axis]) throw unsupported(n, null, "axes " + java.util.Arrays.toString(axes.longs()) + " are invalid");
                inserted[(int) axis] = true;
            }
            long[] dims = new long[rank];
            for (int i = 0, j = 0; i < rank; i++) dims[i] = inserted[i] ? 1 : data.dims()[j++];
            constantOutput(n, dims, data.longs());
        }

        private void foldConcat(OnnxNode n) throws OnnxImportException {
            allow(n, "axis");
            long[] all = new long[0];
            for (int i = 0; i < n.inputs().size(); i++) {
                OnnxTensor t = longsInput(n, i, "input " + i);
                if (t.dims().length != 1) throw unsupported(n, null, "constant inputs must be 1-D");
                long[] joined = java.util.Arrays.copyOf(all, all.length + t.longs().length);
                System.arraycopy(t.longs(), 0, joined, all.length, t.longs().length);
                all = joined;
            }
            if (intAttr(n, "axis", 0) != 0 && intAttr(n, "axis", 0) != -1) throw unsupported(n, "axis", "must be 0 for 1-D constants");
            constantOutput(n, new long[] {all.length}, all);
        }

        // ------------------------------------------------------- Pad + Slice + Concat

        private void padSliceConcat(OnnxNode pad) throws OnnxImportException {
            ShiftPattern p = matchPadSliceConcat(pad);
            if (p == null) {
                throw unsupported(pad, null, "a Pad is supported only as part of a shift (Pad, per-group Slices of it, "
                        + "one channel Concat of the slices)");
            }
            consumed.addAll(p.slices());
            consumed.add(p.concat());
            Value out = graph.shift(p.input().value(), p.table());
            acts.put(p.concat().outputs().get(0), new Act(out, 4));
            shifts.add(new ImportedNetwork.RecognizedShift(
                    List.of(label(pad), p.slices().size() + " Slice nodes", label(p.concat())), PAD_SLICE_CONCAT, p.table()));
        }

        private record ShiftPattern(Act input, List<OnnxNode> slices, OnnxNode concat, ShiftTable table) {}

        /** The shift a Pad, its Slices and their Concat compute, or null when the nodes do not form one. */
        private ShiftPattern matchPadSliceConcat(OnnxNode pad) throws OnnxImportException {
            allow(pad, "mode");
            if (!stringAttr(pad, "mode", "constant").equals("constant") || pad.outputs().size() != 1) return null;
            Act x = act4(pad, 0);
            int c = x.value().channels(), h = x.value().height(), w = x.value().width();
            if (pad.inputs().size() < 2 || !constants.containsKey(pad.inputs().get(1))) return null;
            long[] raw = constants.get(pad.inputs().get(1)).longs();
            if (raw == null) return null;
            long[] axes = {0, 1, 2, 3};
            if (pad.inputs().size() > 3 && !pad.inputs().get(3).isEmpty()) {
                OnnxTensor ax = constants.get(pad.inputs().get(3));
                if (ax == null || ax.longs() == null) return null;
                axes = ax.longs();
            }
            if (raw.length != 2 * axes.length) return null;
            long[] pads = new long[8];
            for (int i = 0; i < axes.length; i++) {
                int axis = (int) (axes[i] < 0 ? axes[i] + 4 : axes[i]);
                if (axis < 0 || axis > 3) return null;
                pads[axis] = raw[i];
                pads[axis + 4] = raw[i + axes.length];
            }
            if (pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0) return null;
            for (long v : pads) if (v < 0 || v > ShiftTable.MAX_OFFSET) return null;
            if (pad.inputs().size() > 2 && !pad.inputs().get(2).isEmpty()) {
                OnnxTensor value = constants.get(pad.inputs().get(2));
                if (value == null || value.elementCount() != 1 || value.floats() == null || value.floats()[0] != 0f) return null;
            }
            String padded = pad.outputs().get(0);
            if (graphOutputs.contains(padded) || consumers.getOrDefault(padded, List.of()).isEmpty()) return null;
            // Follow each Slice chain (exporters may slice one axis per node) from the Pad to a single Concat.
            List<OnnxNode> slices = new ArrayList<>();
            List<OnnxNode> frontier = new ArrayList<>(consumers.get(padded));
            OnnxNode concat = null;
            while (!frontier.isEmpty()) {
                OnnxNode s = frontier.remove(frontier.size() - 1);
                if (!s.opType().equals("Slice") || s.outputs().size() != 1 || graphOutputs.contains(s.outputs().get(0))
                        || slices.contains(s) || slices.size() > 1 << 16) return null;
                slices.add(s);
                List<OnnxNode> next = consumers.getOrDefault(s.outputs().get(0), List.of());
                if (next.size() != 1) return null;
                OnnxNode n = next.get(0);
                if (n.opType().equals("Slice")) {
                    frontier.add(n);
                } else {
                    if (concat != null && n != concat) return null;
                    concat = n;
                }
            }
            if (concat == null || !concat.opType().equals("Concat") || concat.attributes().size() != 1
                    || !concat.attribute("axis").map(a -> a.i() == 1 || a.i() == -3).orElse(false)) return null;
            int[] dy = new int[c], dx = new int[c];
            int next = 0;
            long[] paddedSizes = {-1, c, h + pads[2] + pads[6], w + pads[3] + pads[7]};
            for (String part : concat.inputs()) {
                long[][] r = chainRanges(part, padded, paddedSizes, slices);
                if (r == null || r[1][0] != next || r[2][1] - r[2][0] != h || r[3][1] - r[3][0] != w) return null;
                for (int ch = (int) r[1][0]; ch < r[1][1]; ch++) {
                    dy[ch] = (int) (r[2][0] - pads[2]);
                    dx[ch] = (int) (r[3][0] - pads[3]);
                }
                next = (int) r[1][1];
            }
            if (next != c) return null;
            return new ShiftPattern(x, slices, concat, table(dy, dx, -1, 1));
        }

        /**
         * The [start, end) ranges of the padded tensor that Concat input {@code part} holds, following its chain of
         * Slices back to {@code padded}; null when it is not such a chain.
         */
        private long[][] chainRanges(String part, String padded, long[] paddedSizes, List<OnnxNode> slices) {
            List<OnnxNode> chain = new ArrayList<>();
            String name = part;
            while (!name.equals(padded)) {
                OnnxNode s = producers.get(name);
                if (s == null || !slices.contains(s) || chain.size() > 8) return null;
                chain.add(0, s);
                name = s.inputs().get(0);
            }
            if (chain.isEmpty()) return null;
            long[][] r = {{0, Long.MAX_VALUE}, {0, paddedSizes[1]}, {0, paddedSizes[2]}, {0, paddedSizes[3]}};
            for (OnnxNode s : chain) {
                long[] sizes = {-1, r[1][1] - r[1][0], r[2][1] - r[2][0], r[3][1] - r[3][0]};
                long[][] local = sliceRanges(s, sizes);
                if (local == null) return null;
                for (int a = 1; a < 4; a++) r[a] = new long[] {r[a][0] + local[a][0], r[a][0] + local[a][1]};
            }
            return r;
        }

        /**
         * The [start, end) range a Slice with constant starts/ends/axes and unit steps selects along each of the four
         * axes of a tensor with these sizes (-1: the batch, which must be taken whole), or null when it is anything else.
         */
        private long[][] sliceRanges(OnnxNode s, long[] sizes) {
            if (!s.attributes().isEmpty()) return null;
            if (s.inputs().size() < 3) return null;
            long[] starts = longsConstant(s.inputs().get(1)), ends = longsConstant(s.inputs().get(2));
            long[] axes = s.inputs().size() > 3 && !s.inputs().get(3).isEmpty() ? longsConstant(s.inputs().get(3)) : new long[] {0, 1, 2, 3};
            long[] steps = s.inputs().size() > 4 && !s.inputs().get(4).isEmpty() ? longsConstant(s.inputs().get(4)) : null;
            if (starts == null || ends == null || axes == null || starts.length != ends.length || axes.length != starts.length) {
                return null;
            }
            if (s.inputs().size() > 4 && !s.inputs().get(4).isEmpty() && (steps == null || steps.length != axes.length)) return null;
            long[][] r = new long[4][];
            for (int a = 1; a < 4; a++) r[a] = new long[] {0, sizes[a]};
            r[0] = new long[] {0, Long.MAX_VALUE};
            for (int i = 0; i < axes.length; i++) {
                int axis = (int) (axes[i] < 0 ? axes[i] + 4 : axes[i]);
                if (axis < 0 || axis > 3 || (steps != null && steps[i] != 1)) return null;
                if (axis == 0) {
                    if (starts[i] != 0 || ends[i] < Integer.MAX_VALUE) return null;
                    continue;
                }
                long size = sizes[axis];
                long start = clamp(starts[i] < 0 ? starts[i] + size : starts[i], size);
                long end = clamp(ends[i] < 0 ? ends[i] + size : ends[i], size);
                if (end <= start) return null;
                r[axis] = new long[] {start, end};
            }
            return r;
        }

        private static long clamp(long v, long size) {
            return Math.max(0, Math.min(v, size));
        }

        private long[] longsConstant(String name) {
            OnnxTensor t = constants.get(name);
            return t == null ? null : t.longs();
        }

        // ---------------------------------------------------------- helpers

        private static String label(OnnxNode n) {
            if (n.name() != null && !n.name().isEmpty()) return n.name();
            return n.outputs().isEmpty() ? "(unnamed)" : "(output " + n.outputs().get(0) + ")";
        }

        private static OnnxImportException unsupported(OnnxNode n, String attribute, String problem) {
            return new OnnxImportException(label(n), n.opType(), attribute, problem);
        }

        private void define(OnnxNode n, Value v, int rank) {
            acts.put(n.outputs().get(0), new Act(v, rank));
        }

        private void alias(OnnxNode n, Act a) throws OnnxImportException {
            outputs(n, 1);
            acts.put(n.outputs().get(0), a);
        }

        private int uses(String name) {
            return consumers.getOrDefault(name, List.of()).size() + (graphOutputs.contains(name) ? 1 : 0);
        }

        private static void outputs(OnnxNode n, int count) throws OnnxImportException {
            if (n.outputs().size() < count || n.outputs().get(0).isEmpty()) {
                throw unsupported(n, null, "the node has no output");
            }
            for (int i = count; i < n.outputs().size(); i++) {
                if (!n.outputs().get(i).isEmpty()) {
                    throw unsupported(n, null, "output " + i + " ('" + n.outputs().get(i) + "') is not supported");
                }
            }
        }

        /** Rejects any attribute not named here. */
        private static void allow(OnnxNode n, String... names) throws OnnxImportException {
            for (OnnxAttribute a : n.attributes()) {
                if (!java.util.Arrays.asList(names).contains(a.name())) {
                    throw unsupported(n, a.name(), "attribute is not supported");
                }
            }
        }

        private static void input(OnnxNode n, int index) throws OnnxImportException {
            if (n.inputs().size() <= index || n.inputs().get(index).isEmpty()) {
                throw unsupported(n, null, "input " + index + " is missing");
            }
        }

        private Act act(OnnxNode n, int index) throws OnnxImportException {
            input(n, index);
            String name = n.inputs().get(index);
            Act a = acts.get(name);
            if (a != null) return a;
            if (constants.containsKey(name)) {
                throw unsupported(n, null, "input " + index + " ('" + name + "') is a constant; an activation is needed here");
            }
            throw unsupported(n, null, "input '" + name + "' is not produced by an earlier node, an initializer or the graph "
                    + "input (nodes must be in topological order)");
        }

        private Act act4(OnnxNode n, int index) throws OnnxImportException {
            Act a = act(n, index);
            if (a.rank() != 4) throw unsupported(n, null, "input " + index + " must be an N×C×H×W activation");
            return a;
        }

        private OnnxTensor constant(OnnxNode n, int index, String role) throws OnnxImportException {
            input(n, index);
            String name = n.inputs().get(index);
            OnnxTensor t = constants.get(name);
            if (t == null) {
                throw unsupported(n, null, role + " '" + name + "' must be an initializer or Constant "
                        + "(values computed at run time are not supported)");
            }
            return t;
        }

        private OnnxTensor floatConstant(OnnxNode n, int index, String role) throws OnnxImportException {
            OnnxTensor t = constant(n, index, role);
            if (t.floats() == null) {
                throw unsupported(n, null, role + " '" + t.name() + "' has type " + OnnxTensor.typeName(t.dataType())
                        + "; a floating-point tensor is needed");
            }
            return t;
        }

        private float optionalScalar(OnnxNode n, int index, float absent) throws OnnxImportException {
            if (n.inputs().size() <= index || n.inputs().get(index).isEmpty()) return absent;
            OnnxTensor t = floatConstant(n, index, index == 1 ? "min" : "max");
            if (t.elementCount() != 1) throw unsupported(n, null, "bound '" + t.name() + "' must be a scalar");
            return t.floats()[0];
        }

        private static OnnxAttribute attribute(OnnxNode n, String name, OnnxAttribute.Type type) throws OnnxImportException {
            OnnxAttribute a = n.attribute(name).orElse(null);
            if (a != null && a.type() != type) throw unsupported(n, name, "must be of type " + type + ", got " + a.type());
            return a;
        }

        private static long intAttr(OnnxNode n, String name, long absent) throws OnnxImportException {
            OnnxAttribute a = attribute(n, name, OnnxAttribute.Type.INT);
            return a == null ? absent : a.i();
        }

        private static float floatAttr(OnnxNode n, String name, float absent) throws OnnxImportException {
            OnnxAttribute a = attribute(n, name, OnnxAttribute.Type.FLOAT);
            return a == null ? absent : a.f();
        }

        private static String stringAttr(OnnxNode n, String name, String absent) throws OnnxImportException {
            OnnxAttribute a = attribute(n, name, OnnxAttribute.Type.STRING);
            return a == null ? absent : a.s();
        }

        private static long[] intsAttr(OnnxNode n, String name, long[] absent) throws OnnxImportException {
            OnnxAttribute a = attribute(n, name, OnnxAttribute.Type.INTS);
            return a == null ? absent : a.ints();
        }

        /** A two-value spatial attribute (strides, dilations), 1 when absent, each in 1..65536. */
        private static long[] pair(OnnxNode n, String name) throws OnnxImportException {
            long[] v = intsAttr(n, name, new long[] {1, 1});
            if (v.length != 2 || v[0] < 1 || v[1] < 1 || v[0] > 1 << 16 || v[1] > 1 << 16) {
                throw unsupported(n, name, "needs two values in 1..65536, got " + java.util.Arrays.toString(v));
            }
            return v;
        }

        /** Explicit or auto pads as [top, left, bottom, right]. */
        private static long[] pads(OnnxNode n, int h, int w, int kh, int kw, long[] strides, long[] dilations)
                throws OnnxImportException {
            String auto = stringAttr(n, "auto_pad", "NOTSET");
            long[] explicit = intsAttr(n, "pads", null);
            switch (auto) {
                case "NOTSET" -> {
                    long[] p = explicit == null ? new long[4] : explicit;
                    if (p.length != 4) throw unsupported(n, "pads", "needs four values, got " + p.length);
                    for (long v : p) if (v < 0 || v > 1 << 16) throw unsupported(n, "pads", "value " + v + " is out of range");
                    return p.clone();
                }
                case "VALID" -> {
                    return new long[4];
                }
                case "SAME_UPPER", "SAME_LOWER" -> {
                    long[] p = new long[4];
                    int[] size = {h, w}, k = {kh, kw};
                    for (int a = 0; a < 2; a++) {
                        long out = (size[a] + strides[a] - 1) / strides[a];
                        long total = Math.max(0, (out - 1) * strides[a] + dilations[a] * (k[a] - 1) + 1 - size[a]);
                        long small = total / 2, large = total - small;
                        p[a] = auto.equals("SAME_UPPER") ? small : large;
                        p[a + 2] = auto.equals("SAME_UPPER") ? large : small;
                    }
                    return p;
                }
                default -> throw unsupported(n, "auto_pad", "unknown value " + auto);
            }
        }

        private static int toInt(OnnxNode n, long v) throws OnnxImportException {
            if (v < 1 || v > Integer.MAX_VALUE) throw unsupported(n, null, "dimension " + v + " is out of range");
            return (int) v;
        }

        private static String dims(OnnxTensor t) {
            return java.util.Arrays.toString(t.dims());
        }

        private static boolean allEqual(float[] v, float value) {
            for (float f : v) if (f != value) return false;
            return true;
        }

        private static boolean allZero(float[] v) {
            for (float f : v) if (f != 0f) return false;
            return true;
        }

        private static float[] scaled(float[] v, float alpha) {
            if (alpha == 1f) return v;
            float[] r = new float[v.length];
            for (int i = 0; i < v.length; i++) r[i] = v[i] * alpha;
            return r;
        }

        /** [in, out] row-major to [out, in], times alpha. */
        private static float[] transposed(float[] v, int in, int out, float alpha) {
            float[] r = new float[v.length];
            for (int i = 0; i < in; i++) {
                for (int o = 0; o < out; o++) r[o * in + i] = v[i * out + o] * alpha;
            }
            return r;
        }

        /**
         * A parameter prefix from an initializer's name ("layer1.0.conv1.weight" → "layer1.0.conv1"), so that weights
         * keep their PyTorch names; made unique when two nodes share a name.
         */
        private String prefix(String initializer, String suffix, String fallback) {
            String base = initializer != null && initializer.endsWith(suffix) && initializer.length() > suffix.length()
                    ? initializer.substring(0, initializer.length() - suffix.length())
                    : initializer != null && !initializer.isEmpty() ? initializer : fallback;
            String p = base;
            for (int i = 2; !prefixes.add(p); i++) p = base + "_" + i;
            return p;
        }
    }
}
