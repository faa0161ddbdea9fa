package org.shiftnet4j.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.shiftnet4j.tensor.Tensor;

/**
 * The NHWC blend kernels: one vector of channels whose lanes have different offsets, built from one load per
 * distinct offset merged under constant lane masks, then with the lanes whose source lies outside the image zeroed
 * (per-row and per-column masks of {@link VectorShiftPlan.Geometry}).
 *
 * <p>There is one method per slot count, written out, because C2 keeps vectors and masks in registers only when
 * they are plain locals of the loop (an array of masks would be boxed). Each has a single loop body: C2 needs
 * seconds to compile a 16-load body written out more than once, and until it has, every vector is boxed (a separate
 * loop without the zeroing step for interior columns was tried and lost more in warm-up than it gained). Slot 0 is
 * loaded whole; padded slots load the pixel itself under an empty mask. Every source is loaded for every pixel, so callers pass only pixels whose
 * loads stay inside the input segment (see {@link VectorShiftPixels}).
 */
final class VectorShiftBlends {
    private static final VectorSpecies<Float> S = VectorKernels.S;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorShiftBlends() {
    }

    /** Pixels {@code [pixelBegin, pixelEnd)} (raster order within image n) of blend piece p. */
    static void blend(Tensor in, Tensor out, int n, VectorShiftPlan plan, int p, VectorShiftPlan.Geometry g,
                      int pixelBegin, int pixelEnd) {
        switch (plan.sources[p]) {
            case 2 -> blend2(in, out, n, plan, p, g, pixelBegin, pixelEnd);
            case 3 -> blend3(in, out, n, plan, p, g, pixelBegin, pixelEnd);
            case 4 -> blend4(in, out, n, plan, p, g, pixelBegin, pixelEnd);
            case 6 -> blend6(in, out, n, plan, p, g, pixelBegin, pixelEnd);
            case 8 -> blend8(in, out, n, plan, p, g, pixelBegin, pixelEnd);
            case 9 -> blend9(in, out, n, plan, p, g, pixelBegin, pixelEnd);
            case 12 -> blend12(in, out, n, plan, p, g, pixelBegin, pixelEnd);
            default -> blend16(in, out, n, plan, p, g, pixelBegin, pixelEnd);
        }
    }

    static void blend2(Tensor in, Tensor out, int n, VectorShiftPlan plan, int p, VectorShiftPlan.Geometry g,
                       int pixelBegin, int pixelEnd) {
        MemorySegment src = in.segment(), dst = out.segment();
        int f = plan.firstSource[p], w = in.width();
        long sH = in.strideH() * Float.BYTES, sW = in.strideW() * Float.BYTES;
        long dH = out.strideH() * Float.BYTES, dW = out.strideW() * Float.BYTES;
        long srcImage = in.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long dstImage = out.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long o0 = plan.offset(f + 0, sH, sW), o1 = plan.offset(f + 1, sH, sW);
        VectorMask<Float> m1 = VectorMask.fromLong(S, plan.lanes[f + 1]);
        long[] rowZero = g.rowZero(), colZero = g.colZero();
        int rowAt = g.rowAt(p), colAt = g.colAt(p);
        int lastRow = (pixelEnd - 1) / w;
        for (int y = pixelBegin / w; y <= lastRow; y++) {
            long srcRow = srcImage + y * sH, dstRow = dstImage + y * dH;
            long rowZ = rowZero[rowAt + y];
            int xBegin = Math.max(0, pixelBegin - y * w), xEnd = Math.min(w, pixelEnd - y * w);
            for (int x = xBegin; x < xEnd; x++) {
                long s = srcRow + x * sW;
                FloatVector v = load(src, s + o0)
                        .blend(load(src, s + o1), m1);
                v = v.blend(0f, VectorMask.fromLong(S, rowZ | colZero[colAt + x]));
                v.intoMemorySegment(dst, dstRow + x * dW, ORDER);
            }
        }
    }

