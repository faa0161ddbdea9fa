package org.shiftnet4j.properties;

import java.util.List;
import org.shiftnet4j.kernel.KernelProvider;
import org.shiftnet4j.kernel.Kernels;

/** Both kernel families; the suite needs the Vector API (surefire passes --add-modules=jdk.incubator.vector). */
final class Families {
    static final Kernels SCALAR = KernelProvider.scalar();
    static final Kernels VECTOR = KernelProvider.vector().orElseThrow(() -> new IllegalStateException(
            "the Vector API kernels did not load; run the tests with --add-modules=jdk.incubator.vector"));
    static final List<Kernels> BOTH = List.of(SCALAR, VECTOR);

    private Families() {
    }
}
