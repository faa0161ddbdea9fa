package org.shiftnet4j.graph;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.shiftnet4j.io.SafetensorsFile;
import org.shiftnet4j.io.SafetensorsWriter;
import org.shiftnet4j.io.WeightFileException;

/**
 * The parameter values of a {@link Graph}, by PyTorch state_dict name, checked against the graph's
 * {@link ParamSpec}s: every problem (missing, unexpected, wrongly sized) is listed in one exception message.
 * Immutable once built (arrays are copied in and must not be modified through {@link #get}).
 */
public final class Weights {
    private final Map<String, float[]> values;

    private Weights(Map<String, float[]> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** Checks {@code values} against {@code graph}'s parameters; {@code num_batches_tracked} entries are ignored. */
    public static Weights of(Graph graph, Map<String, float[]> values) {
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(values, "values");
        List<String> problems = new ArrayList<>();
        Map<String, float[]> copy = new LinkedHashMap<>();
        for (ParamSpec spec : graph.params().values()) {
            float[] v = values.get(spec.name());
            if (v == null) {
                problems.add("missing " + spec.name() + " " + spec.shapeString());
            } else if (v.length != spec.elementCount()) {
                problems.add("wrong size " + spec.name() + ": " + v.length + " values, " + spec.shapeString()
                        + " = " + spec.elementCount() + " expected");
            } else {
                copy.put(spec.name(), v.clone());
            }
        }
        for (String name : values.keySet()) {
            if (!graph.params().containsKey(name) && !isIgnorable(name)) problems.add("unexpected " + name);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("weights do not fit " + graph.name() + " (" + problems.size()
                    + " problem" + (problems.size() == 1 ? "" : "s") + "): " + String.join("; ", problems));
        }
        return new Weights(copy);
    }

    /** PyTorch buffers that carry no inference value. */
    public static boolean isIgnorable(String name) {
        return name.endsWith(".num_batches_tracked") || name.equals("num_batches_tracked");
    }

    /**
     * Seeded He-normal initialisation (std = sqrt(2 / fan-in)) of conv and linear weights; zero biases; BatchNorm
     * as PyTorch initialises it (gamma 1, beta 0, mean 0, var 1).
     */
    public static Weights heNormal(Graph graph, long seed) {
        return initialise(graph, seed, false);
    }

    /**
     * Like {@link #heNormal} but with random BatchNorm statistics and affine parameters, so that tests and benchmarks
     * exercise BN folding with non-trivial values (a trained network's BN is never the identity).
     */
    public static Weights randomized(Graph graph, long seed) {
        return initialise(graph, seed, true);
    }

    private static Weights initialise(Graph graph, long seed, boolean randomBatchNorm) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, float[]> values = new LinkedHashMap<>();
        for (ParamSpec spec : graph.params().values()) {
            int[] shape = spec.shape();
            float[] v = new float[Math.toIntExact(spec.elementCount())];
            switch (spec.role()) {
                case CONV_WEIGHT, LINEAR_WEIGHT -> {
                    long fanIn = spec.elementCount() / shape[0];
                    double std = Math.sqrt(2.0 / fanIn);
                    for (int i = 0; i < v.length; i++) v[i] = (float) (gaussian(random) * std);
                }
                case BN_WEIGHT -> fill(v, random, randomBatchNorm, 1.0, 0.5);
                case BN_RUNNING_VAR -> fill(v, random, randomBatchNorm, 1.0, 0.5);
                case BN_BIAS, BN_RUNNING_MEAN -> fill(v, random, randomBatchNorm, 0.0, 0.2);
                case CONV_BIAS, LINEAR_BIAS -> fill(v, random, randomBatchNorm, 0.0, 0.1);
            }
            values.put(spec.name(), v);
        }
        return new Weights(values);
    }

    private static void fill(float[] v, SplittableRandom random, boolean randomise, double centre, double spread) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (randomise ? centre + (random.nextDouble() * 2 - 1) * spread : centre);
        }
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian before JDK 17's RandomGenerator default, keep it explicit.
        double u1 = 1.0 - random.nextDouble(), u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /**
     * Loads a safetensors file written from a PyTorch state_dict ({@code safetensors.torch.save_file(model.state_dict(),
     * path)}): F32, F16 and BF16 are accepted; every missing, unexpected or mis-shaped tensor is listed in one
     * {@link WeightFileException}; {@code num_batches_tracked} buffers are ignored.
     */
    public static Weights load(Graph graph, Path path) throws IOException {
        Map<String, int[]> expected = new LinkedHashMap<>();
        for (ParamSpec spec : graph.params().values()) expected.put(spec.name(), spec.shape());
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile file = SafetensorsFile.open(path, arena);
            file.validateShapes(expected, Weights::isIgnorable);
            Map<String, float[]> values = new LinkedHashMap<>();
            for (String name : expected.keySet()) values.put(name, file.floats(name));
            return new Weights(values);
        }
    }

    /** Writes these weights as an F32 safetensors file with PyTorch names (loadable by safetensors.torch.load_file). */
    public void save(Graph graph, Path path) throws IOException {
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt").metadata("model", graph.name());
        for (ParamSpec spec : graph.params().values()) writer.add(spec.name(), spec.shape(), get(spec.name()));
        writer.write(path);
    }

    /** The values of parameter {@code name}; do not modify. */
    public float[] get(String name) {
        float[] v = values.get(name);
        if (v == null) throw new IllegalArgumentException("no parameter named " + name);
        return v;
    }

    public Map<String, float[]> asMap() {
        return values;
    }
}
