package org.shiftnet4j.kernel.simd;

import static org.shiftnet4j.kernel.simd.VectorKernels.S;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * Vector API pooling kernels.
 *
 * <p><b>avgPool.</b> NHWC vectorises along channels (four vectors per block while they last, then one, then scalar
 * channels); each window's in-image taps are found once per output pixel, so no per-element bounds test remains.
 * NCHW vectorises along a run of output columns whose windows lie wholly inside the row: for stride s it sums s
 * consecutive input vectors per tap and keeps every s-th lane with one permutation per vector (strides 1..3; larger
 * strides and the clipped edge columns take the scalar path). Each lane adds its taps in the reference's order
 * (rows, then columns) and divides once, so results equal the scalar reference bit for bit.
 *
 * <p><b>maxPool</b> walks exactly as avgPool does, with lane-wise max for the sums and no division; max is exact,
 * so it equals the scalar reference bit for bit.
 *
 * <p><b>globalAvgPool</b> accumulates in float. NCHW sums each plane with four vector accumulators, so every lane
 * adds about H·W/(4·lanes) values before a final tree reduction. NHWC keeps one accumulator per channel vector and
 * adds each image row into it as a separate partial sum, so a lane's error grows with H + W rather than H·W.
 */
final class VectorPooling {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final int LANES = S.length();
    /** Per-thread lane buffer for fixed-order horizontal sums; allocated once per thread. */
    private static final ThreadLocal<float[]> LANE_SCRATCH = ThreadLocal.withInitial(() -> new float[LANES]);
    private static final long VECTOR_BYTES = S.vectorByteSize();
    private static final int BLOCK = 4 * LANES;
    /** Largest stride the NCHW vector path de-interleaves (one accumulator per stride). */
    private static final int MAX_VECTOR_STRIDE = 3;

    private VectorPooling() {
    }

    static void avgPool(Tensor in, int kernelSize, int stride, int padding, boolean countIncludePad, Tensor out) {
        if (in.layout() == Layout.NHWC) {
            avgPoolPixels(in, kernelSize, stride, padding, countIncludePad, out);
        } else {
            avgPoolRows(in, kernelSize, stride, padding, countIncludePad, out);
        }
    }

    static void globalAvgPool(Tensor in, Tensor out) {
        if (in.layout() == Layout.NHWC) {
            globalAvgPoolPixels(in, out);
        } else {
            globalAvgPoolPlanes(in, out);
        }
    }

    // ---- avgPool, NHWC ---------------------------------------------------------------------------------------

    private static void avgPoolPixels(Tensor in, int k, int stride, int padding, boolean countIncludePad, Tensor out) {
        MemorySegment src = in.segment(), dst = out.segment();
        int h = in.height(), w = in.width(), channels = in.channels();
        long rowStep = in.strideH() * Float.BYTES, colStep = in.strideW() * Float.BYTES;
        for (int n = 0; n < out.batch(); n++) {
            for (int oy = 0; oy < out.height(); oy++) {
                int top = oy * stride - padding;
                int firstRow = Math.max(0, top), rows = Math.min(h, top + k) - firstRow;
                for (int ox = 0; ox < out.width(); ox++) {
                    int left = ox * stride - padding;
                    int firstCol = Math.max(0, left), cols = Math.min(w, left + k) - firstCol;
                    long to = out.index(n, 0, oy, ox) * Float.BYTES;
                    if (rows <= 0 || cols <= 0) {
                        zeroChannels(dst, to, channels);
                        continue;
                    }
                    float divisor = countIncludePad ? k * k : rows * cols;
                    long firstTap = in.index(n, 0, firstRow, firstCol) * Float.BYTES;
                    poolChannels(src, firstTap, rows, cols, rowStep, colStep, dst, to, channels, divisor);
                }
            }
        }
    }

