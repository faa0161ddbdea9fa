package org.shiftnet4j.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.shiftnet4j.kernel.KernelProvider;
import org.shiftnet4j.kernel.Kernels;

/**
 * Law 5: the suite really runs at the vector width it claims. The pom runs it twice: by default (this machine's
 * preferred width) and with {@code -XX:MaxVectorSize=16} plus {@code -Dshiftnet4j.test.expectedVectorBits=128}.
 * Without this check a lost JVM flag would silently test the 256-bit kernels twice.
 */
class VectorWidthTest {
    static final String EXPECTED_BITS_PROPERTY = "shiftnet4j.test.expectedVectorBits";

    private static final HotSpotDiagnosticMXBean HOTSPOT =
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

    @Test
    void vectorKernelsUseTheWidthThisRunExpects() {
        String expected = System.getProperty(EXPECTED_BITS_PROPERTY);
        Kernels vector = Families.VECTOR;
        int jvmBits = 8 * Integer.parseInt(HOTSPOT.getVMOption("MaxVectorSize").getValue());
        if (expected != null) {
            assertEquals("vector-" + expected.trim(), vector.name(),
                    "-D" + EXPECTED_BITS_PROPERTY + "=" + expected + " but the Vector API kernels are " + vector.name());
            assertEquals(Integer.parseInt(expected.trim()), jvmBits,
                    "the JVM's MaxVectorSize does not match -D" + EXPECTED_BITS_PROPERTY + "; was -XX:MaxVectorSize passed?");
        } else {
            // The default run must not inherit a width limit: MaxVectorSize is the JVM's own choice for this CPU.
            VMOption maxVectorSize = HOTSPOT.getVMOption("MaxVectorSize");
            assertNotEquals(VMOption.Origin.VM_CREATION, maxVectorSize.getOrigin(),
                    "the default run was started with -XX:MaxVectorSize=" + maxVectorSize.getValue()
                            + "; it must use the machine's preferred width");
            assertEquals("vector-" + jvmBits, vector.name(),
                    "the Vector API kernels do not use the machine's preferred width (MaxVectorSize allows "
                            + jvmBits + " bits)");
        }
    }

    @Test
    void automaticChoiceTakesTheVectorKernelsOnlyFromTwoHundredFiftySixBits() {
        String forced = System.getProperty(KernelProvider.PROPERTY, "auto").trim();
        assumeTrue(forced.equalsIgnoreCase("auto"),
                "-D" + KernelProvider.PROPERTY + "=" + forced + " overrides the automatic choice");
        String name = Families.VECTOR.name();
        int bits = Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
        if (bits >= KernelProvider.MIN_AUTO_VECTOR_BITS) {
            assertSame(Families.VECTOR, KernelProvider.get(), "auto choice at " + bits + " bits: "
                    + KernelProvider.reason());
        } else {
            assertSame(Families.SCALAR, KernelProvider.get(), "auto choice at " + bits + " bits: "
                    + KernelProvider.reason());
            assertTrue(KernelProvider.reason().contains(bits + " bits"), KernelProvider.reason());
        }
    }
}
