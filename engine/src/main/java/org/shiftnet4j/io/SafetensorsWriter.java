package org.shiftnet4j.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Builds a safetensors file of F32 tensors. Output is deterministic: {@code __metadata__} first with keys sorted,
 * then tensors sorted by name and laid out contiguously in that order, the compact JSON header padded with spaces
 * to a multiple of 8 bytes (as the reference writer does) so every tensor starts 8-byte aligned in the file.
 *
 * <p>{@link #add} copies the data, so later changes to the caller's arrays do not leak into the file.
 * Not thread-safe.
 */
public final class SafetensorsWriter {
    private static final JsonFactory JSON = new JsonFactory();

    private record Pending(int[] shape, float[] data) {
    }

    private final Map<String, Pending> tensors = new TreeMap<>();
    private final Map<String, String> metadata = new TreeMap<>();

    /** Adds a {@code __metadata__} entry (e.g. {@code "format" -> "pt"}). */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Adds an F32 tensor of {@code shape} (row-major; {@code []} for a scalar) holding a copy of {@code data}.
     *
     * @throws IllegalArgumentException if the name is taken or reserved, a dimension is negative, or
     *                                  {@code data.length} differs from the product of {@code shape}
     */
    public SafetensorsWriter add(String name, int[] shape, float[] data) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        if (name.equals(SafetensorsHeader.METADATA_KEY)) {
            throw new IllegalArgumentException(SafetensorsHeader.METADATA_KEY + " is reserved and cannot name a tensor");
        }
        if (tensors.containsKey(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' was already added");
        }
        if (shape.length > SafetensorsHeader.MAX_RANK) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + shape.length + " dimensions, more than "
                    + SafetensorsHeader.MAX_RANK);
        }
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has a negative dimension: "
                        + Arrays.toString(shape));
            }
        }
        if (Shapes.numel(shape) != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(shape)
                    + " but " + data.length + " values");
        }
        tensors.put(name, new Pending(shape.clone(), data.clone()));
        return this;
    }

    /** The complete file as bytes. */
    public byte[] toByteArray() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory stream cannot fail", e);
        }
        return out.toByteArray();
    }

    /** Writes (creating or replacing) the file at {@code path}. */
    public void write(Path path) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16)) {
            writeTo(out);
        }
    }

    /** Writes the file to {@code out}, which is left open. */
    public void writeTo(OutputStream out) throws IOException {
        byte[] header = paddedHeader();
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
        out.write(length.array());
        out.write(header);
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (Pending t : tensors.values()) {
            for (float v : t.data) {
                if (!chunk.hasRemaining()) {
                    out.write(chunk.array(), 0, chunk.position());
                    chunk.clear();
                }
                chunk.putFloat(v);
            }
        }
        out.write(chunk.array(), 0, chunk.position());
    }

    private byte[] paddedHeader() throws IOException {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(json)) {
            g.writeStartObject();
            if (!metadata.isEmpty()) {
                g.writeObjectFieldStart(SafetensorsHeader.METADATA_KEY);
                for (Map.Entry<String, String> m : metadata.entrySet()) {
                    g.writeStringField(m.getKey(), m.getValue());
                }
                g.writeEndObject();
            }
            long offset = 0;
            for (Map.Entry<String, Pending> t : tensors.entrySet()) {
                long end = offset + (long) Float.BYTES * t.getValue().data.length;
                g.writeObjectFieldStart(t.getKey());
                g.writeStringField("dtype", SafetensorsDtype.F32.name());
                g.writeArrayFieldStart("shape");
                for (int d : t.getValue().shape) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(offset);
                g.writeNumber(end);
                g.writeEndArray();
                g.writeEndObject();
                offset = end;
            }
            g.writeEndObject();
        }
        int padding = (8 - json.size() % 8) % 8;
        for (int i = 0; i < padding; i++) {
            json.write(' ');
        }
        if (json.size() > SafetensorsFile.MAX_HEADER_BYTES) {
            throw new IllegalStateException("header of " + json.size() + " bytes exceeds the safetensors limit of "
                    + SafetensorsFile.MAX_HEADER_BYTES);
        }
        return json.toByteArray();
    }
}
