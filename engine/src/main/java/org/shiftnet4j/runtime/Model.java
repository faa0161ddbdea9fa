package org.shiftnet4j.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.Node;
import org.shiftnet4j.graph.Value;
import org.shiftnet4j.graph.Weights;
import org.shiftnet4j.kernel.KernelProvider;
import org.shiftnet4j.kernel.Kernels;
import org.shiftnet4j.tensor.Layout;

/**
 * A network prepared for inference: weights loaded once, BatchNorm folded into the neighbouring convolution where
 * the graph allows it (otherwise a fused per-channel scale-shift), ReLUs fused, a memory plan that reuses buffers
 * whose lifetimes do not overlap. Immutable and thread-safe: share one {@code Model} between all threads and give
 * each thread its own {@link Session}.
 */
public final class Model {
    /** How a model is prepared. */
    public record Options(Layout layout, Kernels kernels) {
        public Options {
            Objects.requireNonNull(layout, "layout");
            Objects.requireNonNull(kernels, "kernels");
        }

        /** NHWC (channels contiguous, which suits small late-stage images) with the kernels chosen at start-up. */
        public static Options defaults() {
            return new Options(Layout.NHWC, KernelProvider.get());
        }

        public Options withLayout(Layout l) {
            return new Options(l, kernels);
        }

        public Options withKernels(Kernels k) {
            return new Options(layout, k);
        }
    }

    private final Graph graph;
    private final Options options;
    private final List<Step> steps;
    /** Slot of each value id, -1 for values that were fused away. */
    private final int[] slotOf;
    /** Floats per image of each slot. */
    private final long[] slotFloats;
    /** Zero-padding border of each value's buffer: values read through a folded shift carry one. */
    private final int[] borderOf;
    /** Per-channel value of each bordered value's border (null: zeros). */
    private final float[][] borderFill;

    private Model(Graph graph, Options options, List<Step> steps, int[] slotOf, long[] slotFloats, int[] borderOf,
                  float[][] borderFill) {
        this.graph = graph;
        this.options = options;
        this.steps = steps;
        this.slotOf = slotOf;
        this.slotFloats = slotFloats;
        this.borderOf = borderOf;
        this.borderFill = borderFill;
    }

    public static Model prepare(Graph graph, Weights weights) {
        return prepare(graph, weights, Options.defaults());
    }

    public static Model prepare(Graph graph, Weights weights, Options options) {
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(options, "options");
        Weights checked = Weights.of(graph, weights.asMap()); // fails listing every mismatch
        Compiler compiler = new Compiler(graph, checked, options.kernels(), options.layout());
        List<Step> steps = compiler.compile();
        int[] slotOf = new int[graph.values().size()];
        long[] slotFloats = plan(graph, steps, slotOf, compiler.border);
        return new Model(graph, options, Collections.unmodifiableList(steps), slotOf, slotFloats, compiler.border,
                compiler.borderFill);
    }

    /** Floats per image of value {@code v}'s buffer, border included. */
    private static long bufferFloats(Value v, int border) {
        return (long) v.channels() * (v.height() + 2L * border) * (v.width() + 2L * border);
    }

