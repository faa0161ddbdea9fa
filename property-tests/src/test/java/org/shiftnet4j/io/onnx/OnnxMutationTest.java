package org.shiftnet4j.io.onnx;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Hostile-input law for the ONNX reader: a valid model with random bytes flipped, overwritten, inserted or deleted
 * either still parses, or fails with {@link OnnxFormatException}. Any other exception (index out of bounds,
 * negative array size, out of memory, stack overflow, a protobuf exception leaking out...) fails the property.
 * Whatever does parse must also be writable and parse again. Plus the canonical round trip of random models.
 */
class OnnxMutationTest {

    // ---------------------------------------------------------------- small valid models

    private static final String[] OP_TYPES = {"Conv", "Relu", "Add", "BatchNormalization", "Shift", "Gemm"};

    @Provide
    Arbitrary<OnnxModel> models() {
        Arbitrary<OnnxAttribute> attribute = Arbitraries.oneOf(
                Arbitraries.longs().between(-3, 3).array(long[].class).ofMaxSize(4)
                        .map(v -> OnnxAttribute.ofInts("kernel_shape", v)),
                Arbitraries.floats().array(float[].class).ofMaxSize(3).map(v -> OnnxAttribute.ofFloats("scales", v)),
                Arbitraries.longs().map(v -> OnnxAttribute.ofInt("group", v)),
                Arbitraries.floats().map(v -> OnnxAttribute.ofFloat("epsilon", v)),
                Arbitraries.of("SAME_UPPER", "NOTSET", "", "\u00e9").map(v -> OnnxAttribute.ofString("auto_pad", v)),
                Arbitraries.longs().between(-5, 5).array(long[].class).ofMinSize(1).ofMaxSize(3)
                        .map(v -> OnnxAttribute.ofTensor("value", OnnxTensor.ofLongs("", new long[]{v.length}, v))));
        Arbitrary<OnnxNode> node = Combinators.combine(Arbitraries.of(OP_TYPES),
                Arbitraries.integers().between(0, 99), attribute.list().ofMaxSize(3),
                Arbitraries.of("", "com.example")).as((op, id, attributes, domain) -> new OnnxNode(
                op.toLowerCase() + id, op, domain, List.of("x" + id, "w" + id, ""), List.of("y" + id), attributes, ""));
        Arbitrary<long[]> dims = Arbitraries.longs().between(0, 4).array(long[].class).ofMaxSize(3);
        Arbitrary<OnnxTensor> floatTensor = Combinators.combine(Arbitraries.integers().between(0, 99), dims,
                Arbitraries.longs()).as((id, d, seed) -> {
            float[] values = new float[(int) product(d)];
            Random random = new Random(seed);
            for (int k = 0; k < values.length; k++) {
                values[k] = (float) random.nextGaussian();
            }
            return OnnxTensor.ofFloats("w" + id, d, values);
        });
        Arbitrary<OnnxTensor> longTensor = Combinators.combine(Arbitraries.integers().between(0, 99), dims,
                Arbitraries.longs()).as((id, d, seed) -> {
            long[] values = new Random(seed).longs(product(d), -1000, 1000).toArray();
            return OnnxTensor.ofLongs("shape" + id, d, values);
        });
        Arbitrary<OnnxValueInfo> valueInfo = Combinators.combine(Arbitraries.of("x0", "y1", "input", "output"),
                Arbitraries.of(OnnxDim.symbolic("N"), OnnxDim.of(3), OnnxDim.of(0), new OnnxDim(-1, null))
                        .list().ofMaxSize(4)).as((name, shape) -> new OnnxValueInfo(name, OnnxTensor.FLOAT, shape));
        Arbitrary<OnnxGraph> graph = Combinators.combine(node.list().ofMinSize(1).ofMaxSize(4),
                floatTensor.list().ofMinSize(1).ofMaxSize(2), longTensor.list().ofMaxSize(2),
                valueInfo.list().ofMaxSize(2), valueInfo.list().ofMinSize(1).ofMaxSize(2)).as(
                (nodes, floats, longs, inputs, outputs) -> {
                    List<OnnxTensor> initializers = new ArrayList<>(floats);
                    initializers.addAll(longs);
                    return new OnnxGraph("g", nodes, initializers, inputs, outputs, List.of(), "");
                });
        Arbitrary<Map<String, String>> metadata = Arbitraries.maps(Arbitraries.of("source", "epoch", "license"),
                Arbitraries.strings().alpha().ofMaxLength(6)).ofMaxSize(2).map(LinkedHashMap::new);
        return Combinators.combine(graph, Arbitraries.longs().between(1, 20), metadata).as((g, opset, meta) ->
                new OnnxModel(9, List.of(new OpsetImport("", opset)), "pytorch", "2.5", "", 0, "", g, meta));
    }

