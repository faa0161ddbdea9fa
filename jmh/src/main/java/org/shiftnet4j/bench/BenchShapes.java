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

    /**
     * Every distinct pointwise convolution of ShiftNet-A at 224×224, batch 1: {@code C<in>to<out>_<H>x<W>_S<stride>}
     * with the input's spatial size. In network order; the number of layers of each shape is in
     * {@link #SHIFTNET_A_POINTWISE_LAYERS}. Derived from {@code models/ShiftNet.A}: per stage, the first block's
     * conv1/conv2 (conv2 with stride 2 and Cout = width − input width) and the other blocks' conv1/conv2.
     */
    public static final String SHIFTNET_A_32TO128_112 = "C32to128_112x112_S1";
    public static final String SHIFTNET_A_128TO32_112_S2 = "C128to32_112x112_S2";
    public static final String SHIFTNET_A_64TO256_56 = "C64to256_56x56_S1";
    public static final String SHIFTNET_A_256TO64_56 = "C256to64_56x56_S1";
    public static final String SHIFTNET_A_256TO64_56_S2 = "C256to64_56x56_S2";
    public static final String SHIFTNET_A_128TO384_28 = "C128to384_28x28_S1";
    public static final String SHIFTNET_A_384TO128_28 = "C384to128_28x28_S1";
    public static final String SHIFTNET_A_384TO128_28_S2 = "C384to128_28x28_S2";
    public static final String SHIFTNET_A_256TO512_14 = "C256to512_14x14_S1";
    public static final String SHIFTNET_A_512TO256_14 = "C512to256_14x14_S1";
    public static final String SHIFTNET_A_512TO256_14_S2 = "C512to256_14x14_S2";
    public static final String SHIFTNET_A_512TO512_7 = "C512to512_7x7_S1";

    /** How many of ShiftNet-A's 1×1 convolutions have each shape above (same order), to weight a network total. */
    public static final int[] SHIFTNET_A_POINTWISE_LAYERS = {1, 1, 5, 4, 1, 6, 5, 1, 7, 6, 1, 4};

    private static final Pattern SHIFT = Pattern.compile("C(\\d+)_(\\d+)x(\\d+)_K(\\d+)");
    private static final Pattern POINTWISE = Pattern.compile("C(\\d+)to(\\d+)_(\\d+)x(\\d+)(?:_S(\\d+))?");

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

    /** One batch-1 pointwise convolution; {@code height}×{@code width} is the input's size. */
    public record PointwiseShape(int inChannels, int outChannels, int height, int width, int stride) {
        public PointwiseShape(int inChannels, int outChannels, int height, int width) {
            this(inChannels, outChannels, height, width, 1);
        }

        /** {@code C<in>to<out>_<height>x<width>}, optionally followed by {@code _S<stride>} (default 1). */
        public static PointwiseShape parse(String text) {
            Matcher m = match(POINTWISE, text, "C<in>to<out>_<height>x<width>[_S<stride>]");
            return new PointwiseShape(group(m, 1), group(m, 2), group(m, 3), group(m, 4),
                    m.group(5) == null ? 1 : group(m, 5));
        }

        public int outHeight() {
            return (height - 1) / stride + 1;
        }

        public int outWidth() {
            return (width - 1) / stride + 1;
        }

        /** Useful FLOPs only: one multiply and one add per weight and output pixel. */
        public double flops() {
            return 2.0 * outChannels * inChannels * outHeight() * outWidth();
        }

        public String label() {
            return inChannels + "->" + outChannels + " @" + height + "x" + width + (stride == 1 ? "" : " /" + stride);
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