    /**
     * Greedy liveness-based assignment of values to reusable slots; returns floats per image of each slot. A bordered
     * value gets a slot of its own for the session's life: its border is filled once and must never be overwritten
     * by another value's interior.
     */
    private static long[] plan(Graph graph, List<Step> steps, int[] slotOf, int[] border) {
        java.util.Arrays.fill(slotOf, -1);
        int values = graph.values().size();
        int[] lastUse = new int[values];
        java.util.Arrays.fill(lastUse, -1);
        for (int i = 0; i < steps.size(); i++) for (int in : steps.get(i).inputs) lastUse[in] = i;
        lastUse[graph.output().id()] = Integer.MAX_VALUE;
        List<Long> sizes = new ArrayList<>();
        List<Integer> free = new ArrayList<>();
        int inputId = graph.input().id();
        slotOf[inputId] = 0;
        sizes.add(bufferFloats(graph.input(), border[inputId]));
        Set<Integer> dedicated = new HashSet<>();
        if (border[inputId] > 0) dedicated.add(0);
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            long need = bufferFloats(graph.values().get(step.output), border[step.output]);
            int best = -1;
            if (border[step.output] == 0) {
                for (int s : free) {
                    if (best < 0 || Math.abs(sizes.get(s) - need) < Math.abs(sizes.get(best) - need)) best = s;
                }
            }
            if (best >= 0) {
                free.remove(Integer.valueOf(best));
                sizes.set(best, Math.max(sizes.get(best), need));
            } else {
                best = sizes.size();
                sizes.add(need);
            }
            slotOf[step.output] = best;
            if (border[step.output] > 0) dedicated.add(best);
            // Values whose last reader is this step free their slot for the steps after it.
            Set<Integer> released = new HashSet<>(dedicated);
            for (int in : step.inputs) {
                if (lastUse[in] == i && released.add(slotOf[in])) free.add(slotOf[in]);
            }
            if (i == 0 && lastUse[inputId] < 0 && released.add(0)) free.add(0);
        }
        long[] out = new long[sizes.size()];
        for (int i = 0; i < out.length; i++) out[i] = sizes.get(i);
        return out;
    }

    public Graph graph() { return graph; }
    public Options options() { return options; }
    public Layout layout() { return options.layout(); }
    public Kernels kernels() { return options.kernels(); }
    List<Step> steps() { return steps; }
    int slotOf(int valueId) { return slotOf[valueId]; }
    long[] slotFloats() { return slotFloats.clone(); }
    int borderOf(int valueId) { return borderOf[valueId]; }
    /** Per-channel border value of a bordered value, or null for zeros. */
    float[] borderFill(int valueId) { return borderFill[valueId]; }

    public Value input() { return graph.input(); }
    public Value output() { return graph.output(); }

    /** Bytes of activation memory a session needs per image of its maximum batch. */
    public long activationBytesPerImage() {
        long total = 0;
        for (long f : slotFloats) total += f * Float.BYTES;
        return total;
    }

    /** The prepared program, one line per step: what BN folding and fusion made of the graph. */
    public List<String> describeSteps() {
        List<String> out = new ArrayList<>();
        for (Step s : steps) out.add(s.description + " -> " + graph.values().get(s.output).shape());
        return out;
    }

    /** A session with buffers for up to {@code maxBatch} images and one thread. */
    public Session newSession(int maxBatch) {
        return new Session(this, maxBatch, 1);
    }

    /** A session with buffers for up to {@code maxBatch} images and {@code threads} intra-op threads. */
    public Session newSession(int maxBatch, int threads) {
        return new Session(this, maxBatch, threads);
    }

    /**
     * A shift folded into the 1×1 convolution that reads it. The convolution reads {@code carrier} through the shift
     * table; when a BatchNorm and/or ReLU sit between the shift and the conv, they are applied before the shift
     * instead (they act per channel, so they commute with it inside the image) and the carrier's border holds what
     * they make of the shift's zero padding, so the result equals the unfused network's.
     */
    private record ShiftFusion(Node.Shift shift, Node.BatchNorm bn, Node.Relu relu, Node.Conv conv, Value carrier) {
        boolean transformsInput() { return bn != null || relu != null; }
    }

    /** Lowers graph nodes to steps, folding BatchNorm, fusing ReLU and folding shifts where the wiring allows it. */
    private static final class Compiler {
        /** Narrowest NCHW row the vector shifted conv handles with whole vectors; narrower rows keep the shift step. */
        private static final int NCHW_MIN_FUSED_WIDTH = 16;

        private final Graph graph;
        private final Weights weights;
        private final Kernels kernels;
        private final Layout layout;
        private final Set<Node> absorbed = new HashSet<>();
        /** Convs that read a folded shift. */
        private final java.util.Map<Node, ShiftFusion> shiftedReaders = new java.util.HashMap<>();
        /** Convs whose output feeds only a folded shift and that also apply the BN/ReLU that followed the shift. */
        private final java.util.Map<Node, ShiftFusion> producersOfCarriers = new java.util.HashMap<>();
        /** Folded shifts whose BN/ReLU needs a step of its own (the shift's input has other readers or producers). */
        private final java.util.Map<Node, ShiftFusion> carrierSteps = new java.util.HashMap<>();
        final int[] border;
        final float[][] borderFill;

        Compiler(Graph graph, Weights weights, Kernels kernels, Layout layout) {
            this.graph = graph;
            this.weights = weights;
            this.kernels = kernels;
            this.layout = layout;
            this.border = new int[graph.values().size()];
            this.borderFill = new float[graph.values().size()][];
        }

        List<Step> compile() {
            for (Node node : graph.nodes()) {
                if (node instanceof Node.Shift s) foldShift(s);
            }
            List<Step> steps = new ArrayList<>();
            for (Node node : graph.nodes()) {
                ShiftFusion f = carrierSteps.get(node);
                if (f != null) steps.add(carrierStep(f));
                if (absorbed.contains(node)) continue;
                Step step = lower(node);
                if (step != null) steps.add(step);
            }
            return steps;
        }

        /** The single consumer of {@code v}, of any type, or null (several, none, or v is the graph output). */
        private Node soleReader(Value v) {
            if (v.equals(graph.output())) return null;
            List<Node> consumers = graph.consumers(v);
            return consumers.size() == 1 ? consumers.get(0) : null;
        }

        /** Folds shift {@code s} into the 1×1 conv after it (through an optional BatchNorm and ReLU) when possible. */
        private void foldShift(Node.Shift s) {
            Node next = soleReader(s.output());
            Node.BatchNorm bn = null;
            Node.Relu relu = null;
            if (next instanceof Node.BatchNorm b) {
                bn = b;
                next = soleReader(b.output());
            }
            if (next instanceof Node.Relu r) {
                relu = r;
                next = soleReader(r.output());
            }
            if (!(next instanceof Node.Conv c) || c.kernelSize() != 1 || c.groups() != 1 || c.padding() != 0) return;
            if (layout == Layout.NCHW && (c.stride() != 1 || c.output().width() < NCHW_MIN_FUSED_WIDTH)) return;
            Value in = s.input();
            Value carrier = relu != null ? relu.output() : bn != null ? bn.output() : in;
            ShiftFusion f = new ShiftFusion(s, bn, relu, c, carrier);
            int reach = s.table().maxAbsOffset();
            border[carrier.id()] = Math.max(border[carrier.id()], reach);
            if (f.transformsInput()) {
                borderFill[carrier.id()] = borderValues(f);
                Node producer = graph.producer(in);
                if (producer instanceof Node.Conv pc && soleReader(in) == s) {
                    producersOfCarriers.put(pc, f);
                } else {
                    carrierSteps.put(s, f);
                }
            }
            absorbed.add(s);
            if (bn != null) absorbed.add(bn);
            if (relu != null) absorbed.add(relu);
            shiftedReaders.put(c, f);
        }

        /** What the BN and ReLU between a shift and its conv make of the shift's zero padding, per channel. */
        private float[] borderValues(ShiftFusion f) {
            float[] fill = new float[f.carrier().channels()];
            if (f.bn() != null) fill = scaleShift(f.bn())[1].clone(); // bn(0) = β − mean·γ/√(var+ε)
            if (f.relu() != null) for (int c = 0; c < fill.length; c++) fill[c] = Math.max(fill[c], 0f);
            return fill;
        }

        /** The BN/ReLU of a folded shift as its own step, from the shift's input into the bordered carrier. */
        private Step carrierStep(ShiftFusion f) {
            int in = f.shift().input().id(), out = f.carrier().id();
            if (f.bn() == null) return new Steps.Relu(in, out, kernels);
            float[][] ss = scaleShift(f.bn());
            return new Steps.ScaleShift(in, out, f.relu() != null ? "batchnorm + relu (before a folded shift)"
                    : "batchnorm (before a folded shift)", kernels, ss[0], ss[1], f.relu() != null);
        }

        /** The single consumer of {@code v} when it is of {@code type} and {@code v} is not the graph output. */
        private <T extends Node> T soleConsumer(Value v, Class<T> type) {
            Node n = soleReader(v);
            return type.isInstance(n) ? type.cast(n) : null;
        }

        /** Absorbs a ReLU that alone reads {@code v}; returns the value the fused step must write. */
        private Value absorbRelu(Value v, boolean[] relu) {
            Node.Relu r = soleConsumer(v, Node.Relu.class);
            if (r == null) return v;
            absorbed.add(r);
            relu[0] = true;
            return r.output();
        }

        private Step lower(Node node) {
            return switch (node) {
                case Node.Input in -> null;
                case Node.Conv c -> lowerConv(c);
                case Node.Linear l -> {
                    float[] w = weights.get(l.param() + ".weight");
                    float[] b = weights.get(l.param() + ".bias");
                    yield new Steps.Pointwise(l.input().id(), l.output().id(), "linear", kernels,
                            l.input().channels(), l.output().channels(), w, b, 1, false);
                }
                case Node.BatchNorm bn -> {
                    float[][] ss = scaleShift(bn);
                    boolean[] relu = {false};
                    Value out = absorbRelu(bn.output(), relu);
                    yield new Steps.ScaleShift(bn.input().id(), out.id(), relu[0] ? "batchnorm + relu" : "batchnorm",
                            kernels, ss[0], ss[1], relu[0]);
                }
                case Node.Relu r -> new Steps.Relu(r.input().id(), r.output().id(), kernels);
                case Node.Shift s -> new Steps.Shift(s.input().id(), s.output().id(), s.describe(), kernels, s.table());
                case Node.Add a -> {
                    boolean[] relu = {false};
                    Value out = absorbRelu(a.output(), relu);
                    yield new Steps.Add(a.left().id(), a.right().id(), out.id(), relu[0] ? "add + relu" : "add",
                            kernels, relu[0]);
                }
                case Node.Concat c -> new Steps.Concat(c.parts().stream().mapToInt(Value::id).toArray(),
                        c.output().id(), kernels);
                case Node.AvgPool p -> new Steps.AvgPool(p.input().id(), p.output().id(), p.describe(), kernels,
                        p.kernelSize(), p.stride(), p.padding(), p.countIncludePad());
                case Node.GlobalAvgPool g -> new Steps.GlobalAvgPool(g.input().id(), g.output().id(), kernels);
                case Node.MaxPool p -> new Steps.MaxPool(p.input().id(), p.output().id(), p.describe(), kernels,
                        p.kernelSize(), p.stride(), p.padding());
                // A clip is never absorbed into its producer: only max(0, ·) is fused, and clip is not that.
                case Node.Clip c -> new Steps.Clip(c.input().id(), c.output().id(), c.describe(), kernels, c.min(),
                        c.max());
                case Node.Flatten f -> new Steps.Flatten(f.input().id(), f.output().id(), kernels);
                case Node.Softmax s -> new Steps.Softmax(s.input().id(), s.output().id(), kernels);
            };
        }

        /** BatchNorm as out = x·scale + shift with scale = γ/√(var+ε), shift = β − mean·scale. */
        private float[][] scaleShift(Node.BatchNorm bn) {
            float[] gamma = weights.get(bn.param() + ".weight");
            float[] beta = weights.get(bn.param() + ".bias");
            float[] mean = weights.get(bn.param() + ".running_mean");
            float[] var = weights.get(bn.param() + ".running_var");
            float[] scale = new float[gamma.length], shift = new float[gamma.length];
            for (int c = 0; c < gamma.length; c++) {
                double s = gamma[c] / Math.sqrt((double) var[c] + bn.epsilon());
                scale[c] = (float) s;
                shift[c] = (float) (beta[c] - mean[c] * s);
            }
            return new float[][] {scale, shift};
        }

        /** Folds {@code bn} into a conv's weights (one row per output channel) and bias, in place. */
        private void foldInto(float[] w, float[] bias, int cout, Node.BatchNorm bn) {
            float[][] ss = scaleShift(bn);
            int perOut = w.length / cout;
            for (int o = 0; o < cout; o++) {
                for (int i = 0; i < perOut; i++) w[o * perOut + i] *= ss[0][o];
                bias[o] = bias[o] * ss[0][o] + ss[1][o];
            }
        }

        private Step lowerConv(Node.Conv c) {
            int cin = c.input().channels(), cout = c.output().channels(), k = c.kernelSize();
            float[] w = weights.get(c.param() + ".weight").clone();
            float[] bias = c.bias() ? weights.get(c.param() + ".bias").clone() : new float[cout];
            Value out = c.output();
            StringBuilder what = new StringBuilder(c.describe());
            Node.BatchNorm bn = soleConsumer(out, Node.BatchNorm.class);
            if (bn != null) {
                absorbed.add(bn);
                foldInto(w, bias, cout, bn);
                out = bn.output();
                what.append(" + bn");
            }
            boolean[] relu = {false};
            ShiftFusion carried = producersOfCarriers.get(c);
            if (carried != null) {
                // This conv's output feeds only a folded shift: apply the BN/ReLU that followed the shift here.
                if (carried.bn() != null) {
                    foldInto(w, bias, cout, carried.bn());
                    what.append(" + bn");
                }
                relu[0] = carried.relu() != null;
                out = carried.carrier();
            } else {
                out = absorbRelu(out, relu);
            }
            if (relu[0]) what.append(" + relu");
            ShiftFusion shifted = shiftedReaders.get(c);
            if (shifted != null) {
                return new Steps.ShiftedPointwise(shifted.carrier().id(), out.id(), what + ", "
                        + shifted.shift().describe() + " folded in", kernels, shifted.shift().table(), cin, cout, w, bias, c.stride(), relu[0]);
            }
            if (k == 1 && c.padding() == 0 && c.groups() == 1) {
                return new Steps.Pointwise(c.input().id(), out.id(), what.toString(), kernels, cin, cout, w, bias,
                        c.stride(), relu[0]);
            }
            if (c.groups() == cin && cin == cout) {
                return new Steps.Depthwise(c.input().id(), out.id(), what.toString(), kernels, cin, k, c.stride(),
                        c.padding(), w, bias, relu[0]);
            }
            return new Steps.Convolution(c.input().id(), out.id(), what.toString(), kernels, cin, cout, c.groups(), k,
                    c.stride(), c.padding(), w, bias, relu[0]);
        }
    }
}
