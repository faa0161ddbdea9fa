package org.shiftnet4j.io.onnx;

import java.util.Objects;

/**
 * One entry of a model's {@code opset_import}: the operator set version the model uses for {@code domain}.
 *
 * @param domain  {@code ""} (or {@code "ai.onnx"}) for the default ONNX operators
 * @param version the operator set version
 */
public record OpsetImport(String domain, long version) {
    public OpsetImport {
        domain = Objects.requireNonNullElse(domain, "");
    }

    /** Whether this import is for the default ONNX operator domain. */
    boolean isDefaultDomain() {
        return domain.isEmpty() || domain.equals("ai.onnx");
    }
}
