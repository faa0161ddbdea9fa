package org.shiftnet4j.runtime;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import org.shiftnet4j.kernel.Conv1x1Weights;
import org.shiftnet4j.kernel.Conv2dWeights;
import org.shiftnet4j.kernel.DepthwiseWeights;
import org.shiftnet4j.kernel.Kernels;
import org.shiftnet4j.kernel.ShiftTable;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * The step kinds a prepared model is made of. Most split their work by output channels for intra-op threads;
 * pointwise convs on large images split output rows, and general convolution, softmax and flatten split images.
 */
final class Steps {
    /** Channel ranges of a split start on whole vectors (16 floats: one 512-bit or two 256-bit) where possible. */
    private static final int ALIGN = 16;

    private Steps() {
    }

    /** Per-part derived data (weight slices, sub-tables), computed once per thread count and shared by sessions. */
    private static final class PerParts<T> {
        private final ConcurrentHashMap<Integer, T[]> cache = new ConcurrentHashMap<>();
        private final int channels;
        private final IntFunction<T[]> newArray;
        private final RangeFunction<T> make;

        PerParts(int channels, IntFunction<T[]> newArray, RangeFunction<T> make) {
            this.channels = channels;
            this.newArray = newArray;
            this.make = make;
        }

        T[] get(int parts) {
            return cache.computeIfAbsent(parts, p -> {
                int[] b = Step.split(channels, p, ALIGN);
                T[] out = newArray.apply(p);
                for (int i = 0; i < p; i++) out[i] = b[i + 1] > b[i] ? make.apply(b[i], b[i + 1]) : null;
                return out;
            });
        }
    }

    @FunctionalInterface
    private interface RangeFunction<T> {
        T apply(int from, int to);
    }

    private static Tensor[] slices(Tensor t, int parts) {
        int[] b = Step.split(t.channels(), parts, ALIGN);
        Tensor[] out = new Tensor[parts];
        for (int i = 0; i < parts; i++) out[i] = b[i + 1] > b[i] ? t.channelSlice(b[i], b[i + 1] - b[i]) : null;
        return out;
    }

    /** 1×1 conv weights ({@code cout} rows of {@code cin}) cut into output-channel ranges per thread count. */
    private static PerParts<Conv1x1Weights> pointwiseWeights(int cin, int cout, float[] w, float[] bias) {
        return new PerParts<>(cout, Conv1x1Weights[]::new, (from, to) ->
                new Conv1x1Weights(cin, to - from, range(w, from * cin, to * cin), range(bias, from, to)));
    }

    private static float[] range(float[] a, int from, int to) {
        return Arrays.copyOfRange(a, from, to);
    }

    /**
     * 1×1 convolution or linear layer (BN folded into weights and bias, optional fused ReLU). Threads split the
     * output rows when the image has more pixels than output channels, otherwise the output channels: a channel
     * split makes every thread read the whole input (pixels × Cin floats) and a row split the whole weights
     * (Cin × Cout), so the smaller of the two is the one read twice. A row split also keeps narrow layers (Cout 32
     * or 64) in whole register tiles. Either way an output element is computed by the same terms in the same order
     * (the kernels' law), so the bits do not depend on the number of threads.
     */
    static final class Pointwise extends Step {
        private final Kernels kernels;
        private final int stride;
        private final boolean relu;
        private final PerParts<Conv1x1Weights> weights;

        Pointwise(int in, int out, String description, Kernels kernels, int cin, int cout, float[] w, float[] bias,
                  int stride, boolean relu) {
            super(new int[] {in}, out, description);
            this.kernels = kernels;
            this.stride = stride;
            this.relu = relu;
            this.weights = pointwiseWeights(cin, cout, w, bias);
        }

        @Override
        Bound bind(Tensor[] views, int parts) {
            Tensor in = views[inputs[0]], out = views[output];
            if (parts > 1 && out.height() >= parts && (long) out.height() * out.width() > out.channels()) {
                return bindRows(in, out, parts);
            }
            Tensor[] outs = slices(out, parts);
            Conv1x1Weights[] ws = weights.get(parts);
            return part -> {
                if (ws[part] != null) kernels.conv1x1(in, ws[part], stride, relu, outs[part]);
            };
        }

        private Bound bindRows(Tensor in, Tensor out, int parts) {
            Conv1x1Weights all = weights.get(1)[0];
            int[] b = Step.split(out.height(), parts, 1);
            Tensor[] ins = new Tensor[parts], outs = new Tensor[parts];
            for (int i = 0; i < parts; i++) {
                int rows = b[i + 1] - b[i];
                if (rows == 0) continue;
                outs[i] = out.rowSlice(b[i], rows);
                ins[i] = in.rowSlice(b[i] * stride, (rows - 1) * stride + 1);
            }
            return part -> {
                if (outs[part] != null) kernels.conv1x1(ins[part], all, stride, relu, outs[part]);
            };
        }
    }

