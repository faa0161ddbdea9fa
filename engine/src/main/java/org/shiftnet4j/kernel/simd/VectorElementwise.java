package org.shiftnet4j.kernel.simd;

import static org.shiftnet4j.kernel.simd.VectorKernels.S;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * Vector API elementwise kernels.
 *
 * <p>Memory is walked as contiguous <em>runs</em>: the innermost dimension (W in NCHW, C in NHWC) always has unit
 * stride, and outer dimensions are folded into the run while every tensor of the call lays them out back to back.
 * Dense tensors therefore become one flat run, bordered NCHW tensors a run per row, NHWC channel slices a run per
 * pixel. Each run is an unmasked vector loop plus a scalar tail; a masked or overlapping tail would either cost a
 * mask per run or, in place, apply the operation twice to the overlapped elements.
 *
 * <p>In-place calls work because every element is loaded before the same element is stored, and an aliased pair of
 * tensors describes the same addresses. Results equal the scalar reference bit for bit, except softmax (the vector
 * exponential and the lane-parallel sum round differently).
 */
final class VectorElementwise {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final int LANES = S.length();
    /** Per-thread lane buffer for fixed-order horizontal sums; allocated once per thread. */
    private static final ThreadLocal<float[]> LANE_SCRATCH = ThreadLocal.withInitial(() -> new float[LANES]);
    /** Below this many floats a vector loop beats the fixed cost of a bulk {@link MemorySegment#copy}. */
    private static final int BULK_COPY_MIN = 256;

    private static final int COPY = 0, RELU = 1, ADD = 2, ADD_RELU = 3, CLAMP = 4;

    private VectorElementwise() {
    }

    static void scaleShift(Tensor in, float[] scale, float[] shift, boolean relu, Tensor out) {
        if (in.layout() == Layout.NCHW) {
            scaleShiftPlanes(in, scale, shift, relu, out);
        } else {
            scaleShiftPixels(in, scale, shift, relu, out);
        }
    }

    static void add(Tensor a, Tensor b, boolean relu, Tensor out) {
        forEachRun(relu ? ADD_RELU : ADD, a, b, out, 0f, 0f);
    }

    static void relu(Tensor in, Tensor out) {
        forEachRun(RELU, in, in, out, 0f, 0f);
    }

    static void clamp(Tensor in, float min, float max, Tensor out) {
        forEachRun(CLAMP, in, in, out, min, max);
    }

    static void copy(Tensor in, Tensor out) {
        forEachRun(COPY, in, in, out, 0f, 0f);
    }

    static void softmax(Tensor in, Tensor out) {
        if (in.strideC() == 1 && out.strideC() == 1) {
            softmaxPixels(in, out);     // NHWC, or NCHW logits of 1×1 without border: channels are contiguous
        } else {
            softmaxPlanes(in, out);
        }
    }

    // ---- traversal -------------------------------------------------------------------------------------------

    /**
     * Runs {@code op} over matching runs of {@code a}, {@code b} and {@code out} (unary ops pass {@code b == a}).
     * Levels are dimensions in memory order, outermost first: N,C,H,W for NCHW and N,H,W,C for NHWC.
     * {@code low} and {@code high} are the bounds of CLAMP; other ops ignore them.
     */
    private static void forEachRun(int op, Tensor a, Tensor b, Tensor out, float low, float high) {
        int folded = foldedLevels(a, b, out);
        int run = runLength(a, folded);
        int n0 = loopCount(a, 0, folded), n1 = loopCount(a, 1, folded), n2 = loopCount(a, 2, folded);
        long a0 = byteStride(a, 0), a1 = byteStride(a, 1), a2 = byteStride(a, 2);
        long b0 = byteStride(b, 0), b1 = byteStride(b, 1), b2 = byteStride(b, 2);
        long o0 = byteStride(out, 0), o1 = byteStride(out, 1), o2 = byteStride(out, 2);
        MemorySegment sa = a.segment(), sb = b.segment(), so = out.segment();
        for (int i0 = 0; i0 < n0; i0++) {
            for (int i1 = 0; i1 < n1; i1++) {
                long ra = a.origin() * Float.BYTES + i0 * a0 + i1 * a1;
                long rb = b.origin() * Float.BYTES + i0 * b0 + i1 * b1;
                long ro = out.origin() * Float.BYTES + i0 * o0 + i1 * o1;
                for (int i2 = 0; i2 < n2; i2++, ra += a2, rb += b2, ro += o2) {
                    switch (op) {
                        case COPY -> copyRun(sa, ra, so, ro, run);
                        case RELU -> reluRun(sa, ra, so, ro, run);
                        case ADD -> addRun(sa, ra, sb, rb, so, ro, run, false);
                        case ADD_RELU -> addRun(sa, ra, sb, rb, so, ro, run, true);
                        default -> clampRun(sa, ra, so, ro, run, low, high);
                    }
                }
            }
        }
    }

