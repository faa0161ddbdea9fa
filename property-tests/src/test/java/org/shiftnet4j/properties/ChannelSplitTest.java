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
 * the ops a prepared model splits: general and pointwise convolution, depthwise convolution, average and global
 * average pooling. The elementwise ops have no reduction and are covered by {@link ElementwiseFamiliesTest}.
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
    Arbitrary<OpCases.Unary> globalCases() {
        return OpCases.unaryCases("GlobalAvgPool", false);
    }

    @Property
    void conv2dOutputChannelsDoNotDependOnTheirNeighbours(@ForAll("conv2dCases") OpCases.Conv2d c,
                                                          @ForAll("cuts") Cuts cuts) {
        Conv2dWeights wt = c.weights();
        int perOut = wt.inChannels() * wt.kernelSize() * wt.kernelSize();
        float[] x = Values.activations(c.seed(), Values.Stream.INPUT, c.input().count());
        check(c, cuts, c.input(), c.output(), c.placement(), c.window().padding(), x,
                (kernels, in, out, from, to) -> kernels.conv2d(in,
                        new Conv2dWeights(wt.inChannels(), to - from, 1, wt.kernelSize(), wt.stride(), wt.padding(),
                                wt.dilation(), Arrays.copyOfRange(wt.weights(), from * perOut, to * perOut),
                                Arrays.copyOfRange(wt.bias(), from, to)),
                        c.relu(), out.channelSlice(from, to - from)));
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
