package org.shiftnet4j.io.onnx;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Field-by-field equality of ONNX records; records compare arrays by identity, which is useless here. */
final class OnnxAssert {
    private OnnxAssert() {
    }

    static void assertSameModel(OnnxModel expected, OnnxModel actual) {
        assertEquals(expected.irVersion(), actual.irVersion(), "ir_version");
        assertEquals(expected.opsets(), actual.opsets(), "opsets");
        assertEquals(expected.producerName(), actual.producerName());
        assertEquals(expected.producerVersion(), actual.producerVersion());
        assertEquals(expected.domain(), actual.domain());
        assertEquals(expected.modelVersion(), actual.modelVersion());
        assertEquals(expected.docString(), actual.docString());
        assertEquals(List.copyOf(expected.metadata().entrySet()), List.copyOf(actual.metadata().entrySet()),
                "metadata, in order");
        assertSameGraph(expected.graph(), actual.graph(), "graph");
    }

    static void assertSameGraph(OnnxGraph expected, OnnxGraph actual, String where) {
        assertEquals(expected.name(), actual.name(), where + " name");
        assertEquals(expected.docString(), actual.docString(), where + " doc");
        assertEquals(expected.inputs(), actual.inputs(), where + " inputs");
        assertEquals(expected.outputs(), actual.outputs(), where + " outputs");
        assertEquals(expected.valueInfo(), actual.valueInfo(), where + " value_info");
        assertEquals(expected.nodes().size(), actual.nodes().size(), where + " node count");
        for (int k = 0; k < expected.nodes().size(); k++) {
            assertSameNode(expected.nodes().get(k), actual.nodes().get(k), where + ".node[" + k + "]");
        }
        assertEquals(expected.initializers().size(), actual.initializers().size(), where + " initializer count");
        for (int k = 0; k < expected.initializers().size(); k++) {
            assertSameTensor(expected.initializers().get(k), actual.initializers().get(k),
                    where + ".initializer[" + k + "]");
        }
    }

    static void assertSameNode(OnnxNode expected, OnnxNode actual, String where) {
        assertEquals(expected.name(), actual.name(), where);
        assertEquals(expected.opType(), actual.opType(), where);
        assertEquals(expected.domain(), actual.domain(), where);
        assertEquals(expected.inputs(), actual.inputs(), where);
        assertEquals(expected.outputs(), actual.outputs(), where);
        assertEquals(expected.docString(), actual.docString(), where);
        assertEquals(expected.attributes().size(), actual.attributes().size(), where);
        for (int k = 0; k < expected.attributes().size(); k++) {
            assertSameAttribute(expected.attributes().get(k), actual.attributes().get(k), where + ".attribute[" + k + "]");
        }
    }

    static void assertSameAttribute(OnnxAttribute expected, OnnxAttribute actual, String where) {
        assertEquals(expected.name(), actual.name(), where);
        assertEquals(expected.type(), actual.type(), where);
        assertEquals(Float.floatToRawIntBits(expected.f()), Float.floatToRawIntBits(actual.f()), where + " f");
        assertEquals(expected.i(), actual.i(), where);
        assertEquals(expected.s(), actual.s(), where);
        assertArrayEquals(bits(expected.floats()), bits(actual.floats()), where + " floats");
        assertArrayEquals(expected.ints(), actual.ints(), where);
        assertEquals(expected.strings(), actual.strings(), where);
        if (expected.t() == null) {
            assertNull(actual.t(), where);
        } else {
            assertSameTensor(expected.t(), actual.t(), where + ".t");
        }
        if (expected.g() == null) {
            assertNull(actual.g(), where);
        } else {
            assertSameGraph(expected.g(), actual.g(), where + ".g");
        }
    }

    static void assertSameTensor(OnnxTensor expected, OnnxTensor actual, String where) {
        assertEquals(expected.name(), actual.name(), where);
        assertEquals(expected.dataType(), actual.dataType(), where);
        assertArrayEquals(expected.dims(), actual.dims(), where + " dims");
        if (expected.floats() == null) {
            assertNull(actual.floats(), where);
            assertArrayEquals(expected.longs(), actual.longs(), where + " longs");
        } else {
            assertNull(actual.longs(), where);
            assertArrayEquals(bits(expected.floats()), bits(actual.floats()), where + " floats (bits)");
        }
    }

    static int[] bits(float[] values) {
        int[] out = new int[values.length];
        for (int k = 0; k < values.length; k++) {
            out[k] = Float.floatToRawIntBits(values[k]);
        }
        return out;
    }
}
