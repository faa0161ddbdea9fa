package org.shiftnet4j.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.ParamSpec;
import org.shiftnet4j.graph.Weights;
import org.shiftnet4j.io.SafetensorsWriter;
import org.shiftnet4j.io.WeightFileException;
import org.shiftnet4j.runtime.Model;

/**
 * Laws of a network's weight file (safetensors with PyTorch state_dict names):
 * <ol>
 *   <li>saving and loading gives back every parameter bit for bit, and so bit-identical logits;</li>
 *   <li>a file with one tensor removed, renamed (as {@code nn.DataParallel} does, "module." + name) or reshaped
 *       (same element count or not) is rejected with a {@link WeightFileException} whose message names that
 *       tensor, and no other tensor of the network;</li>
 *   <li>PyTorch's {@code num_batches_tracked} buffers in the file are ignored.</li>
 * </ol>
 *
 * <p>Tries: every try writes and reads a file of up to 4.4 MB (ShiftNet-B), and the round trip also prepares and
 * runs two models; the counts below keep this class to some ten seconds per surefire pass. The mutations need no
 * run and get the most tries.
 */
class WeightFileTest {
    private static final int ROUND_TRIP_TRIES = 100;
    private static final int BROKEN_FILE_TRIES = 300;
    private static final int BOOKKEEPING_TRIES = 50;

    private static Path scratchDir;
    private static Path scratchFile;

    @BeforeContainer
    static void createScratchDirectory() throws IOException {
        scratchDir = Files.createTempDirectory("shiftnet4j-weight-files");
        scratchFile = scratchDir.resolve("weights.safetensors");
    }

    @AfterContainer
    static void deleteScratchDirectory() throws IOException {
        Files.deleteIfExists(scratchFile);
        Files.deleteIfExists(scratchDir);
    }

    /** How one tensor of an otherwise faithful file is broken. */
    enum Breakage {
        REMOVED, RENAMED, RESHAPED_SAME_COUNT, RESHAPED_OTHER_COUNT
    }

    /** One broken file: which network, how it is broken, and which tensor ({@code pick} modulo the tensor count). */
    record BrokenFile(Network network, Breakage breakage, int pick, long seed) {
        ParamSpec victim(Graph graph) {
            List<ParamSpec> specs = List.copyOf(graph.params().values());
            return specs.get(pick % specs.size());
        }

        @Override
        public String toString() {
            return "BrokenFile{" + network + "; " + breakage + " " + victim(network.build()).name() + ", seed=" + seed
                    + "}";
        }
    }

    @Provide
    Arbitrary<NetworkCase> networkCases() {
        return NetworkCases.cases(2);
    }

    @Provide
    Arbitrary<BrokenFile> brokenFiles() {
        return Combinators.combine(NetworkCases.networks(), Arbitraries.of(Breakage.class),
                Arbitraries.integers().between(0, 100_000), NetworkCases.seeds()).as(BrokenFile::new);
    }

    @Provide
    Arbitrary<Network> networks() {
        return NetworkCases.networks();
    }

    @Property(tries = ROUND_TRIP_TRIES)
    void savedAndLoadedWeightsGiveBitIdenticalLogits(@ForAll("networkCases") NetworkCase c) throws IOException {
        Graph graph = c.network().build();
        Weights saved = Weights.randomized(graph, c.seed());
        saved.save(graph, scratchFile);
        Weights loaded = Weights.load(graph, scratchFile);
        for (ParamSpec spec : graph.params().values()) {
            if (!Arrays.equals(saved.get(spec.name()), loaded.get(spec.name()))) {
                throw new AssertionError(c + "\n  " + spec + " changed in the round trip");
            }
        }
        float[] images = NetworkRuns.images(c.network(), c.batch(), c.seed());
        float[] before = NetworkRuns.run(Model.prepare(graph, saved, c.options()), c.threads(), c.batch(), images,
                c.network(), c.inputLayout());
        float[] after = NetworkRuns.run(Model.prepare(graph, loaded, c.options()), c.threads(), c.batch(), images,
                c.network(), c.inputLayout());
        NetworkRuns.identical(c, "logits with loaded weights vs with the saved ones", before, after,
                c.network().classes());
    }