    /**
     * A shift folded into the 1×1 convolution after it: the input is read through the shift table from a bordered
     * buffer (see {@link Kernels#shiftConv1x1}); no shifted activation exists. Split by output channels like
     * {@link Pointwise}, with the same per-element summation order in every part.
     */
    static final class ShiftedPointwise extends Step {
        private final Kernels kernels;
        private final ShiftTable table;
        private final int stride;
        private final boolean relu;
        private final PerParts<Conv1x1Weights> weights;

        ShiftedPointwise(int in, int out, String description, Kernels kernels, ShiftTable table, int cin, int cout,
                         float[] w, float[] bias, int stride, boolean relu) {
            super(new int[] {in}, out, description);
            this.kernels = kernels;
            this.table = table;
            this.stride = stride;
            this.relu = relu;
            this.weights = pointwiseWeights(cin, cout, w, bias);
        }

        @Override
        Bound bind(Tensor[] views, int parts) {
            Tensor in = views[inputs[0]];
            if (in.border() < table.maxAbsOffset()) {
                throw new IllegalStateException("the input of '" + description + "' has border " + in.border()
                        + " but its shift reaches " + table.maxAbsOffset());
            }
            Tensor[] outs = slices(views[output], parts);
            Conv1x1Weights[] ws = weights.get(parts);
            return part -> {
                if (ws[part] != null) kernels.shiftConv1x1(in, table, ws[part], stride, relu, outs[part]);
            };
        }
    }

    /** Depthwise K×K convolution (groups = channels), optional ReLU afterwards. */
    static final class Depthwise extends Step {
        private final Kernels kernels;
        private final boolean relu;
        private final PerParts<DepthwiseWeights> weights;

        Depthwise(int in, int out, String description, Kernels kernels, int channels, int k, int stride, int padding,
                  float[] w, float[] bias, boolean relu) {
            super(new int[] {in}, out, description);
            this.kernels = kernels;
            this.relu = relu;
            this.weights = new PerParts<>(channels, DepthwiseWeights[]::new, (from, to) ->
                    new DepthwiseWeights(to - from, k, stride, padding, 1, range(w, from * k * k, to * k * k),
                            range(bias, from, to)));
        }

        @Override
        Bound bind(Tensor[] views, int parts) {
            Tensor[] ins = slices(views[inputs[0]], parts);
            Tensor[] outs = slices(views[output], parts);
            DepthwiseWeights[] ws = weights.get(parts);
            return part -> {
                if (ws[part] == null) return;
                kernels.depthwiseConv2d(ins[part], ws[part], outs[part]);
                if (relu) kernels.relu(outs[part], outs[part]);
            };
        }
    }

    /**
     * General convolution. Threads split the batch, never the output channels: the SIMD conv2d picks its tile shape
     * from the number of output channels, so a channel split would change summation order and make results depend on
     * the thread count. With fewer images than threads the whole step runs on one thread.
     */
    static final class Convolution extends Step {
        private final Kernels kernels;
        private final boolean relu;
        private final Conv2dWeights weights;

        Convolution(int in, int out, String description, Kernels kernels, int cin, int cout, int groups, int k,
                    int stride, int padding, float[] w, float[] bias, boolean relu) {
            super(new int[] {in}, out, description);
            this.kernels = kernels;
            this.relu = relu;
            this.weights = new Conv2dWeights(cin, cout, groups, k, stride, padding, 1, w, bias);
        }

        @Override
        Bound bind(Tensor[] views, int parts) {
            Tensor in = views[inputs[0]], out = views[output];
            int batch = in.batch();
            int used = Math.min(parts, batch);
            Tensor[] ins = new Tensor[parts], outs = new Tensor[parts];
            for (int p = 0; p < used; p++) {
                int from = batch * p / used, to = batch * (p + 1) / used;
                ins[p] = in.batchSlice(from, to - from);
                outs[p] = out.batchSlice(from, to - from);
            }
            return part -> {
                if (ins[part] != null) kernels.conv2d(ins[part], weights, relu, outs[part]);
            };
        }
    }

    /** A BatchNorm that could not be folded into a convolution: per-channel scale and shift, optional ReLU. */
    static final class ScaleShift extends Step {
        private final Kernels kernels;
        private final boolean relu;
        private final PerParts<float[][]> params;

        ScaleShift(int in, int out, String description, Kernels kernels, float[] scale, float[] shift, boolean relu) {
            super(new int[] {in}, out, description);
            this.kernels = kernels;
            this.relu = relu;
            this.params = new PerParts<>(scale.length, float[][][]::new,
                    (from, to) -> new float[][] {range(scale, from, to), range(shift, from, to)});
        }

