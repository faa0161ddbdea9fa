package org.shiftnet4j.properties;

import org.shiftnet4j.kernel.Conv2dWeights;

/**
 * The definitions in {@code Kernels}'s javadoc evaluated in double precision on NCHW arrays, independent of any
 * kernel, each with the tolerance a float kernel has earned (see {@link Expected}).
 */
final class OpOracle {
    private static final double HALF_ULP = 0x1p-24;

    private OpOracle() {
    }

    /** {@code bias[co] + Σ W[co,ci,ky,kx]·in[n, g·Cin/g+ci, oy·s−p+ky·d, ox·s−p+kx·d]}, zero padding, then ReLU. */
    static Expected conv2d(Shape in, float[] x, Conv2dWeights wt, boolean relu, Shape out) {
        int k = wt.kernelSize(), s = wt.stride(), p = wt.padding(), d = wt.dilation();
        int inPerGroup = wt.inChannelsPerGroup(), outPerGroup = wt.outChannelsPerGroup();
        double[] value = new double[out.count()], magnitude = new double[out.count()];
        for (int n = 0; n < out.n(); n++) for (int co = 0; co < out.c(); co++) {
            int firstIn = co / outPerGroup * inPerGroup;
            for (int oy = 0; oy < out.h(); oy++) for (int ox = 0; ox < out.w(); ox++) {
                double acc = wt.bias()[co], mag = Math.abs(acc);
                for (int ci = 0; ci < inPerGroup; ci++) for (int ky = 0; ky < k; ky++) for (int kx = 0; kx < k; kx++) {
                    int iy = oy * s - p + ky * d, ix = ox * s - p + kx * d;
                    if (iy < 0 || iy >= in.h() || ix < 0 || ix >= in.w()) continue;
                    double term = (double) wt.weight(co, ci, ky, kx) * x[in.flat(n, firstIn + ci, iy, ix)];
                    acc += term;
                    mag += Math.abs(term);
                }
                int o = out.flat(n, co, oy, ox);
                value[o] = relu ? Math.max(acc, 0) : acc;
                magnitude[o] = mag;
            }
        }
        return Expected.sums(out, value, magnitude, inPerGroup * k * k);
    }

    /** {@code in·scale[c] + shift[c]}, then ReLU: two terms, one rounding (FMA) or two. */
    static Expected scaleShift(Shape shape, float[] x, float[] scale, float[] shift, boolean relu) {
        double[] value = new double[shape.count()], magnitude = new double[shape.count()];
        for (int i = 0; i < value.length; i++) {
            int c = shape.channelOf(i);
            double product = (double) x[i] * scale[c];
            double v = product + shift[c];
            value[i] = relu ? Math.max(v, 0) : v;
            magnitude[i] = Math.abs(product) + Math.abs(shift[c]);
        }
        return Expected.sums(shape, value, magnitude, 1);
    }

    /** {@code a + b}, then ReLU: one IEEE float addition, so the result is exact (Java floats round to nearest). */
    static Expected add(Shape shape, float[] a, float[] b, boolean relu) {
        double[] value = new double[shape.count()];
        for (int i = 0; i < value.length; i++) {
            float v = a[i] + b[i];
            value[i] = relu ? Math.max(v, 0f) : v;
        }
        return Expected.exactly(shape, value);
    }

    static Expected relu(Shape shape, float[] x) {
        double[] value = new double[shape.count()];
        for (int i = 0; i < value.length; i++) value[i] = Math.max(x[i], 0f);
        return Expected.exactly(shape, value);
    }

    /** {@code min(max(x, min), max)}: the result is one of the operands, so exact. */
    static Expected clamp(Shape shape, float[] x, float min, float max) {
        double[] value = new double[shape.count()];
        for (int i = 0; i < value.length; i++) value[i] = Math.min(Math.max((double) x[i], min), max);
        return Expected.exactly(shape, value);
    }

    static Expected copy(Shape shape, float[] x) {
        double[] value = new double[shape.count()];
        for (int i = 0; i < value.length; i++) value[i] = x[i];
        return Expected.exactly(shape, value);
    }

