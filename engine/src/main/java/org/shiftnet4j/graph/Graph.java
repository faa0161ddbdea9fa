package org.shiftnet4j.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.shiftnet4j.kernel.ShiftTable;

/**
 * A static network: one input, nodes in execution order, one output, and the named parameters the nodes use.
 * Built by the model builders (or an importer) through the methods below, which infer every shape and reject
 * inconsistent wiring with a message naming the node. Once {@link #output(Value)} is set the graph is read-only
 * and may be shared freely.
 */
public final class Graph {
    /** BatchNorm epsilon of PyTorch's default, used by every model here. */
    public static final float BN_EPSILON = 1e-5f;

    private final String name;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Value> values = new ArrayList<>();
    private final Map<String, ParamSpec> params = new LinkedHashMap<>();
    private Value input;
    private Value output;

    public Graph(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    public String name() { return name; }
    public List<Node> nodes() { return Collections.unmodifiableList(nodes); }
    public List<Value> values() { return Collections.unmodifiableList(values); }
    /** Parameters by PyTorch state_dict name, in registration order. */
    public Map<String, ParamSpec> params() { return Collections.unmodifiableMap(params); }

    public Value input() {
        if (input == null) throw new IllegalStateException("graph " + name + " has no input");
        return input;
    }

    public Value output() {
        if (output == null) throw new IllegalStateException("graph " + name + " has no output yet");
        return output;
    }

    private Value newValue(int c, int h, int w, String what) {
        if (output != null) throw new IllegalStateException("graph " + name + " is complete; it cannot be extended");
        if (c < 1 || h < 1 || w < 1) {
            throw new IllegalArgumentException(name + ": " + what + " would produce an empty " + c + "×" + h + "×" + w + " activation");
        }
        Value v = new Value(values.size(), c, h, w);
        values.add(v);
        return v;
    }

    private void own(Value v, String what) {
        Objects.requireNonNull(v, what);
        if (v.id() >= values.size() || values.get(v.id()) != v) {
            throw new IllegalArgumentException(name + ": " + what + " " + v + " does not belong to this graph");
        }
    }

    private void param(String paramName, ParamSpec.Role role, int... shape) {
        if (params.containsKey(paramName)) {
            throw new IllegalArgumentException(name + ": parameter " + paramName + " is defined twice");
        }
        params.put(paramName, new ParamSpec(paramName, shape, role));
    }

    private <T extends Node> T add(T node) {
        nodes.add(node);
        return node;
    }

    public Value input(int channels, int height, int width) {
        if (input != null) throw new IllegalStateException(name + ": the graph already has an input");
        input = newValue(channels, height, width, "input");
        add(new Node.Input(input));
        return input;
    }

    /** Convolution without bias (as ResNets use before BatchNorm). */
    public Value conv(Value x, String param, int outChannels, int kernelSize, int stride, int padding, int groups) {
        return conv(x, param, outChannels, kernelSize, stride, padding, groups, false);
    }

    public Value conv(Value x, String param, int outChannels, int kernelSize, int stride, int padding, int groups,
                      boolean bias) {
        own(x, "conv " + param + " input");
        if (kernelSize < 1 || stride < 1 || padding < 0 || groups < 1) {
            throw new IllegalArgumentException(name + ": conv " + param + " has kernel " + kernelSize + ", stride "
                    + stride + ", padding " + padding + ", groups " + groups);
        }
        if (x.channels() % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException(name + ": conv " + param + " groups " + groups + " do not divide "
                    + x.channels() + " -> " + outChannels + " channels");
        }
        int oh = (x.height() + 2 * padding - kernelSize) / stride + 1;
        int ow = (x.width() + 2 * padding - kernelSize) / stride + 1;
        if (x.height() + 2 * padding < kernelSize || x.width() + 2 * padding < kernelSize) {
            throw new IllegalArgumentException(name + ": conv " + param + " " + kernelSize + "×" + kernelSize
                    + " does not fit its " + x.shape() + " input");
        }
        Value out = newValue(outChannels, oh, ow, "conv " + param);
        param(param + ".weight", ParamSpec.Role.CONV_WEIGHT, outChannels, x.channels() / groups, kernelSize, kernelSize);
        if (bias) param(param + ".bias", ParamSpec.Role.CONV_BIAS, outChannels);
        add(new Node.Conv(x, out, param, kernelSize, stride, padding, groups, bias));
        return out;
    }

    /** BatchNorm with PyTorch's default epsilon ({@link #BN_EPSILON}). */
    public Value batchNorm(Value x, String param) {
        return batchNorm(x, param, BN_EPSILON);
    }

    /** BatchNorm with the epsilon a trained model carries (ONNX BatchNormalization's attribute). */
    public Value batchNorm(Value x, String param, float epsilon) {
        own(x, "batchnorm " + param + " input");
        if (!(epsilon >= 0f) || Float.isInfinite(epsilon)) {
            throw new IllegalArgumentException(name + ": batchnorm " + param + " epsilon must be finite and >= 0, got "
                    + epsilon);
        }
        Value out = newValue(x.channels(), x.height(), x.width(), "batchnorm " + param);
        param(param + ".weight", ParamSpec.Role.BN_WEIGHT, x.channels());
        param(param + ".bias", ParamSpec.Role.BN_BIAS, x.channels());
        param(param + ".running_mean", ParamSpec.Role.BN_RUNNING_MEAN, x.channels());
        param(param + ".running_var", ParamSpec.Role.BN_RUNNING_VAR, x.channels());
        add(new Node.BatchNorm(x, out, param, epsilon));
        return out;
    }

    public Value relu(Value x) {
        own(x, "relu input");
        Value out = newValue(x.channels(), x.height(), x.width(), "relu");
        add(new Node.Relu(x, out));
        return out;
    }

    public Value shift(Value x, ShiftTable table) {
        own(x, "shift input");
        if (table.channels() != x.channels()) {
            throw new IllegalArgumentException(name + ": shift table has " + table.channels() + " channels but its input "
                    + x.shape() + " has " + x.channels());
        }
        Value out = newValue(x.channels(), x.height(), x.width(), "shift");
        add(new Node.Shift(x, out, table));
        return out;
    }

    public Value add(Value a, Value b) {
        own(a, "add input");
        own(b, "add input");
        if (a.channels() != b.channels() || a.height() != b.height() || a.width() != b.width()) {
            throw new IllegalArgumentException(name + ": add needs equal shapes, got " + a.shape() + " and " + b.shape());
        }
        Value out = newValue(a.channels(), a.height(), a.width(), "add");
        add(new Node.Add(a, b, out));
        return out;
    }

    public Value concat(Value... parts) {
        if (parts.length == 0) throw new IllegalArgumentException(name + ": concat needs at least one input");
        int channels = 0;
        for (Value p : parts) {
            own(p, "concat input");
            if (p.height() != parts[0].height() || p.width() != parts[0].width()) {
                throw new IllegalArgumentException(name + ": concat needs equal H×W, got " + parts[0].shape() + " and " + p.shape());
            }
            channels += p.channels();
        }
        Value out = newValue(channels, parts[0].height(), parts[0].width(), "concat");
        add(new Node.Concat(List.of(parts), out));
        return out;
    }

    public Value avgPool(Value x, int kernelSize, int stride, int padding, boolean countIncludePad) {
        own(x, "avgpool input");
        if (kernelSize < 1 || stride < 1 || padding < 0 || 2 * padding > kernelSize) {
            throw new IllegalArgumentException(name + ": avgpool kernel " + kernelSize + ", stride " + stride
                    + ", padding " + padding + " (padding must be at most half the kernel)");
        }
        if (x.height() + 2 * padding < kernelSize || x.width() + 2 * padding < kernelSize) {
            throw new IllegalArgumentException(name + ": avgpool " + kernelSize + "×" + kernelSize + " does not fit its " + x.shape() + " input");
        }
        int oh = (x.height() + 2 * padding - kernelSize) / stride + 1;
        int ow = (x.width() + 2 * padding - kernelSize) / stride + 1;
        Value out = newValue(x.channels(), oh, ow, "avgpool");
        add(new Node.AvgPool(x, out, kernelSize, stride, padding, countIncludePad));
        return out;
    }

    /** Max pooling (PyTorch {@code MaxPool2d}, {@code ceil_mode=False}, no dilation); padded cells never win. */
    public Value maxPool(Value x, int kernelSize, int stride, int padding) {
        own(x, "maxpool input");
        if (kernelSize < 1 || stride < 1 || padding < 0 || 2 * padding > kernelSize) {
            throw new IllegalArgumentException(name + ": maxpool kernel " + kernelSize + ", stride " + stride
                    + ", padding " + padding + " (padding must be at most half the kernel)");
        }
        if (x.height() + 2 * padding < kernelSize || x.width() + 2 * padding < kernelSize) {
            throw new IllegalArgumentException(name + ": maxpool " + kernelSize + "×" + kernelSize + " does not fit its " + x.shape() + " input");
        }
        int oh = (x.height() + 2 * padding - kernelSize) / stride + 1;
        int ow = (x.width() + 2 * padding - kernelSize) / stride + 1;
        Value out = newValue(x.channels(), oh, ow, "maxpool");
        add(new Node.MaxPool(x, out, kernelSize, stride, padding));
        return out;
    }

    /**
     * Clamps every element to [min, max] (ONNX Clip, PyTorch ReLU6 or hardtanh); a bound may be infinite, so
     * (0, +∞) is a ReLU. Not fused into the producing convolution the way {@link #relu} is.
     */
    public Value clip(Value x, float min, float max) {
        own(x, "clip input");
        if (Float.isNaN(min) || Float.isNaN(max) || min > max) {
            throw new IllegalArgumentException(name + ": clip bounds [" + min + ", " + max
                    + "] are not an interval (NaN, or min > max)");
        }
        Value out = newValue(x.channels(), x.height(), x.width(), "clip");
        add(new Node.Clip(x, out, min, max));
        return out;
    }

    /** C×H×W to (C·H·W)×1×1, feature {@code c·H·W + y·W + x} as PyTorch's {@code flatten(1)} orders it. */
    public Value flatten(Value x) {
        own(x, "flatten input");
        if (x.elementsPerImage() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": flatten of " + x.shape() + " gives more than "
                    + Integer.MAX_VALUE + " features");
        }
        Value out = newValue((int) x.elementsPerImage(), 1, 1, "flatten");
        add(new Node.Flatten(x, out));
        return out;
    }