        @Override
        Bound bind(Tensor[] views, int parts) {
            Tensor[] ins = slices(views[inputs[0]], parts);
            Tensor[] outs = slices(views[output], parts);
            float[][][] p = params.get(parts);
            return part -> {
                if (p[part] != null) kernels.scaleShift(ins[part], p[part][0], p[part][1], relu, outs[part]);
            };
        }
    }

    /**
     * A step with one input whose output channels depend only on the same input channels (ReLU, pooling): each
     * thread applies it to its own channel slice of both tensors.
     */
    abstract static class Channelwise extends Step {
        Channelwise(int in, int out, String description) {
            super(new int[] {in}, out, description);
        }

        /** Runs the step on one channel slice; called once per part and step, never per element. */
        abstract void apply(Tensor in, Tensor out);

        @Override
        final Bound bind(Tensor[] views, int parts) {
            Tensor[] ins = slices(views[inputs[0]], parts);
            Tensor[] outs = slices(views[output], parts);
            return part -> {
                if (ins[part] != null) apply(ins[part], outs[part]);
            };
        }
    }

    static final class Relu extends Channelwise {
        private final Kernels kernels;

        Relu(int in, int out, Kernels kernels) {
            super(in, out, "relu");
            this.kernels = kernels;
        }

        @Override
        void apply(Tensor in, Tensor out) {
            kernels.relu(in, out);
        }
    }

    static final class Add extends Step {
        private final Kernels kernels;
        private final boolean relu;

        Add(int left, int right, int out, String description, Kernels kernels, boolean relu) {
            super(new int[] {left, right}, out, description);
            this.kernels = kernels;
            this.relu = relu;
        }

        @Override
        Bound bind(Tensor[] views, int parts) {
            Tensor[] as = slices(views[inputs[0]], parts);
            Tensor[] bs = slices(views[inputs[1]], parts);
            Tensor[] outs = slices(views[output], parts);
            return part -> {
                if (as[part] != null) kernels.add(as[part], bs[part], relu, outs[part]);
            };
        }
    }

    static final class Shift extends Step {
        private final Kernels kernels;
        private final PerParts<ShiftTable> tables;

        Shift(int in, int out, String description, Kernels kernels, ShiftTable table) {
            super(new int[] {in}, out, description);
            this.kernels = kernels;
            this.tables = new PerParts<>(table.channels(), ShiftTable[]::new, (from, to) -> {
                if (from == 0 && to == table.channels()) return table;
                int[] dy = new int[to - from], dx = new int[to - from];
                for (int c = from; c < to; c++) {
                    dy[c - from] = table.dy(c);
                    dx[c - from] = table.dx(c);
                }
                return ShiftTable.explicit(dy, dx);
            });
        }

        @Override
        Bound bind(Tensor[] views, int parts) {
            Tensor[] ins = slices(views[inputs[0]], parts);
            Tensor[] outs = slices(views[output], parts);
            ShiftTable[] ts = tables.get(parts);
            return part -> {
                if (ts[part] != null) kernels.shift(ins[part], ts[part], outs[part]);
            };
        }
    }

    static final class AvgPool extends Channelwise {
        private final Kernels kernels;
        private final int kernelSize, stride, padding;
        private final boolean countIncludePad;

        AvgPool(int in, int out, String description, Kernels kernels, int kernelSize, int stride, int padding,
                boolean countIncludePad) {
            super(in, out, description);
            this.kernels = kernels;
            this.kernelSize = kernelSize;
            this.stride = stride;
            this.padding = padding;
            this.countIncludePad = countIncludePad;
        }

        @Override
        void apply(Tensor in, Tensor out) {
            kernels.avgPool(in, kernelSize, stride, padding, countIncludePad, out);
        }
    }

    static final class MaxPool extends Channelwise {
        private final Kernels kernels;
        private final int kernelSize, stride, padding;

        MaxPool(int in, int out, String description, Kernels kernels, int kernelSize, int stride, int padding) {
            super(in, out, description);
            this.kernels = kernels;
            this.kernelSize = kernelSize;
            this.stride = stride;
            this.padding = padding;
        }

        @Override
        void apply(Tensor in, Tensor out) {
            kernels.maxPool(in, kernelSize, stride, padding, out);
        }
    }

    /** Elementwise clamp to [min, max] (ReLU6 and the like); kept apart from ReLU fusion, which only knows max(0, ·). */
    static final class Clip extends Channelwise {
        private final Kernels kernels;
        private final float min, max;

        Clip(int in, int out, String description, Kernels kernels, float min, float max) {
            super(in, out, description);
            this.kernels = kernels;
            this.min = min;
            this.max = max;
        }

        @Override
        void apply(Tensor in, Tensor out) {
            kernels.clamp(in, min, max, out);
        }
    }

