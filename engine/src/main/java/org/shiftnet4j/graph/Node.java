package org.shiftnet4j.graph;

import java.util.List;
import org.shiftnet4j.kernel.ShiftTable;

/** One operation of a {@link Graph}. Nodes are immutable and refer to their inputs and output by {@link Value}. */
public sealed interface Node {
    /** Values this node reads. */
    List<Value> inputs();

    /** The value this node produces. */
    Value output();

    /** Short op name for tables and errors: "conv 3×3/2", "shift K5". */
    String describe();

    record Input(Value output) implements Node {
        public List<Value> inputs() { return List.of(); }
        public String describe() { return "input"; }
    }

    /** Convolution, PyTorch weight {@code param + ".weight"} of shape [Cout, Cin/groups, K, K]; optional bias. */
    record Conv(Value input, Value output, String param, int kernelSize, int stride, int padding, int groups,
                boolean bias) implements Node {
        public List<Value> inputs() { return List.of(input); }
        public String describe() {
            return "conv " + kernelSize + "×" + kernelSize + (stride > 1 ? "/" + stride : "")
                    + (groups > 1 ? " g" + groups : "");
        }
        /** Multiply-adds per image. */
        public long macs() {
            return (long) output.channels() * output.height() * output.width()
                    * (input.channels() / groups) * kernelSize * kernelSize;
        }
    }

    /** Inference BatchNorm with PyTorch's parameters {@code param + ".weight/.bias/.running_mean/.running_var"}. */
    record BatchNorm(Value input, Value output, String param, float epsilon) implements Node {
        public List<Value> inputs() { return List.of(input); }
        public String describe() { return "batchnorm"; }
    }

    record Relu(Value input, Value output) implements Node {
        public List<Value> inputs() { return List.of(input); }
        public String describe() { return "relu"; }
    }

    record Shift(Value input, Value output, ShiftTable table) implements Node {
        public List<Value> inputs() { return List.of(input); }
        public String describe() { return "shift K" + table.kernelSize() + (table.dilation() > 1 ? " d" + table.dilation() : ""); }
    }

    record Add(Value left, Value right, Value output) implements Node {
        public List<Value> inputs() { return List.of(left, right); }
        public String describe() { return "add"; }
    }

    /** Concatenation along channels, in the order given. */
    record Concat(List<Value> parts, Value output) implements Node {
        public Concat {
            parts = List.copyOf(parts);
        }
        public List<Value> inputs() { return parts; }
        public String describe() { return "concat"; }
    }

    record AvgPool(Value input, Value output, int kernelSize, int stride, int padding, boolean countIncludePad)
            implements Node {
        public List<Value> inputs() { return List.of(input); }
        public String describe() { return "avgpool " + kernelSize + "×" + kernelSize + "/" + stride; }
    }

    /**
     * Max pooling with a K×K window, stride and padding; padded cells never win (they count as −∞), so every output
     * is the largest of its window's in-image taps. Output size is PyTorch's with {@code ceil_mode=False}.
     */
    record MaxPool(Value input, Value output, int kernelSize, int stride, int padding) implements Node {
        public List<Value> inputs() { return List.of(input); }
        public String describe() { return "maxpool " + kernelSize + "×" + kernelSize + "/" + stride; }
    }

    /**
     * {@code min(max(x, min), max)} elementwise (ONNX Clip, PyTorch clamp/hardtanh/ReLU6); either bound may be
     * infinite. NaN inputs stay NaN.
     */
    record Clip(Value input, Value output, float min, float max) implements Node {
        public List<Value> inputs() { return List.of(input); }
        public String describe() {
            return min == 0f && max == 6f ? "relu6" : "clip [" + min + ", " + max + "]";
        }
    }

    /**
     * Flattening of a C×H×W value into a (C·H·W)×1×1 one in PyTorch/ONNX order: feature {@code c·H·W + y·W + x}
     * is element (c, y, x), whatever layout a prepared model stores activations in.
     */
    record Flatten(Value input, Value output) implements Node {
        public List<Value> inputs() { return List.of(input); }
        public String describe() { return "flatten"; }
    }

    /** Softmax over the channels of a C×1×1 value (a classifier's probabilities). */
    record Softmax(Value input, Value output) implements Node {
        public List<Value> inputs() { return List.of(input); }
        public String describe() { return "softmax"; }
    }

    record GlobalAvgPool(Value input, Value output) implements Node {
        public List<Value> inputs() { return List.of(input); }
        public String describe() { return "global avgpool"; }
    }

    /** Fully connected layer on a C×1×1 value, PyTorch weight {@code param + ".weight"} [out, in] and bias. */
    record Linear(Value input, Value output, String param) implements Node {
        public List<Value> inputs() { return List.of(input); }
        public String describe() { return "linear"; }
        public long macs() { return (long) input.channels() * output.channels(); }
    }
}
