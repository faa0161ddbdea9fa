package org.shiftnet4j.io;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Reads and writes NumPy {@code .npy} files holding float arrays in C order.
 *
 * <p>Reading accepts format versions 1.0, 2.0 and 3.0 and two element types: {@code '<f4'} (float32) and
 * {@code '<f8'} (float64, <em>narrowed to float32</em>, so precision beyond float32 is lost). Big-endian, integer,
 * half-precision, structured and Fortran-order arrays are rejected with a {@link WeightFileException}, as are
 * truncated files, trailing bytes after the data, and headers longer than {@link #MAX_HEADER_BYTES}.
 *
 * <p>Writing produces what {@code numpy.save} produces for a C-contiguous float32 array: version 1.0 (2.0 only if
 * the header exceeds 65535 bytes), the header padded with spaces and a newline so the data starts at a multiple of
 * 64 bytes, including NumPy's spare room for growing the first axis.
 */
public final class NpyFile {
    /** Longest header accepted; NumPy's own loader stops at 10000 characters by default. */
    public static final int MAX_HEADER_BYTES = 1 << 20;

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGNMENT = 64;
    /** NumPy leaves room for the first dimension to grow to this many digits without rewriting the file. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private NpyFile() {
    }

    /**
     * Reads the array at {@code path}.
     *
     * @throws WeightFileException if the file is malformed or holds an unsupported array
     * @throws IOException         if the file cannot be read
     */
    public static NpyArray read(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
             Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = channel.size() == 0
                    ? MemorySegment.NULL
                    : channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return read(bytes, path.toString());
        }
    }

    /** Reads an array from {@code bytes}. */
    public static NpyArray read(byte[] bytes, String source) throws WeightFileException {
        return read(MemorySegment.ofArray(bytes), source);
    }

    /**
     * Reads an array from the whole of {@code bytes}.
     *
     * @param source a name for error messages
     */
    public static NpyArray read(MemorySegment bytes, String source) throws WeightFileException {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(source, "source");
        long size = bytes.byteSize();
        if (size < MAGIC.length + 2 || !Arrays.equals(bytes.asSlice(0, MAGIC.length).toArray(ValueLayout.JAVA_BYTE), MAGIC)) {
            throw new WeightFileException(source, "not an .npy file (it does not start with \\x93NUMPY)");
        }
        int major = bytes.get(ValueLayout.JAVA_BYTE, 6) & 0xFF;
        int minor = bytes.get(ValueLayout.JAVA_BYTE, 7) & 0xFF;
        if (major < 1 || major > 3 || minor != 0) {
            throw new WeightFileException(source, "unsupported .npy format version " + major + "." + minor
                    + " (supported: 1.0, 2.0, 3.0)");
        }
        int lengthBytes = major == 1 ? 2 : 4;
        long prefix = 8L + lengthBytes;
        if (size < prefix) {
            throw new WeightFileException(source, "truncated: " + size + " bytes end inside the header length");
        }
        long headerLength = major == 1
                ? bytes.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8) & 0xFFFFL
                : bytes.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8) & 0xFFFF_FFFFL;
        if (headerLength > MAX_HEADER_BYTES) {
            throw new WeightFileException(source, "header length " + headerLength + " exceeds the limit of "
                    + MAX_HEADER_BYTES + " bytes");
        }
        if (prefix + headerLength > size) {
            throw new WeightFileException(source, "truncated: header of " + headerLength + " bytes runs past the end of "
                    + "the " + size + "-byte file");
        }
        byte[] headerBytes = bytes.asSlice(prefix, headerLength).toArray(ValueLayout.JAVA_BYTE);
        NpyHeader header = NpyHeader.parse(decode(headerBytes, major, source), major < 3, source);
        return readData(bytes, prefix + headerLength, header, source);
    }

    private static String decode(byte[] headerBytes, int major, String source) throws WeightFileException {
        if (major < 3) {
            return new String(headerBytes, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(headerBytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new WeightFileException(source, "version 3.0 header is not valid UTF-8", e);
        }
    }

    private static NpyArray readData(MemorySegment bytes, long dataStart, NpyHeader header, String source)
            throws WeightFileException {
        int itemSize = switch (header.descr()) {
            case "<f4" -> 4;
            case "<f8" -> 8;
            case ">f4", ">f8" -> throw new WeightFileException(source, "big-endian dtype '" + header.descr()
                    + "' is not supported; save with .astype('<f4')");
            default -> throw new WeightFileException(source, "dtype '" + header.descr() + "' is not supported; only "
                    + "'<f4' (float32) and '<f8' (float64, narrowed to float32) are");
        };
        String shape = describeShape(header.shape());
        if (header.fortranOrder()) {
            throw new WeightFileException(source, "Fortran-order array of shape " + shape + " is not supported; "
                    + "save a C-order copy (numpy.ascontiguousarray)");
        }
        long numel = Shapes.numel(header.shape());
        if (numel > MAX_ARRAY_LENGTH) {
            throw new WeightFileException(source, "shape " + shape + " has more elements than a Java array can hold");
        }
        long expected = numel * itemSize;
        long actual = bytes.byteSize() - dataStart;
        if (actual != expected) {
            throw new WeightFileException(source, "shape " + shape + " of '" + header.descr() + "' needs " + expected
                    + " data bytes but the file has " + actual + (actual < expected ? " (truncated file?)" : ""));
        }
        float[] data = new float[(int) numel];
        if (itemSize == 4) {
            MemorySegment.copy(bytes, F32_LE, dataStart, data, 0, data.length);
        } else {
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) bytes.get(F64_LE, dataStart + 8L * i);
            }
        }
        return new NpyArray(header.shape(), data);
    }

    /** Writes {@code array} to {@code path} (creating or replacing it) as a float32 {@code .npy} file. */
    public static void write(Path path, NpyArray array) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16)) {
            writeTo(out, array);
        }
    }

    /** The {@code .npy} encoding of {@code array}. */
    public static byte[] toByteArray(NpyArray array) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeTo(out, array);
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory stream cannot fail", e);
        }
        return out.toByteArray();
    }

    /** Writes {@code array} to {@code out}, which is left open. */
    public static void writeTo(OutputStream out, NpyArray array) throws IOException {
        out.write(header(array.shape()));
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : array.data()) {
            if (!chunk.hasRemaining()) {
                out.write(chunk.array(), 0, chunk.position());
                chunk.clear();
            }
            chunk.putFloat(v);
        }
        out.write(chunk.array(), 0, chunk.position());
    }

    /** Magic, version, length and the padded header dictionary, laid out as numpy.save lays them out. */
    private static byte[] header(int[] shape) {
        StringBuilder dict = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': ")
                .append(describeShape(shape)).append(", }");
        if (shape.length > 0) {
            dict.repeat(' ', GROWTH_AXIS_MAX_DIGITS - Integer.toString(shape[0]).length());
        }
        int textLength = dict.length() + 1; // + the closing newline
        // Version 1.0 stores the header length in 16 bits; fall back to 2.0 only when it does not fit.
        int major = textLength + padding(MAGIC.length + 4, textLength) <= 0xFFFF ? 1 : 2;
        int prefix = MAGIC.length + 2 + (major == 1 ? 2 : 4);
        int padding = padding(prefix, textLength);
        dict.repeat(' ', padding).append('\n');
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(prefix + text.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            out.putShort((short) text.length);
        } else {
            out.putInt(text.length);
        }
        return out.put(text).array();
    }

    /** Spaces that make prefix + text a multiple of 64; NumPy adds a full 64 when it is one already. */
    private static int padding(int prefix, int textLength) {
        return ALIGNMENT - (prefix + textLength) % ALIGNMENT;
    }

    /** A Python tuple literal: {@code ()}, {@code (5,)}, {@code (2, 3)}. */
    private static String describeShape(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        return Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", ", "(", ")"));
    }
}