    /**
     * Softmax over the channels of each pixel. A float kernel rounds {@code x − max} (an error of up to
     * {@code |x − max|·2^-24} in the exponent, so that relative error in {@code e^(x−max)}), evaluates exp to a few
     * ulp, sums C terms and divides. Each output's error relative to its value is then at most its own exponent's
     * plus the sum's (bounded by the pixel's largest {@code |x − max|}), plus C+1 roundings; the tolerance is
     * {@code y·(1e-6·(C+9) + 2^-23·(|x−max| + range))}.
     */
    static Expected softmax(Shape shape, float[] x) {
        double[] value = new double[shape.count()], tolerance = new double[shape.count()];
        for (int n = 0; n < shape.n(); n++) for (int y = 0; y < shape.h(); y++) for (int px = 0; px < shape.w(); px++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < shape.c(); c++) max = Math.max(max, x[shape.flat(n, c, y, px)]);
            double sum = 0, range = 0;
            for (int c = 0; c < shape.c(); c++) {
                double shifted = x[shape.flat(n, c, y, px)] - max;
                sum += Math.exp(shifted);
                range = Math.max(range, -shifted);
            }
            for (int c = 0; c < shape.c(); c++) {
                int i = shape.flat(n, c, y, px);
                double shifted = x[i] - max;
                value[i] = Math.exp(shifted) / sum;
                tolerance[i] = value[i] * (Exact.RELATIVE_PER_TERM * (shape.c() + 9) + 2 * HALF_ULP * (-shifted + range))
                        + Exact.ABSOLUTE_FLOOR;
            }
        }
        return new Expected(shape, value, tolerance, "y·(1e-6·(C+9) + 2^-23·(|x−max| + range of x))");
    }

    /** Mean of each window's in-image taps, divided by K² ({@code countIncludePad}) or by the number of taps. */
    static Expected avgPool(Shape in, float[] x, OpCases.Window window, boolean countIncludePad, Shape out) {
        int k = window.kernelSize(), s = window.stride(), p = window.padding();
        double[] value = new double[out.count()], magnitude = new double[out.count()];
        for (int n = 0; n < out.n(); n++) for (int c = 0; c < out.c(); c++) {
            for (int oy = 0; oy < out.h(); oy++) for (int ox = 0; ox < out.w(); ox++) {
                double sum = 0, mag = 0;
                int taps = 0;
                for (int ky = 0; ky < k; ky++) for (int kx = 0; kx < k; kx++) {
                    int iy = oy * s - p + ky, ix = ox * s - p + kx;
                    if (iy < 0 || iy >= in.h() || ix < 0 || ix >= in.w()) continue;
                    double v = x[in.flat(n, c, iy, ix)];
                    sum += v;
                    mag += Math.abs(v);
                    taps++;
                }
                double divisor = countIncludePad ? k * k : taps;
                int o = out.flat(n, c, oy, ox);
                value[o] = sum / divisor;
                magnitude[o] = mag / divisor;
            }
        }
        // One more term than the taps: the division (or a multiplication by a rounded reciprocal).
        return Expected.sums(out, value, magnitude, k * k + 1);
    }

    /** Largest in-image tap of each window (padding never wins): one of the inputs, so exact. */
    static Expected maxPool(Shape in, float[] x, OpCases.Window window, Shape out) {
        int k = window.kernelSize(), s = window.stride(), p = window.padding();
        double[] value = new double[out.count()];
        for (int n = 0; n < out.n(); n++) for (int c = 0; c < out.c(); c++) {
            for (int oy = 0; oy < out.h(); oy++) for (int ox = 0; ox < out.w(); ox++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int ky = 0; ky < k; ky++) for (int kx = 0; kx < k; kx++) {
                    int iy = oy * s - p + ky, ix = ox * s - p + kx;
                    if (iy < 0 || iy >= in.h() || ix < 0 || ix >= in.w()) continue;
                    max = Math.max(max, x[in.flat(n, c, iy, ix)]);
                }
                value[out.flat(n, c, oy, ox)] = max;
            }
        }
        return Expected.exactly(out, value);
    }

    /** Mean over H×W of every channel; the output is N×C×1×1. */
    static Expected globalAvgPool(Shape in, float[] x) {
        Shape out = in.withSpatial(1, 1);
        double[] value = new double[out.count()], magnitude = new double[out.count()];
        int plane = in.h() * in.w();
        for (int n = 0; n < in.n(); n++) for (int c = 0; c < in.c(); c++) {
            double sum = 0, mag = 0;
            for (int y = 0; y < in.h(); y++) for (int px = 0; px < in.w(); px++) {
                double v = x[in.flat(n, c, y, px)];
                sum += v;
                mag += Math.abs(v);
            }
            value[out.flat(n, c, 0, 0)] = sum / plane;
            magnitude[out.flat(n, c, 0, 0)] = mag / plane;
        }
        return Expected.sums(out, value, magnitude, plane + 1);
    }
}