    static void blend3(Tensor in, Tensor out, int n, VectorShiftPlan plan, int p, VectorShiftPlan.Geometry g,
                       int pixelBegin, int pixelEnd) {
        MemorySegment src = in.segment(), dst = out.segment();
        int f = plan.firstSource[p], w = in.width();
        long sH = in.strideH() * Float.BYTES, sW = in.strideW() * Float.BYTES;
        long dH = out.strideH() * Float.BYTES, dW = out.strideW() * Float.BYTES;
        long srcImage = in.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long dstImage = out.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long o0 = plan.offset(f + 0, sH, sW), o1 = plan.offset(f + 1, sH, sW);
        long o2 = plan.offset(f + 2, sH, sW);
        VectorMask<Float> m1 = VectorMask.fromLong(S, plan.lanes[f + 1]);
        VectorMask<Float> m2 = VectorMask.fromLong(S, plan.lanes[f + 2]);
        long[] rowZero = g.rowZero(), colZero = g.colZero();
        int rowAt = g.rowAt(p), colAt = g.colAt(p);
        int lastRow = (pixelEnd - 1) / w;
        for (int y = pixelBegin / w; y <= lastRow; y++) {
            long srcRow = srcImage + y * sH, dstRow = dstImage + y * dH;
            long rowZ = rowZero[rowAt + y];
            int xBegin = Math.max(0, pixelBegin - y * w), xEnd = Math.min(w, pixelEnd - y * w);
            for (int x = xBegin; x < xEnd; x++) {
                long s = srcRow + x * sW;
                FloatVector v = load(src, s + o0)
                        .blend(load(src, s + o1), m1)
                        .blend(load(src, s + o2), m2);
                v = v.blend(0f, VectorMask.fromLong(S, rowZ | colZero[colAt + x]));
                v.intoMemorySegment(dst, dstRow + x * dW, ORDER);
            }
        }
    }

    static void blend4(Tensor in, Tensor out, int n, VectorShiftPlan plan, int p, VectorShiftPlan.Geometry g,
                       int pixelBegin, int pixelEnd) {
        MemorySegment src = in.segment(), dst = out.segment();
        int f = plan.firstSource[p], w = in.width();
        long sH = in.strideH() * Float.BYTES, sW = in.strideW() * Float.BYTES;
        long dH = out.strideH() * Float.BYTES, dW = out.strideW() * Float.BYTES;
        long srcImage = in.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long dstImage = out.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long o0 = plan.offset(f + 0, sH, sW), o1 = plan.offset(f + 1, sH, sW);
        long o2 = plan.offset(f + 2, sH, sW), o3 = plan.offset(f + 3, sH, sW);
        VectorMask<Float> m1 = VectorMask.fromLong(S, plan.lanes[f + 1]);
        VectorMask<Float> m2 = VectorMask.fromLong(S, plan.lanes[f + 2]);
        VectorMask<Float> m3 = VectorMask.fromLong(S, plan.lanes[f + 3]);
        long[] rowZero = g.rowZero(), colZero = g.colZero();
        int rowAt = g.rowAt(p), colAt = g.colAt(p);
        int lastRow = (pixelEnd - 1) / w;
        for (int y = pixelBegin / w; y <= lastRow; y++) {
            long srcRow = srcImage + y * sH, dstRow = dstImage + y * dH;
            long rowZ = rowZero[rowAt + y];
            int xBegin = Math.max(0, pixelBegin - y * w), xEnd = Math.min(w, pixelEnd - y * w);
            for (int x = xBegin; x < xEnd; x++) {
                long s = srcRow + x * sW;
                FloatVector v = load(src, s + o0)
                        .blend(load(src, s + o1), m1)
                        .blend(load(src, s + o2), m2)
                        .blend(load(src, s + o3), m3);
                v = v.blend(0f, VectorMask.fromLong(S, rowZ | colZero[colAt + x]));
                v.intoMemorySegment(dst, dstRow + x * dW, ORDER);
            }
        }
    }

