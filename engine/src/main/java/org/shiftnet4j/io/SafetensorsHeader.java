package org.shiftnet4j.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and validates a safetensors JSON header, with the rules of the reference Rust reader: a UTF-8 JSON object
 * without duplicate keys; each tensor has a known dtype, a non-negative shape and {@code data_offsets} whose span is
 * exactly the tensor's byte size; sorted by offset the tensors tile the data buffer from 0 to its end with no gap
 * or overlap. Unknown fields inside a tensor entry are ignored, as the reference reader does.
 */
final class SafetensorsHeader {
    static final String METADATA_KEY = "__metadata__";
    /** NumPy allows at most 64 dimensions; the bound also keeps a hostile shape from costing memory. */
    static final int MAX_RANK = 64;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Comparator<TensorEntry> BY_OFFSET = Comparator.comparingLong(TensorEntry::begin)
            .thenComparingLong(TensorEntry::end)
            .thenComparing(TensorEntry::name);

    final List<TensorEntry> entriesByOffset;
    final Map<String, String> metadata;

    private SafetensorsHeader(List<TensorEntry> entriesByOffset, Map<String, String> metadata) {
        this.entriesByOffset = entriesByOffset;
        this.metadata = metadata;
    }

    /** Parses {@code headerBytes} (the N bytes after the length prefix) for a data buffer of {@code dataSize} bytes. */
    static SafetensorsHeader parse(byte[] headerBytes, long dataSize, String source) throws WeightFileException {
        String text = decodeUtf8(headerBytes, source);
        List<TensorEntry> entries = new ArrayList<>();
        Map<String, String> metadata = Map.of();
        // A String source keeps Jackson from guessing UTF-16/32 from the first bytes: the header is UTF-8 by definition.
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new WeightFileException(source, "header is not a JSON object");
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                if (t != JsonToken.FIELD_NAME) {
                    throw new WeightFileException(source, "header JSON object is malformed");
                }
                String name = p.currentName();
                p.nextToken();
                if (METADATA_KEY.equals(name)) {
                    metadata = readMetadata(p, source);
                } else {
                    entries.add(readEntry(p, name, source));
                }
            }
            if (p.nextToken() != null) {
                throw new WeightFileException(source, "header has content after its JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new WeightFileException(source, "header is not valid JSON: " + describe(e), e);
        } catch (WeightFileException e) {
            throw e;
        } catch (IOException e) {
            throw new WeightFileException(source, "header could not be parsed: " + e.getMessage(), e);
        }
        entries.sort(BY_OFFSET);
        checkLayout(entries, dataSize, source);
        return new SafetensorsHeader(Collections.unmodifiableList(entries), Collections.unmodifiableMap(metadata));
    }

