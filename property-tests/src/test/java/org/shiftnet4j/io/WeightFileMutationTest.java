package org.shiftnet4j.io;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Hostile-input laws for the weight file readers: a valid safetensors or .npy file with random bytes flipped,
 * overwritten, cut off or appended either still reads, or fails with {@link WeightFileException}. Any other
 * exception (index out of bounds, negative array size, out of memory, number format, arithmetic...) fails the
 * property. Plus round trips through the writers.
 */
class WeightFileMutationTest {
    private static Path scratchDir;
    private static Path scratchFile;

    @BeforeContainer
    static void createScratchFile() throws IOException {
        scratchDir = Files.createTempDirectory("weight-file-mutations");
        scratchFile = scratchDir.resolve("mutated.bin");
    }

    @AfterContainer
    static void deleteScratchFile() throws IOException {
        Files.deleteIfExists(scratchFile);
        Files.deleteIfExists(scratchDir);
    }

    // ---------------------------------------------------------------- mutations

    /** Where a format keeps its header length, so mutations can aim at it. */
    record LengthField(int offset, int width) {
    }

    sealed interface Mutation {
        byte[] apply(byte[] bytes, LengthField lengthField);
    }

    record FlipBit(int position, int bit) implements Mutation {
        public byte[] apply(byte[] bytes, LengthField lengthField) {
            if (bytes.length > 0) {
                bytes[position % bytes.length] ^= (byte) (1 << bit);
            }
            return bytes;
        }
    }

    record SetByte(int position, byte value) implements Mutation {
        public byte[] apply(byte[] bytes, LengthField lengthField) {
            if (bytes.length > 0) {
                bytes[position % bytes.length] = value;
            }
            return bytes;
        }
    }

    record Truncate(int position) implements Mutation {
        public byte[] apply(byte[] bytes, LengthField lengthField) {
            return bytes.length == 0 ? bytes : Arrays.copyOf(bytes, position % bytes.length);
        }
    }

    record Extend(byte[] tail) implements Mutation {
        public byte[] apply(byte[] bytes, LengthField lengthField) {
            byte[] out = Arrays.copyOf(bytes, bytes.length + tail.length);
            System.arraycopy(tail, 0, out, bytes.length, tail.length);
            return out;
        }

        @Override
        public String toString() {
            return "Extend" + Arrays.toString(tail);
        }
    }

    /** Rewrites the header length: shifted by {@code delta}, or replaced by {@code delta} when not relative. */
    record SetLength(long delta, boolean relative) implements Mutation {
        public byte[] apply(byte[] bytes, LengthField field) {
            if (bytes.length < field.offset() + field.width()) {
                return bytes;
            }
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            long old = field.width() == 2 ? b.getShort(field.offset()) & 0xFFFF
                    : field.width() == 4 ? b.getInt(field.offset()) & 0xFFFF_FFFFL : b.getLong(field.offset());
            long value = relative ? old + delta : delta;
            for (int i = 0; i < field.width(); i++) {
                bytes[field.offset() + i] = (byte) (value >>> (8 * i));
            }
            return bytes;
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Integer> position = Arbitraries.integers().between(0, 1 << 20);
        // Characters that change the structure of JSON headers and Python-literal .npy headers.
        Arbitrary<Byte> structural = Arbitraries.of("0123456789-+.eE,:[](){}\"' \nTFLNa\0\u00c3".chars()
                .mapToObj(c -> (byte) c).toList());
        Arbitrary<Byte> anyByte = Arbitraries.bytes();
        Arbitrary<Mutation> mutation = Arbitraries.frequencyOf(
                Tuple.of(4, Combinators.combine(position, Arbitraries.integers().between(0, 7))
                        .as(FlipBit::new)),
                Tuple.of(4, Combinators.combine(position, Arbitraries.oneOf(structural, anyByte))
                        .as(SetByte::new)),
                Tuple.of(1, position.map(Truncate::new)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(24)
                        .map(Extend::new)),
                Tuple.of(1, Arbitraries.oneOf(
                        Arbitraries.longs().between(-24, 24).map(d -> new SetLength(d, true)),
                        Arbitraries.longs().map(v -> new SetLength(v, false)))));
        return mutation.list().ofMinSize(1).ofMaxSize(4);
    }

    private static byte[] mutate(byte[] original, List<Mutation> mutations, LengthField lengthField) {
        byte[] bytes = original.clone();
        for (Mutation m : mutations) {
            bytes = m.apply(bytes, lengthField);
        }
        return bytes;
    }

    // ---------------------------------------------------------------- safetensors