    static void blend6(Tensor in, Tensor out, int n, VectorShiftPlan plan, int p, VectorShiftPlan.Geometry g,
                       int pixelBegin, int pixelEnd) {
        MemorySegment src = in.segment(), dst = out.segment();
        int f = plan.firstSource[p], w = in.width();
        long sH = in.strideH() * Float.BYTES, sW = in.strideW() * Float.BYTES;
        long dH = out.strideH() * Float.BYTES, dW = out.strideW() * Float.BYTES;
        long srcImage = in.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long dstImage = out.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long o0 = plan.offset(f + 0, sH, sW), o1 = plan.offset(f + 1, sH, sW);
        long o2 = plan.offset(f + 2, sH, sW), o3 = plan.offset(f + 3, sH, sW);
        long o4 = plan.offset(f + 4, sH, sW), o5 = plan.offset(f + 5, sH, sW);
        VectorMask<Float> m1 = VectorMask.fromLong(S, plan.lanes[f + 1]);
        VectorMask<Float> m2 = VectorMask.fromLong(S, plan.lanes[f + 2]);
        VectorMask<Float> m3 = VectorMask.fromLong(S, plan.lanes[f + 3]);
        VectorMask<Float> m4 = VectorMask.fromLong(S, plan.lanes[f + 4]);
        VectorMask<Float> m5 = VectorMask.fromLong(S, plan.lanes[f + 5]);
        long[] rowZero = g.rowZero(), colZero = g.colZero();
        int rowAt = g.rowAt(p), colAt = g.colAt(p);
        int lastRow = (pixelEnd - 1) / w;
        for (int y = pixelBegin / w; y <= lastRow; y++) {
            long srcRow = srcImage + y * sH, dstRow = dstImage + y * dH;
            long rowZ = rowZero[rowAt + y];
            int xBegin = Math.max(0, pixelBegin - y * w), xEnd = Math.min(w, pixelEnd - y * w);
            for (int x = xBegin; x < xEnd; x++) {
                long s = srcRow + x * sW;
                FloatVector v = load(src, s + o0)
                        .blend(load(src, s + o1), m1)
                        .blend(load(src, s + o2), m2)
                        .blend(load(src, s + o3), m3)
                        .blend(load(src, s + o4), m4)
                        .blend(load(src, s + o5), m5);
                v = v.blend(0f, VectorMask.fromLong(S, rowZ | colZero[colAt + x]));
                v.intoMemorySegment(dst, dstRow + x * dW, ORDER);
            }
        }
    }

    static void blend8(Tensor in, Tensor out, int n, VectorShiftPlan plan, int p, VectorShiftPlan.Geometry g,
                       int pixelBegin, int pixelEnd) {
        MemorySegment src = in.segment(), dst = out.segment();
        int f = plan.firstSource[p], w = in.width();
        long sH = in.strideH() * Float.BYTES, sW = in.strideW() * Float.BYTES;
        long dH = out.strideH() * Float.BYTES, dW = out.strideW() * Float.BYTES;
        long srcImage = in.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long dstImage = out.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long o0 = plan.offset(f + 0, sH, sW), o1 = plan.offset(f + 1, sH, sW);
        long o2 = plan.offset(f + 2, sH, sW), o3 = plan.offset(f + 3, sH, sW);
        long o4 = plan.offset(f + 4, sH, sW), o5 = plan.offset(f + 5, sH, sW);
        long o6 = plan.offset(f + 6, sH, sW), o7 = plan.offset(f + 7, sH, sW);
        VectorMask<Float> m1 = VectorMask.fromLong(S, plan.lanes[f + 1]);
        VectorMask<Float> m2 = VectorMask.fromLong(S, plan.lanes[f + 2]);
        VectorMask<Float> m3 = VectorMask.fromLong(S, plan.lanes[f + 3]);
        VectorMask<Float> m4 = VectorMask.fromLong(S, plan.lanes[f + 4]);
        VectorMask<Float> m5 = VectorMask.fromLong(S, plan.lanes[f + 5]);
        VectorMask<Float> m6 = VectorMask.fromLong(S, plan.lanes[f + 6]);
        VectorMask<Float> m7 = VectorMask.fromLong(S, plan.lanes[f + 7]);
        long[] rowZero = g.rowZero(), colZero = g.colZero();
        int rowAt = g.rowAt(p), colAt = g.colAt(p);
        int lastRow = (pixelEnd - 1) / w;
        for (int y = pixelBegin / w; y <= lastRow; y++) {
            long srcRow = srcImage + y * sH, dstRow = dstImage + y * dH;
            long rowZ = rowZero[rowAt + y];
            int xBegin = Math.max(0, pixelBegin - y * w), xEnd = Math.min(w, pixelEnd - y * w);
            for (int x = xBegin; x < xEnd; x++) {
                long s = srcRow + x * sW;
                FloatVector v = load(src, s + o0)
                        .blend(load(src, s + o1), m1)
                        .blend(load(src, s + o2), m2)
                        .blend(load(src, s + o3), m3)
                        .blend(load(src, s + o4), m4)
                        .blend(load(src, s + o5), m5)
                        .blend(load(src, s + o6), m6)
                        .blend(load(src, s + o7), m7);
                v = v.blend(0f, VectorMask.fromLong(S, rowZ | colZero[colAt + x]));
                v.intoMemorySegment(dst, dstRow + x * dW, ORDER);
            }
        }
    }

