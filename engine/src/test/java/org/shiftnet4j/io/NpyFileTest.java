package org.shiftnet4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyFileTest {
    @TempDir
    Path dir;

    private static final String F4_2x3 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";

    /** An .npy file with {@code header} stored verbatim (the caller decides padding) after magic and version. */
    static byte[] npy(int major, String header, byte[] data) {
        byte[] text = header.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int lengthBytes = major == 1 ? 2 : 4;
        ByteBuffer b = ByteBuffer.allocate(8 + lengthBytes + text.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) text.length);
        } else {
            b.putInt(text.length);
        }
        return b.put(text).put(data).array();
    }

    /** {@code dict} padded with spaces and a newline so the data starts at a multiple of 64, as NumPy pads. */
    static String padded(int major, String dict) {
        int prefix = major == 1 ? 10 : 12;
        int spaces = 64 - (prefix + dict.length() + 1) % 64;
        return dict + " ".repeat(spaces) + "\n";
    }

    private static byte[] doubles(double... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }

    private static float[] sequence(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i - 3) / 7f;
        }
        return v;
    }

    @Test
    void roundTripsArraysOfEveryRank() throws IOException {
        int[][] shapes = {{}, {5}, {2, 3}, {0, 4}, {3, 1, 2}, {2, 3, 4, 5}, {1, 1, 1, 1, 1, 7}};
        for (int[] shape : shapes) {
            NpyArray array = new NpyArray(shape, sequence((int) Shapes.numel(shape)));
            Path path = dir.resolve("a" + shape.length + ".npy");
            NpyFile.write(path, array);
            byte[] bytes = Files.readAllBytes(path);
            assertArrayEquals(NpyFile.toByteArray(array), bytes);
            assertEquals(array, NpyFile.read(path));
            assertEquals(array, NpyFile.read(bytes, "bytes"));
            int dataStart = bytes.length - 4 * array.data().length;
            assertEquals(0, dataStart % 64, "data of " + Arrays.toString(shape) + " starts 64-aligned");
        }
    }

    @Test
    void writesWhatNumpySaveWrites() {
        // Header lengths and sizes observed from numpy.save (NumPy 2.4) for float32 arrays.
        byte[] matrix = NpyFile.toByteArray(new NpyArray(new int[]{2, 3}, new float[6]));
        assertEquals(152, matrix.length);
        assertArrayEquals(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0}, Arrays.copyOf(matrix, 10));
        assertEquals(F4_2x3 + " ".repeat(58) + "\n", new String(matrix, 10, 118, StandardCharsets.ISO_8859_1));

        byte[] scalar = NpyFile.toByteArray(new NpyArray(new int[0], new float[]{1.5f}));
        assertEquals(132, scalar.length);
        assertTrue(new String(scalar, 10, 118, StandardCharsets.ISO_8859_1)
                .startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (), }   "));
        assertArrayEquals(SafetensorsBytes.floatBytes(1.5f), Arrays.copyOfRange(scalar, 128, 132));

        byte[] vector = NpyFile.toByteArray(new NpyArray(new int[]{5}, new float[5]));
        assertEquals(148, vector.length);
        assertTrue(new String(vector, 10, 118, StandardCharsets.ISO_8859_1)
                .startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }   "));
        assertEquals(128, NpyFile.toByteArray(new NpyArray(new int[]{0, 4}, new float[0])).length);
    }

    @Test
    void switchesToVersion2WhenTheHeaderOutgrows16Bits() throws IOException {
        int[] shape = new int[23_000];
        Arrays.fill(shape, 1);
        NpyArray array = new NpyArray(shape, new float[]{2.5f});
        byte[] bytes = NpyFile.toByteArray(array);
        assertEquals(2, bytes[6]);
        assertEquals(0, (bytes.length - 4) % 64);
        assertEquals(array, NpyFile.read(bytes, "wide"));
    }

    @Test
    void readsFloat64NarrowedToFloat32() throws IOException {
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }";
        double third = 1.0 / 3;
        byte[] bytes = npy(1, padded(1, dict), doubles(third, -2.0, 1e-50, 1e300));
        NpyArray array = NpyFile.read(Files.write(dir.resolve("f8.npy"), bytes));
        assertArrayEquals(new int[]{2, 2}, array.shape());
        assertArrayEquals(new float[]{(float) third, -2f, 0f, Float.POSITIVE_INFINITY}, array.data());
    }

    @Test
    void readsVersions2And3AndLenientHeaderSpelling() throws IOException {
        byte[] data = SafetensorsBytes.floatBytes(sequence(6));
        NpyArray expected = new NpyArray(new int[]{2, 3}, sequence(6));
        assertEquals(expected, NpyFile.read(npy(2, padded(2, F4_2x3), data), "v2"));
        assertEquals(expected, NpyFile.read(npy(3, padded(3, F4_2x3), data), "v3"));
        // Other spellings Python's literal_eval accepts: double quotes, any key order, no trailing comma,
        // line breaks, 16-byte alignment as old NumPy wrote it, and Python 2 longs in version 1.0.
        String[] spellings = {
            "{\"shape\": (2,3), \"descr\": \"<f4\", \"fortran_order\": False}\n",
            "{ 'fortran_order' :False ,\n 'shape':( 2 , 3 , ) , 'descr':'<f4' }    \n",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }  \n",
        };
        for (String header : spellings) {
            assertEquals(expected, NpyFile.read(npy(1, header, data), header));
        }
        assertEquals(new NpyArray(new int[]{4}, new float[4]),
                NpyFile.read(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,)}\n", new byte[16]), "1d"));
    }

    // ---- malformed files ----

    @Test
    void rejectsTruncatedFiles() throws IOException {
        byte[] valid = NpyFile.toByteArray(new NpyArray(new int[]{2, 3}, sequence(6)));
        assertRejected(Arrays.copyOf(valid, 5), "not an .npy file");
        assertRejected(Arrays.copyOf(valid, 9), "truncated", "header length");
        assertRejected(Arrays.copyOf(valid, 60), "truncated", "header of 118 bytes");
        assertRejected(Arrays.copyOf(valid, valid.length - 1), "(2, 3)", "needs 24 data bytes", "has 23", "truncated");
        assertRejected(new byte[0], "not an .npy file");
    }

    @Test
    void rejectsTrailingBytes() throws IOException {
        byte[] valid = NpyFile.toByteArray(new NpyArray(new int[]{2, 3}, sequence(6)));
        assertRejected(Arrays.copyOf(valid, valid.length + 4), "needs 24 data bytes", "has 28");
    }

    @Test
    void rejectsBadMagicAndVersions() throws IOException {
        byte[] valid = NpyFile.toByteArray(new NpyArray(new int[]{2}, new float[2]));
        byte[] magic = valid.clone();
        magic[1] = 'n';
        assertRejected(magic, "does not start with \\x93NUMPY");
        byte[] v4 = valid.clone();
        v4[6] = 4;
        assertRejected(v4, "unsupported .npy format version 4.0");
        byte[] v11 = valid.clone();
        v11[7] = 1;
        assertRejected(v11, "version 1.1");
    }

    @Test
    void rejectsHeadersBeyondTheFileOrTheLimit() throws IOException {
        byte[] beyond = npy(2, padded(2, F4_2x3), new byte[24]);
        ByteBuffer.wrap(beyond).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 5000);
        assertRejected(beyond, "header of 5000 bytes runs past the end");
        ByteBuffer.wrap(beyond).order(ByteOrder.LITTLE_ENDIAN).putInt(8, -1);
        assertRejected(beyond, "header length 4294967295 exceeds the limit");
    }

    @Test
    void rejectsMalformedHeaderDictionaries() throws IOException {
        assertHeaderRejected("[1, 2]", "start");
        assertHeaderRejected("{'descr': '<f4', 'fortran_order': False}", "lacks 'shape'");
        assertHeaderRejected("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}",
                "unexpected key 'extra'");
        assertHeaderRejected("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}",
                "duplicate key 'descr'");
        assertHeaderRejected("{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 3)}", "True or False");
        assertHeaderRejected("{'descr': '<f4, 'fortran_order': False, 'shape': (2, 3)}", "expected");
        assertHeaderRejected("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)} x", "after the header");
        assertHeaderRejected("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)", "'}'");
        assertHeaderRejected("{'descr': '<f4', 'fortran_order': False, 'shape': (6)}", "not a tuple");
        assertHeaderRejected("{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3]}", "tuple");
        assertHeaderRejected("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3)}", "negative dimension");
        assertHeaderRejected("{'descr': '<f4', 'fortran_order': False, 'shape': (2.5,)}", "')'");
        assertHeaderRejected("{'descr': '<f4', 'fortran_order': False, 'shape': (3000000000,)}", "larger than");
        assertHeaderRejected("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100000)}",
                "more elements than a Java array");
        assertHeaderRejected("{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3)}", "')'", 3);
    }

    @Test
    void rejectsUnsupportedArrays() throws IOException {
        assertHeaderRejected("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", "Fortran-order");
        assertHeaderRejected("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", "big-endian", "'>f4'");
        assertHeaderRejected("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", "dtype '<i4'",
                "only '<f4' (float32) and '<f8'");
        assertHeaderRejected("{'descr': '|f4', 'fortran_order': False, 'shape': (2, 3), }", "dtype '|f4'");
        assertHeaderRejected("{'descr': '<f2', 'fortran_order': False, 'shape': (2, 3), }", "dtype '<f2'");
        assertHeaderRejected("{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (2, 3), }", "structured");
    }

    @Test
    void rejectsVersion3HeadersThatAreNotUtf8() throws IOException {
        byte[] bytes = npy(3, padded(3, F4_2x3), new byte[24]);
        bytes[14] = (byte) 0xFF;
        assertRejected(bytes, "not valid UTF-8");
    }

    @Test
    void npyArrayChecksItsShape() {
        assertThrows(IllegalArgumentException.class, () -> new NpyArray(new int[]{2, 3}, new float[5]));
        assertThrows(IllegalArgumentException.class, () -> new NpyArray(new int[]{-1}, new float[0]));
        int[] shape = {2};
        NpyArray a = new NpyArray(shape, new float[2]);
        shape[0] = 7;
        assertArrayEquals(new int[]{2}, a.shape());
    }

    private void assertHeaderRejected(String dict, String... fragments) throws IOException {
        assertRejected(npy(1, padded(1, dict), new byte[24]), fragments);
    }

    private void assertHeaderRejected(String dict, String fragment, int major) throws IOException {
        assertRejected(npy(major, padded(major, dict), new byte[24]), fragment);
    }

    private void assertRejected(byte[] bytes, String... fragments) throws IOException {
        Path path = Files.write(dir.resolve("bad.npy"), bytes);
        WeightFileException e = assertThrows(WeightFileException.class, () -> NpyFile.read(path));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "expected \"" + f + "\" in: " + e.getMessage());
        }
        assertTrue(e.getMessage().startsWith(path + ": "), e.getMessage());
    }
}
