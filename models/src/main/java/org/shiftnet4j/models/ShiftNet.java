package org.shiftnet4j.models;

import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.Value;
import org.shiftnet4j.kernel.ShiftPolicy;
import org.shiftnet4j.kernel.ShiftTable;

/**
 * ShiftNet-A/B/C for ImageNet-sized inputs. No official code or weights were released; A follows the public
 * re-implementation whose counts match the paper (4.1M parameters, 1.4G multiply-adds), B is A at half width
 * (matching 1.1M / 371M), and C is <b>our reconstruction</b> (the paper gives only its 0.78M parameters).
 *
 * <p>Stem 7×7 stride 2 pad 3 conv, nothing after it; four stages of pre-activation CSC blocks
 * {@code conv2(relu(bn2(shift(conv1(relu(bn1(x)))))))}; the first block of a stage has stride 2 on conv2, produces
 * (width − input width) channels and is concatenated, branch first, with AvgPool 3×3/2 pad 1 of x (padding counted);
 * the others add x. Head: BN → ReLU → global average pool → linear. Names follow the re-implementation:
 * conv1, layerL.B.{bn1,conv1,bn2,conv2}, bn, fc.
 */
public final class ShiftNet {
    /** One stage: output width, blocks, shift kernel size, expansion of the first and of the other blocks. */
    public record Stage(int width, int blocks, int kernelSize, double firstExpansion, double expansion) {
    }

    /** The architecture of one variant. */
    public record Spec(String name, int stemWidth, Stage[] stages, boolean reconstruction) {
    }

    public static final Spec A = new Spec("shiftnet-a", 32, new Stage[] {
            new Stage(64, 5, 5, 4, 4), new Stage(128, 6, 5, 4, 3), new Stage(256, 7, 3, 3, 2), new Stage(512, 3, 3, 2, 1)},
            false);

    public static final Spec B = halfWidth(A, "shiftnet-b", false);

    /**
     * ShiftNet-C, <b>a reconstruction</b>: the paper gives only its parameter count (0.78M). We keep ShiftNet-B's
     * widths, shift kernels and expansions and use fewer blocks per stage (3/4/4/2 instead of 5/6/7/3), which gives
     * 777,496 parameters without BN (−0.3% from 0.78M).
     */
    public static final Spec C = new Spec("shiftnet-c", 16, new Stage[] {
            new Stage(32, 3, 5, 4, 4), new Stage(64, 4, 5, 4, 3), new Stage(128, 4, 3, 3, 2), new Stage(256, 2, 3, 2, 1)},
            true);

    private ShiftNet() {
    }

    private static Spec halfWidth(Spec s, String name, boolean reconstruction) {
        Stage[] stages = new Stage[s.stages().length];
        for (int i = 0; i < stages.length; i++) {
            Stage t = s.stages()[i];
            stages[i] = new Stage(t.width() / 2, t.blocks(), t.kernelSize(), t.firstExpansion(), t.expansion());
        }
        return new Spec(name, s.stemWidth() / 2, stages, reconstruction);
    }

    public static Graph build(Spec spec, int classes, int inChannels, int imageSize) {
        if (classes < 1) throw new IllegalArgumentException("classes must be >= 1, got " + classes);
        if (inChannels < 1) throw new IllegalArgumentException("input channels must be >= 1, got " + inChannels);
        if (imageSize < 32) throw new IllegalArgumentException("ShiftNet halves the image five times; image size must be >= 32, got " + imageSize);
        Graph g = new Graph(spec.name());
        Value x = g.input(inChannels, imageSize, imageSize);
        x = g.conv(x, "conv1", spec.stemWidth(), 7, 2, 3, 1);
        int in = spec.stemWidth();
        for (int s = 0; s < spec.stages().length; s++) {
            Stage stage = spec.stages()[s];
            for (int b = 0; b < stage.blocks(); b++) {
                String param = "layer" + (s + 1) + "." + b;
                if (b == 0) {
                    Value branch = csc(g, x, in, stage.width() - in, 2, stage.kernelSize(), stage.firstExpansion(), param);
                    x = g.concat(branch, g.avgPool(x, 3, 2, 1, true));
                } else {
                    x = g.add(x, csc(g, x, in, stage.width(), 1, stage.kernelSize(), stage.expansion(), param));
                }
                in = stage.width();
            }
        }
        x = g.globalAvgPool(g.relu(g.batchNorm(x, "bn")));
        x = g.linear(x, "fc", classes);
        return g.output(x);
    }

    private static Value csc(Graph g, Value x, int in, int out, int stride, int k, double expansion, String param) {
        int mid = (int) (out * expansion);
        Value y = g.conv(g.relu(g.batchNorm(x, param + ".bn1")), param + ".conv1", mid, 1, 1, 0, 1);
        y = g.relu(g.batchNorm(g.shift(y, ShiftTable.of(ShiftPolicy.MODULO, mid, k, 1)), param + ".bn2"));
        return g.conv(y, param + ".conv2", out, 1, stride, 0, 1);
    }
}