    static void blend9(Tensor in, Tensor out, int n, VectorShiftPlan plan, int p, VectorShiftPlan.Geometry g,
                       int pixelBegin, int pixelEnd) {
        MemorySegment src = in.segment(), dst = out.segment();
        int f = plan.firstSource[p], w = in.width();
        long sH = in.strideH() * Float.BYTES, sW = in.strideW() * Float.BYTES;
        long dH = out.strideH() * Float.BYTES, dW = out.strideW() * Float.BYTES;
        long srcImage = in.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long dstImage = out.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long o0 = plan.offset(f + 0, sH, sW), o1 = plan.offset(f + 1, sH, sW);
        long o2 = plan.offset(f + 2, sH, sW), o3 = plan.offset(f + 3, sH, sW);
        long o4 = plan.offset(f + 4, sH, sW), o5 = plan.offset(f + 5, sH, sW);
        long o6 = plan.offset(f + 6, sH, sW), o7 = plan.offset(f + 7, sH, sW);
        long o8 = plan.offset(f + 8, sH, sW);
        VectorMask<Float> m1 = VectorMask.fromLong(S, plan.lanes[f + 1]);
        VectorMask<Float> m2 = VectorMask.fromLong(S, plan.lanes[f + 2]);
        VectorMask<Float> m3 = VectorMask.fromLong(S, plan.lanes[f + 3]);
        VectorMask<Float> m4 = VectorMask.fromLong(S, plan.lanes[f + 4]);
        VectorMask<Float> m5 = VectorMask.fromLong(S, plan.lanes[f + 5]);
        VectorMask<Float> m6 = VectorMask.fromLong(S, plan.lanes[f + 6]);
        VectorMask<Float> m7 = VectorMask.fromLong(S, plan.lanes[f + 7]);
        VectorMask<Float> m8 = VectorMask.fromLong(S, plan.lanes[f + 8]);
        long[] rowZero = g.rowZero(), colZero = g.colZero();
        int rowAt = g.rowAt(p), colAt = g.colAt(p);
        int lastRow = (pixelEnd - 1) / w;
        for (int y = pixelBegin / w; y <= lastRow; y++) {
            long srcRow = srcImage + y * sH, dstRow = dstImage + y * dH;
            long rowZ = rowZero[rowAt + y];
            int xBegin = Math.max(0, pixelBegin - y * w), xEnd = Math.min(w, pixelEnd - y * w);
            for (int x = xBegin; x < xEnd; x++) {
                long s = srcRow + x * sW;
                FloatVector v = load(src, s + o0)
                        .blend(load(src, s + o1), m1)
                        .blend(load(src, s + o2), m2)
                        .blend(load(src, s + o3), m3)
                        .blend(load(src, s + o4), m4)
                        .blend(load(src, s + o5), m5)
                        .blend(load(src, s + o6), m6)
                        .blend(load(src, s + o7), m7)
                        .blend(load(src, s + o8), m8);
                v = v.blend(0f, VectorMask.fromLong(S, rowZ | colZero[colAt + x]));
                v.intoMemorySegment(dst, dstRow + x * dW, ORDER);
            }
        }
    }

