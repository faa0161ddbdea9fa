package org.shiftnet4j.kernel;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * Once C2 has compiled them, the Vector API elementwise and pooling kernels allocate nothing per call. A vector that
 * escapes a method C2 does not inline is boxed on the heap; this is how such a regression shows.
 *
 * <p>Compilation is asynchronous and the machine is shared, so each kernel gets up to {@value #ROUNDS} rounds to
 * become allocation-free, and the test fails only if it never does.
 */
class ElementwiseAndPoolingAllocationTest {
    private static final int CALLS = 200;
    private static final int ROUNDS = 500;

    @Test
    void compiledKernelsDoNotAllocate() {
        assumeTrue(!System.getProperty("java.vm.info", "").contains("interpreted"), "needs a JIT compiler");
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean
                && bean.isThreadAllocatedMemorySupported(), "needs per-thread allocation counters");
        Kernels v = ElementwiseKernelsTest.VECTOR;
        try (Arena arena = Arena.ofConfined()) {
            for (Layout layout : Layout.values()) {
                // Wide enough for whole stride-3 blocks of 16 lanes; channels fill vectors and leave a tail.
                int n = 1, c = 20, h = 3, w = 53;
                Tensor bordered = Tensor.allocate(arena, layout, n, c, h, w, 1);
                Tensor dense = Tensor.allocate(arena, layout, n, c, h, w);
                Tensor slice = Tensor.allocate(arena, layout, n, c + 7, h, w).channelSlice(3, c);
                float[] scale = new float[c], shift = new float[c];
                String at = layout + " " + v.name() + " ";
                expectNoAllocation(at + "scaleShift", () -> v.scaleShift(bordered, scale, shift, true, slice));
                expectNoAllocation(at + "scaleShift in place", () -> v.scaleShift(dense, scale, shift, false, dense));
                expectNoAllocation(at + "add", () -> v.add(bordered, dense, true, slice));
                expectNoAllocation(at + "relu", () -> v.relu(dense, dense));
                expectNoAllocation(at + "copy", () -> v.copy(bordered, slice));
                expectNoAllocation(at + "clamp", () -> v.clamp(bordered, 0f, 6f, slice));
                expectNoAllocation(at + "clamp in place", () -> v.clamp(dense, -1f, Float.POSITIVE_INFINITY, dense));
                expectNoAllocation(at + "softmax", () -> v.softmax(bordered, dense));
                expectNoAllocation(at + "softmax in place", () -> v.softmax(slice, slice));
                for (int stride = 1; stride <= 3; stride++) {
                    int s = stride, outH = (h + 2 - 3) / s + 1, outW = (w + 2 - 3) / s + 1;
                    Tensor pooled = Tensor.allocate(arena, layout, n, c, outH, outW);
                    expectNoAllocation(at + "avgPool 3×3 s" + s, () -> v.avgPool(bordered, 3, s, 1, s == 2, pooled));
                    expectNoAllocation(at + "maxPool 3×3 s" + s, () -> v.maxPool(bordered, 3, s, 1, pooled));
                }
                Tensor means = Tensor.allocate(arena, layout, n, c, 1, 1);
                expectNoAllocation(at + "globalAvgPool", () -> v.globalAvgPool(bordered, means));
                expectNoAllocation(at + "globalAvgPool dense", () -> v.globalAvgPool(dense, means));
            }
        }
    }

    private static void expectNoAllocation(String what, Runnable kernel) {
        long overhead = Math.max(allocatedBy(() -> { }), allocatedBy(() -> { }));
        long perCall = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long bytes = allocatedBy(kernel) - overhead;
            // One boxed vector is 16+ bytes: allocating kernels exceed this by far, compiled ones stay at zero.
            if (bytes < CALLS / 2) return;
            perCall = bytes / CALLS;
        }
        fail(what + " still allocates about " + perCall + " bytes per call after " + ROUNDS * CALLS + " calls");
    }

    /** Bytes this thread allocates during {@value #CALLS} calls, including the cost of reading the counter. */
    private static long allocatedBy(Runnable kernel) {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = bean.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < CALLS; i++) kernel.run();
        return bean.getCurrentThreadAllocatedBytes() - before;
    }
}
