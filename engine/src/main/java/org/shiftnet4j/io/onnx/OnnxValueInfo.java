package org.shiftnet4j.io.onnx;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The declared type of a graph input, output or intermediate value.
 *
 * <p>Only tensor types are described: for any other kind (sequence, map, optional...) {@code elemType} is 0 and
 * {@code shape} is {@code null}, as when the file declares no type at all.
 *
 * @param name     the value's name
 * @param elemType the ONNX element type code ({@link OnnxTensor#FLOAT}...), 0 when unknown or not a tensor
 * @param shape    the dimensions, or {@code null} when the rank is unknown (an empty list is a scalar)
 */
public record OnnxValueInfo(String name, int elemType, List<OnnxDim> shape) {
    public OnnxValueInfo {
        name = Objects.requireNonNullElse(name, "");
        shape = shape == null ? null : List.copyOf(shape);
    }

    /** A tensor value of element type {@code elemType} and the given dimensions (none: a scalar). */
    public static OnnxValueInfo tensor(String name, int elemType, OnnxDim... dims) {
        return new OnnxValueInfo(name, elemType, Arrays.asList(dims));
    }

    @Override
    public String toString() {
        return "'" + name + "': " + (elemType == 0 && shape == null ? "not a tensor or untyped"
                : OnnxTensor.typeName(elemType) + (shape == null ? "[rank unknown]" : shape.toString()));
    }
}