    private static final String[] DTYPES = {"F32", "F16", "BF16", "I64", "U8"};
    private static final int[] DTYPE_BYTES = {4, 2, 2, 8, 1};

    record RawTensor(String name, int dtype, int[] shape) {
        int byteSize() {
            return (int) Shapes.numel(shape) * DTYPE_BYTES[dtype];
        }
    }

    @Provide
    Arbitrary<byte[]> safetensorsFiles() {
        Arbitrary<int[]> shape = Arbitraries.integers().between(0, 4).array(int[].class).ofMaxSize(3);
        Arbitrary<RawTensor> tensor = Combinators.combine(
                Arbitraries.of("conv1.weight", "bn1.running_mean", "bn1.num_batches_tracked", "layer1.0.conv1.weight",
                        "fc.bias", "x", "\u00e9t\u00e9"),
                Arbitraries.integers().between(0, DTYPES.length - 1), shape).as(RawTensor::new);
        Arbitrary<List<RawTensor>> tensors = tensor.list().ofMaxSize(5).uniqueElements(RawTensor::name);
        return Combinators.combine(tensors, Arbitraries.of(true, false), Arbitraries.longs())
                .as(WeightFileMutationTest::safetensorsBytes);
    }

    /** Lays tensors out by name, as an independent check on the reader (the writer only emits F32). */
    private static byte[] safetensorsBytes(List<RawTensor> tensors, boolean withMetadata, long seed) {
        List<RawTensor> sorted = tensors.stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
        StringJoiner json = new StringJoiner(",", "{", "}");
        if (withMetadata) {
            json.add("\"__metadata__\":{\"format\":\"pt\",\"epoch\":\"90\"}");
        }
        long offset = 0;
        for (RawTensor t : sorted) {
            StringJoiner dims = new StringJoiner(",", "[", "]");
            Arrays.stream(t.shape()).forEach(d -> dims.add(Integer.toString(d)));
            json.add("\"" + t.name() + "\":{\"dtype\":\"" + DTYPES[t.dtype()] + "\",\"shape\":" + dims
                    + ",\"data_offsets\":[" + offset + "," + (offset + t.byteSize()) + "]}");
            offset += t.byteSize();
        }
        byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) / 8 * 8;
        ByteBuffer file = ByteBuffer.allocate(8 + padded + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(padded).put(header);
        while (file.position() < 8 + padded) {
            file.put((byte) ' ');
        }
        Random data = new Random(seed);
        while (file.hasRemaining()) {
            file.put((byte) data.nextInt());
        }
        return file.array();
    }

    @Property(tries = 1000)
    void mutatedSafetensorsFilesFailOnlyWithWeightFileException(@ForAll("safetensorsFiles") byte[] original,
                                                               @ForAll("mutations") List<Mutation> mutations)
            throws IOException {
        byte[] bytes = mutate(original, mutations, new LengthField(0, 8));
        Files.write(scratchFile, bytes);
        String outcome;
        try (Arena arena = Arena.ofConfined()) {
            exercise(SafetensorsFile.open(scratchFile, arena), arena);
            outcome = "read";
        } catch (WeightFileException e) {
            outcome = "rejected";
        }
        try (Arena arena = Arena.ofConfined()) {
            exercise(SafetensorsFile.of(MemorySegment.ofArray(bytes), "memory"), arena);
            assertEquals("read", outcome, "in-memory and file readers must agree");
        } catch (WeightFileException e) {
            assertEquals("rejected", outcome, "in-memory and file readers must agree");
        }
        Statistics.collect(outcome);
    }

    /** Every accessor on every tensor: only WeightFileException may come out, and only where it should. */
    private static void exercise(SafetensorsFile file, Arena arena) {
        Map<String, int[]> expected = new LinkedHashMap<>();
        for (String name : file.names()) {
            try {
                TensorEntry e = file.tensor(name);
                assertEquals(e.byteSize(), file.slice(name).byteSize());
                if (e.dtype().convertsToFloat()) {
                    assertEquals(e.numel(), file.floats(name).length);
                    file.copyFloats(name, arena.allocate(Math.max(1, 4 * e.numel()), 64));
                } else {
                    assertThrows(WeightFileException.class, () -> file.floats(name));
                }
                expected.put(name, Arrays.stream(e.shape()).mapToInt(d -> (int) d).toArray());
            } catch (WeightFileException unexpected) {
                throw new AssertionError("a validated tensor failed to read: " + unexpected.getMessage(), unexpected);
            }
        }
        try {
            file.validateShapes(expected);
            expected.put("fc.weight", new int[]{10, 4});
            file.validateShapes(expected, SafetensorsFile.PYTORCH_BOOKKEEPING);
        } catch (WeightFileException mismatch) {
            // expected for the added tensor
        }
    }