    /** Softmax over the channels of a C×1×1 value (flatten or pool first). */
    public Value softmax(Value x) {
        own(x, "softmax input");
        if (x.height() != 1 || x.width() != 1) {
            throw new IllegalArgumentException(name + ": softmax needs a C×1×1 input (flatten or pool first), got "
                    + x.shape());
        }
        Value out = newValue(x.channels(), 1, 1, "softmax");
        add(new Node.Softmax(x, out));
        return out;
    }

    public Value globalAvgPool(Value x) {
        own(x, "global avgpool input");
        Value out = newValue(x.channels(), 1, 1, "global avgpool");
        add(new Node.GlobalAvgPool(x, out));
        return out;
    }

    public Value linear(Value x, String param, int outFeatures) {
        own(x, "linear " + param + " input");
        if (x.height() != 1 || x.width() != 1) {
            throw new IllegalArgumentException(name + ": linear " + param + " needs a C×1×1 input (pool first), got " + x.shape());
        }
        Value out = newValue(outFeatures, 1, 1, "linear " + param);
        param(param + ".weight", ParamSpec.Role.LINEAR_WEIGHT, outFeatures, x.channels());
        param(param + ".bias", ParamSpec.Role.LINEAR_BIAS, outFeatures);
        add(new Node.Linear(x, out, param));
        return out;
    }

