package org.shiftnet4j.graph;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a graph node by node exactly as written (no folding, no fusion, no planning), in double precision on plain
 * NCHW arrays. Slow and simple on purpose: it is the oracle that prepared models are tested against, and a
 * debugging aid when a prepared model and an exported one disagree.
 */
public final class ReferenceExecutor {
    private final Graph graph;
    private final Weights weights;

    public ReferenceExecutor(Graph graph, Weights weights) {
        this.graph = graph;
        this.weights = Weights.of(graph, weights.asMap());
    }

    /** Runs {@code batch} images given in NCHW order; returns the output of each image, image after image. */
    public double[] run(float[] input, int batch) {
        Value in = graph.input();
        if (input.length != batch * in.elementsPerImage()) {
            throw new IllegalArgumentException("input holds " + input.length + " floats; " + batch + " images of "
                    + in.shape() + " expected");
        }
        Value outValue = graph.output();
        double[] out = new double[(int) (batch * outValue.elementsPerImage())];
        int inSize = (int) in.elementsPerImage(), outSize = (int) outValue.elementsPerImage();
        for (int n = 0; n < batch; n++) {
            double[] image = new double[inSize];
            for (int i = 0; i < inSize; i++) image[i] = input[n * inSize + i];
            double[] result = runImage(image);
            System.arraycopy(result, 0, out, n * outSize, outSize);
        }
        return out;
    }

    private double[] runImage(double[] image) {
        Map<Value, double[]> act = new HashMap<>();
        for (Node node : graph.nodes()) {
            double[] result = switch (node) {
                case Node.Input i -> image;
                case Node.Conv c -> conv(c, act.get(c.input()));
                case Node.BatchNorm b -> batchNorm(b, act.get(b.input()));
                case Node.Relu r -> relu(act.get(r.input()));
                case Node.Shift s -> shift(s, act.get(s.input()));
                case Node.Add a -> add(act.get(a.left()), act.get(a.right()));
                case Node.Concat c -> concat(c.parts(), act);
                case Node.AvgPool p -> avgPool(p, act.get(p.input()));
                case Node.MaxPool p -> maxPool(p, act.get(p.input()));
                case Node.Clip c -> clip(c, act.get(c.input()));
                case Node.Flatten f -> act.get(f.input()).clone(); // NCHW image order is already c·H·W + y·W + x
                case Node.Softmax s -> softmax(act.get(s.input()));
                case Node.GlobalAvgPool g -> globalAvgPool(g.input(), act.get(g.input()));
                case Node.Linear l -> linear(l, act.get(l.input()));
            };
            act.put(node.output(), result);
        }
        return act.get(graph.output());
    }

    private double[] conv(Node.Conv c, double[] x) {
        Value in = c.input(), out = c.output();
        float[] w = weights.get(c.param() + ".weight");
        float[] bias = c.bias() ? weights.get(c.param() + ".bias") : null;
        int k = c.kernelSize(), cinG = in.channels() / c.groups(), coutG = out.channels() / c.groups();
        double[] y = new double[(int) out.elementsPerImage()];
        for (int co = 0; co < out.channels(); co++) {
            int g = co / coutG;
            for (int oy = 0; oy < out.height(); oy++) {
                for (int ox = 0; ox < out.width(); ox++) {
                    double acc = bias == null ? 0 : bias[co];
                    for (int ci = 0; ci < cinG; ci++) {
                        int cIn = g * cinG + ci;
                        for (int ky = 0; ky < k; ky++) {
                            int iy = oy * c.stride() - c.padding() + ky;
                            if (iy < 0 || iy >= in.height()) continue;
                            for (int kx = 0; kx < k; kx++) {
                                int ix = ox * c.stride() - c.padding() + kx;
                                if (ix < 0 || ix >= in.width()) continue;
                                acc += w[((co * cinG + ci) * k + ky) * k + kx]
                                        * x[(cIn * in.height() + iy) * in.width() + ix];
                            }
                        }
                    }
                    y[(co * out.height() + oy) * out.width() + ox] = acc;
                }
            }
        }
        return y;
    }

    private double[] batchNorm(Node.BatchNorm b, double[] x) {
        Value v = b.input();
        float[] gamma = weights.get(b.param() + ".weight"), beta = weights.get(b.param() + ".bias");
        float[] mean = weights.get(b.param() + ".running_mean"), var = weights.get(b.param() + ".running_var");
        int plane = v.height() * v.width();
        double[] y = new double[x.length];
        for (int c = 0; c < v.channels(); c++) {
            double scale = gamma[c] / Math.sqrt((double) var[c] + b.epsilon());
            for (int i = 0; i < plane; i++) y[c * plane + i] = (x[c * plane + i] - mean[c]) * scale + beta[c];
        }
        return y;
    }

