package org.shiftnet4j.graph;

import java.util.Arrays;

/**
 * A named parameter tensor of a graph, named as in PyTorch's state_dict so that a
 * {@code safetensors.torch.save_file(model.state_dict(), ...)} file loads without conversion.
 */
public record ParamSpec(String name, int[] shape, Role role) {
    /** What a parameter is for: decides initialisation and whether it counts as a trainable parameter. */
    public enum Role {
        CONV_WEIGHT, CONV_BIAS, LINEAR_WEIGHT, LINEAR_BIAS, BN_WEIGHT, BN_BIAS, BN_RUNNING_MEAN, BN_RUNNING_VAR;

        /** Trainable parameters: what papers count (BN running statistics are buffers, not parameters). */
        public boolean trainable() {
            return this != BN_RUNNING_MEAN && this != BN_RUNNING_VAR;
        }

        public boolean batchNorm() {
            return this == BN_WEIGHT || this == BN_BIAS || this == BN_RUNNING_MEAN || this == BN_RUNNING_VAR;
        }
    }

    public ParamSpec {
        shape = shape.clone();
    }

    public long elementCount() {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamSpec p && p.name.equals(name) && Arrays.equals(p.shape, shape) && p.role == role;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + shapeString();
    }
}