    private static String decodeUtf8(byte[] bytes, String source) throws WeightFileException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new WeightFileException(source, "header is not valid UTF-8", e);
        }
    }

    private static Map<String, String> readMetadata(JsonParser p, String source) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return Map.of();
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new WeightFileException(source, METADATA_KEY + " must be a JSON object of strings");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw new WeightFileException(source, METADATA_KEY + " value of '" + key + "' is not a string");
            }
            metadata.put(key, p.getText());
        }
        return metadata;
    }

    private static TensorEntry readEntry(JsonParser p, String name, String source) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw WeightFileException.forTensor(source, name,
                    "entry must be a JSON object with dtype, shape and data_offsets");
        }
        SafetensorsDtype dtype = null;
        long[] shape = null;
        long[] offsets = null;
        List<String> fields = new ArrayList<>(3);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            if (fields.size() < 8) { // enough to explain a misspelled key, bounded for hostile headers
                fields.add(field);
            }
            p.nextToken();
            switch (field) {
                case "dtype" -> dtype = readDtype(p, name, source);
                case "shape" -> shape = readNonNegativeLongs(p, name, "shape", MAX_RANK, source);
                case "data_offsets" -> {
                    offsets = readNonNegativeLongs(p, name, "data_offsets", 2, source);
                    if (offsets.length != 2) {
                        throw WeightFileException.forTensor(source, name,
                                "data_offsets must be [begin, end], got " + offsets.length + " numbers");
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (dtype == null || shape == null || offsets == null) {
            String missing = dtype == null ? "dtype" : shape == null ? "shape" : "data_offsets";
            throw WeightFileException.forTensor(source, name, "entry has no '" + missing + "' (its fields: "
                    + String.join(", ", fields) + ")");
        }
        return checkedEntry(name, dtype, shape, offsets[0], offsets[1], source);
    }

    private static SafetensorsDtype readDtype(JsonParser p, String name, String source) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw WeightFileException.forTensor(source, name, "dtype must be a string");
        }
        String text = p.getText();
        return SafetensorsDtype.fromHeaderName(text).orElseThrow(() -> WeightFileException.forTensor(source, name,
                "unknown dtype '" + text + "' (known: " + SafetensorsDtype.knownNames() + ")"));
    }

    private static long[] readNonNegativeLongs(JsonParser p, String name, String field, int maxCount, String source)
            throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw WeightFileException.forTensor(source, name, field + " must be an array of non-negative integers");
        }
        long[] values = new long[Math.min(maxCount, 8)];
        int count = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (count == maxCount) {
                throw WeightFileException.forTensor(source, name, field + " has more than " + maxCount + " entries");
            }
            if (t != JsonToken.VALUE_NUMBER_INT) {
                throw WeightFileException.forTensor(source, name,
                        field + " must hold only non-negative integers, found " + p.getText());
            }
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER || p.getLongValue() < 0) {
                throw WeightFileException.forTensor(source, name,
                        field + " entry " + p.getText() + " is negative or too large");
            }
            if (count == values.length) {
                values = Arrays.copyOf(values, Math.min(maxCount, 2 * count));
            }
            values[count++] = p.getLongValue();
        }
        return Arrays.copyOf(values, count);
    }

    private static TensorEntry checkedEntry(String name, SafetensorsDtype dtype, long[] shape, long begin, long end,
                                            String source) throws WeightFileException {
        if (begin > end) {
            throw WeightFileException.forTensor(source, name,
                    "data_offsets [" + begin + ", " + end + "] end before they begin");
        }
        long bits;
        try {
            long numel = 1;
            for (long d : shape) {
                numel = Math.multiplyExact(numel, d);
            }
            bits = Math.multiplyExact(numel, (long) dtype.bits());
        } catch (ArithmeticException e) {
            throw WeightFileException.forTensor(source, name,
                    "shape " + Arrays.toString(shape) + " of " + dtype + " is too large to address");
        }
        if (bits % 8 != 0) {
            throw WeightFileException.forTensor(source, name, "shape " + Arrays.toString(shape) + " of " + dtype
                    + " does not fill a whole number of bytes");
        }
        if (end - begin != bits / 8) {
            throw WeightFileException.forTensor(source, name, "shape " + Arrays.toString(shape) + " of " + dtype
                    + " needs " + bits / 8 + " bytes but data_offsets [" + begin + ", " + end + "] span "
                    + (end - begin));
        }
        return new TensorEntry(name, dtype, shape, begin, end);
    }

    /** Sorted by offset, the tensors must tile [0, dataSize) exactly, as the reference reader requires. */
    private static void checkLayout(List<TensorEntry> sorted, long dataSize, String source) throws WeightFileException {
        long covered = 0;
        TensorEntry previous = null;
        for (TensorEntry e : sorted) {
            if (e.end() > dataSize) {
                throw WeightFileException.forTensor(source, e.name(), "bytes " + range(e)
                        + " run past the end of the data buffer, which holds " + dataSize + " bytes (truncated file?)");
            }
            if (e.begin() > covered) {
                String before = previous == null ? "the start of the data buffer" : "tensor '" + previous.name() + "'";
                throw WeightFileException.forTensor(source, e.name(), "bytes " + range(e) + " leave a gap of "
                        + (e.begin() - covered) + " unused bytes after " + before);
            }
            if (e.begin() < covered) {
                throw WeightFileException.forTensor(source, e.name(), "bytes " + range(e) + " overlap tensor '"
                        + previous.name() + "' at bytes " + range(previous));
            }
            covered = e.end();
            previous = e;
        }
        if (covered != dataSize) {
            throw new WeightFileException(source, "tensors cover " + covered + " bytes but the data buffer after the "
                    + "header holds " + dataSize + " bytes");
        }
    }

    private static String range(TensorEntry e) {
        return "[" + e.begin() + ", " + e.end() + ")";
    }

    private static String describe(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        return e.getOriginalMessage() + where;
    }
}