    private static double[] relu(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = Math.max(0, x[i]);
        return y;
    }

    private static double[] shift(Node.Shift s, double[] x) {
        Value v = s.input();
        int h = v.height(), w = v.width();
        double[] y = new double[x.length];
        for (int c = 0; c < v.channels(); c++) {
            int dy = s.table().dy(c), dx = s.table().dx(c);
            for (int yy = 0; yy < h; yy++) {
                for (int xx = 0; xx < w; xx++) {
                    int sy = yy + dy, sx = xx + dx;
                    y[(c * h + yy) * w + xx] = sy >= 0 && sy < h && sx >= 0 && sx < w ? x[(c * h + sy) * w + sx] : 0;
                }
            }
        }
        return y;
    }

    private static double[] add(double[] a, double[] b) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) y[i] = a[i] + b[i];
        return y;
    }

    private static double[] concat(List<Value> parts, Map<Value, double[]> act) {
        int total = 0;
        for (Value p : parts) total += (int) p.elementsPerImage();
        double[] y = new double[total];
        int offset = 0;
        for (Value p : parts) {
            double[] part = act.get(p);
            System.arraycopy(part, 0, y, offset, part.length); // NCHW: channels are outermost
            offset += part.length;
        }
        return y;
    }

    private static double[] avgPool(Node.AvgPool p, double[] x) {
        Value in = p.input(), out = p.output();
        int k = p.kernelSize();
        double[] y = new double[(int) out.elementsPerImage()];
        for (int c = 0; c < out.channels(); c++) {
            for (int oy = 0; oy < out.height(); oy++) {
                for (int ox = 0; ox < out.width(); ox++) {
                    double sum = 0;
                    int taps = 0;
                    for (int ky = 0; ky < k; ky++) {
                        int iy = oy * p.stride() - p.padding() + ky;
                        for (int kx = 0; kx < k; kx++) {
                            int ix = ox * p.stride() - p.padding() + kx;
                            if (iy < 0 || iy >= in.height() || ix < 0 || ix >= in.width()) continue;
                            sum += x[(c * in.height() + iy) * in.width() + ix];
                            taps++;
                        }
                    }
                    y[(c * out.height() + oy) * out.width() + ox] = sum / (p.countIncludePad() ? k * k : taps);
                }
            }
        }
        return y;
    }

    /** Largest in-image tap of each window; padding never wins. NaN propagates (Math.max), as in PyTorch. */
    private static double[] maxPool(Node.MaxPool p, double[] x) {
        Value in = p.input(), out = p.output();
        int k = p.kernelSize();
        double[] y = new double[(int) out.elementsPerImage()];
        for (int c = 0; c < out.channels(); c++) {
            for (int oy = 0; oy < out.height(); oy++) {
                for (int ox = 0; ox < out.width(); ox++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int ky = 0; ky < k; ky++) {
                        int iy = oy * p.stride() - p.padding() + ky;
                        for (int kx = 0; kx < k; kx++) {
                            int ix = ox * p.stride() - p.padding() + kx;
                            if (iy < 0 || iy >= in.height() || ix < 0 || ix >= in.width()) continue;
                            max = Math.max(max, x[(c * in.height() + iy) * in.width() + ix]);
                        }
                    }
                    y[(c * out.height() + oy) * out.width() + ox] = max;
                }
            }
        }
        return y;
    }

    private static double[] clip(Node.Clip c, double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = Math.min(Math.max(x[i], c.min()), c.max());
        return y;
    }

    /** Softmax over the channels of a C×1×1 value, largest logit subtracted first. */
    private static double[] softmax(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) max = Math.max(max, v);
        double[] y = new double[x.length];
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.exp(x[i] - max);
            sum += y[i];
        }
        for (int i = 0; i < y.length; i++) y[i] /= sum;
        return y;
    }

    private static double[] globalAvgPool(Value in, double[] x) {
        int plane = in.height() * in.width();
        double[] y = new double[in.channels()];
        for (int c = 0; c < in.channels(); c++) {
            double sum = 0;
            for (int i = 0; i < plane; i++) sum += x[c * plane + i];
            y[c] = sum / plane;
        }
        return y;
    }

    private double[] linear(Node.Linear l, double[] x) {
        float[] w = weights.get(l.param() + ".weight"), b = weights.get(l.param() + ".bias");
        int in = l.input().channels(), out = l.output().channels();
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double acc = b[o];
            for (int i = 0; i < in; i++) acc += w[o * in + i] * x[i];
            y[o] = acc;
        }
        return y;
    }
}