    /** How many levels, counted from the innermost, form one contiguous run in all three tensors (1..4). */
    private static int foldedLevels(Tensor a, Tensor b, Tensor out) {
        long run = extent(a, 3);
        int folded = 1;
        for (int level = 2; level >= 0; level--) {
            int extent = extent(a, level);
            boolean contiguous = extent == 1 || (stride(a, level) == run && stride(b, level) == run
                    && stride(out, level) == run);
            if (!contiguous || run * extent > Integer.MAX_VALUE) {
                break;
            }
            run *= extent;
            folded++;
        }
        return folded;
    }

    private static int runLength(Tensor t, int folded) {
        int run = 1;
        for (int level = 4 - folded; level < 4; level++) {
            run *= extent(t, level);
        }
        return run;
    }

    /** Iterations of the loop over {@code level}: one when the level is folded into the run. */
    private static int loopCount(Tensor t, int level, int folded) {
        return level >= 4 - folded ? 1 : extent(t, level);
    }

    private static int extent(Tensor t, int level) {
        boolean nchw = t.layout() == Layout.NCHW;
        return switch (level) {
            case 0 -> t.batch();
            case 1 -> nchw ? t.channels() : t.height();
            case 2 -> nchw ? t.height() : t.width();
            default -> nchw ? t.width() : t.channels();
        };
    }

    private static long stride(Tensor t, int level) {
        boolean nchw = t.layout() == Layout.NCHW;
        return switch (level) {
            case 0 -> t.strideN();
            case 1 -> nchw ? t.strideC() : t.strideH();
            case 2 -> nchw ? t.strideH() : t.strideW();
            default -> nchw ? t.strideW() : t.strideC();
        };
    }

    private static long byteStride(Tensor t, int level) {
        return stride(t, level) * Float.BYTES;
    }

    /** True when the rows of each H×W plane follow each other without a gap (no border, or a single row). */
    private static boolean planeIsOneRun(Tensor t) {
        return t.height() == 1 || t.strideH() == t.width();
    }

    // ---- runs: contiguous floats, byte offsets ---------------------------------------------------------------

    private static void copyRun(MemorySegment src, long from, MemorySegment dst, long to, int length) {
        if (length >= BULK_COPY_MIN) {
            MemorySegment.copy(src, from, dst, to, (long) length * Float.BYTES);
            return;
        }
        int i = 0;
        for (int bound = S.loopBound(length); i < bound; i += LANES) {
            long d = (long) i * Float.BYTES;
            FloatVector.fromMemorySegment(S, src, from + d, ORDER).intoMemorySegment(dst, to + d, ORDER);
        }
        for (; i < length; i++) {
            long d = (long) i * Float.BYTES;
            dst.set(F, to + d, src.get(F, from + d));
        }
    }

    private static void reluRun(MemorySegment src, long from, MemorySegment dst, long to, int length) {
        int i = 0;
        for (int bound = S.loopBound(length); i < bound; i += LANES) {
            long d = (long) i * Float.BYTES;
            FloatVector.fromMemorySegment(S, src, from + d, ORDER).max(0f).intoMemorySegment(dst, to + d, ORDER);
        }
        for (; i < length; i++) {
            long d = (long) i * Float.BYTES;
            dst.set(F, to + d, Math.max(src.get(F, from + d), 0f));
        }
    }

    /** max then min, as the reference: lane-wise max/min follow {@link Math#max}/{@link Math#min} (NaN stays). */
    private static void clampRun(MemorySegment src, long from, MemorySegment dst, long to, int length, float low,
                                 float high) {
        int i = 0;
        for (int bound = S.loopBound(length); i < bound; i += LANES) {
            long d = (long) i * Float.BYTES;
            FloatVector.fromMemorySegment(S, src, from + d, ORDER).max(low).min(high)
                    .intoMemorySegment(dst, to + d, ORDER);
        }
        for (; i < length; i++) {
            long d = (long) i * Float.BYTES;
            dst.set(F, to + d, Math.min(Math.max(src.get(F, from + d), low), high));
        }
    }

    private static void addRun(MemorySegment sa, long fromA, MemorySegment sb, long fromB,
                               MemorySegment dst, long to, int length, boolean relu) {
        int i = 0;
        for (int bound = S.loopBound(length); i < bound; i += LANES) {
            long d = (long) i * Float.BYTES;
            FloatVector v = FloatVector.fromMemorySegment(S, sa, fromA + d, ORDER)
                    .add(FloatVector.fromMemorySegment(S, sb, fromB + d, ORDER));
            (relu ? v.max(0f) : v).intoMemorySegment(dst, to + d, ORDER);
        }
        for (; i < length; i++) {
            long d = (long) i * Float.BYTES;
            float v = sa.get(F, fromA + d) + sb.get(F, fromB + d);
            dst.set(F, to + d, relu ? Math.max(v, 0f) : v);
        }
    }

