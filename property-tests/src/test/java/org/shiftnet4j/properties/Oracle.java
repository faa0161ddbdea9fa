package org.shiftnet4j.properties;

import org.shiftnet4j.kernel.Conv1x1Weights;
import org.shiftnet4j.kernel.DepthwiseWeights;
import org.shiftnet4j.kernel.ShiftTable;

/**
 * The ops' definitions evaluated in double precision straight from the formulas in {@code Kernels}'s javadoc,
 * independent of any kernel. Inputs are NCHW-ordered arrays.
 */
final class Oracle {
    private Oracle() {
    }

    /** {@code out[n,c,y,x] = in[n,c,y+dy[c],x+dx[c]]}, zero outside the image: a copy, so the values are exact. */
    static Exact shift(Shape shape, float[] in, ShiftTable table) {
        int count = shape.count();
        double[] value = new double[count], magnitude = new double[count];
        for (int n = 0; n < shape.n(); n++) for (int c = 0; c < shape.c(); c++) {
            int dy = table.dy(c), dx = table.dx(c);
            for (int y = 0; y < shape.h(); y++) for (int x = 0; x < shape.w(); x++) {
                int sy = y + dy, sx = x + dx;
                boolean inside = sy >= 0 && sy < shape.h() && sx >= 0 && sx < shape.w();
                int o = shape.flat(n, c, y, x);
                value[o] = inside ? in[shape.flat(n, c, sy, sx)] : 0.0;
                magnitude[o] = Math.abs(value[o]);
            }
        }
        return new Exact(shape, value, magnitude, 1);
    }

    static Exact depthwise(Shape inShape, float[] in, DepthwiseWeights wt) {
        int k = wt.kernelSize(), s = wt.stride(), p = wt.padding(), d = wt.dilation();
        Shape outShape = inShape.withSpatial(wt.outputSize(inShape.h()), wt.outputSize(inShape.w()));
        int count = outShape.count();
        double[] value = new double[count], magnitude = new double[count];
        for (int n = 0; n < outShape.n(); n++) for (int c = 0; c < outShape.c(); c++) {
            for (int oy = 0; oy < outShape.h(); oy++) for (int ox = 0; ox < outShape.w(); ox++) {
                double acc = wt.bias()[c], mag = Math.abs(acc);
                for (int ky = 0; ky < k; ky++) for (int kx = 0; kx < k; kx++) {
                    int iy = oy * s - p + ky * d, ix = ox * s - p + kx * d;
                    if (iy < 0 || iy >= inShape.h() || ix < 0 || ix >= inShape.w()) continue;
                    double term = (double) wt.weight(c, ky, kx) * in[inShape.flat(n, c, iy, ix)];
                    acc += term;
                    mag += Math.abs(term);
                }
                int o = outShape.flat(n, c, oy, ox);
                value[o] = acc;
                magnitude[o] = mag;
            }
        }
        return new Exact(outShape, value, magnitude, k * k);
    }

    static Exact conv1x1(Shape inShape, float[] in, Conv1x1Weights wt, int stride, boolean relu) {
        int cin = wt.inChannels(), cout = wt.outChannels();
        Shape outShape = new Shape(inShape.n(), cout, (inShape.h() - 1) / stride + 1, (inShape.w() - 1) / stride + 1);
        int count = outShape.count();
        double[] value = new double[count], magnitude = new double[count];
        for (int n = 0; n < outShape.n(); n++) for (int co = 0; co < cout; co++) {
            for (int oy = 0; oy < outShape.h(); oy++) for (int ox = 0; ox < outShape.w(); ox++) {
                double acc = wt.bias()[co], mag = Math.abs(acc);
                for (int ci = 0; ci < cin; ci++) {
                    double term = (double) wt.weight(co, ci) * in[inShape.flat(n, ci, oy * stride, ox * stride)];
                    acc += term;
                    mag += Math.abs(term);
                }
                int o = outShape.flat(n, co, oy, ox);
                value[o] = relu ? Math.max(acc, 0.0) : acc;
                magnitude[o] = mag;
            }
        }
        return new Exact(outShape, value, magnitude, cin);
    }

    /** Σ a[i]·b[i] in double, and Σ|a[i]·b[i]| to judge its rounding. Products of two floats are exact in double. */
    static double[] dotAndMagnitude(float[] a, float[] b) {
        double dot = 0, magnitude = 0;
        for (int i = 0; i < a.length; i++) {
            double term = (double) a[i] * b[i];
            dot += term;
            magnitude += Math.abs(term);
        }
        return new double[] {dot, magnitude};
    }
}
