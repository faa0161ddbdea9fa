package org.shiftnet4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * The Vector API elementwise kernels against the scalar reference and a double-precision oracle, over random shapes,
 * both layouts, bordered tensors, channel- and batch-slice views and every aliasing the interface allows.
 *
 * <p>Each case is built twice from the same seed, once per kernel family, so in-place calls start from identical
 * memory. Besides the values, every case checks that nothing outside the output's interior was written (borders
 * and the neighbours of a view keep their contents) and that non-aliased inputs are untouched.
 */
class ElementwiseKernelsTest {
    static final Kernels SCALAR = KernelProvider.scalar();
    static final Kernels VECTOR = KernelProvider.vector().orElseThrow(
            () -> new AssertionError("the Vector API kernels need --add-modules=jdk.incubator.vector"));
    static final List<Kernels> FAMILIES = List.of(SCALAR, VECTOR);

    private static final int CASES = 160;
    /** One rounding of a correctly rounded float result, relative. */
    private static final double HALF_ULP = 0x1p-24;

    private enum Alias { NONE, SAME_OBJECT, SAME_ELEMENTS }

    private enum AddAlias { NONE, OUT_IS_A, OUT_IS_B, A_IS_B, ALL_SAME }

    @Test
    void scaleShiftMatchesOracleAndScalarBitForBit() {
        for (int seed = 0; seed < CASES; seed++) {
            float[][] results = new float[2][];
            float[] input = null, scale = null, shift = null;
            Shape shape = null;
            String what = null;
            boolean relu = false;
            for (int f = 0; f < 2; f++) {
                try (Arena arena = Arena.ofConfined()) {
                    Random rnd = new Random(seed);
                    Shape s = shape = Shape.random(rnd);
                    relu = rnd.nextBoolean();
                    Alias alias = Alias.values()[rnd.nextInt(3)];
                    Tensor in = Fixtures.tensor(arena, rnd, s);
                    Tensor out = alias(arena, rnd, s, in, alias);
                    scale = Fixtures.values(rnd, s.c, 2f);
                    shift = Fixtures.values(rnd, s.c, 1f);
                    input = in.toArray();
                    what = "seed " + seed + ": " + s + " relu=" + relu + " alias=" + alias + " in=" + Fixtures.describe(in)
                            + " out=" + Fixtures.describe(out);
                    float[] inBefore = Fixtures.snapshot(in), outBefore = Fixtures.snapshot(out);
                    FAMILIES.get(f).scaleShift(in, scale, shift, relu, out);
                    Fixtures.assertOnlyInteriorWritten(out, outBefore, what);
                    if (alias == Alias.NONE) {
                        Fixtures.assertUnchanged(in, inBefore, what);
                    }
                    results[f] = out.toArray();
                }
            }
            int plane = shape.h * shape.w;
            for (int i = 0; i < input.length; i++) {
                int c = (i / plane) % scale.length;
                double exact = (double) input[i] * scale[c] + shift[c];
                if (relu) exact = Math.max(exact, 0);
                Fixtures.assertClose(exact, results[0][i], HALF_ULP * Math.abs(exact), what + " scalar at " + i);
            }
            Fixtures.assertBitEqual(results[0], results[1], what);
        }
    }

    @Test
    void addMatchesOracleAndScalarBitForBit() {
        for (int seed = 0; seed < CASES; seed++) {
            float[][] results = new float[2][];
            float[] a = null, b = null;
            String what = null;
            boolean relu = false;
            for (int f = 0; f < 2; f++) {
                try (Arena arena = Arena.ofConfined()) {
                    Random rnd = new Random(1000 + seed);
                    Shape s = Shape.random(rnd);
                    relu = rnd.nextBoolean();
                    AddAlias alias = AddAlias.values()[rnd.nextInt(AddAlias.values().length)];
                    Tensor ta = Fixtures.tensor(arena, rnd, s);
                    Tensor tb = alias == AddAlias.A_IS_B || alias == AddAlias.ALL_SAME ? ta : Fixtures.tensor(arena, rnd, s);
                    Tensor out = switch (alias) {
                        case NONE, A_IS_B -> Fixtures.tensor(arena, rnd, s);
                        case OUT_IS_A, ALL_SAME -> ta;
                        case OUT_IS_B -> tb.channelSlice(0, s.c);   // same elements, another descriptor
                    };
                    a = ta.toArray();
                    b = tb.toArray();
                    what = "seed " + seed + ": " + s + " relu=" + relu + " alias=" + alias + " a=" + Fixtures.describe(ta)
                            + " b=" + Fixtures.describe(tb) + " out=" + Fixtures.describe(out);
                    float[] outBefore = Fixtures.snapshot(out);
                    FAMILIES.get(f).add(ta, tb, relu, out);
                    Fixtures.assertOnlyInteriorWritten(out, outBefore, what);
                    results[f] = out.toArray();
                }
            }
            for (int i = 0; i < a.length; i++) {
                double exact = (double) a[i] + b[i];
                if (relu) exact = Math.max(exact, 0);
                Fixtures.assertClose(exact, results[0][i], HALF_ULP * Math.abs(exact), what + " scalar at " + i);
            }
            Fixtures.assertBitEqual(results[0], results[1], what);
        }
    }