    // ---- scaleShift ------------------------------------------------------------------------------------------

    /** NCHW: one channel per plane, so scale and shift are broadcast once per plane (or row, when bordered). */
    private static void scaleShiftPlanes(Tensor in, float[] scale, float[] shift, boolean relu, Tensor out) {
        boolean whole = planeIsOneRun(in) && planeIsOneRun(out)
                && (long) in.height() * in.width() <= Integer.MAX_VALUE;
        int run = whole ? in.height() * in.width() : in.width();
        int rows = whole ? 1 : in.height();
        MemorySegment src = in.segment(), dst = out.segment();
        for (int n = 0; n < in.batch(); n++) {
            for (int c = 0; c < in.channels(); c++) {
                for (int y = 0; y < rows; y++) {
                    scaleShiftRun(src, in.index(n, c, y, 0) * Float.BYTES, dst, out.index(n, c, y, 0) * Float.BYTES,
                            run, scale[c], shift[c], relu);
                }
            }
        }
    }

    private static void scaleShiftRun(MemorySegment src, long from, MemorySegment dst, long to, int length,
                                      float scale, float shift, boolean relu) {
        FloatVector s = FloatVector.broadcast(S, scale), b = FloatVector.broadcast(S, shift);
        int i = 0;
        for (int bound = S.loopBound(length); i < bound; i += LANES) {
            long d = (long) i * Float.BYTES;
            FloatVector v = FloatVector.fromMemorySegment(S, src, from + d, ORDER).fma(s, b);
            (relu ? v.max(0f) : v).intoMemorySegment(dst, to + d, ORDER);
        }
        for (; i < length; i++) {
            long d = (long) i * Float.BYTES;
            float v = Math.fma(src.get(F, from + d), scale, shift);
            dst.set(F, to + d, relu ? Math.max(v, 0f) : v);
        }
    }

    /** NHWC: channels are contiguous, so scale and shift are loaded as vectors, one run per pixel. */
    private static void scaleShiftPixels(Tensor in, float[] scale, float[] shift, boolean relu, Tensor out) {
        MemorySegment src = in.segment(), dst = out.segment();
        int channels = in.channels();
        long inPixel = in.strideW() * Float.BYTES, outPixel = out.strideW() * Float.BYTES;
        for (int n = 0; n < in.batch(); n++) {
            for (int y = 0; y < in.height(); y++) {
                long from = in.index(n, 0, y, 0) * Float.BYTES, to = out.index(n, 0, y, 0) * Float.BYTES;
                for (int x = 0; x < in.width(); x++, from += inPixel, to += outPixel) {
                    scaleShiftChannels(src, from, dst, to, channels, scale, shift, relu);
                }
            }
        }
    }

    private static void scaleShiftChannels(MemorySegment src, long from, MemorySegment dst, long to, int channels,
                                           float[] scale, float[] shift, boolean relu) {
        int c = 0;
        for (int bound = S.loopBound(channels); c < bound; c += LANES) {
            long d = (long) c * Float.BYTES;
            FloatVector v = FloatVector.fromMemorySegment(S, src, from + d, ORDER)
                    .fma(FloatVector.fromArray(S, scale, c), FloatVector.fromArray(S, shift, c));
            (relu ? v.max(0f) : v).intoMemorySegment(dst, to + d, ORDER);
        }
        for (; c < channels; c++) {
            long d = (long) c * Float.BYTES;
            float v = Math.fma(src.get(F, from + d), scale[c], shift[c]);
            dst.set(F, to + d, relu ? Math.max(v, 0f) : v);
        }
    }

    // ---- softmax ---------------------------------------------------------------------------------------------

    /** Channels contiguous: vectorise along the channels of one pixel at a time. */
    private static void softmaxPixels(Tensor in, Tensor out) {
        MemorySegment src = in.segment(), dst = out.segment();
        int channels = in.channels();
        long inPixel = in.strideW() * Float.BYTES, outPixel = out.strideW() * Float.BYTES;
        for (int n = 0; n < in.batch(); n++) {
            for (int y = 0; y < in.height(); y++) {
                long from = in.index(n, 0, y, 0) * Float.BYTES, to = out.index(n, 0, y, 0) * Float.BYTES;
                for (int x = 0; x < in.width(); x++, from += inPixel, to += outPixel) {
                    softmaxChannels(src, from, dst, to, channels);
                }
            }
        }
    }

