package org.shiftnet4j.io.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static com.google.protobuf.WireFormat.WIRETYPE_END_GROUP;
import static com.google.protobuf.WireFormat.WIRETYPE_FIXED32;
import static com.google.protobuf.WireFormat.WIRETYPE_FIXED64;
import static com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED;
import static com.google.protobuf.WireFormat.WIRETYPE_VARINT;
import static org.shiftnet4j.io.onnx.OnnxFields.*;

/**
 * Parses an ONNX model from bytes, at the protobuf wire level, into the {@code Onnx*} records.
 *
 * <p>Files come from users, so this is a security boundary: every problem becomes an {@link OnnxFormatException}
 * that names the place in the model ({@code graph.node[12] (name 'Conv_3').attribute[2]}). Nothing is allocated
 * from a declared size before the input is known to hold that many bytes, graphs nest at most
 * {@value #MAX_GRAPH_DEPTH} deep, and protobuf's own recursion limit bounds skipped groups. Unknown fields are
 * skipped; a known field with the wrong wire type is an error. Repeated scalars are accepted packed and unpacked.
 * When a singular field appears twice the last value wins (protobuf would merge repeated sub-messages; no ONNX
 * writer splits one).
 */
final class OnnxReader {
    /** Graphs inside attributes (If, Loop, Scan bodies) nest at most this deep, counting the main graph. */
    static final int MAX_GRAPH_DEPTH = 32;
    /** ONNX has no groups; this only bounds protobuf's recursion when it skips unknown group fields. */
    private static final int GROUP_NESTING_LIMIT = 100;

    private final byte[] bytes;
    private final CodedInputStream in;
    /** Where the parser is, outermost first: "graph", "node[3] (name 'conv1')", "attribute[0] (name 'pads')". */
    private final List<String> path = new ArrayList<>();
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder(); // reports malformed input
    private int graphDepth;

    private OnnxReader(byte[] bytes) {
        this.bytes = bytes;
        this.in = CodedInputStream.newInstance(bytes);
        in.setRecursionLimit(GROUP_NESTING_LIMIT);
        in.setSizeLimit(Integer.MAX_VALUE);
    }

    static OnnxModel parse(byte[] bytes) throws OnnxFormatException {
        Objects.requireNonNull(bytes, "bytes");
        OnnxReader reader = new OnnxReader(bytes);
        try {
            // A limit makes getBytesUntilLimit() meaningful at the top level too.
            reader.in.pushLimit(bytes.length);
            return reader.readModel();
        } catch (OnnxFormatException e) {
            throw e;
        } catch (InvalidProtocolBufferException e) {
            throw reader.wireError(e);
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: a record or TensorCodec refused a value the checks here let through.
            throw reader.malformed(String.valueOf(e.getMessage()), e);
        }
    }

    // ------------------------------------------------------------------ ModelProto