    @Property(tries = BROKEN_FILE_TRIES)
    void aBrokenTensorIsRejectedByName(@ForAll("brokenFiles") BrokenFile c) throws IOException {
        Graph graph = c.network().build();
        Weights weights = Weights.randomized(graph, c.seed());
        ParamSpec victim = c.victim(graph);
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        String renamed = "module." + victim.name();
        for (ParamSpec spec : graph.params().values()) {
            float[] values = weights.get(spec.name());
            if (!spec.equals(victim)) {
                writer.add(spec.name(), spec.shape(), values);
                continue;
            }
            switch (c.breakage()) {
                case REMOVED -> { }
                case RENAMED -> writer.add(renamed, spec.shape(), values);
                case RESHAPED_SAME_COUNT -> writer.add(spec.name(), sameCountOtherShape(spec.shape()), values);
                case RESHAPED_OTHER_COUNT -> {
                    int[] shape = spec.shape();
                    shape[0]++;
                    writer.add(spec.name(), shape, new float[Math.toIntExact(count(shape))]);
                }
            }
        }
        writer.write(scratchFile);
        String message = rejection(c, graph);
        Set<String> words = words(message);
        expect(c, words.contains(victim.name()), "the message does not name " + victim.name() + ": " + message);
        if (c.breakage() == Breakage.RENAMED) {
            expect(c, words.contains(renamed), "the message does not name the unexpected " + renamed + ": " + message);
        }
        for (String other : graph.params().keySet()) {
            if (!other.equals(victim.name())) {
                expect(c, !words.contains(other), "the message also names " + other + ", which is intact: " + message);
            }
        }
    }

    @Property(tries = BOOKKEEPING_TRIES)
    void pytorchBookkeepingBuffersAreIgnored(@ForAll("networks") Network network) throws IOException {
        Graph graph = network.build();
        Weights weights = Weights.randomized(graph, 1);
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        for (ParamSpec spec : graph.params().values()) {
            writer.add(spec.name(), spec.shape(), weights.get(spec.name()));
            if (spec.name().endsWith(".running_var")) {
                String prefix = spec.name().substring(0, spec.name().length() - ".running_var".length());
                writer.add(prefix + ".num_batches_tracked", new int[0], new float[] {1});
            }
        }
        writer.write(scratchFile);
        Map<String, float[]> loaded = Weights.load(graph, scratchFile).asMap();
        expect(network, loaded.keySet().equals(graph.params().keySet()),
                "loaded " + loaded.keySet() + " instead of the graph's parameters");
    }

    private static String rejection(BrokenFile c, Graph graph) throws IOException {
        try {
            Weights.load(graph, scratchFile);
        } catch (WeightFileException e) {
            return e.getMessage();
        }
        throw new AssertionError(c + "\n  the broken file was accepted");
    }

    /** [a, b, ...] flattened to [a·b·...]; a vector [c] becomes [c, 1]. */
    private static int[] sameCountOtherShape(int[] shape) {
        return shape.length == 1 ? new int[] {shape[0], 1} : new int[] {Math.toIntExact(count(shape))};
    }

    private static long count(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** The message's words: runs of characters that may appear in a tensor name. */
    private static Set<String> words(String message) {
        Set<String> words = new HashSet<>();
        for (String w : message.split("[^A-Za-z0-9_.]+")) {
            // A sentence may end with a name: "... missing conv1.weight."
            words.add(w.endsWith(".") ? w.substring(0, w.length() - 1) : w);
        }
        return words;
    }

    private static void expect(Object context, boolean condition, String what) {
        if (!condition) throw new AssertionError(context + "\n  " + what);
    }
}
