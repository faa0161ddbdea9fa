package org.shiftnet4j.io.onnx;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An ONNX model file ({@code ModelProto}): the graph plus the operator sets it uses and descriptive fields.
 *
 * <p>{@link #parse} and {@link #read} accept any valid ONNX file whose tensors hold FLOAT, DOUBLE, FLOAT16,
 * BFLOAT16, integer or BOOL data embedded in the file; everything else, and every malformed file, raises an
 * {@link OnnxFormatException} that says what and where. {@link #toByteArray} and {@link #write} produce a
 * canonical encoding: fields in ascending field-number order, tensor values as little-endian {@code raw_data},
 * repeated scalars of attributes and dims unpacked (the proto2 default of onnx.proto), and empty strings and zero
 * defaults omitted except where presence matters (an attribute's {@code type} and the value field it names, a
 * dimension's {@code dim_value} of 0, a scalar's empty shape). Parsing what was written gives an equal model, and
 * the same model always gives the same bytes.
 *
 * <p>The tensors' arrays are shared, not copied: do not modify them.
 *
 * @param irVersion       the ONNX IR version the file follows
 * @param opsets          the operator sets the graph uses
 * @param producerName    the tool that wrote the file ("pytorch"...)
 * @param producerVersion that tool's version
 * @param domain          the model's namespace
 * @param modelVersion    the model's own version number
 * @param docString       documentation
 * @param graph           the computation graph
 * @param metadata        {@code metadata_props}, in file order
 */
public record OnnxModel(long irVersion, List<OpsetImport> opsets, String producerName, String producerVersion,
                        String domain, long modelVersion, String docString, OnnxGraph graph,
                        Map<String, String> metadata) {
    /** protobuf messages, and so ONNX files without external data, are smaller than 2 GiB. */
    static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;

    public OnnxModel {
        opsets = List.copyOf(opsets);
        producerName = Objects.requireNonNullElse(producerName, "");
        producerVersion = Objects.requireNonNullElse(producerVersion, "");
        domain = Objects.requireNonNullElse(domain, "");
        docString = Objects.requireNonNullElse(docString, "");
        Objects.requireNonNull(graph, "graph");
        Map<String, String> ordered = new LinkedHashMap<>();
        metadata.forEach((k, v) -> ordered.put(Objects.requireNonNull(k, "metadata key"),
                Objects.requireNonNull(v, "metadata value")));
        metadata = Collections.unmodifiableMap(ordered);
    }

    /** Parses an ONNX model held in memory. */
    public static OnnxModel parse(byte[] bytes) throws OnnxFormatException {
        return OnnxReader.parse(bytes);
    }

    /**
     * Reads and parses the ONNX file at {@code path}.
     *
     * @throws OnnxFormatException            if the file is malformed, uses an unsupported feature, or exceeds 2 GiB
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws IOException                    if it cannot be read
     */
    public static OnnxModel read(Path path) throws IOException {
        long size = Files.size(path);
        if (size > MAX_FILE_BYTES) {
            throw new OnnxFormatException(path + ": " + size + " bytes is more than an ONNX file without external "
                    + "data can hold (2 GiB)");
        }
        byte[] bytes = Files.readAllBytes(path);
        try {
            return parse(bytes);
        } catch (OnnxFormatException e) {
            throw new OnnxFormatException(path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The canonical encoding of this model.
     *
     * @throws IllegalStateException if the encoding would exceed 2 GiB
     */
    public byte[] toByteArray() {
        return OnnxWriter.toByteArray(this);
    }

    /** Writes {@link #toByteArray()}'s bytes to {@code path}, streaming them rather than building one array. */
    public void write(Path path) throws IOException {
        OnnxWriter.checkedSize(this); // before the file is truncated
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16)) {
            OnnxWriter.write(this, out);
        }
    }

    /** Version imported for the default ONNX domain ("" or "ai.onnx"); -1 when absent. */
    public long defaultOpset() {
        for (OpsetImport opset : opsets) {
            if (opset.isDefaultDomain()) {
                return opset.version();
            }
        }
        return -1;
    }

    /** A summary, never the whole graph. */
    @Override
    public String toString() {
        return "OnnxModel[ir " + irVersion + ", opsets " + opsets + ", producer '" + Shown.cut(producerName) + " "
                + Shown.cut(producerVersion) + "', " + graph + (metadata.isEmpty() ? "" : ", metadata " + metadata.keySet())
                + "]";
    }
}
