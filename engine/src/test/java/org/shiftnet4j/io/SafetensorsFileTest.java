package org.shiftnet4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsFileTest {
    @TempDir
    Path dir;

    // Half-precision bit patterns and the floats they stand for.
    private static final int[] F16_BITS = {0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001, 0x7C00};
    private static final float[] F16_VALUES = {1f, -2f, 0.5f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY};
    private static final int[] BF16_BITS = {0x3F80, 0xC000, 0x4049, 0x8000, 0x0001};
    private static final float[] BF16_VALUES = {1f, -2f, 3.140625f, -0f, Float.intBitsToFloat(0x0001_0000)};

    /** A tiny ResNet-style state_dict laid out as save_file lays it out: I64 first, then F32 by name, BF16, F16. */
    private static byte[] pytorchStyleFile() {
        return new SafetensorsBytes()
                .metadata(Map.of("format", "pt"))
                .tensor("bn1.num_batches_tracked", "I64", new long[0], SafetensorsBytes.longBytes(1234))
                .f32("bn1.bias", new long[]{4}, 0.1f, 0.2f, 0.3f, 0.4f)
                .f32("bn1.running_mean", new long[]{4}, 1, 2, 3, 4)
                .f32("bn1.running_var", new long[]{4}, 5, 6, 7, 8)
                .f32("bn1.weight", new long[]{4}, 1, 1, 1, 1)
                .f32("conv1.weight", new long[]{4, 3, 3, 3}, sequence(108))
                .f32("layer1.0.conv1.weight", new long[]{4, 4, 1, 1}, sequence(16))
                .tensor("head.scale_bf16", "BF16", new long[]{5}, SafetensorsBytes.shortBytes(BF16_BITS))
                .tensor("head.scale_f16", "F16", new long[]{2, 3}, SafetensorsBytes.shortBytes(F16_BITS))
                .build();
    }

    private static Map<String, int[]> pytorchStyleShapes() {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put("conv1.weight", new int[]{4, 3, 3, 3});
        shapes.put("bn1.weight", new int[]{4});
        shapes.put("bn1.bias", new int[]{4});
        shapes.put("bn1.running_mean", new int[]{4});
        shapes.put("bn1.running_var", new int[]{4});
        shapes.put("layer1.0.conv1.weight", new int[]{4, 4, 1, 1});
        shapes.put("head.scale_bf16", new int[]{5});
        shapes.put("head.scale_f16", new int[]{2, 3});
        return shapes;
    }

    private static float[] sequence(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i * 0.25f - 3f;
        }
        return v;
    }

    private Path save(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void readsAPytorchStyleStateDict() throws IOException {
        Path path = save("resnet.safetensors", pytorchStyleFile());
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile file = SafetensorsFile.open(path, arena);
            assertEquals(List.of("bn1.num_batches_tracked", "bn1.bias", "bn1.running_mean", "bn1.running_var",
                    "bn1.weight", "conv1.weight", "layer1.0.conv1.weight", "head.scale_bf16", "head.scale_f16"),
                    file.names());
            assertEquals(Map.of("format", "pt"), file.metadata());
            assertEquals(SafetensorsDtype.I64, file.dtype("bn1.num_batches_tracked"));
            assertArrayEquals(new long[0], file.shape("bn1.num_batches_tracked"));
            assertEquals(1234L, file.slice("bn1.num_batches_tracked")
                    .get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0));
            assertArrayEquals(new long[]{4, 3, 3, 3}, file.shape("conv1.weight"));
            assertArrayEquals(sequence(108), file.floats("conv1.weight"));
            assertArrayEquals(new float[]{1, 2, 3, 4}, file.floats("bn1.running_mean"));
            assertArrayEquals(sequence(16), file.floats("layer1.0.conv1.weight"));
            assertArrayEquals(F16_VALUES, file.floats("head.scale_f16"));
            assertArrayEquals(BF16_VALUES, file.floats("head.scale_bf16"));
            assertTrue(file.slice("conv1.weight").isReadOnly());
            file.validateShapes(pytorchStyleShapes(), SafetensorsFile.PYTORCH_BOOKKEEPING);
        }
    }

    @Test
    void copyFloatsConvertsIntoANativeSegment() throws IOException {
        Path path = save("halves.safetensors", pytorchStyleFile());
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile file = SafetensorsFile.open(path, arena);
            MemorySegment dst = arena.allocate(4 * 8, 64);
            dst.fill((byte) 0x7F);
            file.copyFloats("head.scale_f16", dst);
            float[] got = dst.toArray(ValueLayout.JAVA_FLOAT);
            assertArrayEquals(F16_VALUES, Arrays.copyOf(got, 6));
            assertEquals(Float.intBitsToFloat(0x7F7F7F7F), got[6], "bytes past the tensor stay untouched");
            file.copyFloats("head.scale_bf16", dst);
            assertArrayEquals(BF16_VALUES, Arrays.copyOf(dst.toArray(ValueLayout.JAVA_FLOAT), 5));
            file.copyFloats("bn1.bias", dst);
            assertArrayEquals(new float[]{0.1f, 0.2f, 0.3f, 0.4f}, Arrays.copyOf(dst.toArray(ValueLayout.JAVA_FLOAT), 4));

            IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                    () -> file.copyFloats("conv1.weight", arena.allocate(4 * 107)));
            assertTrue(small.getMessage().contains("conv1.weight"), small.getMessage());
        }
    }

    @Test
    void nonFloatAndUnknownTensorsAreNamedInErrors() throws IOException {
        Path path = save("state.safetensors", pytorchStyleFile());
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile file = SafetensorsFile.open(path, arena);
            WeightFileException notFloat = assertThrows(WeightFileException.class,
                    () -> file.floats("bn1.num_batches_tracked"));
            assertMessage(notFloat, path.toString(), "'bn1.num_batches_tracked'", "I64", "cannot be read as float");
            WeightFileException absent = assertThrows(WeightFileException.class, () -> file.tensor("fc.weight"));
            assertMessage(absent, path.toString(), "'fc.weight'", "no such tensor");
            assertFalse(file.contains("fc.weight"));
            assertEquals(path.toString(), absent.source());
        }
    }

    @Test
    void validateShapesReportsEveryMismatchAtOnce() throws IOException {
        Path path = save("mismatch.safetensors", pytorchStyleFile());
        Map<String, int[]> expected = new LinkedHashMap<>(pytorchStyleShapes());
        expected.put("conv1.weight", new int[]{4, 3, 5, 5});
        expected.put("layer1.0.conv1.weight", new int[]{4, 4});
        expected.put("fc.weight", new int[]{10, 4});
        expected.put("fc.bias", new int[]{10});
        expected.remove("bn1.running_var");
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile file = SafetensorsFile.open(path, arena);
            WeightFileException e = assertThrows(WeightFileException.class,
                    () -> file.validateShapes(expected, SafetensorsFile.PYTORCH_BOOKKEEPING));
            assertMessage(e, path.toString(), "2 missing, 1 unexpected, 2 with the wrong shape",
                    "missing: fc.bias [10]", "missing: fc.weight [10, 4]",
                    "unexpected: bn1.running_var [4]",
                    "wrong shape: conv1.weight is [4, 3, 3, 3], expected [4, 3, 5, 5]",
                    "wrong shape: layer1.0.conv1.weight is [4, 4, 1, 1], expected [4, 4]");
            assertFalse(e.getMessage().contains("num_batches_tracked"), e.getMessage());

            WeightFileException strict = assertThrows(WeightFileException.class,
                    () -> file.validateShapes(pytorchStyleShapes()));
            assertMessage(strict, "0 missing, 1 unexpected, 0 with the wrong shape",
                    "unexpected: bn1.num_batches_tracked []");
        }
    }

    @Test
    void writerRoundTripsThroughAFile() throws IOException {
        float[] weights = sequence(2 * 3 * 3 * 3);
        SafetensorsWriter writer = new SafetensorsWriter()
                .metadata("format", "pt")
                .metadata("source", "shiftnet4j test")
                .add("conv.weight", new int[]{2, 3, 3, 3}, weights)
                .add("conv.bias", new int[]{2}, new float[]{-1.5f, Float.NaN})
                .add("scale", new int[0], new float[]{42f})
                .add("empty", new int[]{0, 7}, new float[0]);
        Path path = dir.resolve("written.safetensors");
        writer.write(path);
        assertArrayEquals(writer.toByteArray(), Files.readAllBytes(path));
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile file = SafetensorsFile.open(path, arena);
            assertEquals(List.of("conv.bias", "conv.weight", "empty", "scale"), file.names());
            assertEquals(Map.of("format", "pt", "source", "shiftnet4j test"), file.metadata());
            assertArrayEquals(weights, file.floats("conv.weight"));
            assertArrayEquals(new float[]{-1.5f, Float.NaN}, file.floats("conv.bias"));
            assertArrayEquals(new float[]{42f}, file.floats("scale"));
            assertArrayEquals(new long[0], file.shape("scale"));
            assertArrayEquals(new float[0], file.floats("empty"));
            assertArrayEquals(new long[]{0, 7}, file.shape("empty"));
            for (String name : file.names()) {
                TensorEntry e = file.tensor(name);
                assertEquals(0, (8 + headerLength(path) + e.begin()) % 4, name + " is float-aligned in the file");
            }
        }
    }

    @Test
    void writerMatchesTheReferenceImplementationByteForByte() {
        // Expected headers are the outputs the Rust reference's own tests pin down.
        byte[] one = new SafetensorsWriter().add("attn.0", new int[]{1, 2, 3}, new float[]{0, 1, 2, 3, 4, 5}).toByteArray();
        assertHeader(one, "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}", 0);
        assertArrayEquals(SafetensorsBytes.floatBytes(0, 1, 2, 3, 4, 5), Arrays.copyOfRange(one, 8 + 64, one.length));

        byte[] padded = new SafetensorsWriter().add("attn0", new int[]{1, 1, 2, 3}, new float[6]).toByteArray();
        assertHeader(padded, "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}", 7);

        assertHeader(new SafetensorsWriter().toByteArray(), "{}", 6);
        assertHeader(new SafetensorsWriter().metadata("framework", "pt").toByteArray(),
                "{\"__metadata__\":{\"framework\":\"pt\"}}", 5);
    }

    @Test
    void writerOutputDoesNotDependOnInsertionOrder() {
        byte[] a = new SafetensorsWriter().metadata("b", "2").metadata("a", "1")
                .add("z", new int[]{2}, new float[]{1, 2}).add("a", new int[]{1}, new float[]{3}).toByteArray();
        byte[] b = new SafetensorsWriter().add("a", new int[]{1}, new float[]{3}).metadata("a", "1")
                .add("z", new int[]{2}, new float[]{1, 2}).metadata("b", "2").toByteArray();
        assertArrayEquals(a, b);
        assertEquals(0, (a.length - 12) % 8, "header padded to a multiple of 8");
    }

    @Test
    void writerCopiesAndChecksItsInput() {
        float[] data = {1, 2};
        SafetensorsWriter writer = new SafetensorsWriter().add("t", new int[]{2}, data);
        byte[] before = writer.toByteArray();
        data[0] = 99;
        assertArrayEquals(before, writer.toByteArray());
        assertThrows(IllegalArgumentException.class, () -> writer.add("t", new int[]{2}, data));
        assertThrows(IllegalArgumentException.class, () -> writer.add("u", new int[]{3}, data));
        assertThrows(IllegalArgumentException.class, () -> writer.add("v", new int[]{-2}, data));
        assertThrows(IllegalArgumentException.class, () -> writer.add("__metadata__", new int[]{2}, data));
        assertThrows(IllegalArgumentException.class,
                () -> writer.add("w", new int[]{1 << 30, 1 << 30, 0}, new float[1]));
        writer.add("w", new int[]{1 << 30, 1 << 30, 0}, new float[0]);
    }

    @Test
    void acceptsWhatTheReferenceReaderAccepts() throws IOException {
        // Unpadded header (misaligned F32 data), unknown entry fields, null metadata, empty header.
        String json = "{\"__metadata__\":null,\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12],"
                + "\"note\":{\"any\":[1,2,{\"deep\":true}]}}}";
        byte[] unpadded = SafetensorsBytes.raw(json.length(), json.getBytes(StandardCharsets.UTF_8), 0,
                SafetensorsBytes.floatBytes(1, 2, 3));
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile file = SafetensorsFile.open(save("unpadded.safetensors", unpadded), arena);
            assertArrayEquals(new float[]{1, 2, 3}, file.floats("w"));
            assertEquals(Map.of(), file.metadata());

            SafetensorsFile empty = SafetensorsFile.open(save("empty.safetensors",
                    SafetensorsBytes.file("{}", new byte[0])), arena);
            assertEquals(List.of(), empty.names());
            empty.validateShapes(Map.of());

            SafetensorsFile inMemory = SafetensorsFile.of(MemorySegment.ofArray(pytorchStyleFile()), "resource:x");
            assertArrayEquals(F16_VALUES, inMemory.floats("head.scale_f16"));
            assertEquals("resource:x", inMemory.source());
        }
    }

    @Test
    void tensorEntryRejectsInconsistentValues() {
        assertThrows(IllegalArgumentException.class,
                () -> new TensorEntry("t", SafetensorsDtype.F32, new long[]{-1}, 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new TensorEntry("t", SafetensorsDtype.F32, new long[]{1L << 40, 1L << 40}, 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new TensorEntry("t", SafetensorsDtype.F32, new long[]{1}, 8, 4));
        assertThrows(IllegalArgumentException.class,
                () -> new TensorEntry("t", SafetensorsDtype.F32, new long[]{1L << 40, 1L << 40, 0}, 4, 4));
        TensorEntry empty = new TensorEntry("t", SafetensorsDtype.F32, new long[]{0, 1L << 40, 1L << 40}, 4, 4);
        assertEquals(0, empty.numel());
    }

    // ---- malformed files: each one is rejected with a message naming the file, the tensor and the problem ----

    private static final String ONE_TENSOR_DATA_IS = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";

    @Test
    void rejectsFilesShorterThanTheLengthPrefix() throws IOException {
        assertRejected(new byte[]{8, 0, 0, 0, 0}, "only 5 bytes");
        assertRejected(new byte[0], "only 0 bytes");
    }

    @Test
    void rejectsTruncatedData() throws IOException {
        byte[] valid = SafetensorsBytes.file(ONE_TENSOR_DATA_IS, SafetensorsBytes.zeros(16));
        assertRejected(Arrays.copyOf(valid, valid.length - 4), "tensor 'a'", "[0, 16)", "past the end", "12 bytes");
    }

    @Test
    void rejectsAHeaderLengthBeyondTheFile() throws IOException {
        byte[] json = ONE_TENSOR_DATA_IS.getBytes(StandardCharsets.UTF_8);
        assertRejected(SafetensorsBytes.raw(1000, json, 0, new byte[16]), "header length 1000", "runs past the end");
    }

    @Test
    void rejectsHugeHeaderLengths() throws IOException {
        byte[] json = ONE_TENSOR_DATA_IS.getBytes(StandardCharsets.UTF_8);
        assertRejected(SafetensorsBytes.raw(100_000_001L, json, 0, new byte[16]), "100000001", "exceeds the limit");
        assertRejected(SafetensorsBytes.raw(-1L, json, 0, new byte[16]), "18446744073709551615", "exceeds the limit");
        assertRejected(SafetensorsBytes.raw(1L << 62, json, 0, new byte[16]), "exceeds the limit");
    }

    @Test
    void rejectsInvalidJson() throws IOException {
        assertRejected(SafetensorsBytes.file("{\"a\":{\"dtype\":\"F32\",", new byte[0]), "not valid JSON");
        assertRejected(SafetensorsBytes.file("{\"a\":{'dtype':\"F32\"}}", new byte[0]), "not valid JSON");
        assertRejected(SafetensorsBytes.file("[1,2]", new byte[0]), "not a JSON object");
        assertRejected(SafetensorsBytes.file("{} {}", new byte[0]), "content after its JSON object");
        assertRejected(SafetensorsBytes.file("{\"a\":5}", new byte[0]), "tensor 'a'", "entry must be a JSON object");
    }

    @Test
    void rejectsHeadersThatAreNotUtf8() throws IOException {
        byte[] json = "{\"x\":{}}".getBytes(StandardCharsets.UTF_8);
        json[2] = (byte) 0xC3;
        json[3] = (byte) 0x28; // 0xC3 must be followed by a continuation byte
        assertRejected(SafetensorsBytes.raw(json.length, json, 0, new byte[0]), "not valid UTF-8");
        // A UTF-16 lookalike must not be reinterpreted: NUL bytes are not JSON whitespace.
        byte[] utf16 = "{}".getBytes(StandardCharsets.UTF_16BE);
        assertRejected(SafetensorsBytes.raw(utf16.length, utf16, 0, new byte[0]), "not valid JSON");
    }

    @Test
    void rejectsDuplicateKeys() throws IOException {
        String entry = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        assertRejected(SafetensorsBytes.file("{\"a\":" + entry + ",\"a\":" + entry + "}", new byte[4]),
                "not valid JSON", "uplicate", "'a'");
        assertRejected(SafetensorsBytes.file(
                        "{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]),
                "uplicate", "dtype");
        assertRejected(SafetensorsBytes.file("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", new byte[0]),
                "uplicate", "'k'");
    }

    @Test
    void rejectsOverlappingOffsets() throws IOException {
        String json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}";
        assertRejected(SafetensorsBytes.file(json, new byte[24]), "tensor 'b'", "[8, 24)", "overlap tensor 'a'");
    }

    @Test
    void rejectsGaps() throws IOException {
        String json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[20,36]}}";
        assertRejected(SafetensorsBytes.file(json, new byte[36]), "tensor 'b'", "gap of 4 unused bytes", "tensor 'a'");
        String late = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[4,20]}}";
        assertRejected(SafetensorsBytes.file(late, new byte[20]), "tensor 'a'", "gap of 4", "start of the data buffer");
        assertRejected(SafetensorsBytes.file(ONE_TENSOR_DATA_IS, new byte[20]),
                "tensors cover 16 bytes", "holds 20 bytes");
    }

    @Test
    void rejectsSizesThatDoNotMatchTheShape() throws IOException {
        String json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}";
        assertRejected(SafetensorsBytes.file(json, new byte[20]), "tensor 'a'", "[2, 3] of F32 needs 24 bytes", "span 20");
        String subByte = "{\"a\":{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,1]}}";
        assertRejected(SafetensorsBytes.file(subByte, new byte[1]), "tensor 'a'", "whole number of bytes");
        String overflow = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,16]}}";
        assertRejected(SafetensorsBytes.file(overflow, new byte[16]), "tensor 'a'", "too large");
        String reversed = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[16,0]}}";
        assertRejected(SafetensorsBytes.file(reversed, new byte[16]), "tensor 'a'", "end before they begin");
    }

    @Test
    void rejectsUnknownDtypes() throws IOException {
        String json = "{\"a\":{\"dtype\":\"F128\",\"shape\":[1],\"data_offsets\":[0,16]}}";
        assertRejected(SafetensorsBytes.file(json, new byte[16]), "tensor 'a'", "unknown dtype 'F128'", "BF16");
        String numeric = "{\"a\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertRejected(SafetensorsBytes.file(numeric, new byte[4]), "tensor 'a'", "dtype must be a string");
    }

    @Test
    void rejectsBadShapesAndOffsets() throws IOException {
        String negative = "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1,4],\"data_offsets\":[0,16]}}";
        assertRejected(SafetensorsBytes.file(negative, new byte[16]), "tensor 'a'", "shape entry -1 is negative");
        String fractional = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}";
        assertRejected(SafetensorsBytes.file(fractional, new byte[8]), "tensor 'a'", "only non-negative integers");
        String huge = "{\"a\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,8]}}";
        assertRejected(SafetensorsBytes.file(huge, new byte[8]), "tensor 'a'", "too large");
        String notArray = "{\"a\":{\"dtype\":\"F32\",\"shape\":4,\"data_offsets\":[0,16]}}";
        assertRejected(SafetensorsBytes.file(notArray, new byte[16]), "tensor 'a'", "shape must be an array");
        String rank65 = "{\"a\":{\"dtype\":\"F32\",\"shape\":[" + "1,".repeat(64) + "1],\"data_offsets\":[0,4]}}";
        assertRejected(SafetensorsBytes.file(rank65, new byte[4]), "tensor 'a'", "more than 64");
        String threeOffsets = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}";
        assertRejected(SafetensorsBytes.file(threeOffsets, new byte[4]), "tensor 'a'", "data_offsets");
        String oneOffset = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4]}}";
        assertRejected(SafetensorsBytes.file(oneOffset, new byte[4]), "tensor 'a'", "[begin, end]");
        String noOffsets = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}";
        assertRejected(SafetensorsBytes.file(noOffsets, new byte[4]), "tensor 'a'",
                "no 'data_offsets' (its fields: dtype, shape)");
    }

    @Test
    void rejectsMetadataThatIsNotAStringMap() throws IOException {
        assertRejected(SafetensorsBytes.file("{\"__metadata__\":{\"epochs\":90}}", new byte[0]),
                "__metadata__ value of 'epochs' is not a string");
        assertRejected(SafetensorsBytes.file("{\"__metadata__\":[]}", new byte[0]), "__metadata__ must be");
    }

    private void assertRejected(byte[] bytes, String... fragments) throws IOException {
        Path path = save("bad.safetensors", bytes);
        try (Arena arena = Arena.ofConfined()) {
            WeightFileException e = assertThrows(WeightFileException.class, () -> SafetensorsFile.open(path, arena));
            assertMessage(e, path.toString());
            assertMessage(e, fragments);
        }
        WeightFileException inMemory = assertThrows(WeightFileException.class,
                () -> SafetensorsFile.of(MemorySegment.ofArray(bytes), "memory"));
        assertMessage(inMemory, "memory: ");
        assertMessage(inMemory, fragments);
    }

    private static void assertMessage(Exception e, String... fragments) {
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "expected \"" + f + "\" in: " + e.getMessage());
        }
    }

    private static void assertHeader(byte[] file, String json, int spaces) {
        long n = MemorySegment.ofArray(file).get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        assertEquals(json.length() + spaces, n);
        assertEquals(json + " ".repeat(spaces), new String(file, 8, (int) n, StandardCharsets.UTF_8));
    }

    private static long headerLength(Path path) throws IOException {
        return MemorySegment.ofArray(Files.readAllBytes(path))
                .get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
    }
}
