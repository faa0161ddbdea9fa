package org.shiftnet4j.kernel;

import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Optional;
import org.shiftnet4j.kernel.scalar.ScalarKernels;

/**
 * Chooses the kernel family once per JVM. The Vector API kernels are used when the {@code jdk.incubator.vector}
 * module is present, the C2 compiler is on (C1 does not intrinsify vectors) and vectors are at least 256 bits wide;
 * otherwise the scalar reference runs and the reason is logged once.
 *
 * <p>{@code -Dshiftnet4j.kernels=auto|vector|scalar} overrides the choice ({@code vector} still needs the module).
 */
public final class KernelProvider {
    /** System property that forces a kernel family. */
    public static final String PROPERTY = "shiftnet4j.kernels";
    /** Narrowest vector width the automatic choice accepts. */
    public static final int MIN_AUTO_VECTOR_BITS = 256;

    private static final System.Logger LOG = System.getLogger("org.shiftnet4j.kernel");
    private static final String VECTOR_CLASS = "org.shiftnet4j.kernel.simd.VectorKernels";

    private KernelProvider() {
    }

    /** The family chosen for this JVM. */
    public static Kernels get() {
        return Holder.CHOICE.kernels;
    }

    /** Why {@link #get()} returned what it did, e.g. "vector-256: module present, C2 on, 256-bit vectors". */
    public static String reason() {
        return Holder.CHOICE.reason;
    }

    /** The scalar reference. */
    public static Kernels scalar() {
        return ScalarKernels.INSTANCE;
    }

    /**
     * The Vector API family at this JVM's preferred vector width, whatever that width is (tests use this to prove
     * 128-bit kernels too), or empty when the incubator module is not in the boot layer.
     */
    public static Optional<Kernels> vector() {
        return Optional.ofNullable(VectorHolder.KERNELS);
    }

    private record Choice(Kernels kernels, String reason) {
    }

    private static final class Holder {
        static final Choice CHOICE = choose();
    }

    private static final class VectorHolder {
        static final Kernels KERNELS = loadVector();
    }

    private static Choice choose() {
        String forced = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        Choice choice = switch (forced) {
            case "scalar" -> new Choice(scalar(), "scalar: forced by -D" + PROPERTY + "=scalar");
            case "vector" -> vector()
                    .map(k -> new Choice(k, k.name() + ": forced by -D" + PROPERTY + "=vector"))
                    .orElseThrow(() -> new IllegalStateException("-D" + PROPERTY + "=vector needs the Vector API: "
                            + "start java with --add-modules=jdk.incubator.vector"));
            case "auto" -> automatic();
            default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + forced
                    + " is not one of auto, vector, scalar");
        };
        boolean fallback = choice.kernels == scalar() && !"scalar".equals(forced);
        LOG.log(fallback ? Level.WARNING : Level.DEBUG, "shiftnet4j kernels: " + choice.reason);
        return choice;
    }

    private static Choice automatic() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return new Choice(scalar(), "scalar fallback: the jdk.incubator.vector module is not loaded; "
                    + "start java with --add-modules=jdk.incubator.vector for SIMD kernels");
        }
        String compilerProblem = compilerProblem();
        if (compilerProblem != null) {
            return new Choice(scalar(), "scalar fallback: " + compilerProblem
                    + "; the Vector API is only fast when C2 compiles it");
        }
        Kernels vector = vector().orElse(null);
        if (vector == null) {
            return new Choice(scalar(), "scalar fallback: the Vector API kernels could not be loaded (see the log)");
        }
        int bits = vectorBits(vector);
        if (bits < MIN_AUTO_VECTOR_BITS) {
            return new Choice(scalar(), "scalar fallback: preferred vectors are " + bits + " bits (< "
                    + MIN_AUTO_VECTOR_BITS + "); force them with -D" + PROPERTY + "=vector");
        }
        return new Choice(vector, vector.name() + ": module present, C2 on, " + bits + "-bit vectors");
    }

    private static int vectorBits(Kernels vector) {
        String name = vector.name();
        return Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
    }

    /** Null when C2 is available, otherwise what prevents it. */
    private static String compilerProblem() {
        String info = System.getProperty("java.vm.info", "");
        if (info.contains("interpreted mode")) {
            return "the JVM runs interpreted only (-Xint)";
        }
        try {
            var hotspot = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (hotspot != null) {
                boolean tiered = Boolean.parseBoolean(hotspot.getVMOption("TieredCompilation").getValue());
                int stopAt = Integer.parseInt(hotspot.getVMOption("TieredStopAtLevel").getValue());
                if (tiered && stopAt < 4) {
                    return "C2 is off (-XX:TieredStopAtLevel=" + stopAt + ")";
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // Not HotSpot or no management module: nothing to learn here, assume an optimising compiler.
        }
        return null;
    }

    private static Kernels loadVector() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            // Loaded reflectively so that no Vector API class is touched when the module is absent.
            Class<?> type = MethodHandles.lookup().findClass(VECTOR_CLASS);
            return (Kernels) type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LOG.log(Level.WARNING, "shiftnet4j: the Vector API kernels failed to load: " + e);
            return null;
        }
    }
}