    private static long product(long[] dims) {
        return Arrays.stream(dims).reduce(1, (a, b) -> a * b);
    }

    // ---------------------------------------------------------------- mutations

    sealed interface Mutation {
        byte[] apply(byte[] bytes);
    }

    record FlipBit(int position, int bit) implements Mutation {
        public byte[] apply(byte[] bytes) {
            bytes[position % bytes.length] ^= (byte) (1 << bit);
            return bytes;
        }
    }

    record Overwrite(int position, byte[] values) implements Mutation {
        public byte[] apply(byte[] bytes) {
            int at = position % bytes.length;
            System.arraycopy(values, 0, bytes, at, Math.min(values.length, bytes.length - at));
            return bytes;
        }

        @Override
        public String toString() {
            return "Overwrite[" + position + ", " + Arrays.toString(values) + "]";
        }
    }

    record Insert(int position, byte[] values) implements Mutation {
        public byte[] apply(byte[] bytes) {
            int at = position % (bytes.length + 1);
            byte[] out = new byte[bytes.length + values.length];
            System.arraycopy(bytes, 0, out, 0, at);
            System.arraycopy(values, 0, out, at, values.length);
            System.arraycopy(bytes, at, out, at + values.length, bytes.length - at);
            return out;
        }

        @Override
        public String toString() {
            return "Insert[" + position + ", " + Arrays.toString(values) + "]";
        }
    }

    record Delete(int position, int length) implements Mutation {
        public byte[] apply(byte[] bytes) {
            int at = position % bytes.length;
            int n = Math.min(length, bytes.length - at);
            byte[] out = new byte[bytes.length - n];
            System.arraycopy(bytes, 0, out, 0, at);
            System.arraycopy(bytes, at + n, out, at, bytes.length - at - n);
            return out;
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Integer> position = Arbitraries.integers().between(0, 1 << 20);
        // Bytes that change protobuf structure: tags of ONNX fields, length-ish values, varint continuations.
        Arbitrary<Byte> structural = Arbitraries.of((byte) 0x0A, (byte) 0x12, (byte) 0x08, (byte) 0x3A,
                (byte) 0x2A, (byte) 0xA0, (byte) 0x01, (byte) 0x80, (byte) 0xFF, (byte) 0x7F, (byte) 0x00,
                (byte) 0x4A, (byte) 0x70, (byte) 0x0B, (byte) 0x0C, (byte) 0x15);
        Arbitrary<byte[]> fewBytes = Arbitraries.oneOf(structural, Arbitraries.bytes()).array(byte[].class)
                .ofMinSize(1).ofMaxSize(6);
        Arbitrary<Mutation> mutation = Arbitraries.frequencyOf(
                Tuple.of(4, Combinators.combine(position, Arbitraries.integers().between(0, 7)).as(FlipBit::new)),
                Tuple.of(3, Combinators.combine(position, fewBytes).as(Overwrite::new)),
                Tuple.of(2, Combinators.combine(position, fewBytes).as(Insert::new)),
                Tuple.of(2, Combinators.combine(position, Arbitraries.integers().between(1, 8)).as(Delete::new)));
        return mutation.list().ofMinSize(1).ofMaxSize(8);
    }

    // ---------------------------------------------------------------- properties

    @Property(tries = 1000)
    void mutatedModelsParseOrFailWithOnnxFormatException(@ForAll("models") OnnxModel model,
                                                         @ForAll("mutations") List<Mutation> mutations) {
        byte[] bytes = model.toByteArray();
        for (Mutation m : mutations) {
            if (bytes.length == 0) {
                break;
            }
            bytes = m.apply(bytes);
        }
        String outcome;
        try {
            OnnxModel parsed = OnnxModel.parse(bytes);
            // Whatever the reader accepts, the writer must encode, and the reader accept again.
            OnnxModel.parse(parsed.toByteArray());
            outcome = "parsed";
        } catch (OnnxFormatException e) {
            outcome = "rejected";
        }
        Statistics.collect(outcome);
    }

    @Property(tries = 200)
    void modelsRoundTripCanonically(@ForAll("models") OnnxModel model) throws OnnxFormatException {
        byte[] bytes = model.toByteArray();
        assertArrayEquals(bytes, OnnxModel.parse(bytes).toByteArray(), "write, read, write gives the same bytes");
    }
}
