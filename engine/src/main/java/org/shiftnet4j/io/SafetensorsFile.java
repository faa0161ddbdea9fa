package org.shiftnet4j.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A validated, read-only safetensors file: an 8-byte little-endian header length N, N bytes of UTF-8 JSON header,
 * then the tensors' bytes (little-endian, row-major, packed without gaps).
 *
 * <p>{@link #open} validates the whole header against the file size before it maps the file, so a malformed file
 * is rejected with a {@link WeightFileException} and never mapped into the caller's arena. The mapped segment
 * lives as long as that arena; accessors throw {@link IllegalStateException} once it is closed. If another process
 * truncates the file while it is mapped, accesses fail with an {@link InternalError} (the JVM turns the fault into
 * an exception); nothing reads outside the mapping.
 *
 * <p>Tensor names are listed in data-offset order (the file's layout). Instances are immutable and may be shared
 * between threads if the arena allows it.
 */
public final class SafetensorsFile {
    /** Largest header the reference implementation accepts (its {@code MAX_HEADER_SIZE}). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** PyTorch bookkeeping buffers that carry no weights: batch-norm's {@code num_batches_tracked} counters. */
    public static final Predicate<String> PYTORCH_BOOKKEEPING =
            name -> name.equals("num_batches_tracked") || name.endsWith(".num_batches_tracked");

    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32_NATIVE = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Java arrays cannot be quite Integer.MAX_VALUE long on every VM. */
    private static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    private final String source;
    private final MemorySegment data;
    private final List<String> names;
    private final Map<String, TensorEntry> byName;
    private final Map<String, String> metadata;

    private SafetensorsFile(String source, MemorySegment data, SafetensorsHeader header) {
        this.source = source;
        this.data = data;
        List<String> ordered = new ArrayList<>(header.entriesByOffset.size());
        Map<String, TensorEntry> index = new HashMap<>();
        for (TensorEntry e : header.entriesByOffset) {
            ordered.add(e.name());
            index.put(e.name(), e);
        }
        this.names = List.copyOf(ordered);
        this.byName = Map.copyOf(index);
        this.metadata = header.metadata;
    }

    /**
     * Validates the file at {@code path} and memory-maps it read-only into {@code arena}.
     *
     * @throws WeightFileException if the file is not a valid safetensors file
     * @throws IOException         if the file cannot be read
     */
    public static SafetensorsFile open(Path path, Arena arena) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(arena, "arena");
        String source = path.toString();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            long headerLength = readHeaderLength(fileSize, readFully(channel, 0, (int) Math.min(8, fileSize)), source);
            byte[] headerBytes = readFully(channel, 8, (int) headerLength);
            SafetensorsHeader header = SafetensorsHeader.parse(headerBytes, fileSize - 8 - headerLength, source);
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, fileSize, arena);
            return new SafetensorsFile(source, mapped.asSlice(8 + headerLength), header);
        }
    }

    /**
     * Validates safetensors bytes already in memory (e.g. a classpath resource). The tensors stay views of
     * {@code bytes}, which must outlive this object and must not change.
     *
     * @param source a name for error messages, such as the resource path
     */
    public static SafetensorsFile of(MemorySegment bytes, String source) throws WeightFileException {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(source, "source");
        long size = bytes.byteSize();
        byte[] prefix = bytes.asSlice(0, Math.min(8, size)).toArray(ValueLayout.JAVA_BYTE);
        long headerLength = readHeaderLength(size, prefix, source);
        byte[] headerBytes = bytes.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
        SafetensorsHeader header = SafetensorsHeader.parse(headerBytes, size - 8 - headerLength, source);
        return new SafetensorsFile(source, bytes.asSlice(8 + headerLength).asReadOnly(), header);
    }

    /** Checks the u64 length prefix against the reference limit and the input size; returns N. */
    private static long readHeaderLength(long size, byte[] prefix, String source) throws WeightFileException {
        if (size < 8) {
            throw new WeightFileException(source, "only " + size + " bytes, shorter than the 8-byte header length");
        }
        long n = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong();
        // Unsigned: a u64 above Long.MAX_VALUE reads as negative here.
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new WeightFileException(source, "header length " + Long.toUnsignedString(n)
                    + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (n > size - 8) {
            throw new WeightFileException(source, "header length " + n + " runs past the end of the "
                    + size + "-byte file (truncated file?)");
        }
        return n;
    }

    private static byte[] readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("file shrank while being read");
            }
        }
        return buffer.array();
    }

    /** The path or source name this file was opened from. */
    public String source() {
        return source;
    }

    /** Tensor names in data-offset order. */
    public List<String> names() {
        return names;
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** The {@code __metadata__} map (empty if the file has none), in file order. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The header entry of {@code name}. */
    public TensorEntry tensor(String name) throws WeightFileException {
        TensorEntry e = byName.get(Objects.requireNonNull(name, "name"));
        if (e == null) {
            throw WeightFileException.forTensor(source, name, "no such tensor in the file");
        }
        return e;
    }

    public SafetensorsDtype dtype(String name) throws WeightFileException {
        return tensor(name).dtype();
    }

    /** A copy of the shape of {@code name}. */
    public long[] shape(String name) throws WeightFileException {
        return tensor(name).shape();
    }

    /** The raw little-endian bytes of {@code name}, as a read-only view (no copy). */
    public MemorySegment slice(String name) throws WeightFileException {
        TensorEntry e = tensor(name);
        return data.asSlice(e.begin(), e.byteSize());
    }

    /** The elements of {@code name} (F32, F16 or BF16) converted to float32, in row-major order. */
    public float[] floats(String name) throws WeightFileException {
        TensorEntry e = floatTensor(name);
        if (e.numel() > MAX_ARRAY_LENGTH) {
            throw WeightFileException.forTensor(source, name, e.numel() + " elements do not fit a Java array; "
                    + "use copyFloats into a memory segment");
        }
        float[] out = new float[(int) e.numel()];
        copyFloats(e, MemorySegment.ofArray(out));
        return out;
    }

    /**
     * Converts the elements of {@code name} (F32, F16 or BF16) to float32 and stores them, in native byte order and
     * row-major order, at the start of {@code dst}.
     *
     * @throws IllegalArgumentException if {@code dst} is smaller than 4 bytes per element or read-only
     */
    public void copyFloats(String name, MemorySegment dst) throws WeightFileException {
        Objects.requireNonNull(dst, "dst");
        TensorEntry e = floatTensor(name);
        if (dst.isReadOnly() || dst.byteSize() / Float.BYTES < e.numel()) {
            throw new IllegalArgumentException("destination of " + dst.byteSize() + " bytes"
                    + (dst.isReadOnly() ? " is read-only" : "") + "; tensor '" + name + "' needs "
                    + e.numel() * Float.BYTES + " writable bytes");
        }
        copyFloats(e, dst);
    }

    private TensorEntry floatTensor(String name) throws WeightFileException {
        TensorEntry e = tensor(name);
        if (!e.dtype().convertsToFloat()) {
            throw WeightFileException.forTensor(source, name, "dtype " + e.dtype()
                    + " cannot be read as float (supported: F32, F16, BF16)");
        }
        return e;
    }

    private void copyFloats(TensorEntry e, MemorySegment dst) {
        long n = e.numel();
        long from = e.begin();
        switch (e.dtype()) {
            case F32 -> MemorySegment.copy(data, F32_LE, from, dst, F32_NATIVE, 0, n);
            case F16 -> {
                for (long i = 0; i < n; i++) {
                    dst.setAtIndex(F32_NATIVE, i, Float.float16ToFloat(data.get(U16_LE, from + 2 * i)));
                }
            }
            case BF16 -> {
                for (long i = 0; i < n; i++) {
                    // bfloat16 is the top half of a float32.
                    int bits = (data.get(U16_LE, from + 2 * i) & 0xFFFF) << 16;
                    dst.setAtIndex(F32_NATIVE, i, Float.intBitsToFloat(bits));
                }
            }
            default -> throw new AssertionError("floatTensor admits only float dtypes, got " + e.dtype());
        }
    }

    /** {@link #validateShapes(Map, Predicate)} ignoring no names. */
    public void validateShapes(Map<String, int[]> expected) throws WeightFileException {
        validateShapes(expected, name -> false);
    }

    /**
     * Checks that the file holds exactly the tensors of {@code expected} with exactly those shapes, and reports every
     * missing, unexpected and mis-shaped tensor in one exception. Names matching {@code ignored} (e.g.
     * {@link #PYTORCH_BOOKKEEPING}) are left out of all three checks.
     */
    public void validateShapes(Map<String, int[]> expected, Predicate<String> ignored) throws WeightFileException {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(ignored, "ignored");
        // Sorted so the report reads the same on every run.
        Map<String, int[]> wanted = new TreeMap<>();
        expected.forEach((name, shape) -> {
            if (!ignored.test(name)) {
                wanted.put(name, Objects.requireNonNull(shape, "expected shape of " + name));
            }
        });
        List<String> missing = new ArrayList<>();
        List<String> misShaped = new ArrayList<>();
        for (Map.Entry<String, int[]> w : wanted.entrySet()) {
            TensorEntry e = byName.get(w.getKey());
            if (e == null) {
                missing.add(w.getKey() + " " + Arrays.toString(w.getValue()));
            } else if (!e.hasShape(w.getValue())) {
                misShaped.add(w.getKey() + " is " + Arrays.toString(e.shape()) + ", expected "
                        + Arrays.toString(w.getValue()));
            }
        }
        List<String> unexpected = names.stream()
                .filter(name -> !wanted.containsKey(name) && !ignored.test(name))
                .sorted()
                .map(name -> name + " " + Arrays.toString(byName.get(name).shape()))
                .toList();
        if (missing.isEmpty() && unexpected.isEmpty() && misShaped.isEmpty()) {
            return;
        }
        StringBuilder report = new StringBuilder("tensors do not match the model (")
                .append(missing.size()).append(" missing, ")
                .append(unexpected.size()).append(" unexpected, ")
                .append(misShaped.size()).append(" with the wrong shape)");
        appendSection(report, "missing", missing);
        appendSection(report, "unexpected", unexpected);
        appendSection(report, "wrong shape", misShaped);
        throw new WeightFileException(source, report.toString());
    }

    private static void appendSection(StringBuilder report, String title, List<String> lines) {
        for (String line : lines) {
            report.append("\n  ").append(title).append(": ").append(line);
        }
    }
}
