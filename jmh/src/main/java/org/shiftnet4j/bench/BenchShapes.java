package org.shiftnet4j.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The layer shapes of the foundation benchmarks. They are written as JMH {@code @Param} strings (which must be
 * compile-time constants) and parsed back here, both by the benchmarks and by the report generator, so the report
 * computes bytes and FLOPs from exactly the shape that was timed.
 */
public final class BenchShapes {
    /** ShiftNet/ShiftResNet stage shapes: channels, spatial size and the shift kernel size used at that stage. */
    public static final String SHIFT_C64 = "C64_56x56_K5";
    public static final String SHIFT_C128 = "C128_28x28_K5";
    public static final String SHIFT_C256 = "C256_14x14_K3";
    public static final String SHIFT_C512 = "C512_7x7_K3";

    /** Pointwise convolutions at the same stages, Cin = Cout. */
    public static final String POINTWISE_C64 = "C64to64_56x56";
    public static final String POINTWISE_C128 = "C128to128_28x28";
    public static final String POINTWISE_C256 = "C256to256_14x14";
    public static final String POINTWISE_C512 = "C512to512_7x7";

    private static final Pattern SHIFT = Pattern.compile("C(\\d+)_(\\d+)x(\\d+)_K(\\d+)");
    private static final Pattern POINTWISE = Pattern.compile("C(\\d+)to(\\d+)_(\\d+)x(\\d+)");

    private BenchShapes() {
    }

    /** One batch-1 activation of a shift layer. */
    public record ShiftShape(int channels, int height, int width, int kernelSize) {
        public static ShiftShape parse(String text) {
            Matcher m = match(SHIFT, text, "C<channels>_<height>x<width>_K<kernel>");
            return new ShiftShape(group(m, 1), group(m, 2), group(m, 3), group(m, 4));
        }

        public int elements() {
            return channels * height * width;
        }

        public long tensorBytes() {
            return (long) elements() * Float.BYTES;
        }

        /** What a shift must move at least: the input read once plus the output written once. */
        public long trafficBytes() {
            return 2 * tensorBytes();
        }

        public String label() {
            return "C" + channels + " @" + height + "x" + width + " K" + kernelSize;
        }
    }

    /** One batch-1 pointwise convolution, stride 1. */
    public record PointwiseShape(int inChannels, int outChannels, int height, int width) {
        public static PointwiseShape parse(String text) {
            Matcher m = match(POINTWISE, text, "C<in>to<out>_<height>x<width>");
            return new PointwiseShape(group(m, 1), group(m, 2), group(m, 3), group(m, 4));
        }

        /** Useful FLOPs only: one multiply and one add per weight and pixel. */
        public double flops() {
            return 2.0 * outChannels * inChannels * height * width;
        }

        public String label() {
            return inChannels + "->" + outChannels + " @" + height + "x" + width;
        }
    }

    private static Matcher match(Pattern pattern, String text, String expected) {
        Matcher m = pattern.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("shape '" + text + "' does not read as " + expected);
        }
        return m;
    }

    private static int group(Matcher m, int group) {
        return Integer.parseInt(m.group(group));
    }
}