    /**
     * Softmax over the channels of N×C×1×1 logits. Not split by channels (every output needs all of them): the
     * images are dealt out to the parts instead, one batch slice each.
     */
    static final class Softmax extends Step {
        private final Kernels kernels;

        Softmax(int in, int out, Kernels kernels) {
            super(new int[] {in}, out, "softmax");
            this.kernels = kernels;
        }

        @Override
        Bound bind(Tensor[] views, int parts) {
            Tensor[] ins = imageSlices(views[inputs[0]], parts), outs = imageSlices(views[output], parts);
            return part -> {
                if (ins[part] != null) kernels.softmax(ins[part], outs[part]);
            };
        }
    }

    /**
     * Flatten to (C·H·W)×1×1 in PyTorch order, feature {@code c·H·W + y·W + x}. The output's memory is the same in
     * both layouts (one feature after another, image after image), which is exactly an NCHW N×C×H×W tensor; the
     * step writes the input into that view. From NCHW (or from a 1×1 image in either layout) this is a plain copy;
     * from NHWC it is a per-image transpose, done by {@link Tensor#copyTo(Tensor)}'s layout conversion: a scalar
     * walk (no allocation), but over one activation per network (VGG's 25,088 floats), not per layer.
     */
    static final class Flatten extends Step {
        private final Kernels kernels;

        Flatten(int in, int out, Kernels kernels) {
            super(new int[] {in}, out, "flatten");
            this.kernels = kernels;
        }

        @Override
        Bound bind(Tensor[] views, int parts) {
            Tensor in = views[inputs[0]], out = views[output];
            Tensor features = asChannelsFirst(in, out);
            Tensor[] ins = imageSlices(in, parts), featureViews = imageSlices(features, parts);
            boolean copy = in.layout() == features.layout();
            return part -> {
                if (ins[part] == null) return;
                if (copy) {
                    kernels.copy(ins[part], featureViews[part]);
                } else {
                    ins[part].copyTo(featureViews[part]);
                }
            };
        }

        /**
         * {@code out} (N×F×1×1, dense: F floats per image in either layout) seen as N×C×H×W in the order flatten
         * defines: NCHW, or the input's own layout when the image is 1×1 and both orders coincide.
         */
        private static Tensor asChannelsFirst(Tensor in, Tensor out) {
            long features = (long) in.channels() * in.height() * in.width();
            if (out.channels() != features || out.height() != 1 || out.width() != 1 || out.strideC() != 1
                    || out.strideN() < features || out.border() != 0) {
                throw new IllegalStateException("flatten output " + out.describe() + " is not " + features
                        + " dense features per image");
            }
            long offset = out.origin() * Float.BYTES;
            long bytes = ((in.batch() - 1L) * out.strideN() + features) * Float.BYTES;
            Layout order = in.height() * in.width() == 1 ? in.layout() : Layout.NCHW;
            return Tensor.wrap(out.segment().asSlice(offset, bytes), order, in.batch(), in.channels(), in.height(),
                    in.width(), 0, out.strideN());
        }
    }

    /**
     * The batch dealt out to {@code parts}: part p gets images [batch·p/parts, batch·(p+1)/parts) or null when that
     * range is empty (fewer images than parts). For steps whose outputs need every channel of their image.
     */
    private static Tensor[] imageSlices(Tensor t, int parts) {
        Tensor[] out = new Tensor[parts];
        int batch = t.batch();
        for (int p = 0; p < parts; p++) {
            int from = (int) ((long) batch * p / parts), to = (int) ((long) batch * (p + 1) / parts);
            out[p] = to > from ? t.batchSlice(from, to - from) : null;
        }
        return out;
    }

    static final class GlobalAvgPool extends Channelwise {
        private final Kernels kernels;

        GlobalAvgPool(int in, int out, Kernels kernels) {
            super(in, out, "global avgpool");
            this.kernels = kernels;
        }

        @Override
        void apply(Tensor in, Tensor out) {
            kernels.globalAvgPool(in, out);
        }
    }

    /** Concatenation by copying every part into its channel range of the output. */
    static final class Concat extends Step {
        private final Kernels kernels;

        Concat(int[] parts, int out, Kernels kernels) {
            super(parts, out, "concat");
            this.kernels = kernels;
        }

        @Override
        Bound bind(Tensor[] views, int parts) {
            Tensor[] ins = new Tensor[inputs.length];
            Tensor[] outs = new Tensor[inputs.length];
            int offset = 0;
            for (int i = 0; i < inputs.length; i++) {
                ins[i] = views[inputs[i]];
                outs[i] = views[output].channelSlice(offset, ins[i].channels());
                offset += ins[i].channels();
            }
            return part -> {
                for (int i = part; i < ins.length; i += parts) kernels.copy(ins[i], outs[i]);
            };
        }
    }
}
