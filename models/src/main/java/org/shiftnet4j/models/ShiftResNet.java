package org.shiftnet4j.models;

import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.Value;
import org.shiftnet4j.kernel.ShiftPolicy;
import org.shiftnet4j.kernel.ShiftTable;

/**
 * ShiftResNet-20/56/110 and the ResNet-CIFAR baselines, wired and named exactly as the official PyTorch code
 * (alvinwan/shiftresnet-cifar, main branch) so that its state_dicts load without conversion.
 *
 * <p>Stem 3×3 conv → BN → ReLU; three stages of 16/32/64 planes (strides 1/2/2); global average pool (the official
 * 8×8 average pool, generalised to any square input); linear. ShiftResNet block ("ShiftConv"): conv1 1×1 → bn1 →
 * ReLU → shift (K=3, MODULO) → conv2 1×1 with the stride → bn2 → ReLU, then + shortcut (identity, or 1×1 conv with the
 * stride + BN when stride or width changes), with no ReLU after the add; {@code mid = int(out·expansion)}.
 */
public final class ShiftResNet {
    private ShiftResNet() {
    }

    /** Blocks per stage of ResNet-20/56/110: (depth − 2) / 6. */
    public static int blocksPerStage(int depth) {
        if (depth < 8 || (depth - 2) % 6 != 0) {
            throw new IllegalArgumentException("CIFAR ResNet depth must be 6n+2 (20, 56, 110, ...), got " + depth);
        }
        return (depth - 2) / 6;
    }

    public static Graph shiftResNet(int depth, double expansion, int classes, int inChannels, int imageSize) {
        if (!(expansion > 0) || Double.isInfinite(expansion)) {
            throw new IllegalArgumentException("expansion must be a positive number, got " + expansion);
        }
        String name = "shiftresnet" + depth + "-e" + trim(expansion);
        return build(name, depth, classes, inChannels, imageSize, 1.0,
                (g, x, in, out, stride, param) -> shiftBlock(g, x, in, out, stride, param, expansion));
    }

    /**
     * ResNet-CIFAR with BasicBlocks. {@code reduction} = 1 is the original; the "block" mode reduces the middle
     * channels of every block to {@code int(planes / r)}, the "net" mode divides every width by √r, both as in the
     * official code (the paper's matched-parameter baselines).
     */
    public static Graph resNet(int depth, int classes, int inChannels, int imageSize, double reduction, boolean blockwise) {
        if (!(reduction >= 1) || Double.isInfinite(reduction)) {
            throw new IllegalArgumentException("reduction must be >= 1, got " + reduction);
        }
        String name = "resnet" + depth + (reduction == 1 ? "" : "-" + (blockwise ? "block" : "net") + "r" + trim(reduction));
        double netReduction = blockwise ? 1.0 : Math.sqrt(reduction);
        double mid = blockwise ? 1.0 / reduction : 1.0;
        return build(name, depth, classes, inChannels, imageSize, netReduction,
                (g, x, in, out, stride, param) -> basicBlock(g, x, in, out, stride, param, mid));
    }

    @FunctionalInterface
    private interface Block {
        Value apply(Graph g, Value x, int in, int out, int stride, String param);
    }

    private static Graph build(String name, int depth, int classes, int inChannels, int imageSize,
                               double netReduction, Block block) {
        int n = blocksPerStage(depth);
        if (classes < 1) throw new IllegalArgumentException("classes must be >= 1, got " + classes);
        if (inChannels < 1) throw new IllegalArgumentException("input channels must be >= 1, got " + inChannels);
        if (imageSize < 4) throw new IllegalArgumentException("image size must be >= 4 (three stages, two of stride 2), got " + imageSize);
        Graph g = new Graph(name);
        int planes = (int) (16 / netReduction);
        Value x = g.input(inChannels, imageSize, imageSize);
        x = g.relu(g.batchNorm(g.conv(x, "conv1", planes, 3, 1, 1, 1), "bn1"));
        int[] widths = {(int) (16 / netReduction), (int) (32 / netReduction), (int) (64 / netReduction)};
        int in = planes;
        for (int stage = 0; stage < 3; stage++) {
            for (int b = 0; b < n; b++) {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                x = block.apply(g, x, in, widths[stage], stride, "layer" + (stage + 1) + "." + b);
                in = widths[stage];
            }
        }
        x = g.globalAvgPool(x);
        x = g.linear(x, "linear", classes);
        return g.output(x);
    }

    private static Value shortcut(Graph g, Value x, int in, int out, int stride, String param) {
        if (stride == 1 && in == out) return x;
        return g.batchNorm(g.conv(x, param + ".shortcut.0", out, 1, stride, 0, 1), param + ".shortcut.1");
    }

    private static Value shiftBlock(Graph g, Value x, int in, int out, int stride, String param, double expansion) {
        int mid = (int) (out * expansion);
        Value y = g.relu(g.batchNorm(g.conv(x, param + ".conv1", mid, 1, 1, 0, 1), param + ".bn1"));
        y = g.shift(y, ShiftTable.of(ShiftPolicy.MODULO, mid, 3, 1));
        y = g.relu(g.batchNorm(g.conv(y, param + ".conv2", out, 1, stride, 0, 1), param + ".bn2"));
        return g.add(y, shortcut(g, x, in, out, stride, param));
    }

    private static Value basicBlock(Graph g, Value x, int in, int out, int stride, String param, double midFactor) {
        int mid = (int) (midFactor * out);
        Value y = g.relu(g.batchNorm(g.conv(x, param + ".conv1", mid, 3, stride, 1, 1), param + ".bn1"));
        y = g.batchNorm(g.conv(y, param + ".conv2", out, 3, 1, 1, 1), param + ".bn2");
        return g.relu(g.add(y, shortcut(g, x, in, out, stride, param)));
    }

    static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