    @Test
    void reluAndCopyAreExact() {
        for (int seed = 0; seed < CASES; seed++) {
            for (boolean relu : new boolean[] {true, false}) {
                for (Kernels k : FAMILIES) {
                    try (Arena arena = Arena.ofConfined()) {
                        Random rnd = new Random(2000 + seed);
                        Shape s = Shape.random(rnd);
                        Alias alias = relu ? Alias.values()[rnd.nextInt(3)] : Alias.NONE;
                        Tensor in = Fixtures.tensor(arena, rnd, s);
                        Tensor out = alias(arena, rnd, s, in, alias);
                        float[] x = in.toArray();
                        String what = k.name() + " " + (relu ? "relu" : "copy") + " seed " + seed + ": " + s
                                + " alias=" + alias + " in=" + Fixtures.describe(in) + " out=" + Fixtures.describe(out);
                        float[] inBefore = Fixtures.snapshot(in), outBefore = Fixtures.snapshot(out);
                        if (relu) {
                            k.relu(in, out);
                        } else {
                            k.copy(in, out);
                        }
                        Fixtures.assertOnlyInteriorWritten(out, outBefore, what);
                        if (alias == Alias.NONE) {
                            Fixtures.assertUnchanged(in, inBefore, what);
                        }
                        float[] y = out.toArray();
                        for (int i = 0; i < x.length; i++) {
                            float expected = relu ? Math.max(x[i], 0f) : x[i];
                            if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(y[i])) {
                                fail(what + " at " + i + ": expected " + expected + " but was " + y[i]);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Bounds a clamp sees: ReLU6, symmetric, one-sided (an infinite bound), a single point, and a random pair. */
    private static float[] clampBounds(Random rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> new float[] {0f, 6f};
            case 1 -> new float[] {-1f, 1f};
            case 2 -> new float[] {Float.NEGATIVE_INFINITY, rnd.nextFloat() - 0.5f};
            case 3 -> new float[] {rnd.nextFloat() - 0.5f, Float.POSITIVE_INFINITY};
            case 4 -> new float[] {0.25f, 0.25f};
            default -> {
                float a = (rnd.nextFloat() * 2 - 1) * 2, b = (rnd.nextFloat() * 2 - 1) * 2;
                yield new float[] {Math.min(a, b), Math.max(a, b)};
            }
        };
    }

    @Test
    void clampIsExactInEveryFamily() {
        for (int seed = 0; seed < CASES; seed++) {
            float[][] results = new float[2][];
            float[] x = null, bounds = null;
            String what = null;
            for (int f = 0; f < 2; f++) {
                try (Arena arena = Arena.ofConfined()) {
                    Random rnd = new Random(4000 + seed);
                    Shape s = Shape.random(rnd);
                    bounds = clampBounds(rnd);
                    Alias alias = Alias.values()[rnd.nextInt(3)];
                    Tensor in = Fixtures.tensor(arena, rnd, s);
                    Tensor out = alias(arena, rnd, s, in, alias);
                    x = in.toArray();
                    what = "seed " + seed + ": clamp [" + bounds[0] + ", " + bounds[1] + "] " + s + " alias=" + alias
                            + " in=" + Fixtures.describe(in) + " out=" + Fixtures.describe(out);
                    float[] inBefore = Fixtures.snapshot(in), outBefore = Fixtures.snapshot(out);
                    FAMILIES.get(f).clamp(in, bounds[0], bounds[1], out);
                    Fixtures.assertOnlyInteriorWritten(out, outBefore, what);
                    if (alias == Alias.NONE) {
                        Fixtures.assertUnchanged(in, inBefore, what);
                    }
                    results[f] = out.toArray();
                }
            }
            for (int i = 0; i < x.length; i++) {
                double exact = Math.min(Math.max((double) x[i], bounds[0]), bounds[1]);
                Fixtures.assertClose(exact, results[0][i], 0, what + " scalar at " + i);
            }
            Fixtures.assertBitEqual(results[0], results[1], what);
        }
    }

    /** NaN stays NaN, and signed zeros and infinities follow Math.max then Math.min in both families. */
    @Test
    void clampOfSpecialValuesFollowsMathMaxAndMin() {
        float[] specials = {Float.NaN, -0f, 0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 6f, 7f, -1e-30f,
                Float.MAX_VALUE, -Float.MIN_VALUE};
        float[][] boundPairs = {{0f, 6f}, {-0f, 0f}, {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY}, {-1f, -1f}};
        for (Layout layout : Layout.values()) {
            for (Kernels k : FAMILIES) {
                for (float[] bounds : boundPairs) {
                    try (Arena arena = Arena.ofConfined()) {
                        int c = 2 * 16 + 3;                     // whole vectors and a tail in either layout
                        float[] x = new float[c * 2];
                        for (int i = 0; i < x.length; i++) x[i] = specials[i % specials.length];
                        Tensor in = Tensor.fromArray(arena, layout, 1, c, 1, 2, x);
                        k.clamp(in, bounds[0], bounds[1], in);
                        float[] y = in.toArray();
                        for (int i = 0; i < x.length; i++) {
                            float expected = Math.min(Math.max(x[i], bounds[0]), bounds[1]);
                            if (Float.floatToIntBits(expected) != Float.floatToIntBits(y[i])) {
                                fail(k.name() + " " + layout + " clamp [" + bounds[0] + ", " + bounds[1] + "] of " + x[i]
                                        + ": expected " + expected + " but was " + y[i]);
                            }
                        }
                    }
                }
            }
        }
    }

    /** The use the copy kernel exists for: two tensors written side by side into channel slices of one buffer. */
    @Test
    void copyConcatenatesIntoChannelSlices() {
        for (Layout layout : Layout.values()) {
            for (int border : new int[] {0, 1}) {
                for (Kernels k : FAMILIES) {
                    try (Arena arena = Arena.ofConfined()) {
                        Random rnd = new Random(7);
                        int n = 2, c1 = 13, c2 = 19, h = 5, w = 9;
                        Tensor first = Tensor.fromArray(arena, layout, n, c1, h, w, Fixtures.values(rnd, n * c1 * h * w, 3f));
                        Tensor second = Tensor.fromArray(arena, layout, n, c2, h, w, Fixtures.values(rnd, n * c2 * h * w, 3f));
                        Tensor both = Tensor.allocate(arena, layout, n, c1 + c2, h, w, border);
                        k.copy(first, both.channelSlice(0, c1));
                        k.copy(second, both.channelSlice(c1, c2));
                        String what = k.name() + " " + layout + " border " + border;
                        for (int in = 0; in < n; in++) for (int c = 0; c < c1 + c2; c++) for (int y = 0; y < h; y++) {
                            for (int x = 0; x < w; x++) {
                                float expected = c < c1 ? first.get(in, c, y, x) : second.get(in, c - c1, y, x);
                                assertEquals(expected, both.get(in, c, y, x), what);
                            }
                        }
                        Fixtures.assertBorderZero(both, what);
                    }
                }
            }
        }
    }

    @Test
    void softmaxIsStableAndMatchesOracle() {
        for (int seed = 0; seed < CASES; seed++) {
            float[][] results = new float[2][];
            float[] logits = null;
            Shape shape = null;
            String what = null;
            for (int f = 0; f < 2; f++) {
                try (Arena arena = Arena.ofConfined()) {
                    Random rnd = new Random(3000 + seed);
                    shape = rnd.nextInt(4) == 0 ? Shape.logits(rnd) : Shape.random(rnd);
                    Alias alias = Alias.values()[rnd.nextInt(3)];
                    Tensor in = Fixtures.tensor(arena, rnd, shape);
                    float offset = rnd.nextInt(5) == 0 ? 1000f : 0f;   // exp(1000) overflows unless the max is taken out
                    float[] raw = Fixtures.values(rnd, (int) in.elementCount(), 8f);
                    for (int i = 0; i < raw.length; i++) raw[i] += offset;
                    in.copyFrom(raw);
                    Tensor out = alias(arena, rnd, shape, in, alias);
                    logits = in.toArray();
                    what = "seed " + seed + ": " + shape + " offset " + offset + " alias=" + alias
                            + " in=" + Fixtures.describe(in) + " out=" + Fixtures.describe(out);
                    float[] outBefore = Fixtures.snapshot(out);
                    FAMILIES.get(f).softmax(in, out);
                    Fixtures.assertOnlyInteriorWritten(out, outBefore, what);
                    results[f] = out.toArray();
                }
            }
            double[] exact = softmaxOracle(logits, shape);
            double[] max = pixelMax(logits, shape);
            int plane = shape.h * shape.w;
            for (int f = 0; f < 2; f++) {
                for (int i = 0; i < logits.length; i++) {
                    int n = i / (shape.c * plane), p = i % plane;
                    // 1e-6 relative, plus the float rounding of x - max that any float softmax makes before exp.
                    double argumentRounding = Math.abs(logits[i] - max[n * plane + p]) * HALF_ULP;
                    Fixtures.assertClose(exact[i], results[f][i], exact[i] * (1e-6 + argumentRounding),
                            what + " " + FAMILIES.get(f).name() + " at " + i);
                }
            }
        }
    }

    private static Tensor alias(Arena arena, Random rnd, Shape s, Tensor in, Alias alias) {
        return switch (alias) {
            case NONE -> Fixtures.tensor(arena, rnd, s);
            case SAME_OBJECT -> in;
            case SAME_ELEMENTS -> in.batchSlice(0, s.n);
        };
    }

    private static double[] pixelMax(float[] logits, Shape s) {
        int plane = s.h * s.w;
        double[] max = new double[s.n * plane];
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < logits.length; i++) {
            int n = i / (s.c * plane), p = i % plane;
            max[n * plane + p] = Math.max(max[n * plane + p], logits[i]);
        }
        return max;
    }

    private static double[] softmaxOracle(float[] logits, Shape s) {
        int plane = s.h * s.w;
        double[] max = pixelMax(logits, s);
        double[] sum = new double[max.length];
        double[] e = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            int pixel = i / (s.c * plane) * plane + i % plane;
            e[i] = Math.exp(logits[i] - max[pixel]);
            sum[pixel] += e[i];
        }
        for (int i = 0; i < logits.length; i++) {
            e[i] /= sum[i / (s.c * plane) * plane + i % plane];
        }
        return e;
    }

    /** A random N×C×H×W in a random layout. */
    record Shape(Layout layout, int n, int c, int h, int w) {
        static Shape random(Random rnd) {
            Layout layout = rnd.nextBoolean() ? Layout.NCHW : Layout.NHWC;
            int n = 1 + rnd.nextInt(3), c = 1 + rnd.nextInt(70);
            boolean pixel = rnd.nextInt(8) == 0;
            int h = pixel ? 1 : 1 + rnd.nextInt(20), w = pixel ? 1 : 1 + rnd.nextInt(20);
            return new Shape(layout, n, c, h, w);
        }

        /** Classifier logits: N×C×1×1. */
        static Shape logits(Random rnd) {
            return new Shape(rnd.nextBoolean() ? Layout.NCHW : Layout.NHWC, 1 + rnd.nextInt(3), 1 + rnd.nextInt(70), 1, 1);
        }

        @Override
        public String toString() {
            return n + "×" + c + "×" + h + "×" + w + " " + layout;
        }
    }

    /** Random storage for a shape and the checks that go with it; shared with {@link PoolingKernelsTest}. */
    static final class Fixtures {
        private Fixtures() {
        }

        static float[] values(Random rnd, int count, float range) {
            float[] v = new float[count];
            for (int i = 0; i < count; i++) v[i] = (rnd.nextFloat() * 2 - 1) * range;
            return v;
        }

        static Tensor tensor(Arena arena, Random rnd, Shape s) {
            return tensor(arena, rnd, s.layout, s.n, s.c, s.h, s.w);
        }

        /**
         * A tensor of the given shape in one of five storages: dense, bordered, a channel slice or a batch slice of a
         * larger (possibly bordered) parent, or both slices at once. The whole parent interior holds random values,
         * so a kernel that strays outside the view changes something a check can see.
         */
        static Tensor tensor(Arena arena, Random rnd, Layout layout, int n, int c, int h, int w) {
            int kind = rnd.nextInt(5);
            int border = kind == 0 ? 0 : rnd.nextInt(3);
            int extraC = kind == 2 || kind == 4 ? 1 + rnd.nextInt(9) : 0;
            int extraN = kind == 3 || kind == 4 ? 1 + rnd.nextInt(2) : 0;
            if (kind == 1) border = 1 + rnd.nextInt(2);
            Tensor parent = Tensor.allocate(arena, layout, n + extraN, c + extraC, h, w, border);
            parent.copyFrom(values(rnd, (int) parent.elementCount(), 2f));
            Tensor t = parent;
            if (extraN > 0) t = t.batchSlice(rnd.nextInt(extraN + 1), n);
            if (extraC > 0) t = t.channelSlice(rnd.nextInt(extraC + 1), c);
            return t;
        }

        static String describe(Tensor t) {
            return t.describe() + " strides " + t.strideN() + "/" + t.strideC() + "/" + t.strideH() + "/" + t.strideW()
                    + " origin " + t.origin();
        }

        static float[] snapshot(Tensor t) {
            return t.segment().toArray(ValueLayout.JAVA_FLOAT);
        }

        static boolean[] interior(Tensor t) {
            boolean[] inside = new boolean[(int) (t.segment().byteSize() / Float.BYTES)];
            for (int n = 0; n < t.batch(); n++) for (int c = 0; c < t.channels(); c++) {
                for (int y = 0; y < t.height(); y++) for (int x = 0; x < t.width(); x++) {
                    inside[(int) t.index(n, c, y, x)] = true;
                }
            }
            return inside;
        }

        /** Every float of the segment outside {@code t}'s interior still holds what it held before. */
        static void assertOnlyInteriorWritten(Tensor t, float[] before, String what) {
            float[] after = snapshot(t);
            boolean[] inside = interior(t);
            for (int i = 0; i < after.length; i++) {
                if (!inside[i] && Float.floatToRawIntBits(after[i]) != Float.floatToRawIntBits(before[i])) {
                    fail(what + ": float " + i + " of the segment lies outside the output's interior but changed from "
                            + before[i] + " to " + after[i]);
                }
            }
        }

        static void assertUnchanged(Tensor t, float[] before, String what) {
            float[] after = snapshot(t);
            for (int i = 0; i < after.length; i++) {
                if (Float.floatToRawIntBits(after[i]) != Float.floatToRawIntBits(before[i])) {
                    fail(what + ": the input changed at float " + i);
                }
            }
        }

        static void assertBorderZero(Tensor t, String what) {
            int b = t.border();
            for (int n = 0; n < t.batch(); n++) for (int c = 0; c < t.channels(); c++) {
                for (int y = -b; y < t.height() + b; y++) for (int x = -b; x < t.width() + b; x++) {
                    boolean border = y < 0 || y >= t.height() || x < 0 || x >= t.width();
                    if (border) assertEquals(0f, t.get(n, c, y, x), what + " border at " + y + "," + x);
                }
            }
        }

        static void assertClose(double exact, float actual, double tolerance, String what) {
            double error = Math.abs(actual - exact);
            if (!(error <= tolerance + 1e-30)) {
                fail(what + ": expected " + exact + " but was " + actual + " (error " + error + " > tolerance "
                        + tolerance + ")");
            }
        }

        static void assertBitEqual(float[] scalar, float[] vector, String what) {
            assertEquals(scalar.length, vector.length, what);
            for (int i = 0; i < scalar.length; i++) {
                if (Float.floatToRawIntBits(scalar[i]) != Float.floatToRawIntBits(vector[i])) {
                    fail(what + ": vector result differs from the scalar reference at " + i + ": " + vector[i]
                            + " vs " + scalar[i]);
                }
            }
        }
    }
}
