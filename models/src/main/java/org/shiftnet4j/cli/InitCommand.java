package org.shiftnet4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.Weights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Writes seeded He-normal weights for a network as a safetensors file with PyTorch names.")
final class InitCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--seed", required = true, paramLabel = "S", description = "Random seed.")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "W.safetensors", description = "File to write.")
    Path out;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Graph graph = modelOptions.build();
        Weights.heNormal(graph, seed).save(graph, out);
        spec.commandLine().getOut().printf("wrote %s: %s, %,d parameters (%d tensors)%n", out, graph.name(),
                graph.parameterCount(true), graph.params().size());
        return 0;
    }
}
