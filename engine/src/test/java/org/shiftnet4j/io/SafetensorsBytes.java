package org.shiftnet4j.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Builds safetensors bytes by hand, independently of {@link SafetensorsWriter}: tensors are laid out in the order
 * added, the compact header lists them in that order, and the header is padded with spaces to a multiple of 8, as
 * the Python {@code safetensors.torch.save_file} does.
 */
final class SafetensorsBytes {
    private record Raw(String name, String dtype, long[] shape, byte[] bytes) {
    }

    private final List<Raw> tensors = new ArrayList<>();
    private Map<String, String> metadata = Map.of();

    SafetensorsBytes metadata(Map<String, String> metadata) {
        this.metadata = metadata;
        return this;
    }

    SafetensorsBytes tensor(String name, String dtype, long[] shape, byte[] bytes) {
        tensors.add(new Raw(name, dtype, shape, bytes));
        return this;
    }

    SafetensorsBytes f32(String name, long[] shape, float... values) {
        return tensor(name, "F32", shape, floatBytes(values));
    }

    String headerJson() {
        StringJoiner entries = new StringJoiner(",", "{", "}");
        if (!metadata.isEmpty()) {
            StringJoiner m = new StringJoiner(",", "{", "}");
            metadata.forEach((k, v) -> m.add(quote(k) + ":" + quote(v)));
            entries.add(quote("__metadata__") + ":" + m);
        }
        long offset = 0;
        for (Raw t : tensors) {
            StringJoiner dims = new StringJoiner(",", "[", "]");
            for (long d : t.shape) {
                dims.add(Long.toString(d));
            }
            long end = offset + t.bytes.length;
            entries.add(quote(t.name) + ":{\"dtype\":" + quote(t.dtype) + ",\"shape\":" + dims
                    + ",\"data_offsets\":[" + offset + "," + end + "]}");
            offset = end;
        }
        return entries.toString();
    }

    byte[] build() {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Raw t : tensors) {
            data.writeBytes(t.bytes);
        }
        return file(headerJson(), data.toByteArray());
    }

    /** A file from an arbitrary header text (padded to a multiple of 8 with spaces) and data bytes. */
    static byte[] file(String headerJson, byte[] data) {
        byte[] json = headerJson.getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        return raw(padded, json, padded - json.length, data);
    }

    /** A file whose length prefix says {@code declaredLength}, whatever the header really is. */
    static byte[] raw(long declaredLength, byte[] json, int spaces, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + spaces + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredLength).put(json);
        for (int i = 0; i < spaces; i++) {
            b.put((byte) ' ');
        }
        return b.put(data).array();
    }

    static byte[] floatBytes(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    static byte[] shortBytes(int... halfBits) {
        ByteBuffer b = ByteBuffer.allocate(2 * halfBits.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : halfBits) {
            b.putShort((short) v);
        }
        return b.array();
    }

    static byte[] longBytes(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    static byte[] zeros(int n) {
        return new byte[n];
    }

    private static String quote(String s) {
        return '"' + s + '"';
    }
}