    private OnnxModel readModel() throws IOException {
        long irVersion = 0;
        long modelVersion = 0;
        String producerName = "";
        String producerVersion = "";
        String domain = "";
        String docString = "";
        OnnxGraph graph = null;
        List<OpsetImport> opsets = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case MODEL_IR_VERSION -> irVersion = readVarint(tag, "ModelProto.ir_version");
                case MODEL_PRODUCER_NAME -> producerName = readString(tag, "ModelProto.producer_name");
                case MODEL_PRODUCER_VERSION -> producerVersion = readString(tag, "ModelProto.producer_version");
                case MODEL_DOMAIN -> domain = readString(tag, "ModelProto.domain");
                case MODEL_VERSION -> modelVersion = readVarint(tag, "ModelProto.model_version");
                case MODEL_DOC_STRING -> docString = readString(tag, "ModelProto.doc_string");
                case MODEL_GRAPH -> {
                    enter("graph");
                    graph = readGraph(tag, "ModelProto.graph");
                    leave();
                }
                case MODEL_OPSET_IMPORT -> {
                    enter("opset_import[" + opsets.size() + "]");
                    opsets.add(readOpset(tag));
                    leave();
                }
                case MODEL_METADATA_PROPS -> {
                    enter("metadata_props[" + metadata.size() + "]");
                    readMetadataEntry(tag, metadata);
                    leave();
                }
                default -> skip(tag);
            }
        }
        if (graph == null) {
            throw malformed("the model has no graph (field 7); is this an ONNX model file?");
        }
        return new OnnxModel(irVersion, opsets, producerName, producerVersion, domain, modelVersion, docString,
                graph, metadata);
    }

    private OpsetImport readOpset(int outerTag) throws IOException {
        int outer = beginMessage(outerTag, "ModelProto.opset_import");
        String domain = "";
        long version = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case OPSET_DOMAIN -> domain = readString(tag, "OperatorSetIdProto.domain");
                case OPSET_VERSION -> version = readVarint(tag, "OperatorSetIdProto.version");
                default -> skip(tag);
            }
        }
        in.popLimit(outer);
        return new OpsetImport(domain, version);
    }

    private void readMetadataEntry(int outerTag, Map<String, String> metadata) throws IOException {
        int outer = beginMessage(outerTag, "ModelProto.metadata_props");
        String key = "";
        String value = "";
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case ENTRY_KEY -> key = readString(tag, "StringStringEntryProto.key");
                case ENTRY_VALUE -> value = readString(tag, "StringStringEntryProto.value");
                default -> skip(tag);
            }
        }
        in.popLimit(outer);
        if (metadata.putIfAbsent(key, value) != null) {
            throw malformed("metadata key '" + Shown.cut(key) + "' appears twice");
        }
    }

    // ------------------------------------------------------------------ GraphProto, NodeProto

    private OnnxGraph readGraph(int outerTag, String field) throws IOException {
        if (++graphDepth > MAX_GRAPH_DEPTH) {
            throw malformed("graphs nested more than " + MAX_GRAPH_DEPTH + " deep");
        }
        int outer = beginMessage(outerTag, field);
        String name = "";
        String docString = "";
        List<OnnxNode> nodes = new ArrayList<>();
        List<OnnxTensor> initializers = new ArrayList<>();
        List<OnnxValueInfo> inputs = new ArrayList<>();
        List<OnnxValueInfo> outputs = new ArrayList<>();
        List<OnnxValueInfo> valueInfo = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case GRAPH_NODE -> {
                    enter("node[" + nodes.size() + "]");
                    nodes.add(readNode(tag));
                    leave();
                }
                case GRAPH_NAME -> name = readString(tag, "GraphProto.name");
                case GRAPH_INITIALIZER -> {
                    enter("initializer[" + initializers.size() + "]");
                    initializers.add(readTensor(tag, "GraphProto.initializer"));
                    leave();
                }
                case GRAPH_DOC_STRING -> docString = readString(tag, "GraphProto.doc_string");
                case GRAPH_INPUT -> inputs.add(readValueInfo(tag, "input", inputs.size()));
                case GRAPH_OUTPUT -> outputs.add(readValueInfo(tag, "output", outputs.size()));
                case GRAPH_VALUE_INFO -> valueInfo.add(readValueInfo(tag, "value_info", valueInfo.size()));
                case GRAPH_SPARSE_INITIALIZER -> {
                    expectWireType(tag, WIRETYPE_LENGTH_DELIMITED, "GraphProto.sparse_initializer");
                    if (readLength(tag, "GraphProto.sparse_initializer") > 0) {
                        throw unsupported("the graph has a sparse initializer, which shiftnet4j does not read; "
                                + "re-export with dense initializers");
                    }
                }
                default -> skip(tag);
            }
        }
        in.popLimit(outer);
        graphDepth--;
        return new OnnxGraph(name, nodes, initializers, inputs, outputs, valueInfo, docString);
    }

    private OnnxNode readNode(int outerTag) throws IOException {
        int outer = beginMessage(outerTag, "GraphProto.node");
        String label = lastSegment();
        String name = "";
        String opType = "";
        String domain = "";
        String docString = "";
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        List<OnnxAttribute> attributes = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case NODE_INPUT -> inputs.add(readString(tag, "NodeProto.input"));
                case NODE_OUTPUT -> outputs.add(readString(tag, "NodeProto.output"));
                case NODE_NAME -> {
                    name = readString(tag, "NodeProto.name");
                    nameSegment(label, name);
                }
                case NODE_OP_TYPE -> opType = readString(tag, "NodeProto.op_type");
                case NODE_ATTRIBUTE -> {
                    enter("attribute[" + attributes.size() + "]");
                    attributes.add(readAttribute(tag));
                    leave();
                }
                case NODE_DOC_STRING -> docString = readString(tag, "NodeProto.doc_string");
                case NODE_DOMAIN -> domain = readString(tag, "NodeProto.domain");
                default -> skip(tag);
            }
        }
        in.popLimit(outer);
        return new OnnxNode(name, opType, domain, inputs, outputs, attributes, docString);
    }

    // ------------------------------------------------------------------ AttributeProto

    private OnnxAttribute readAttribute(int outerTag) throws IOException {
        int outer = beginMessage(outerTag, "NodeProto.attribute");
        String label = lastSegment();
        String name = "";
        OnnxAttribute.Type type = OnnxAttribute.Type.UNDEFINED;
        float f = 0;
        long i = 0;
        String s = "";
        OnnxTensor t = null;
        OnnxGraph g = null;
        PrimitiveLists.Floats floats = new PrimitiveLists.Floats();
        PrimitiveLists.Longs ints = new PrimitiveLists.Longs();
        List<String> strings = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case ATTR_NAME -> {
                    name = readString(tag, "AttributeProto.name");
                    nameSegment(label, name);
                }
                case ATTR_F -> {
                    expectWireType(tag, WIRETYPE_FIXED32, "AttributeProto.f");
                    f = in.readFloat();
                }
                case ATTR_I -> i = readVarint(tag, "AttributeProto.i");
                case ATTR_S -> s = readString(tag, "AttributeProto.s");
                case ATTR_T -> {
                    enter("t");
                    t = readTensor(tag, "AttributeProto.t");
                    leave();
                }
                case ATTR_G -> {
                    enter("g");
                    g = readGraph(tag, "AttributeProto.g");
                    leave();
                }
                case ATTR_FLOATS -> readFloats(tag, floats, "AttributeProto.floats");
                case ATTR_INTS -> readVarints(tag, ints, false, "AttributeProto.ints");
                case ATTR_STRINGS -> strings.add(readString(tag, "AttributeProto.strings"));
                case ATTR_TENSORS, ATTR_GRAPHS -> {
                    // No field in OnnxAttribute holds these; the type tells an importer what it missed.
                    expectWireType(tag, WIRETYPE_LENGTH_DELIMITED, "AttributeProto.tensors/graphs");
                    in.skipRawBytes(readLength(tag, "AttributeProto.tensors/graphs"));
                }
                case ATTR_DOC_STRING -> readString(tag, "AttributeProto.doc_string"); // validated, not kept
                case ATTR_TYPE -> type = readAttributeType(tag);
                case ATTR_REF_ATTR_NAME -> throw malformed("attribute '" + Shown.cut(name) + "' refers to the "
                        + "function attribute '" + Shown.cut(readString(tag, "AttributeProto.ref_attr_name"))
                        + "' (ref_attr_name), which is only valid inside a function body");
                default -> skip(tag);
            }
        }
        in.popLimit(outer);
        return new OnnxAttribute(name, type, f, i, s, t, g, floats.toArray(), ints.toArray(), strings);
    }

    private OnnxAttribute.Type readAttributeType(int tag) throws IOException {
        long code = readVarint(tag, "AttributeProto.type");
        OnnxAttribute.Type type = code == (int) code ? OnnxAttribute.Type.of((int) code) : null;
        if (type == null) {
            throw malformed("attribute type code " + code + " is not an ONNX attribute type");
        }
        return type;
    }

    // ------------------------------------------------------------------ TensorProto

    /** The fields of one TensorProto as read, before they are checked against each other. */
    private static final class TensorParts {
        String name = "";
        long dataType;
        final PrimitiveLists.Longs dims = new PrimitiveLists.Longs();
        boolean segment;
        boolean externalData;
        long dataLocation;
        int rawOffset = -1; // -1: no raw_data field
        int rawLength;
        final PrimitiveLists.Floats floatData = new PrimitiveLists.Floats();
        final PrimitiveLists.Longs int32Data = new PrimitiveLists.Longs();
        final PrimitiveLists.Longs int64Data = new PrimitiveLists.Longs();
        final PrimitiveLists.Longs uint64Data = new PrimitiveLists.Longs();
        final PrimitiveLists.Longs doubleData = new PrimitiveLists.Longs(); // raw IEEE bits
        int stringDataCount;
    }

    private OnnxTensor readTensor(int outerTag, String field) throws IOException {
        int outer = beginMessage(outerTag, field);
        String label = lastSegment();
        TensorParts p = new TensorParts();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case TENSOR_DIMS -> readVarints(tag, p.dims, false, "TensorProto.dims");
                case TENSOR_DATA_TYPE -> p.dataType = readVarint(tag, "TensorProto.data_type");
                case TENSOR_SEGMENT -> {
                    expectWireType(tag, WIRETYPE_LENGTH_DELIMITED, "TensorProto.segment");
                    in.skipRawBytes(readLength(tag, "TensorProto.segment"));
                    p.segment = true;
                }
                case TENSOR_FLOAT_DATA -> readFloats(tag, p.floatData, "TensorProto.float_data");
                case TENSOR_INT32_DATA -> readVarints(tag, p.int32Data, true, "TensorProto.int32_data");
                case TENSOR_STRING_DATA -> {
                    expectWireType(tag, WIRETYPE_LENGTH_DELIMITED, "TensorProto.string_data");
                    in.skipRawBytes(readLength(tag, "TensorProto.string_data"));
                    p.stringDataCount++;
                }
                case TENSOR_INT64_DATA -> readVarints(tag, p.int64Data, false, "TensorProto.int64_data");
                case TENSOR_NAME -> {
                    p.name = readString(tag, "TensorProto.name");
                    nameSegment(label, p.name);
                }
                case TENSOR_RAW_DATA -> {
                    expectWireType(tag, WIRETYPE_LENGTH_DELIMITED, "TensorProto.raw_data");
                    p.rawLength = readLength(tag, "TensorProto.raw_data");
                    p.rawOffset = in.getTotalBytesRead();
                    in.skipRawBytes(p.rawLength);
                }
                case TENSOR_DOUBLE_DATA -> readFixed64s(tag, p.doubleData, "TensorProto.double_data");
                case TENSOR_UINT64_DATA -> readVarints(tag, p.uint64Data, false, "TensorProto.uint64_data");
                case TENSOR_DOC_STRING -> readString(tag, "TensorProto.doc_string"); // validated, not kept
                case TENSOR_EXTERNAL_DATA -> {
                    expectWireType(tag, WIRETYPE_LENGTH_DELIMITED, "TensorProto.external_data");
                    in.skipRawBytes(readLength(tag, "TensorProto.external_data"));
                    p.externalData = true;
                }
                case TENSOR_DATA_LOCATION -> p.dataLocation = readVarint(tag, "TensorProto.data_location");
                default -> skip(tag);
            }
        }
        in.popLimit(outer);
        return finishTensor(p);
    }

    /** Checks the fields of a tensor against each other and decodes its values. */
    private OnnxTensor finishTensor(TensorParts p) throws OnnxFormatException {
        String tensor = "tensor '" + Shown.cut(p.name) + "'";
        if (p.dataLocation == DATA_LOCATION_EXTERNAL || p.externalData) {
            throw unsupported(tensor + " keeps its data in an external file, which shiftnet4j does not read; "
                    + "re-export with the weights embedded");
        }
        if (p.dataLocation != 0) {
            throw malformed(tensor + " has data_location " + p.dataLocation + ", which ONNX does not define");
        }
        if (p.segment) {
            throw unsupported(tensor + " is split into segments, which shiftnet4j does not read");
        }
        int dataType = p.dataType == (int) p.dataType ? (int) p.dataType : -1;
        if (!OnnxTensor.isSupported(dataType)) {
            throw unsupported(tensor + " has data type " + OnnxTensor.typeName(dataType) + ", which shiftnet4j"
                    + " does not read (it reads FLOAT, DOUBLE, FLOAT16, BFLOAT16, the integer types and BOOL)");
        }
        long[] dims = p.dims.toArray();
        String problem = TensorCodec.checkDims(dims);
        if (problem != null) {
            throw malformed(tensor + ": " + problem);
        }
        int count = (int) TensorCodec.elementCount(dims);
        String type = OnnxTensor.typeName(dataType);
        String typedField = typedFieldOf(dataType);
        checkOnlyTypedField(p, tensor, type, typedField, p.rawOffset >= 0);

        if (p.rawOffset >= 0) {
            long needed = (long) count * TensorCodec.elementSize(dataType);
            if (p.rawLength != needed) {
                throw malformed(tensor + ": raw_data has " + p.rawLength + " bytes, but " + count + " " + type
                        + " elements (dims " + TensorCodec.shown(dims) + ") need " + needed);
            }
            return OnnxTensor.isFloating(dataType)
                    ? new OnnxTensor(p.name, dataType, dims, TensorCodec.rawFloats(dataType, bytes, p.rawOffset, count),
                    null)
                    : new OnnxTensor(p.name, dataType, dims, null, checkedRange(tensor, dataType,
                    TensorCodec.rawLongs(dataType, bytes, p.rawOffset, count)));
        }
        int present = typedCount(p, typedField);
        if (present != count) {
            throw malformed(present == 0
                    ? tensor + " has dims " + TensorCodec.shown(dims) + " (" + count + " elements) but no data"
                    : tensor + ": " + typedField + " holds " + present + " values, but dims "
                    + TensorCodec.shown(dims) + " need " + count);
        }
        return switch (dataType) {
            case OnnxTensor.FLOAT -> new OnnxTensor(p.name, dataType, dims, p.floatData.toArray(), null);
            case OnnxTensor.DOUBLE -> new OnnxTensor(p.name, dataType, dims, doublesToFloats(p.doubleData), null);
            case OnnxTensor.FLOAT16, OnnxTensor.BFLOAT16 ->
                    new OnnxTensor(p.name, dataType, dims, halvesToFloats(tensor, dataType, p.int32Data), null);
            case OnnxTensor.INT64 -> new OnnxTensor(p.name, dataType, dims, null, p.int64Data.toArray());
            case OnnxTensor.UINT32, OnnxTensor.UINT64 -> new OnnxTensor(p.name, dataType, dims, null,
                    checkedRange(tensor, dataType, p.uint64Data.toArray()));
            default -> new OnnxTensor(p.name, dataType, dims, null,
                    checkedRange(tensor, dataType, p.int32Data.toArray()));
        };
    }

    /** The typed field ONNX keeps a type's values in when they are not in raw_data. */
    private static String typedFieldOf(int dataType) {
        return switch (dataType) {
            case OnnxTensor.FLOAT -> "float_data";
            case OnnxTensor.DOUBLE -> "double_data";
            case OnnxTensor.INT64 -> "int64_data";
            case OnnxTensor.UINT32, OnnxTensor.UINT64 -> "uint64_data";
            default -> "int32_data"; // the narrow integers, BOOL, FLOAT16 and BFLOAT16 (as bit patterns)
        };
    }

    private static int typedCount(TensorParts p, String field) {
        return switch (field) {
            case "float_data" -> p.floatData.size();
            case "double_data" -> p.doubleData.size();
            case "int64_data" -> p.int64Data.size();
            case "uint64_data" -> p.uint64Data.size();
            case "string_data" -> p.stringDataCount;
            default -> p.int32Data.size();
        };
    }

    /** Values in a typed field that does not belong to the type, or in any typed field next to raw_data, are errors. */
    private void checkOnlyTypedField(TensorParts p, String tensor, String type, String typedField, boolean raw)
            throws OnnxFormatException {
        for (String field : new String[]{"float_data", "int32_data", "string_data", "int64_data", "double_data",
                "uint64_data"}) {
            int n = typedCount(p, field);
            if (n == 0) {
                continue;
            }
            if (raw) {
                throw malformed(tensor + " has both raw_data and " + n + " values in " + field);
            }
            if (!field.equals(typedField)) {
                throw malformed(tensor + " of type " + type + " has " + n + " values in " + field + "; " + type
                        + " values belong in " + typedField + " or raw_data");
            }
        }
    }

    private long[] checkedRange(String tensor, int dataType, long[] values) throws OnnxFormatException {
        String problem = TensorCodec.checkRange(dataType, values);
        if (problem != null) {
            throw malformed(tensor + ": " + problem);
        }
        return values;
    }

    private static float[] doublesToFloats(PrimitiveLists.Longs bits) {
        float[] out = new float[bits.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = TensorCodec.doubleBitsToFloat(bits.get(k));
        }
        return out;
    }

    /** FLOAT16 and BFLOAT16 values in int32_data are 16-bit patterns, one per int. */
    private float[] halvesToFloats(String tensor, int dataType, PrimitiveLists.Longs patterns)
            throws OnnxFormatException {
        float[] out = new float[patterns.size()];
        for (int k = 0; k < out.length; k++) {
            long v = patterns.get(k);
            if (v < 0 || v > 0xFFFF) {
                throw malformed(tensor + ": int32_data value " + v + " at index " + k + " is not a 16-bit "
                        + OnnxTensor.typeName(dataType) + " pattern");
            }
            out[k] = dataType == OnnxTensor.FLOAT16 ? TensorCodec.float16ToFloat((short) v)
                    : TensorCodec.bfloat16ToFloat((short) v);
        }
        return out;
    }

    // ------------------------------------------------------------------ ValueInfoProto and its type

    /** The tensor part of a TypeProto: elemType 0 and shape null when absent or not a tensor. */
    private record TensorType(int elemType, List<OnnxDim> shape) {
        static final TensorType NONE = new TensorType(0, null);
    }

    private OnnxValueInfo readValueInfo(int outerTag, String list, int index) throws IOException {
        enter(list + "[" + index + "]");
        int outer = beginMessage(outerTag, "GraphProto." + list);
        String label = lastSegment();
        String name = "";
        TensorType type = TensorType.NONE;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case VALUE_NAME -> {
                    name = readString(tag, "ValueInfoProto.name");
                    nameSegment(label, name);
                }
                case VALUE_TYPE -> {
                    enter("type");
                    type = readType(tag);
                    leave();
                }
                case VALUE_DOC_STRING -> readString(tag, "ValueInfoProto.doc_string"); // validated, not kept
                default -> skip(tag);
            }
        }
        in.popLimit(outer);
        leave();
        return new OnnxValueInfo(name, type.elemType(), type.shape());
    }

    private TensorType readType(int outerTag) throws IOException {
        int outer = beginMessage(outerTag, "ValueInfoProto.type");
        TensorType type = TensorType.NONE;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) == TYPE_TENSOR_TYPE) {
                enter("tensor_type");
                type = readTensorType(tag);
                leave();
            } else {
                skip(tag); // sequence, map, optional, sparse tensor types: "not a tensor"
            }
        }
        in.popLimit(outer);
        return type;
    }

    private TensorType readTensorType(int outerTag) throws IOException {
        int outer = beginMessage(outerTag, "TypeProto.tensor_type");
        long elemType = 0;
        List<OnnxDim> shape = null;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case TENSOR_TYPE_ELEM_TYPE -> elemType = readVarint(tag, "TypeProto.Tensor.elem_type");
                case TENSOR_TYPE_SHAPE -> {
                    enter("shape");
                    shape = readShape(tag);
                    leave();
                }
                default -> skip(tag);
            }
        }
        in.popLimit(outer);
        if (elemType != (int) elemType) {
            throw malformed("elem_type " + elemType + " is not an ONNX data type");
        }
        return new TensorType((int) elemType, shape);
    }

    private List<OnnxDim> readShape(int outerTag) throws IOException {
        int outer = beginMessage(outerTag, "TypeProto.Tensor.shape");
        List<OnnxDim> dims = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) == SHAPE_DIM) {
                enter("dim[" + dims.size() + "]");
                dims.add(readDim(tag));
                leave();
            } else {
                skip(tag);
            }
        }
        in.popLimit(outer);
        return dims;
    }

    private OnnxDim readDim(int outerTag) throws IOException {
        int outer = beginMessage(outerTag, "TensorShapeProto.dim");
        OnnxDim dim = new OnnxDim(-1, null); // neither field: an unknown size
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case DIM_VALUE -> {
                    long value = readVarint(tag, "Dimension.dim_value");
                    if (value < -1) {
                        throw malformed("dim_value " + value + " is negative");
                    }
                    dim = new OnnxDim(value, null); // -1, which some exporters write for "unknown", stays that
                }
                case DIM_PARAM -> dim = new OnnxDim(-1, readString(tag, "Dimension.dim_param"));
                default -> skip(tag); // denotation
            }
        }
        in.popLimit(outer);
        return dim;
    }

    // ------------------------------------------------------------------ wire-level helpers

    private void expectWireType(int tag, int wireType, String field) throws OnnxFormatException {
        int actual = WireFormat.getTagWireType(tag);
        if (actual != wireType) {
            throw wrongWireType(tag, wireTypeName(wireType), field);
        }
    }

    private OnnxFormatException wrongWireType(int tag, String expected, String field) {
        return malformed("field " + WireFormat.getTagFieldNumber(tag) + " has wire type "
                + WireFormat.getTagWireType(tag) + ", expected " + expected + " (" + field + ")");
    }

    private static String wireTypeName(int wireType) {
        return switch (wireType) {
            case WIRETYPE_VARINT -> "varint";
            case WIRETYPE_FIXED64 -> "fixed64";
            case WIRETYPE_LENGTH_DELIMITED -> "length-delimited";
            case WIRETYPE_FIXED32 -> "fixed32";
            default -> "wire type " + wireType;
        };
    }

    private long readVarint(int tag, String field) throws IOException {
        expectWireType(tag, WIRETYPE_VARINT, field);
        return in.readRawVarint64();
    }

    /**
     * Reads a length prefix and checks it against the bytes left in the enclosing message, so nothing is allocated
     * or skipped from an unchecked size.
     */
    private int readLength(int tag, String field) throws IOException {
        long length = in.readRawVarint64();
        int left = in.getBytesUntilLimit();
        if (length >= 0 && length <= left) {
            return (int) length;
        }
        long inFile = bytes.length - (long) in.getTotalBytesRead();
        String claim = "field " + WireFormat.getTagFieldNumber(tag) + " (" + field + ") claims "
                + Long.toUnsignedString(length) + " bytes";
        if (length < 0 || length > inFile) {
            throw truncated(claim + ", but the file ends " + inFile + " bytes later");
        }
        throw malformed(claim + ", but its enclosing message has only " + left + " bytes left");
    }

    private String readString(int tag, String field) throws IOException {
        expectWireType(tag, WIRETYPE_LENGTH_DELIMITED, field);
        int length = readLength(tag, field);
        int offset = in.getTotalBytesRead();
        String text;
        try {
            text = utf8.decode(ByteBuffer.wrap(bytes, offset, length)).toString();
        } catch (CharacterCodingException e) {
            throw malformed("field " + WireFormat.getTagFieldNumber(tag) + " (" + field + ") is not valid UTF-8", e);
        }
        in.skipRawBytes(length);
        return text;
    }

    /** Enters a length-delimited sub-message; returns the limit to restore with {@code popLimit}. */
    private int beginMessage(int tag, String field) throws IOException {
        expectWireType(tag, WIRETYPE_LENGTH_DELIMITED, field);
        return in.pushLimit(readLength(tag, field));
    }

    /** One value, or a packed run of values, of a repeated varint field. {@code int32}: keep the low 32 bits. */
    private void readVarints(int tag, PrimitiveLists.Longs out, boolean int32, String field) throws IOException {
        int wireType = WireFormat.getTagWireType(tag);
        if (wireType == WIRETYPE_VARINT) {
            out.add(int32 ? (int) in.readRawVarint64() : in.readRawVarint64());
        } else if (wireType == WIRETYPE_LENGTH_DELIMITED) {
            int outer = in.pushLimit(readLength(tag, field));
            while (in.getBytesUntilLimit() > 0) {
                out.add(int32 ? (int) in.readRawVarint64() : in.readRawVarint64());
            }
            in.popLimit(outer);
        } else {
            throw wrongWireType(tag, "varint or length-delimited (packed)", field);
        }
    }

    /** One value, or a packed run of values, of a repeated float field. */
    private void readFloats(int tag, PrimitiveLists.Floats out, String field) throws IOException {
        int wireType = WireFormat.getTagWireType(tag);
        if (wireType == WIRETYPE_FIXED32) {
            out.add(in.readFloat());
        } else if (wireType == WIRETYPE_LENGTH_DELIMITED) {
            int length = packedLength(tag, Float.BYTES, field);
            out.addLittleEndian(bytes, in.getTotalBytesRead(), length / Float.BYTES);
            in.skipRawBytes(length);
        } else {
            throw wrongWireType(tag, "fixed32 or length-delimited (packed)", field);
        }
    }

    /** One value, or a packed run of values, of a repeated fixed64 field, kept as raw bits. */
    private void readFixed64s(int tag, PrimitiveLists.Longs out, String field) throws IOException {
        int wireType = WireFormat.getTagWireType(tag);
        if (wireType == WIRETYPE_FIXED64) {
            out.add(in.readRawLittleEndian64());
        } else if (wireType == WIRETYPE_LENGTH_DELIMITED) {
            int length = packedLength(tag, Long.BYTES, field);
            out.addLittleEndian(bytes, in.getTotalBytesRead(), length / Long.BYTES);
            in.skipRawBytes(length);
        } else {
            throw wrongWireType(tag, "fixed64 or length-delimited (packed)", field);
        }
    }

    private int packedLength(int tag, int elementBytes, String field) throws IOException {
        int length = readLength(tag, field);
        if (length % elementBytes != 0) {
            throw malformed("packed field " + WireFormat.getTagFieldNumber(tag) + " (" + field + ") has " + length
                    + " bytes, not a multiple of " + elementBytes);
        }
        return length;
    }

    /** Skips an unknown field; a stray end-group tag cannot be skipped and means the bytes are not protobuf. */
    private void skip(int tag) throws IOException {
        int wireType = WireFormat.getTagWireType(tag);
        if (wireType == WIRETYPE_END_GROUP || wireType > WIRETYPE_FIXED32) {
            throw malformed("field " + WireFormat.getTagFieldNumber(tag) + " has "
                    + (wireType == WIRETYPE_END_GROUP ? "an unmatched end-group tag" : "invalid wire type " + wireType));
        }
        in.skipField(tag);
    }

    // ------------------------------------------------------------------ where we are, and errors

    private void enter(String segment) {
        path.add(segment);
    }

    private void leave() {
        path.removeLast();
    }

    private String lastSegment() {
        return path.getLast();
    }

    /** Adds the name of the message being read to its path segment, once the name is known. */
    private void nameSegment(String label, String name) {
        path.set(path.size() - 1, label + " (name '" + Shown.cut(name) + "')");
    }

    private String where() {
        return path.isEmpty() ? "model" : String.join(".", path);
    }

    private OnnxFormatException malformed(String problem) {
        return new OnnxFormatException("malformed ONNX file: " + where() + ": " + problem);
    }

    private OnnxFormatException malformed(String problem, Throwable cause) {
        return new OnnxFormatException("malformed ONNX file: " + where() + ": " + problem, cause);
    }

    private OnnxFormatException truncated(String problem) {
        return new OnnxFormatException("truncated ONNX file: " + where() + ": " + problem);
    }

    /** A valid file that uses a feature shiftnet4j does not read: the problem comes first, the place after. */
    private OnnxFormatException unsupported(String problem) {
        return new OnnxFormatException(problem + " (at " + where() + ")");
    }

    /** Translates protobuf's own complaints (cut-off varints, bad tags, deep groups) into our wording. */
    private OnnxFormatException wireError(InvalidProtocolBufferException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("input ended unexpectedly")) {
            long limit = (long) in.getTotalBytesRead() + Math.max(0, in.getBytesUntilLimit());
            return limit >= bytes.length
                    ? new OnnxFormatException("truncated ONNX file: the input ends inside " + where(), e)
                    : malformed("a field runs past the end of its enclosing message", e);
        }
        return malformed(message, e);
    }
}