    static void blend12(Tensor in, Tensor out, int n, VectorShiftPlan plan, int p, VectorShiftPlan.Geometry g,
                       int pixelBegin, int pixelEnd) {
        MemorySegment src = in.segment(), dst = out.segment();
        int f = plan.firstSource[p], w = in.width();
        long sH = in.strideH() * Float.BYTES, sW = in.strideW() * Float.BYTES;
        long dH = out.strideH() * Float.BYTES, dW = out.strideW() * Float.BYTES;
        long srcImage = in.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long dstImage = out.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long o0 = plan.offset(f + 0, sH, sW), o1 = plan.offset(f + 1, sH, sW);
        long o2 = plan.offset(f + 2, sH, sW), o3 = plan.offset(f + 3, sH, sW);
        long o4 = plan.offset(f + 4, sH, sW), o5 = plan.offset(f + 5, sH, sW);
        long o6 = plan.offset(f + 6, sH, sW), o7 = plan.offset(f + 7, sH, sW);
        long o8 = plan.offset(f + 8, sH, sW), o9 = plan.offset(f + 9, sH, sW);
        long o10 = plan.offset(f + 10, sH, sW), o11 = plan.offset(f + 11, sH, sW);
        VectorMask<Float> m1 = VectorMask.fromLong(S, plan.lanes[f + 1]);
        VectorMask<Float> m2 = VectorMask.fromLong(S, plan.lanes[f + 2]);
        VectorMask<Float> m3 = VectorMask.fromLong(S, plan.lanes[f + 3]);
        VectorMask<Float> m4 = VectorMask.fromLong(S, plan.lanes[f + 4]);
        VectorMask<Float> m5 = VectorMask.fromLong(S, plan.lanes[f + 5]);
        VectorMask<Float> m6 = VectorMask.fromLong(S, plan.lanes[f + 6]);
        VectorMask<Float> m7 = VectorMask.fromLong(S, plan.lanes[f + 7]);
        VectorMask<Float> m8 = VectorMask.fromLong(S, plan.lanes[f + 8]);
        VectorMask<Float> m9 = VectorMask.fromLong(S, plan.lanes[f + 9]);
        VectorMask<Float> m10 = VectorMask.fromLong(S, plan.lanes[f + 10]);
        VectorMask<Float> m11 = VectorMask.fromLong(S, plan.lanes[f + 11]);
        long[] rowZero = g.rowZero(), colZero = g.colZero();
        int rowAt = g.rowAt(p), colAt = g.colAt(p);
        int lastRow = (pixelEnd - 1) / w;
        for (int y = pixelBegin / w; y <= lastRow; y++) {
            long srcRow = srcImage + y * sH, dstRow = dstImage + y * dH;
            long rowZ = rowZero[rowAt + y];
            int xBegin = Math.max(0, pixelBegin - y * w), xEnd = Math.min(w, pixelEnd - y * w);
            for (int x = xBegin; x < xEnd; x++) {
                long s = srcRow + x * sW;
                FloatVector v = load(src, s + o0)
                        .blend(load(src, s + o1), m1)
                        .blend(load(src, s + o2), m2)
                        .blend(load(src, s + o3), m3)
                        .blend(load(src, s + o4), m4)
                        .blend(load(src, s + o5), m5)
                        .blend(load(src, s + o6), m6)
                        .blend(load(src, s + o7), m7)
                        .blend(load(src, s + o8), m8)
                        .blend(load(src, s + o9), m9)
                        .blend(load(src, s + o10), m10)
                        .blend(load(src, s + o11), m11);
                v = v.blend(0f, VectorMask.fromLong(S, rowZ | colZero[colAt + x]));
                v.intoMemorySegment(dst, dstRow + x * dW, ORDER);
            }
        }
    }

