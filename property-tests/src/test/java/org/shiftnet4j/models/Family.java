package org.shiftnet4j.models;

import org.shiftnet4j.kernel.KernelProvider;
import org.shiftnet4j.kernel.Kernels;

/** The kernel family a prepared model runs on; the Vector API one at this JVM's preferred width. */
enum Family {
    SCALAR, VECTOR;

    Kernels kernels() {
        return this == SCALAR ? KernelProvider.scalar() : Vector.KERNELS;
    }

    private static final class Vector {
        static final Kernels KERNELS = KernelProvider.vector().orElseThrow(() -> new IllegalStateException(
                "the Vector API kernels did not load; run the tests with --add-modules=jdk.incubator.vector"));
    }
}
