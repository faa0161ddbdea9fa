package org.shiftnet4j.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.Node;
import org.shiftnet4j.io.onnx.ImportedNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Prints a network's layers (op, output shape, parameters, multiply-adds) and totals; for an "
                + ".onnx file also which of its convolutions (or Pad/Slice/Concat groups) run as shifts.")
final class InfoCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--steps", paramLabel = "LAYOUT", arity = "0..1", fallbackValue = "NHWC",
            description = "Also print the prepared program in LAYOUT (NHWC default): BatchNorm folded, ReLU fused, "
                    + "shifts folded into the 1x1 convs that read them.")
    org.shiftnet4j.tensor.Layout steps;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ImportedNetwork imported = modelOptions.isOnnx() ? modelOptions.importOnnx() : null;
        Graph g = imported != null ? imported.graph() : modelOptions.build();
        List<ImportedNetwork.RecognizedShift> shifts = imported != null ? imported.shifts() : null;
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(json(g, shifts));
        } else {
            table(g, out);
            if (shifts != null) shifts(shifts, g, out);
            if (steps != null) {
                org.shiftnet4j.graph.Weights w = imported != null ? imported.weights()
                        : org.shiftnet4j.graph.Weights.heNormal(g, 0);
                org.shiftnet4j.runtime.Model m = org.shiftnet4j.runtime.Model.prepare(g, w,
                        org.shiftnet4j.runtime.Model.Options.defaults().withLayout(steps));
                out.printf("%nprepared program (%s, %s kernels): %d steps%n", steps, m.kernels().name(), m.describeSteps().size());
                int i = 0;
                for (String line : m.describeSteps()) out.printf("%-4d %s%n", ++i, line);
            }
        }
        out.flush();
        return 0;
    }

    private static void table(Graph g, PrintWriter out) {
        out.printf("%s: input %s, output %s%n%n", g.name(), g.input().shape(), g.output().shape());
        out.printf("%-4s %-22s %-14s %12s %16s%n", "#", "op", "output", "parameters", "multiply-adds");
        int i = 0;
        for (Node n : g.nodes()) {
            if (n instanceof Node.Input) continue;
            out.printf("%-4d %-22s %-14s %,12d %,16d%n", ++i, n.describe(), n.output().shape(),
                    g.parameterCount(n, true), Graph.macs(n));
        }
        out.printf("%nparameters: %,d (%,d without BatchNorm)%n", g.parameterCount(true), g.parameterCount(false));
        out.printf("multiply-adds per image: %,d%n", g.multiplyAdds());
    }

    private static void shifts(List<ImportedNetwork.RecognizedShift> shifts, Graph g, PrintWriter out) {
        long convs = g.nodes().stream().filter(n -> n instanceof Node.Conv).count();
        out.printf("%nshifts recognised: %d (run as zero-FLOP shifts; %d convolutions remain)%n", shifts.size(), convs);
        for (ImportedNetwork.RecognizedShift s : shifts) {
            out.printf("  %-40s %-22s %s%n", String.join(" + ", s.nodes()), s.pattern(), s.table().description());
        }
    }

    private static String json(Graph g, List<ImportedNetwork.RecognizedShift> shifts) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator j = new JsonFactory().createGenerator(w).useDefaultPrettyPrinter()) {
            j.writeStartObject();
            j.writeStringField("model", g.name());
            j.writeStringField("input", g.input().shape());
            j.writeStringField("output", g.output().shape());
            j.writeNumberField("parameters", g.parameterCount(true));
            j.writeNumberField("parametersWithoutBatchNorm", g.parameterCount(false));
            j.writeNumberField("multiplyAdds", g.multiplyAdds());
            j.writeArrayFieldStart("layers");
            for (Node n : g.nodes()) {
                if (n instanceof Node.Input) continue;
                j.writeStartObject();
                j.writeStringField("op", n.describe());
                j.writeArrayFieldStart("output");
                j.writeNumber(n.output().channels());
                j.writeNumber(n.output().height());
                j.writeNumber(n.output().width());
                j.writeEndArray();
                j.writeNumberField("parameters", g.parameterCount(n, true));
                j.writeNumberField("multiplyAdds", Graph.macs(n));
                j.writeEndObject();
            }
            j.writeEndArray();
            if (shifts != null) {
                j.writeArrayFieldStart("recognisedShifts");
                for (ImportedNetwork.RecognizedShift s : shifts) {
                    j.writeStartObject();
                    j.writeArrayFieldStart("onnxNodes");
                    for (String n : s.nodes()) j.writeString(n);
                    j.writeEndArray();
                    j.writeStringField("pattern", s.pattern());
                    j.writeStringField("table", s.table().description());
                    j.writeNumberField("channels", s.table().channels());
                    j.writeEndObject();
                }
                j.writeEndArray();
            }
            j.writeEndObject();
        }
        return w.toString();
    }
}
