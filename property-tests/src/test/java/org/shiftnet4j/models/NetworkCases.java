package org.shiftnet4j.models;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.shiftnet4j.tensor.Layout;

/**
 * Generators of small networks, so that one try takes milliseconds: CIFAR-style ShiftResNets and ResNets of depth
 * 8, 14 or 20 on 4×4 to 12×12 images (three stages, two of stride 2, still fit), and ShiftNet-B/C at 32..40 pixels
 * (the smallest size their five halvings allow). ShiftNets cost some 30 times a small ResNet, so they come up in
 * about one try in five.
 */
final class NetworkCases {
    private NetworkCases() {
    }

    /**
     * ShiftResNet expansions: 0.3 and 0.6 give 4/9/19 and 9/19/38 middle channels (fewer than K² = 9, or a
     * remainder after the MODULO table's whole groups), 1.5 a width that is not a multiple of 16.
     */
    private static final Double[] EXPANSIONS = {0.3, 0.6, 1.0, 1.5, 3.0};

    /** ResNet reductions as the paper's matched baselines use them; 2.5 gives widths that are not multiples of 8. */
    private static final Double[] REDUCTIONS = {1.0, 2.0, 2.5, 4.0};

    static Arbitrary<Network> networks() {
        return networks(1);
    }

    /** Networks with at least {@code minClasses} outputs. */
    static Arbitrary<Network> networks(int minClasses) {
        Arbitrary<Integer> classes = Arbitraries.integers().between(minClasses, 12);
        return Arbitraries.frequencyOf(
                Tuple.of(4, cifar(Network.Kind.SHIFT_RESNET, Arbitraries.of(EXPANSIONS), classes)),
                Tuple.of(3, cifar(Network.Kind.RESNET, Arbitraries.of(REDUCTIONS), classes)),
                Tuple.of(1, shiftNet(Network.Kind.SHIFTNET_C, classes)),
                Tuple.of(1, shiftNet(Network.Kind.SHIFTNET_B, classes)));
    }

    private static Arbitrary<Network> cifar(Network.Kind kind, Arbitrary<Double> widths, Arbitrary<Integer> classes) {
        return Combinators.combine(Arbitraries.of(8, 14, 20), widths, Arbitraries.of(true, false), classes,
                        inChannels(), Arbitraries.integers().between(4, 12))
                .as((depth, width, blockwise, cl, channels, size) ->
                        new Network(kind, depth, width, kind == Network.Kind.RESNET && blockwise, cl, channels, size));
    }

    private static Arbitrary<Network> shiftNet(Network.Kind kind, Arbitrary<Integer> classes) {
        return Combinators.combine(classes, inChannels(), Arbitraries.integers().between(32, 40))
                .as((cl, channels, size) -> new Network(kind, 0, 1, false, cl, channels, size));
    }

    private static Arbitrary<Integer> inChannels() {
        return Arbitraries.of(1, 3);
    }

    static Arbitrary<Long> seeds() {
        return Arbitraries.longs().between(0, 999_999);
    }

    static Arbitrary<NetworkCase> cases(int maxBatch) {
        return cases(maxBatch, 1);
    }

    static Arbitrary<NetworkCase> cases(int maxBatch, int minClasses) {
        return Combinators.combine(networks(minClasses), Arbitraries.of(Family.class), Arbitraries.of(Layout.class),
                Arbitraries.of(Layout.class), Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(1, maxBatch), seeds()).as(NetworkCase::new);
    }
}
