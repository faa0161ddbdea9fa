package org.shiftnet4j.io.onnx;

/**
 * Field numbers of the ONNX protobuf messages shiftnet4j reads and writes (public facts of the format), shared by
 * {@link OnnxReader} and {@link OnnxWriter} so the two cannot drift apart.
 */
final class OnnxFields {
    private OnnxFields() {
    }

    // ModelProto
    static final int MODEL_IR_VERSION = 1, MODEL_PRODUCER_NAME = 2, MODEL_PRODUCER_VERSION = 3, MODEL_DOMAIN = 4,
            MODEL_VERSION = 5, MODEL_DOC_STRING = 6, MODEL_GRAPH = 7, MODEL_OPSET_IMPORT = 8,
            MODEL_METADATA_PROPS = 14;

    // StringStringEntryProto
    static final int ENTRY_KEY = 1, ENTRY_VALUE = 2;

    // OperatorSetIdProto
    static final int OPSET_DOMAIN = 1, OPSET_VERSION = 2;

    // GraphProto
    static final int GRAPH_NODE = 1, GRAPH_NAME = 2, GRAPH_INITIALIZER = 5, GRAPH_DOC_STRING = 10, GRAPH_INPUT = 11,
            GRAPH_OUTPUT = 12, GRAPH_VALUE_INFO = 13, GRAPH_SPARSE_INITIALIZER = 15;

    // NodeProto
    static final int NODE_INPUT = 1, NODE_OUTPUT = 2, NODE_NAME = 3, NODE_OP_TYPE = 4, NODE_ATTRIBUTE = 5,
            NODE_DOC_STRING = 6, NODE_DOMAIN = 7;

    // AttributeProto
    static final int ATTR_NAME = 1, ATTR_F = 2, ATTR_I = 3, ATTR_S = 4, ATTR_T = 5, ATTR_G = 6, ATTR_FLOATS = 7,
            ATTR_INTS = 8, ATTR_STRINGS = 9, ATTR_TENSORS = 10, ATTR_GRAPHS = 11, ATTR_DOC_STRING = 13,
            ATTR_TYPE = 20, ATTR_REF_ATTR_NAME = 21;

    // TensorProto
    static final int TENSOR_DIMS = 1, TENSOR_DATA_TYPE = 2, TENSOR_SEGMENT = 3, TENSOR_FLOAT_DATA = 4,
            TENSOR_INT32_DATA = 5, TENSOR_STRING_DATA = 6, TENSOR_INT64_DATA = 7, TENSOR_NAME = 8,
            TENSOR_RAW_DATA = 9, TENSOR_DOUBLE_DATA = 10, TENSOR_UINT64_DATA = 11, TENSOR_DOC_STRING = 12,
            TENSOR_EXTERNAL_DATA = 13, TENSOR_DATA_LOCATION = 14;

    /** TensorProto.data_location value for weights kept in a separate file. */
    static final int DATA_LOCATION_EXTERNAL = 1;

    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, TensorShapeProto.Dimension
    static final int VALUE_NAME = 1, VALUE_TYPE = 2, VALUE_DOC_STRING = 3;
    static final int TYPE_TENSOR_TYPE = 1;
    static final int TENSOR_TYPE_ELEM_TYPE = 1, TENSOR_TYPE_SHAPE = 2;
    static final int SHAPE_DIM = 1;
    static final int DIM_VALUE = 1, DIM_PARAM = 2;
}