    static void blend16(Tensor in, Tensor out, int n, VectorShiftPlan plan, int p, VectorShiftPlan.Geometry g,
                       int pixelBegin, int pixelEnd) {
        MemorySegment src = in.segment(), dst = out.segment();
        int f = plan.firstSource[p], w = in.width();
        long sH = in.strideH() * Float.BYTES, sW = in.strideW() * Float.BYTES;
        long dH = out.strideH() * Float.BYTES, dW = out.strideW() * Float.BYTES;
        long srcImage = in.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long dstImage = out.index(n, plan.start[p], 0, 0) * Float.BYTES;
        long o0 = plan.offset(f + 0, sH, sW), o1 = plan.offset(f + 1, sH, sW);
        long o2 = plan.offset(f + 2, sH, sW), o3 = plan.offset(f + 3, sH, sW);
        long o4 = plan.offset(f + 4, sH, sW), o5 = plan.offset(f + 5, sH, sW);
        long o6 = plan.offset(f + 6, sH, sW), o7 = plan.offset(f + 7, sH, sW);
        long o8 = plan.offset(f + 8, sH, sW), o9 = plan.offset(f + 9, sH, sW);
        long o10 = plan.offset(f + 10, sH, sW), o11 = plan.offset(f + 11, sH, sW);
        long o12 = plan.offset(f + 12, sH, sW), o13 = plan.offset(f + 13, sH, sW);
        long o14 = plan.offset(f + 14, sH, sW), o15 = plan.offset(f + 15, sH, sW);
        VectorMask<Float> m1 = VectorMask.fromLong(S, plan.lanes[f + 1]);
        VectorMask<Float> m2 = VectorMask.fromLong(S, plan.lanes[f + 2]);
        VectorMask<Float> m3 = VectorMask.fromLong(S, plan.lanes[f + 3]);
        VectorMask<Float> m4 = VectorMask.fromLong(S, plan.lanes[f + 4]);
        VectorMask<Float> m5 = VectorMask.fromLong(S, plan.lanes[f + 5]);
        VectorMask<Float> m6 = VectorMask.fromLong(S, plan.lanes[f + 6]);
        VectorMask<Float> m7 = VectorMask.fromLong(S, plan.lanes[f + 7]);
        VectorMask<Float> m8 = VectorMask.fromLong(S, plan.lanes[f + 8]);
        VectorMask<Float> m9 = VectorMask.fromLong(S, plan.lanes[f + 9]);
        VectorMask<Float> m10 = VectorMask.fromLong(S, plan.lanes[f + 10]);
        VectorMask<Float> m11 = VectorMask.fromLong(S, plan.lanes[f + 11]);
        VectorMask<Float> m12 = VectorMask.fromLong(S, plan.lanes[f + 12]);
        VectorMask<Float> m13 = VectorMask.fromLong(S, plan.lanes[f + 13]);
        VectorMask<Float> m14 = VectorMask.fromLong(S, plan.lanes[f + 14]);
        VectorMask<Float> m15 = VectorMask.fromLong(S, plan.lanes[f + 15]);
        long[] rowZero = g.rowZero(), colZero = g.colZero();
        int rowAt = g.rowAt(p), colAt = g.colAt(p);
        int lastRow = (pixelEnd - 1) / w;
        for (int y = pixelBegin / w; y <= lastRow; y++) {
            long srcRow = srcImage + y * sH, dstRow = dstImage + y * dH;
            long rowZ = rowZero[rowAt + y];
            int xBegin = Math.max(0, pixelBegin - y * w), xEnd = Math.min(w, pixelEnd - y * w);
            for (int x = xBegin; x < xEnd; x++) {
                long s = srcRow + x * sW;
                FloatVector v = load(src, s + o0)
                        .blend(load(src, s + o1), m1)
                        .blend(load(src, s + o2), m2)
                        .blend(load(src, s + o3), m3)
                        .blend(load(src, s + o4), m4)
                        .blend(load(src, s + o5), m5)
                        .blend(load(src, s + o6), m6)
                        .blend(load(src, s + o7), m7)
                        .blend(load(src, s + o8), m8)
                        .blend(load(src, s + o9), m9)
                        .blend(load(src, s + o10), m10)
                        .blend(load(src, s + o11), m11)
                        .blend(load(src, s + o12), m12)
                        .blend(load(src, s + o13), m13)
                        .blend(load(src, s + o14), m14)
                        .blend(load(src, s + o15), m15);
                v = v.blend(0f, VectorMask.fromLong(S, rowZ | colZero[colAt + x]));
                v.intoMemorySegment(dst, dstRow + x * dW, ORDER);
            }
        }
    }

    private static FloatVector load(MemorySegment segment, long byteOffset) {
        return FloatVector.fromMemorySegment(S, segment, byteOffset, ORDER);
    }
}
