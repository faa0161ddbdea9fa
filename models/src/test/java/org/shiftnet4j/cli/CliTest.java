package org.shiftnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shiftnet4j.graph.Graph;
import org.shiftnet4j.graph.ReferenceExecutor;
import org.shiftnet4j.graph.Weights;
import org.shiftnet4j.io.NpyArray;
import org.shiftnet4j.io.NpyFile;
import org.shiftnet4j.models.ModelZoo;
import picocli.CommandLine;

class CliTest {
    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        CommandLine cl = ShiftnetCli.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void infoPrintsTotalsAndJson() {
        Result r = run("info", "shiftresnet20", "--expansion", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("parameters: 95,642"), r.out());
        Result j = run("info", "shiftnet-a", "--json");
        assertTrue(j.out().contains("\"parametersWithoutBatchNorm\" : 4163144"), j.out());
        assertTrue(j.out().contains("\"multiplyAdds\" : 1424306176"), j.out());
    }

    @Test
    void exportedOnnxIsReportedAsShiftsAndRunsLikeTheZooNetwork(@TempDir Path dir) throws Exception {
        Path m = dir.resolve("net.onnx"), x = dir.resolve("x.npy"), y = dir.resolve("y.npy");
        Result export = run("export", "shiftresnet20", "--expansion", "1", "--image-size", "16", "--seed", "3",
                "--out", m.toString());
        assertEquals(0, export.code(), export.err());
        assertTrue(export.out().contains("9 shifts as one-hot-depthwise"), export.out());

        Result info = run("info", m.toString());
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("shifts recognised: 9"), info.out());
        assertTrue(info.out().contains("one-hot depthwise Conv"), info.out());
        Result steps = run("info", m.toString(), "--steps");
        assertTrue(steps.out().contains("shift K3 folded in"), steps.out());
        Result json = run("info", m.toString(), "--json");
        assertTrue(json.out().contains("\"recognisedShifts\""), json.out());

        float[] data = new float[2 * 3 * 16 * 16];
        for (int i = 0; i < data.length; i++) data[i] = (float) Math.cos(i);
        NpyFile.write(x, new NpyArray(new int[] {2, 3, 16, 16}, data));
        Result r = run("run", m.toString(), "--input", x.toString(), "--output", y.toString());
        assertEquals(0, r.code(), r.err());
        Graph g = ModelZoo.build("shiftresnet20", ModelZoo.Options.defaults().withExpansion(1).withImage(3, 16));
        double[] expected = new ReferenceExecutor(g, Weights.heNormal(g, 3)).run(data, 2);
        NpyArray logits = NpyFile.read(y);
        double scale = 0;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], logits.data()[i], 1e-4 * scale + 1e-6, "logit " + i);
        }

        Result bench = run("bench", m.toString(), "--seconds", "0.2", "--warmup", "0");
        assertEquals(0, bench.code(), bench.err());
        assertTrue(bench.out().contains("runs 9 shifts and"), bench.out());

        Result withWeights = run("run", m.toString(), "--weights", "w.safetensors", "--input", x.toString(),
                "--output", y.toString());
        assertEquals(2, withWeights.code());
        assertTrue(withWeights.err().contains("carries its own weights"), withWeights.err());

        Files.write(dir.resolve("broken.onnx"), new byte[] {8, 7, 58, 3, 10});
        Result broken = run("info", dir.resolve("broken.onnx").toString());
        assertEquals(2, broken.code());
        assertTrue(broken.err().startsWith("shiftnet: ") && broken.err().lines().count() == 1, broken.err());
    }

    @Test
    void badInputEndsWithOneReadableLine() {
        Result unknown = run("info", "mobilenet");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().startsWith("shiftnet: unknown model 'mobilenet'"), unknown.err());
        Result missing = run("run", "shiftresnet20", "--weights", "/nonexistent/w.safetensors", "--input", "x.npy",
                "--output", "y.npy");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no such file: /nonexistent/w.safetensors"), missing.err());
    }

    @Test
    void initThenRunMatchesTheReference(@TempDir Path dir) throws Exception {
        Path w = dir.resolve("w.safetensors"), x = dir.resolve("x.npy"), y = dir.resolve("y.npy");
        Result init = run("init", "shiftresnet20", "--expansion", "1", "--image-size", "16", "--seed", "3",
                "--out", w.toString());
        assertEquals(0, init.code(), init.err());
        float[] data = new float[2 * 3 * 16 * 16];
        for (int i = 0; i < data.length; i++) data[i] = (float) Math.sin(i);
        NpyFile.write(x, new NpyArray(new int[] {2, 3, 16, 16}, data));
        Result r = run("run", "shiftresnet20", "--expansion", "1", "--image-size", "16", "--weights", w.toString(),
                "--input", x.toString(), "--output", y.toString(), "--threads", "2");
        assertEquals(0, r.code(), r.err());
        NpyArray logits = NpyFile.read(y);
        assertArrayEquals(new int[] {2, 10}, logits.shape());
        Graph g = ModelZoo.build("shiftresnet20", ModelZoo.Options.defaults().withExpansion(1).withImage(3, 16));
        double[] expected = new ReferenceExecutor(g, Weights.heNormal(g, 3)).run(data, 2);
        double scale = 0;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], logits.data()[i], 1e-4 * scale + 1e-6, "logit " + i);
        }
        Result wrongShape = run("run", "shiftresnet20", "--weights", w.toString(), "--input", x.toString(),
                "--output", y.toString());
        assertEquals(2, wrongShape.code());
        assertTrue(wrongShape.err().contains("weights do not fit") || wrongShape.err().contains("shape"), wrongShape.err());
        assertTrue(Files.size(y) > 0);
    }
}