    // ---------------------------------------------------------------- .npy

    @Provide
    Arbitrary<byte[]> npyFiles() {
        Arbitrary<int[]> shape = Arbitraries.integers().between(0, 4).array(int[].class).ofMaxSize(4);
        return Combinators.combine(shape, Arbitraries.of(1, 2, 3), Arbitraries.of("<f4", "<f8"), Arbitraries.longs())
                .as(WeightFileMutationTest::npyBytes);
    }

    /** A NumPy-style file in any version and either dtype, built by hand so all reader paths get mutated. */
    private static byte[] npyBytes(int[] shape, int major, String descr, long seed) {
        StringJoiner dims = new StringJoiner(", ", "(", shape.length == 1 ? ",)" : ")");
        Arrays.stream(shape).forEach(d -> dims.add(Integer.toString(d)));
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + dims + ", }";
        int prefix = major == 1 ? 10 : 12;
        String header = dict + " ".repeat(64 - (prefix + dict.length() + 1) % 64) + "\n";
        int dataBytes = (int) Shapes.numel(shape) * (descr.equals("<f4") ? 4 : 8);
        ByteBuffer b = ByteBuffer.allocate(prefix + header.length() + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) header.length());
        } else {
            b.putInt(header.length());
        }
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        Random data = new Random(seed);
        while (b.hasRemaining()) {
            b.put((byte) data.nextInt());
        }
        return b.array();
    }

    @Property(tries = 1000)
    void mutatedNpyFilesFailOnlyWithWeightFileException(@ForAll("npyFiles") byte[] original,
                                                       @ForAll("mutations") List<Mutation> mutations)
            throws IOException {
        LengthField lengthField = new LengthField(8, original[6] == 1 ? 2 : 4);
        byte[] bytes = mutate(original, mutations, lengthField);
        Files.write(scratchFile, bytes);
        String outcome;
        try {
            NpyArray array = NpyFile.read(scratchFile);
            assertEquals(Shapes.numel(array.shape()), array.data().length);
            outcome = "read";
        } catch (WeightFileException e) {
            outcome = "rejected";
        }
        Statistics.collect(outcome);
    }

    // ---------------------------------------------------------------- round trips

    @Provide
    Arbitrary<NpyArray> arrays() {
        return Arbitraries.integers().between(0, 5).array(int[].class).ofMaxSize(4).flatMap(shape ->
                Arbitraries.integers().map(Float::intBitsToFloat).array(float[].class)
                        .ofSize((int) Shapes.numel(shape))
                        .map(data -> new NpyArray(shape, data)));
    }

    @Property(tries = 200)
    void npyRoundTrips(@ForAll("arrays") NpyArray array) throws IOException {
        byte[] bytes = NpyFile.toByteArray(array);
        assertEquals(0, (bytes.length - 4L * array.data().length) % 64, "data starts 64-byte aligned");
        assertEquals(array, NpyFile.read(bytes, "round trip"));
    }

    @Property(tries = 200)
    void safetensorsRoundTrips(@ForAll("namedArrays") Map<String, NpyArray> tensors,
                               @ForAll("metadata") Map<String, String> metadata) throws IOException {
        SafetensorsWriter writer = new SafetensorsWriter();
        tensors.forEach((name, a) -> writer.add(name, a.shape(), a.data()));
        metadata.forEach(writer::metadata);
        byte[] bytes = writer.toByteArray();
        SafetensorsFile file = SafetensorsFile.of(MemorySegment.ofArray(bytes), "round trip");
        assertEquals(List.copyOf(new TreeMap<>(tensors).keySet()), file.names());
        assertEquals(metadata, file.metadata());
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (var t : tensors.entrySet()) {
            assertArrayEquals(t.getValue().data(), file.floats(t.getKey()));
            shapes.put(t.getKey(), t.getValue().shape());
        }
        file.validateShapes(shapes);
        assertArrayEquals(bytes, writer.toByteArray(), "deterministic output");
    }

    @Provide
    Arbitrary<Map<String, NpyArray>> namedArrays() {
        return Arbitraries.maps(Arbitraries.strings().ofMinLength(1).ofMaxLength(12)
                .filter(name -> !name.equals("__metadata__")), arrays()).ofMaxSize(5);
    }

    @Provide
    Arbitrary<Map<String, String>> metadata() {
        return Arbitraries.maps(Arbitraries.strings().ofMaxLength(8), Arbitraries.strings().ofMaxLength(16))
                .ofMaxSize(3);
    }
}
