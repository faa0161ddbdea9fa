package org.shiftnet4j.properties;

import java.lang.foreign.Arena;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.shiftnet4j.kernel.Conv1x1Weights;
import org.shiftnet4j.kernel.Conv2dWeights;
import org.shiftnet4j.kernel.DepthwiseWeights;
import org.shiftnet4j.kernel.Kernels;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * A kernel's arithmetic for one output channel does not depend on which other channels share the call: computing
 * output channels [a, b) alone (the weights' rows a..b, the output's channel slice, and for per-channel ops the
 * input's channel slice) gives the bits the whole call gives. A prepared model relies on this to split each step's
 * output channels over its intra-op threads and still give the same logits for any thread count.
 *
 * <p>The ranges are computed last to first, so a kernel that writes past the end of its channel slice (a vector
 * tail in NHWC) overwrites a range already finished and the comparison catches it. Both families, both layouts,
 * the ops a prepared model splits: pointwise convolution, depthwise convolution, average, max and global
 * average pooling (general convolution splits by images instead; see below). The elementwise ops have no reduction and are covered by {@link ElementwiseFamiliesTest}.
 */
class ChannelSplitTest {

    /** One call of the op on output channels [from, to) of the whole call's tensors. */
    @FunctionalInterface
    interface RangeCall {
        void run(Kernels kernels, Tensor in, Tensor out, int from, int to);
    }

    @Provide
    Arbitrary<Cuts> cuts() {
        Arbitrary<Integer> cut = Arbitraries.integers().between(0, 10_000);
        return Combinators.combine(cut, cut).as(Cuts::new);
    }

    @Provide
    Arbitrary<OpCases.Conv2d> conv2dCases() {
        return OpCases.ungroupedConv2dCases();
    }

    @Provide
    Arbitrary<Conv1x1Case> conv1x1Cases() {
        return Cases.conv1x1Cases();
    }

    @Provide
    Arbitrary<DepthwiseCase> depthwiseCases() {
        return Cases.depthwiseCases();
    }

    @Provide
    Arbitrary<OpCases.AvgPool> avgPoolCases() {
        return OpCases.avgPoolCases();
    }

    @Provide
    Arbitrary<OpCases.MaxPool> maxPoolCases() {
        return OpCases.maxPoolCases();
    }

    @Provide
    Arbitrary<OpCases.Unary> globalCases() {
        return OpCases.unaryCases("GlobalAvgPool", false);
    }

    /**
     * General convolution is the exception to channel independence: the SIMD conv2d picks its tile shape from the
     * number of output channels in the call, which changes the summation order. So the runtime splits conv2d steps
     * by images instead, and this is the law that split relies on: every image of a batch gets the bits it gets
     * alone.
     */
    @Property
    void conv2dImagesDoNotDependOnTheirBatch(@ForAll("conv2dCases") OpCases.Conv2d c) {
        Conv2dWeights wt = c.weights();
        Shape in = c.input(), out = c.output();
        float[] x = Values.activations(c.seed(), Values.Stream.INPUT, in.count());
        for (Kernels kernels : java.util.List.of(org.shiftnet4j.kernel.KernelProvider.scalar(),
                org.shiftnet4j.kernel.KernelProvider.vector().orElseThrow())) {
            for (Layout layout : Layout.values()) {
                try (Arena arena = Arena.ofConfined()) {
                    Tensor input = Tensor.fromArray(arena, layout, in.n(), in.c(), in.h(), in.w(), x);
                    Tensor whole = Tensor.allocate(arena, layout, out.n(), out.c(), out.h(), out.w());
                    Tensor alone = Tensor.allocate(arena, layout, out.n(), out.c(), out.h(), out.w());
                    kernels.conv2d(input, wt, c.relu(), whole);
                    for (int i = 0; i < in.n(); i++) {
                        kernels.conv2d(input.batchSlice(i, 1), wt, c.relu(), alone.batchSlice(i, 1));
                    }
                    float[] a = whole.toArray(), b = alone.toArray();
                    for (int i = 0; i < a.length; i++) {
                        if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                            throw new AssertionError(c + " " + kernels.name() + " " + layout + ": element " + i
                                    + " is " + a[i] + " in the whole batch but " + b[i] + " image by image");
                        }
                    }
                }
            }
        }
    }

    @Property
    void pointwiseOutputChannelsDoNotDependOnTheirNeighbours(@ForAll("conv1x1Cases") Conv1x1Case c,
                                                             @ForAll("cuts") Cuts cuts) {
        Conv1x1Weights wt = c.weights();
        int cin = wt.inChannels();
        Shape in = c.shape();
        Shape out = new Shape(in.n(), c.outChannels(), (in.h() - 1) / c.stride() + 1, (in.w() - 1) / c.stride() + 1);
        OpPlacement placement = new OpPlacement(c.placement().inputBorder(), c.placement().inputView(),
                c.placement().outputBorder(), c.placement().outputView());
        float[] x = Values.activations(c.seed(), Values.Stream.INPUT, in.count());
        check(c, cuts, in, out, placement, 0, x,
                (kernels, input, output, from, to) -> kernels.conv1x1(input,
                        new Conv1x1Weights(cin, to - from, Arrays.copyOfRange(wt.outMajor(), from * cin, to * cin),
                                Arrays.copyOfRange(wt.bias(), from, to)),
                        c.stride(), c.relu(), output.channelSlice(from, to - from)));
    }

    @Property
    void depthwiseChannelsDoNotDependOnTheirNeighbours(@ForAll("depthwiseCases") DepthwiseCase c,
                                                       @ForAll("cuts") Cuts cuts) {
        DepthwiseWeights wt = c.weights();
        int taps = wt.kernelSize() * wt.kernelSize();
        Shape in = c.shape();
        Shape out = in.withSpatial(wt.outputSize(in.h()), wt.outputSize(in.w()));
        OpPlacement placement = new OpPlacement(c.placement().inputBorder(), c.placement().inputView(),
                c.placement().outputBorder(), c.placement().outputView());
        float[] x = Values.activations(c.seed(), Values.Stream.INPUT, in.count());
        check(c, cuts, in, out, placement, wt.padding(), x,
                (kernels, input, output, from, to) -> kernels.depthwiseConv2d(input.channelSlice(from, to - from),
                        new DepthwiseWeights(to - from, wt.kernelSize(), wt.stride(), wt.padding(), wt.dilation(),
                                Arrays.copyOfRange(wt.channelMajor(), from * taps, to * taps),
                                Arrays.copyOfRange(wt.bias(), from, to)),
                        output.channelSlice(from, to - from)));
    }

    @Property
    void avgPoolChannelsDoNotDependOnTheirNeighbours(@ForAll("avgPoolCases") OpCases.AvgPool c,
                                                     @ForAll("cuts") Cuts cuts) {
        OpCases.Window w = c.window();
        float[] x = Values.activations(c.seed(), Values.Stream.INPUT, c.input().count());
        check(c, cuts, c.input(), c.output(), c.placement(), w.padding(), x,
                (kernels, in, out, from, to) -> kernels.avgPool(in.channelSlice(from, to - from), w.kernelSize(),
                        w.stride(), w.padding(), c.countIncludePad(), out.channelSlice(from, to - from)));
    }

    @Property
    void maxPoolChannelsDoNotDependOnTheirNeighbours(@ForAll("maxPoolCases") OpCases.MaxPool c,
                                                     @ForAll("cuts") Cuts cuts) {
        OpCases.Window w = c.window();
        float[] x = Values.activations(c.seed(), Values.Stream.INPUT, c.input().count());
        check(c, cuts, c.input(), c.output(), c.placement(), w.padding(), x,
                (kernels, in, out, from, to) -> kernels.maxPool(in.channelSlice(from, to - from), w.kernelSize(),
                        w.stride(), w.padding(), out.channelSlice(from, to - from)));
    }

    @Property
    void globalAvgPoolChannelsDoNotDependOnTheirNeighbours(@ForAll("globalCases") OpCases.Unary c,
                                                           @ForAll("cuts") Cuts cuts) {
        float[] x = Values.activations(c.seed(), Values.Stream.INPUT, c.shape().count());
        check(c, cuts, c.shape(), c.shape().withSpatial(1, 1), c.placement(), 0, x,
                (kernels, in, out, from, to) -> kernels.globalAvgPool(in.channelSlice(from, to - from),
                        out.channelSlice(from, to - from)));
    }

    /** Whole call against the cut calls, in both families and both layouts, bit for bit. */
    private static void check(Object testCase, Cuts cuts, Shape in, Shape out, OpPlacement placement, int reach,
                              float[] x, RangeCall call) {
        int[] whole = {0, out.c()};
        int[] bounds = cuts.boundaries(out.c());
        for (Kernels kernels : Families.BOTH) {
            for (Layout layout : Layout.values()) {
                String context = testCase + ", " + cuts.describe(out.c()) + " on " + kernels.name() + " kernels, "
                        + layout;
                float[] expected = run(kernels, layout, in, out, placement, reach, x, whole, call, context);
                float[] actual = run(kernels, layout, in, out, placement, reach, x, bounds, call, context);
                Expect.identical(context, "cut calls vs one whole call", out, expected, actual, Expect.NO_NOTE);
            }
        }
    }

    private static float[] run(Kernels kernels, Layout layout, Shape in, Shape out, OpPlacement placement, int reach,
                               float[] x, int[] bounds, RangeCall call, String context) {
        try (Arena arena = Arena.ofConfined()) {
            Placed input = Placed.input(arena, layout, in, placement.inputBorderPixels(reach), placement.inputView(), x);
            Placed output = Placed.output(arena, layout, out, placement.outputBorder(), placement.outputView());
            for (int i = bounds.length - 2; i >= 0; i--) {
                call.run(kernels, input.view(), output.view(), bounds[i], bounds[i + 1]);
            }
            Expect.untouched(context, "the op modified its input", input.changesAnywhere());
            Expect.untouched(context, "the op wrote outside its output view", output.changesOutsideView());
            return output.result();
        }
    }
}
