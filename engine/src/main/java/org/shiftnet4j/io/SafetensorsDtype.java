package org.shiftnet4j.io;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The element types a safetensors header may name, spelled as in the header ({@code "F32"}, {@code "BF16"}, ...).
 * Only {@link #F32}, {@link #F16} and {@link #BF16} convert to float; the others are recognised so a file that holds
 * them (e.g. PyTorch's I64 {@code num_batches_tracked}) still opens and validates.
 */
public enum SafetensorsDtype {
    BOOL(8), F4(4), F6_E2M3(6), F6_E3M2(6), U8(8), I8(8),
    F8_E5M2(8), F8_E4M3(8), F8_E8M0(8), F8_E4M3FNUZ(8), F8_E5M2FNUZ(8),
    I16(16), U16(16), F16(16), BF16(16),
    I32(32), U32(32), F32(32), C64(64), F64(64), I64(64), U64(64);

    private static final String KNOWN_NAMES = Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));

    private final int bits;

    SafetensorsDtype(int bits) {
        this.bits = bits;
    }

    /** Size of one element in bits (sub-byte types such as F4 pack several elements per byte). */
    public int bits() {
        return bits;
    }

    /** Whether {@link SafetensorsFile#floats} and {@link SafetensorsFile#copyFloats} can convert this type. */
    public boolean convertsToFloat() {
        return this == F32 || this == F16 || this == BF16;
    }

    /** The dtype spelled {@code name} in a header, or empty if the format has no such type. */
    public static Optional<SafetensorsDtype> fromHeaderName(String name) {
        for (SafetensorsDtype d : values()) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    static String knownNames() {
        return KNOWN_NAMES;
    }
}
