package org.shiftnet4j.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies and zero-fills of contiguous float spans, the two moves a shift is made of. Offsets are in bytes.
 * Spans of at least one vector end with one overlapping vector instead of a scalar tail: a copy or a fill may
 * write the same float twice with the same value, which is harmless because source and destination never overlap.
 */
final class VectorShiftSpans {
    private static final VectorSpecies<Float> S = VectorKernels.S;
    static final int LANES = S.length();
    private static final long VECTOR_BYTES = S.vectorByteSize();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /**
     * From this many floats on, spans go to the JDK's bulk copy, which streams at least as fast as a vector loop
     * (shared/reference/anchors-measured.md, L2: 71-77 vs 58-60 GB/s). The threshold itself was not tuned.
     */
    private static final long BULK_FLOATS = 1024;
    /** Keeps the int loop counter of a fill in range for planes of more than 2^31 floats. */
    private static final int ZERO_CHUNK_FLOATS = 1 << 30;

    private VectorShiftSpans() {
    }

    /** Copies {@code count} floats from {@code src} at {@code srcByte} to {@code dst} at {@code dstByte}. */
    static void copy(MemorySegment src, long srcByte, MemorySegment dst, long dstByte, long count) {
        if (count >= BULK_FLOATS) {
            MemorySegment.copy(src, srcByte, dst, dstByte, count * Float.BYTES);
        } else if (count >= LANES) {
            copyVectors(src, srcByte, dst, dstByte, (int) count);
        } else if (count > 0) {
            // Shorter than a vector (rows of small planes, gaps): one masked load and store instead of a float loop.
            VectorMask<Float> first = VectorMask.fromLong(S, (1L << count) - 1);
            FloatVector.fromMemorySegment(S, src, srcByte, ORDER, first).intoMemorySegment(dst, dstByte, ORDER, first);
        }
    }

    /**
     * {@code LANES <= count <= 4·LANES}: straight-line vectors, the last one overlapping its predecessor. For spans
     * copied once per row or pixel, where a loop costs more than its body.
     */
    static void copyFew(MemorySegment src, long srcByte, MemorySegment dst, long dstByte, int count) {
        long last = (long) (count - LANES) * Float.BYTES;
        FloatVector.fromMemorySegment(S, src, srcByte, ORDER).intoMemorySegment(dst, dstByte, ORDER);
        if (last > VECTOR_BYTES) {
            FloatVector.fromMemorySegment(S, src, srcByte + VECTOR_BYTES, ORDER)
                    .intoMemorySegment(dst, dstByte + VECTOR_BYTES, ORDER);
        }
        if (last > 2 * VECTOR_BYTES) {
            FloatVector.fromMemorySegment(S, src, srcByte + 2 * VECTOR_BYTES, ORDER)
                    .intoMemorySegment(dst, dstByte + 2 * VECTOR_BYTES, ORDER);
        }
        FloatVector.fromMemorySegment(S, src, srcByte + last, ORDER).intoMemorySegment(dst, dstByte + last, ORDER);
    }

    /** {@code count >= LANES}: whole vectors, the last one overlapping its predecessor. */
    static void copyVectors(MemorySegment src, long srcByte, MemorySegment dst, long dstByte, int count) {
        int last = count - LANES;
        for (int i = 0; i < last; i += LANES) {
            long b = (long) i * Float.BYTES;
            FloatVector.fromMemorySegment(S, src, srcByte + b, ORDER).intoMemorySegment(dst, dstByte + b, ORDER);
        }
        long b = (long) last * Float.BYTES;
        FloatVector.fromMemorySegment(S, src, srcByte + b, ORDER).intoMemorySegment(dst, dstByte + b, ORDER);
    }

    /** Writes {@code count} zeros to {@code dst} at {@code dstByte}. */
    static void zero(MemorySegment dst, long dstByte, long count) {
        if (count < LANES) {
            if (count > 0) {
                FloatVector.zero(S).intoMemorySegment(dst, dstByte, ORDER, VectorMask.fromLong(S, (1L << count) - 1));
            }
            return;
        }
        long done = 0;
        for (; count - done > ZERO_CHUNK_FLOATS; done += ZERO_CHUNK_FLOATS) {
            zeroVectors(dst, dstByte + done * Float.BYTES, ZERO_CHUNK_FLOATS);
        }
        zeroVectors(dst, dstByte + done * Float.BYTES, (int) (count - done));
    }

    /** {@code count >= LANES}: whole zero vectors, the last one overlapping its predecessor. */
    private static void zeroVectors(MemorySegment dst, long dstByte, int count) {
        FloatVector zero = FloatVector.zero(S);
        int last = count - LANES;
        for (int i = 0; i < last; i += LANES) {
            zero.intoMemorySegment(dst, dstByte + (long) i * Float.BYTES, ORDER);
        }
        zero.intoMemorySegment(dst, dstByte + (long) last * Float.BYTES, ORDER);
    }
}
