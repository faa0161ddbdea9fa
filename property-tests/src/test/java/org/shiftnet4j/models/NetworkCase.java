package org.shiftnet4j.models;

import org.shiftnet4j.runtime.Model;
import org.shiftnet4j.tensor.Layout;

/**
 * One run of a prepared network: the network, how it is prepared (kernel family, internal layout), the order of
 * the caller's input array, the session's intra-op threads, the batch, and the seed of weights and images. A
 * property that varies one of these itself says so in its failure message.
 */
record NetworkCase(Network network, Family family, Layout internalLayout, Layout inputLayout, int threads, int batch,
                   long seed) {

    Model.Options options() {
        return new Model.Options(internalLayout, family.kernels());
    }

    @Override
    public String toString() {
        return "NetworkCase{" + network + "; " + family.kernels().name() + " kernels, " + internalLayout
                + " inside, input given in " + inputLayout + ", " + threads + " thread"
                + (threads == 1 ? "" : "s") + ", batch " + batch + ", seed=" + seed + "}";
    }
}
