package org.shiftnet4j.kernel;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Weights of a pointwise (1×1) convolution, prepared once for both kernel families. Immutable.
 *
 * <p>Plain form: {@code Cout×Cin} rows ({@link #outMajor()}, what the scalar reference reads); the bias is padded
 * to {@code Cout'} = Cout rounded up to {@link #COUT_ALIGN}.
 *
 * <p>Packed GEMM forms, built at construction so that no kernel call ever packs:
 * <ul>
 *   <li>{@link #rowPanels()} for NCHW (M = Cout, the weights are the broadcast side): panels of
 *       {@link #ROW_PANEL} output channels, each {@code [bias r][ci][r]}, i.e. the panel's biases and then for every
 *       input channel its {@code ROW_PANEL} weights side by side, zero padded past Cout.</li>
 *   <li>{@link #columnPanels(int)} for NHWC (N = Cout, the weights are the vector side): panels of {@code width}
 *       output channels, each {@code [bias co][ci][co]}, zero padded past Cout. The width-{@link #COUT_ALIGN} form is
 *       built at construction; other widths (the 64-wide panels of the 4-vector NHWC tile with 16-lane vectors) are
 *       derived once on first use.</li>
 * </ul>
 * A panel starts with its bias row so that a micro-kernel initialises its accumulators from the same array and
 * the same running index it then walks through K.
 */
public final class Conv1x1Weights {
    /** Padding of the output-channel dimension of the bias and the default column panels: two 256-bit vectors. */
    public static final int COUT_ALIGN = 16;
    /**
     * Output channels per {@link #rowPanels()} panel: the M side of the NCHW micro-kernel (8 channels × 3 vectors of
     * pixels with 16-lane vectors, 8 × 1 with narrower ones).
     */
    public static final int ROW_PANEL = 8;

    private final int inChannels, outChannels, paddedOut;
    private final float[] outMajor; // [co][ci]
    private final float[] bias;     // [co'] zero padded
    private final float[] rowPanels;
    private final float[] columnPanels16;
    private final ConcurrentHashMap<Integer, float[]> otherColumnPanels = new ConcurrentHashMap<>();

    public Conv1x1Weights(int inChannels, int outChannels, float[] weights, float[] bias) {
        Objects.requireNonNull(weights, "weights");
        if (inChannels < 1 || outChannels < 1) {
            throw new IllegalArgumentException("1x1 conv needs in and out channels >= 1, got " + inChannels + " -> " + outChannels);
        }
        if (weights.length != (long) inChannels * outChannels) {
            throw new IllegalArgumentException("1x1 conv weights hold " + weights.length + " floats; Cout×Cin = "
                    + outChannels + "×" + inChannels + " = " + (long) inChannels * outChannels + " expected");
        }
        if (bias != null && bias.length != outChannels) {
            throw new IllegalArgumentException("1x1 conv bias holds " + bias.length + " floats; " + outChannels + " expected");
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.paddedOut = (outChannels + COUT_ALIGN - 1) / COUT_ALIGN * COUT_ALIGN;
        this.outMajor = weights.clone();
        this.bias = new float[paddedOut];
        if (bias != null) System.arraycopy(bias, 0, this.bias, 0, outChannels);
        this.rowPanels = pack(ROW_PANEL);
        this.columnPanels16 = pack(COUT_ALIGN);
    }

    public int inChannels() { return inChannels; }
    public int outChannels() { return outChannels; }
    /** Length of {@link #bias()}. */
    public int paddedOutChannels() { return paddedOut; }
    public float weight(int co, int ci) { return outMajor[co * inChannels + ci]; }
    /** {@code Cout×Cin}; do not modify. */
    public float[] outMajor() { return outMajor; }
    /** Bias padded to {@code Cout'} (zeros when there is none); do not modify. */
    public float[] bias() { return bias; }

    /** Number of {@code width}-channel panels that cover Cout. */
    public int panelCount(int width) {
        return (outChannels + width - 1) / width;
    }

    /** Floats per panel of {@code width} channels: a bias row and Cin weight rows. */
    public int panelSize(int width) {
        return width * (inChannels + 1);
    }

    /** NCHW form: {@link #panelCount(int) panelCount(ROW_PANEL)} panels of {@link #panelSize(int) panelSize(ROW_PANEL)} floats; do not modify. */
    public float[] rowPanels() {
        return rowPanels;
    }

    /**
     * NHWC form: panels of {@code width} output channels ({@code width} ≥ 1), {@link #panelSize(int)} floats each.
     * The 16-wide form exists from construction; any other width is packed once on first request. Do not modify.
     */
    public float[] columnPanels(int width) {
        if (width == COUT_ALIGN) {
            return columnPanels16;
        }
        if (width < 1) {
            throw new IllegalArgumentException("panel width must be >= 1, got " + width);
        }
        float[] panels = otherColumnPanels.get(width);
        return panels != null ? panels : otherColumnPanels.computeIfAbsent(width, this::pack);
    }

    /** Panels of {@code width} output channels: {@code [panel][bias co | ci][co]}, zero past Cout. */
    private float[] pack(int width) {
        int panels = panelCount(width), size = panelSize(width);
        float[] packed = new float[Math.multiplyExact(panels, size)];
        for (int co = 0; co < outChannels; co++) {
            int base = (co / width) * size + co % width;
            packed[base] = bias[co];
            for (int ci = 0; ci < inChannels; ci++) packed[base + (ci + 1) * width] = outMajor[co * inChannels + ci];
        }
        return packed;
    }
}