    /** Marks the graph's output; the graph is read-only afterwards. */
    public Graph output(Value v) {
        own(v, "output");
        if (input == null) throw new IllegalStateException(name + ": set an input before the output");
        output = v;
        return this;
    }

    /** Nodes that read {@code v}. */
    public List<Node> consumers(Value v) {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) if (n.inputs().contains(v)) out.add(n);
        return out;
    }

    /** The node that produces {@code v}. */
    public Node producer(Value v) {
        for (Node n : nodes) if (n.output().equals(v)) return n;
        throw new IllegalArgumentException(name + ": no node produces " + v);
    }

    /** Trainable parameters (conv and linear weights and biases, BN gamma and beta). */
    public long parameterCount(boolean includeBatchNorm) {
        long total = 0;
        for (ParamSpec p : params.values()) {
            if (!p.role().trainable()) continue;
            if (!includeBatchNorm && p.role().batchNorm()) continue;
            total += p.elementCount();
        }
        return total;
    }

    /** Multiply-adds of one image through every conv and linear layer. */
    public long multiplyAdds() {
        long total = 0;
        for (Node n : nodes) total += macs(n);
        return total;
    }

    /** Multiply-adds of one node (zero for everything but convs and linear layers). */
    public static long macs(Node n) {
        return switch (n) {
            case Node.Conv c -> c.macs();
            case Node.Linear l -> l.macs();
            default -> 0;
        };
    }

    /** Trainable parameter count of one node. */
    public long parameterCount(Node n, boolean includeBatchNorm) {
        String prefix = switch (n) {
            case Node.Conv c -> c.param();
            case Node.Linear l -> l.param();
            case Node.BatchNorm b -> includeBatchNorm ? b.param() : null;
            default -> null;
        };
        if (prefix == null) return 0;
        long total = 0;
        for (ParamSpec p : params.values()) {
            if (p.role().trainable() && p.name().startsWith(prefix + ".")
                    && p.name().lastIndexOf('.') == prefix.length()) {
                total += p.elementCount();
            }
        }
        return total;
    }
}