    private static void softmaxChannels(MemorySegment src, long from, MemorySegment dst, long to, int channels) {
        int bound = S.loopBound(channels);
        float max = Float.NEGATIVE_INFINITY;
        if (bound > 0) {
            FloatVector m = FloatVector.fromMemorySegment(S, src, from, ORDER);
            for (int c = LANES; c < bound; c += LANES) {
                m = m.max(FloatVector.fromMemorySegment(S, src, from + (long) c * Float.BYTES, ORDER));
            }
            max = m.reduceLanes(VectorOperators.MAX);
        }
        for (int c = bound; c < channels; c++) {
            max = Math.max(max, src.get(F, from + (long) c * Float.BYTES));
        }

        FloatVector sums = FloatVector.zero(S);
        for (int c = 0; c < bound; c += LANES) {
            long d = (long) c * Float.BYTES;
            FloatVector e = FloatVector.fromMemorySegment(S, src, from + d, ORDER).sub(max).lanewise(VectorOperators.EXP);
            e.intoMemorySegment(dst, to + d, ORDER);
            sums = sums.add(e);
        }
        // Fixed lane order, not reduceLanes(ADD), so the result does not change when C2 recompiles the method.
        float[] lanes = LANE_SCRATCH.get();
        sums.intoArray(lanes, 0);
        float sum = 0f;
        for (int l = 0; l < LANES; l++) sum += lanes[l];
        for (int c = bound; c < channels; c++) {
            long d = (long) c * Float.BYTES;
            float e = (float) Math.exp(src.get(F, from + d) - max);
            dst.set(F, to + d, e);
            sum += e;
        }

        for (int c = 0; c < bound; c += LANES) {
            long d = (long) c * Float.BYTES;
            FloatVector.fromMemorySegment(S, dst, to + d, ORDER).div(sum).intoMemorySegment(dst, to + d, ORDER);
        }
        for (int c = bound; c < channels; c++) {
            long d = (long) c * Float.BYTES;
            dst.set(F, to + d, dst.get(F, to + d) / sum);
        }
    }

    /** Channels a plane apart (NCHW): vectorise along a run of pixels, each lane an independent softmax. */
    private static void softmaxPlanes(Tensor in, Tensor out) {
        boolean whole = planeIsOneRun(in) && planeIsOneRun(out)
                && (long) in.height() * in.width() <= Integer.MAX_VALUE;
        int run = whole ? in.height() * in.width() : in.width();
        int rows = whole ? 1 : in.height();
        for (int n = 0; n < in.batch(); n++) {
            for (int y = 0; y < rows; y++) {
                softmaxPixelRun(in, out, in.index(n, 0, y, 0), out.index(n, 0, y, 0), run);
            }
        }
    }

    private static void softmaxPixelRun(Tensor in, Tensor out, long inFirst, long outFirst, int pixels) {
        MemorySegment src = in.segment(), dst = out.segment();
        int channels = in.channels();
        long inChannel = in.strideC() * Float.BYTES, outChannel = out.strideC() * Float.BYTES;
        int p = 0;
        for (int bound = S.loopBound(pixels); p < bound; p += LANES) {
            long from = (inFirst + p) * Float.BYTES, to = (outFirst + p) * Float.BYTES;
            FloatVector max = FloatVector.fromMemorySegment(S, src, from, ORDER);
            for (int c = 1; c < channels; c++) {
                max = max.max(FloatVector.fromMemorySegment(S, src, from + c * inChannel, ORDER));
            }
            FloatVector sum = FloatVector.zero(S);
            for (int c = 0; c < channels; c++) {
                FloatVector e = FloatVector.fromMemorySegment(S, src, from + c * inChannel, ORDER)
                        .sub(max).lanewise(VectorOperators.EXP);
                e.intoMemorySegment(dst, to + c * outChannel, ORDER);
                sum = sum.add(e);
            }
            for (int c = 0; c < channels; c++) {
                long d = to + c * outChannel;
                FloatVector.fromMemorySegment(S, dst, d, ORDER).div(sum).intoMemorySegment(dst, d, ORDER);
            }
        }
        for (; p < pixels; p++) {
            softmaxStrided(src, (inFirst + p) * Float.BYTES, inChannel, dst, (outFirst + p) * Float.BYTES,
                    outChannel, channels);
        }
    }

    /** One pixel whose channels are {@code inChannel} / {@code outChannel} bytes apart: the reference's arithmetic. */
    private static void softmaxStrided(MemorySegment src, long from, long inChannel, MemorySegment dst, long to,
                                       long outChannel, int channels) {
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < channels; c++) {
            max = Math.max(max, src.get(F, from + c * inChannel));
        }
        float sum = 0f;
        for (int c = 0; c < channels; c++) {
            float e = (float) Math.exp(src.get(F, from + c * inChannel) - max);
            dst.set(F, to + c * outChannel, e);
            sum += e;
        }
        for (int c = 0; c < channels; c++) {
            long d = to + c * outChannel;
            dst.set(F, d, dst.get(F, d) / sum);
        }
    }
}
