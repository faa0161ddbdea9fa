package org.shiftnet4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.Value;
import org.shiftnet4j.io.NpyArray;
import org.shiftnet4j.io.NpyFile;
import org.shiftnet4j.runtime.Model;
import org.shiftnet4j.runtime.Session;
import org.shiftnet4j.tensor.Layout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs a network (zoo name or .onnx file) on a NumPy .npy batch (float32, N×C×H×W) and writes "
                + "the outputs (N×classes logits, or N×C×H×W) as .npy.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--weights", paramLabel = "W.safetensors",
            description = "Weights (PyTorch state_dict names); required for zoo networks, not for ONNX files.")
    Path weights;

    @Option(names = "--input", required = true, paramLabel = "X.npy", description = "Input batch, float32 N×C×H×W.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "Y.npy", description = "Where to write the logits.")
    Path output;

    @Option(names = "--layout", paramLabel = "L", defaultValue = "NHWC", description = "Internal layout: NHWC (default) or NCHW.")
    Layout layout;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "1", description = "Intra-op threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--softmax", description = "Write probabilities instead of logits.")
    boolean softmax;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        ModelOptions.Loaded loaded = modelOptions.load(weights);
        Graph graph = loaded.graph();
        Model model = Model.prepare(graph, loaded.weights(), Model.Options.defaults().withLayout(layout));
        NpyArray x = NpyFile.read(input);
        Value in = graph.input();
        int[] shape = x.shape();
        if (shape.length != 4 || shape[1] != in.channels() || shape[2] != in.height() || shape[3] != in.width()
                || shape[0] < 1) {
            throw new IllegalArgumentException(input + " has shape " + java.util.Arrays.toString(shape) + "; "
                    + graph.name() + " takes N×" + in.channels() + "×" + in.height() + "×" + in.width()
                    + " (NCHW" + (modelOptions.isOnnx() ? ")" : "; see --in-channels and --image-size)"));
        }
        int batch = shape[0];
        Value outValue = graph.output();
        int classes = (int) outValue.elementsPerImage();
        float[] logits = new float[batch * classes];
        try (Session session = model.newSession(batch, threads)) {
            session.run(x.data(), Layout.NCHW, batch, logits);
        }
        boolean spatial = outValue.height() > 1 || outValue.width() > 1;
        if (softmax && spatial) {
            throw new IllegalArgumentException("--softmax needs a classifier output, but " + graph.name() + " outputs N×"
                    + outValue.shape());
        }
        if (softmax) Session.softmax(logits, classes);
        int[] outShape = spatial ? new int[] {batch, outValue.channels(), outValue.height(), outValue.width()}
                : new int[] {batch, classes};
        NpyFile.write(output, new NpyArray(outShape, logits));
        spec.commandLine().getOut().printf("wrote %s: %s %s%n", output, java.util.Arrays.toString(outShape),
                softmax ? "probabilities" : spatial ? "outputs" : "logits");
        return 0;
    }
}