    /** Averages one output pixel's window for every channel: taps are {@code rows × cols} pixels from firstTap. */
    private static void poolChannels(MemorySegment src, long firstTap, int rows, int cols, long rowStep, long colStep,
                                     MemorySegment dst, long to, int channels, float divisor) {
        int c = 0;
        for (; c + BLOCK <= channels; c += BLOCK) {
            long base = firstTap + (long) c * Float.BYTES;
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int r = 0; r < rows; r++) {
                long tap = base + r * rowStep;
                for (int q = 0; q < cols; q++, tap += colStep) {
                    s0 = s0.add(FloatVector.fromMemorySegment(S, src, tap, ORDER));
                    s1 = s1.add(FloatVector.fromMemorySegment(S, src, tap + VECTOR_BYTES, ORDER));
                    s2 = s2.add(FloatVector.fromMemorySegment(S, src, tap + 2 * VECTOR_BYTES, ORDER));
                    s3 = s3.add(FloatVector.fromMemorySegment(S, src, tap + 3 * VECTOR_BYTES, ORDER));
                }
            }
            long d = to + (long) c * Float.BYTES;
            s0.div(divisor).intoMemorySegment(dst, d, ORDER);
            s1.div(divisor).intoMemorySegment(dst, d + VECTOR_BYTES, ORDER);
            s2.div(divisor).intoMemorySegment(dst, d + 2 * VECTOR_BYTES, ORDER);
            s3.div(divisor).intoMemorySegment(dst, d + 3 * VECTOR_BYTES, ORDER);
        }
        for (; c + LANES <= channels; c += LANES) {
            long base = firstTap + (long) c * Float.BYTES;
            FloatVector sum = FloatVector.zero(S);
            for (int r = 0; r < rows; r++) {
                long tap = base + r * rowStep;
                for (int q = 0; q < cols; q++, tap += colStep) {
                    sum = sum.add(FloatVector.fromMemorySegment(S, src, tap, ORDER));
                }
            }
            sum.div(divisor).intoMemorySegment(dst, to + (long) c * Float.BYTES, ORDER);
        }
        for (; c < channels; c++) {
            long base = firstTap + (long) c * Float.BYTES;
            dst.set(F, to + (long) c * Float.BYTES, windowSum(src, base, rows, cols, rowStep, colStep) / divisor);
        }
    }

    private static void zeroChannels(MemorySegment dst, long to, int channels) {
        for (int c = 0; c < channels; c++) {
            dst.set(F, to + (long) c * Float.BYTES, 0f);
        }
    }

    /** Scalar window sum in the reference's order: rows, then columns. */
    private static float windowSum(MemorySegment src, long firstTap, int rows, int cols, long rowStep, long colStep) {
        float sum = 0f;
        for (int r = 0; r < rows; r++) {
            long tap = firstTap + r * rowStep;
            for (int q = 0; q < cols; q++, tap += colStep) {
                sum += src.get(F, tap);
            }
        }
        return sum;
    }

    // ---- avgPool, NCHW ---------------------------------------------------------------------------------------

    private static void avgPoolRows(Tensor in, int k, int stride, int padding, boolean countIncludePad, Tensor out) {
        MemorySegment src = in.segment(), dst = out.segment();
        int h = in.height(), w = in.width(), outW = out.width();
        long rowStep = in.strideH() * Float.BYTES;
        // Output columns whose window starts inside the row; vector blocks must also end inside it.
        int firstInside = Math.min(outW, (padding + stride - 1) / stride);
        boolean vectorStride = stride <= MAX_VECTOR_STRIDE;
        for (int n = 0; n < out.batch(); n++) {
            for (int c = 0; c < out.channels(); c++) {
                for (int oy = 0; oy < out.height(); oy++) {
                    int top = oy * stride - padding;
                    int firstRow = Math.max(0, top), rows = Math.min(h, top + k) - firstRow;
                    long to = out.index(n, c, oy, 0) * Float.BYTES;
                    if (rows <= 0) {
                        zeroRow(dst, to, outW);
                        continue;
                    }
                    long rowStart = in.index(n, c, firstRow, 0) * Float.BYTES;
                    int ox = 0;
                    for (; ox < firstInside; ox++) {
                        poolColumn(src, rowStart, rows, rowStep, w, k, stride, padding, countIncludePad, dst, to, ox);
                    }
                    if (vectorStride) {
                        float divisor = countIncludePad ? k * k : rows * k;
                        // The block's last load ends at input column (ox+LANES)*stride - padding + k - 2.
                        for (; ox + LANES <= outW && (ox + LANES) * stride - padding + k - 2 < w; ox += LANES) {
                            long firstTap = rowStart + (long) (ox * stride - padding) * Float.BYTES;
                            long block = to + (long) ox * Float.BYTES;
                            switch (stride) {
                                case 1 -> poolBlock1(src, firstTap, rows, rowStep, k, divisor, dst, block);
                                case 2 -> poolBlock2(src, firstTap, rows, rowStep, k, divisor, dst, block);
                                default -> poolBlock3(src, firstTap, rows, rowStep, k, divisor, dst, block);
                            }
                        }
                    }
                    for (; ox < outW; ox++) {
                        poolColumn(src, rowStart, rows, rowStep, w, k, stride, padding, countIncludePad, dst, to, ox);
                    }
                }
            }
        }
    }

    /** One output column, scalar, with its window clipped to the row. */
    private static void poolColumn(MemorySegment src, long rowStart, int rows, long rowStep, int w, int k, int stride,
                                   int padding, boolean countIncludePad, MemorySegment dst, long to, int ox) {
        int left = ox * stride - padding;
        int firstCol = Math.max(0, left), cols = Math.min(w, left + k) - firstCol;
        float value = 0f;
        if (cols > 0) {
            float sum = windowSum(src, rowStart + (long) firstCol * Float.BYTES, rows, cols, rowStep, Float.BYTES);
            value = sum / (countIncludePad ? k * k : rows * cols);
        }
        dst.set(F, to + (long) ox * Float.BYTES, value);
    }

    private static void zeroRow(MemorySegment dst, long to, int width) {
        for (int x = 0; x < width; x++) {
            dst.set(F, to + (long) x * Float.BYTES, 0f);
        }
    }

    // Each block method loads, sums and stores by itself: a vector returned from a call that C2 does not inline
    // is boxed, i.e. allocated, once per block.

    /** LANES consecutive outputs at stride 1. */
    private static void poolBlock1(MemorySegment src, long firstTap, int rows, long rowStep, int k, float divisor,
                                   MemorySegment dst, long to) {
        FloatVector sum = FloatVector.zero(S);
        for (int r = 0; r < rows; r++) {
            long tap = firstTap + r * rowStep;
            for (int kx = 0; kx < k; kx++, tap += Float.BYTES) {
                sum = sum.add(FloatVector.fromMemorySegment(S, src, tap, ORDER));
            }
        }
        sum.div(divisor).intoMemorySegment(dst, to, ORDER);
    }

    /** Stride 2: sums at 2·LANES consecutive window starts, then keeps the even ones. */
    private static void poolBlock2(MemorySegment src, long firstTap, int rows, long rowStep, int k, float divisor,
                                   MemorySegment dst, long to) {
        FloatVector low = FloatVector.zero(S), high = low;
        for (int r = 0; r < rows; r++) {
            long tap = firstTap + r * rowStep;
            for (int kx = 0; kx < k; kx++, tap += Float.BYTES) {
                low = low.add(FloatVector.fromMemorySegment(S, src, tap, ORDER));
                high = high.add(FloatVector.fromMemorySegment(S, src, tap + VECTOR_BYTES, ORDER));
            }
        }
        VectorShuffle<Float> everySecond = VectorShuffle.iota(S, 0, 2, true);
        FloatVector lane = FloatVector.zero(S).addIndex(1);
        low.rearrange(everySecond)
                .blend(high.rearrange(everySecond), lane.compare(VectorOperators.GE, LANES / 2))
                .div(divisor).intoMemorySegment(dst, to, ORDER);
    }

    /** Stride 3: sums at 3·LANES consecutive window starts, then keeps every third. */
    private static void poolBlock3(MemorySegment src, long firstTap, int rows, long rowStep, int k, float divisor,
                                   MemorySegment dst, long to) {
        FloatVector first = FloatVector.zero(S), second = first, third = first;
        for (int r = 0; r < rows; r++) {
            long tap = firstTap + r * rowStep;
            for (int kx = 0; kx < k; kx++, tap += Float.BYTES) {
                first = first.add(FloatVector.fromMemorySegment(S, src, tap, ORDER));
                second = second.add(FloatVector.fromMemorySegment(S, src, tap + VECTOR_BYTES, ORDER));
                third = third.add(FloatVector.fromMemorySegment(S, src, tap + 2 * VECTOR_BYTES, ORDER));
            }
        }
        // Output lane j needs concatenated lane 3j: vector 3j / LANES, lane 3j mod LANES.
        VectorShuffle<Float> everyThird = VectorShuffle.iota(S, 0, 3, true);
        FloatVector lane = FloatVector.zero(S).addIndex(1);
        first.rearrange(everyThird)
                .blend(second.rearrange(everyThird), lane.compare(VectorOperators.GE, (LANES + 2) / 3))
                .blend(third.rearrange(everyThird), lane.compare(VectorOperators.GE, (2 * LANES + 2) / 3))
                .div(divisor).intoMemorySegment(dst, to, ORDER);
    }

    // ---- maxPool ---------------------------------------------------------------------------------------------
    //
    // The same walks as avgPool with max in place of add and no division. Lane-wise max follows Math.max (NaN
    // wins, +0 beats −0) and is exact, so the order of taps cannot change a bit and results equal the reference.

    static void maxPool(Tensor in, int kernelSize, int stride, int padding, Tensor out) {
        if (in.layout() == Layout.NHWC) {
            maxPoolPixels(in, kernelSize, stride, padding, out);
        } else {
            maxPoolRows(in, kernelSize, stride, padding, out);
        }
    }

    private static void maxPoolPixels(Tensor in, int k, int stride, int padding, Tensor out) {
        MemorySegment src = in.segment(), dst = out.segment();
        int h = in.height(), w = in.width(), channels = in.channels();
        long rowStep = in.strideH() * Float.BYTES, colStep = in.strideW() * Float.BYTES;
        for (int n = 0; n < out.batch(); n++) {
            for (int oy = 0; oy < out.height(); oy++) {
                int top = oy * stride - padding;
                int firstRow = Math.max(0, top), rows = Math.min(h, top + k) - firstRow;
                for (int ox = 0; ox < out.width(); ox++) {
                    int left = ox * stride - padding;
                    int firstCol = Math.max(0, left), cols = Math.min(w, left + k) - firstCol;
                    long to = out.index(n, 0, oy, ox) * Float.BYTES;
                    if (rows <= 0 || cols <= 0) {
                        fillChannels(dst, to, channels, Float.NEGATIVE_INFINITY);
                        continue;
                    }
                    long firstTap = in.index(n, 0, firstRow, firstCol) * Float.BYTES;
                    maxChannels(src, firstTap, rows, cols, rowStep, colStep, dst, to, channels);
                }
            }
        }
    }

    /** One output pixel's window maximum for every channel: taps are {@code rows × cols} pixels from firstTap. */
    private static void maxChannels(MemorySegment src, long firstTap, int rows, int cols, long rowStep, long colStep,
                                    MemorySegment dst, long to, int channels) {
        int c = 0;
        for (; c + BLOCK <= channels; c += BLOCK) {
            long base = firstTap + (long) c * Float.BYTES;
            FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0, m2 = m0, m3 = m0;
            for (int r = 0; r < rows; r++) {
                long tap = base + r * rowStep;
                for (int q = 0; q < cols; q++, tap += colStep) {
                    m0 = m0.max(FloatVector.fromMemorySegment(S, src, tap, ORDER));
                    m1 = m1.max(FloatVector.fromMemorySegment(S, src, tap + VECTOR_BYTES, ORDER));
                    m2 = m2.max(FloatVector.fromMemorySegment(S, src, tap + 2 * VECTOR_BYTES, ORDER));
                    m3 = m3.max(FloatVector.fromMemorySegment(S, src, tap + 3 * VECTOR_BYTES, ORDER));
                }
            }
            long d = to + (long) c * Float.BYTES;
            m0.intoMemorySegment(dst, d, ORDER);
            m1.intoMemorySegment(dst, d + VECTOR_BYTES, ORDER);
            m2.intoMemorySegment(dst, d + 2 * VECTOR_BYTES, ORDER);
            m3.intoMemorySegment(dst, d + 3 * VECTOR_BYTES, ORDER);
        }
        for (; c + LANES <= channels; c += LANES) {
            long base = firstTap + (long) c * Float.BYTES;
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int r = 0; r < rows; r++) {
                long tap = base + r * rowStep;
                for (int q = 0; q < cols; q++, tap += colStep) {
                    m = m.max(FloatVector.fromMemorySegment(S, src, tap, ORDER));
                }
            }
            m.intoMemorySegment(dst, to + (long) c * Float.BYTES, ORDER);
        }
        for (; c < channels; c++) {
            long base = firstTap + (long) c * Float.BYTES;
            dst.set(F, to + (long) c * Float.BYTES, windowMax(src, base, rows, cols, rowStep, colStep));
        }
    }

    private static void fillChannels(MemorySegment dst, long to, int channels, float value) {
        for (int c = 0; c < channels; c++) {
            dst.set(F, to + (long) c * Float.BYTES, value);
        }
    }

    private static float windowMax(MemorySegment src, long firstTap, int rows, int cols, long rowStep, long colStep) {
        float max = Float.NEGATIVE_INFINITY;
        for (int r = 0; r < rows; r++) {
            long tap = firstTap + r * rowStep;
            for (int q = 0; q < cols; q++, tap += colStep) {
                max = Math.max(max, src.get(F, tap));
            }
        }
        return max;
    }

    private static void maxPoolRows(Tensor in, int k, int stride, int padding, Tensor out) {
        MemorySegment src = in.segment(), dst = out.segment();
        int h = in.height(), w = in.width(), outW = out.width();
        long rowStep = in.strideH() * Float.BYTES;
        // Output columns whose window starts inside the row; vector blocks must also end inside it.
        int firstInside = Math.min(outW, (padding + stride - 1) / stride);
        boolean vectorStride = stride <= MAX_VECTOR_STRIDE;
        for (int n = 0; n < out.batch(); n++) {
            for (int c = 0; c < out.channels(); c++) {
                for (int oy = 0; oy < out.height(); oy++) {
                    int top = oy * stride - padding;
                    int firstRow = Math.max(0, top), rows = Math.min(h, top + k) - firstRow;
                    long to = out.index(n, c, oy, 0) * Float.BYTES;
                    if (rows <= 0) {
                        fillRow(dst, to, outW, Float.NEGATIVE_INFINITY);
                        continue;
                    }
                    long rowStart = in.index(n, c, firstRow, 0) * Float.BYTES;
                    int ox = 0;
                    for (; ox < firstInside; ox++) {
                        maxColumn(src, rowStart, rows, rowStep, w, k, stride, padding, dst, to, ox);
                    }
                    if (vectorStride) {
                        // The block's last load ends at input column (ox+LANES)*stride - padding + k - 2.
                        for (; ox + LANES <= outW && (ox + LANES) * stride - padding + k - 2 < w; ox += LANES) {
                            long firstTap = rowStart + (long) (ox * stride - padding) * Float.BYTES;
                            long block = to + (long) ox * Float.BYTES;
                            switch (stride) {
                                case 1 -> maxBlock1(src, firstTap, rows, rowStep, k, dst, block);
                                case 2 -> maxBlock2(src, firstTap, rows, rowStep, k, dst, block);
                                default -> maxBlock3(src, firstTap, rows, rowStep, k, dst, block);
                            }
                        }
                    }
                    for (; ox < outW; ox++) {
                        maxColumn(src, rowStart, rows, rowStep, w, k, stride, padding, dst, to, ox);
                    }
                }
            }
        }
    }

    /** One output column, scalar, with its window clipped to the row. */
    private static void maxColumn(MemorySegment src, long rowStart, int rows, long rowStep, int w, int k, int stride,
                                  int padding, MemorySegment dst, long to, int ox) {
        int left = ox * stride - padding;
        int firstCol = Math.max(0, left), cols = Math.min(w, left + k) - firstCol;
        float value = cols > 0
                ? windowMax(src, rowStart + (long) firstCol * Float.BYTES, rows, cols, rowStep, Float.BYTES)
                : Float.NEGATIVE_INFINITY;
        dst.set(F, to + (long) ox * Float.BYTES, value);
    }

    private static void fillRow(MemorySegment dst, long to, int width, float value) {
        for (int x = 0; x < width; x++) {
            dst.set(F, to + (long) x * Float.BYTES, value);
        }
    }

    /** LANES consecutive outputs at stride 1. */
    private static void maxBlock1(MemorySegment src, long firstTap, int rows, long rowStep, int k, MemorySegment dst,
                                  long to) {
        FloatVector max = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int r = 0; r < rows; r++) {
            long tap = firstTap + r * rowStep;
            for (int kx = 0; kx < k; kx++, tap += Float.BYTES) {
                max = max.max(FloatVector.fromMemorySegment(S, src, tap, ORDER));
            }
        }
        max.intoMemorySegment(dst, to, ORDER);
    }

    /** Stride 2: window maxima at 2·LANES consecutive starts, then the even ones. */
    private static void maxBlock2(MemorySegment src, long firstTap, int rows, long rowStep, int k, MemorySegment dst,
                                  long to) {
        FloatVector low = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), high = low;
        for (int r = 0; r < rows; r++) {
            long tap = firstTap + r * rowStep;
            for (int kx = 0; kx < k; kx++, tap += Float.BYTES) {
                low = low.max(FloatVector.fromMemorySegment(S, src, tap, ORDER));
                high = high.max(FloatVector.fromMemorySegment(S, src, tap + VECTOR_BYTES, ORDER));
            }
        }
        VectorShuffle<Float> everySecond = VectorShuffle.iota(S, 0, 2, true);
        FloatVector lane = FloatVector.zero(S).addIndex(1);
        low.rearrange(everySecond)
                .blend(high.rearrange(everySecond), lane.compare(VectorOperators.GE, LANES / 2))
                .intoMemorySegment(dst, to, ORDER);
    }

    /** Stride 3: window maxima at 3·LANES consecutive starts, then every third. */
    private static void maxBlock3(MemorySegment src, long firstTap, int rows, long rowStep, int k, MemorySegment dst,
                                  long to) {
        FloatVector first = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), second = first, third = first;
        for (int r = 0; r < rows; r++) {
            long tap = firstTap + r * rowStep;
            for (int kx = 0; kx < k; kx++, tap += Float.BYTES) {
                first = first.max(FloatVector.fromMemorySegment(S, src, tap, ORDER));
                second = second.max(FloatVector.fromMemorySegment(S, src, tap + VECTOR_BYTES, ORDER));
                third = third.max(FloatVector.fromMemorySegment(S, src, tap + 2 * VECTOR_BYTES, ORDER));
            }
        }
        VectorShuffle<Float> everyThird = VectorShuffle.iota(S, 0, 3, true);
        FloatVector lane = FloatVector.zero(S).addIndex(1);
        first.rearrange(everyThird)
                .blend(second.rearrange(everyThird), lane.compare(VectorOperators.GE, (LANES + 2) / 3))
                .blend(third.rearrange(everyThird), lane.compare(VectorOperators.GE, (2 * LANES + 2) / 3))
                .intoMemorySegment(dst, to, ORDER);
    }

    // ---- globalAvgPool ---------------------------------------------------------------------------------------

    private static void globalAvgPoolPlanes(Tensor in, Tensor out) {
        MemorySegment src = in.segment(), dst = out.segment();
        int h = in.height(), w = in.width();
        float pixels = (float) h * w;
        boolean whole = (h == 1 || in.strideH() == w) && (long) h * w <= Integer.MAX_VALUE;
        for (int n = 0; n < in.batch(); n++) {
            for (int c = 0; c < in.channels(); c++) {
                float sum;
                if (whole) {
                    sum = sumRun(src, in.index(n, c, 0, 0) * Float.BYTES, h * w);
                } else {
                    sum = 0f;
                    for (int y = 0; y < h; y++) {
                        sum += sumRun(src, in.index(n, c, y, 0) * Float.BYTES, w);
                    }
                }
                dst.set(F, out.index(n, c, 0, 0) * Float.BYTES, sum / pixels);
            }
        }
    }

    private static float sumRun(MemorySegment src, long from, int length) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (; i + BLOCK <= length; i += BLOCK) {
            long d = from + (long) i * Float.BYTES;
            s0 = s0.add(FloatVector.fromMemorySegment(S, src, d, ORDER));
            s1 = s1.add(FloatVector.fromMemorySegment(S, src, d + VECTOR_BYTES, ORDER));
            s2 = s2.add(FloatVector.fromMemorySegment(S, src, d + 2 * VECTOR_BYTES, ORDER));
            s3 = s3.add(FloatVector.fromMemorySegment(S, src, d + 3 * VECTOR_BYTES, ORDER));
        }
        for (; i + LANES <= length; i += LANES) {
            s0 = s0.add(FloatVector.fromMemorySegment(S, src, from + (long) i * Float.BYTES, ORDER));
        }
        // Lanes are added in a fixed order: reduceLanes(ADD) may reorder (and does, before and after C2 compiles it),
        // which would make a result depend on JIT timing.
        float[] lanes = LANE_SCRATCH.get();
        s0.add(s1).add(s2.add(s3)).intoArray(lanes, 0);
        float sum = 0f;
        for (int l = 0; l < LANES; l++) sum += lanes[l];
        for (; i < length; i++) {
            sum += src.get(F, from + (long) i * Float.BYTES);
        }
        return sum;
    }

    private static void globalAvgPoolPixels(Tensor in, Tensor out) {
        MemorySegment src = in.segment(), dst = out.segment();
        int h = in.height(), w = in.width(), channels = in.channels();
        float pixels = (float) h * w;
        long rowStep = in.strideH() * Float.BYTES, colStep = in.strideW() * Float.BYTES;
        for (int n = 0; n < in.batch(); n++) {
            long image = in.index(n, 0, 0, 0) * Float.BYTES, to = out.index(n, 0, 0, 0) * Float.BYTES;
            int c = 0;
            for (; c + BLOCK <= channels; c += BLOCK) {
                long base = image + (long) c * Float.BYTES;
                FloatVector t0 = FloatVector.zero(S), t1 = t0, t2 = t0, t3 = t0;
                for (int y = 0; y < h; y++) {
                    FloatVector r0 = FloatVector.zero(S), r1 = r0, r2 = r0, r3 = r0;
                    long tap = base + y * rowStep;
                    for (int x = 0; x < w; x++, tap += colStep) {
                        r0 = r0.add(FloatVector.fromMemorySegment(S, src, tap, ORDER));
                        r1 = r1.add(FloatVector.fromMemorySegment(S, src, tap + VECTOR_BYTES, ORDER));
                        r2 = r2.add(FloatVector.fromMemorySegment(S, src, tap + 2 * VECTOR_BYTES, ORDER));
                        r3 = r3.add(FloatVector.fromMemorySegment(S, src, tap + 3 * VECTOR_BYTES, ORDER));
                    }
                    t0 = t0.add(r0);
                    t1 = t1.add(r1);
                    t2 = t2.add(r2);
                    t3 = t3.add(r3);
                }
                long d = to + (long) c * Float.BYTES;
                t0.div(pixels).intoMemorySegment(dst, d, ORDER);
                t1.div(pixels).intoMemorySegment(dst, d + VECTOR_BYTES, ORDER);
                t2.div(pixels).intoMemorySegment(dst, d + 2 * VECTOR_BYTES, ORDER);
                t3.div(pixels).intoMemorySegment(dst, d + 3 * VECTOR_BYTES, ORDER);
            }
            for (; c + LANES <= channels; c += LANES) {
                long base = image + (long) c * Float.BYTES;
                FloatVector total = FloatVector.zero(S);
                for (int y = 0; y < h; y++) {
                    FloatVector row = FloatVector.zero(S);
                    long tap = base + y * rowStep;
                    for (int x = 0; x < w; x++, tap += colStep) {
                        row = row.add(FloatVector.fromMemorySegment(S, src, tap, ORDER));
                    }
                    total = total.add(row);
                }
                total.div(pixels).intoMemorySegment(dst, to + (long) c * Float.BYTES, ORDER);
            }
            for (; c < channels; c++) {
                long base = image + (long) c * Float.BYTES;
                float total = 0f;
                for (int y = 0; y < h; y++) {
                    float row = 0f;
                    long tap = base + y * rowStep;
                    for (int x = 0; x < w; x++, tap += colStep) {
                        row += src.get(F, tap);
                    }
                    total += row;
                }
                dst.set(F, to + (long) c * Float.BYTES, total / pixels);
            }
        }
    }
}
