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
