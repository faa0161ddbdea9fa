package org.shiftnet4j.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Objects;
import org.shiftnet4j.graph.Value;
import org.shiftnet4j.tensor.Layout;
import org.shiftnet4j.tensor.Tensor;

/**
 * One thread's handle on a {@link Model}: every activation buffer is allocated up front for a maximum batch, and
 * every step is bound to its buffers for each batch size, so {@link #run} allocates nothing. Not thread-safe: use
 * one session per thread (sessions of one model share its weights). Close it to free its memory and threads.
 */
public final class Session implements AutoCloseable {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private final Model model;
    private final int maxBatch;
    private final Arena arena;
    private final IntraOpPool pool;
    /** bound[b-1][i]: step i bound to the buffers of a batch of b images. */
    private final Step.Bound[][] bound;
    /**
     * For batches of at least one image per thread: each thread runs every step on its own images, so the threads
     * meet once per run instead of once per step (null where the batch is smaller than the thread count).
     */
    private final Step.Bound[] wholeNetworkPerThread;
    /** Input and output tensors for each batch size. */
    private final Tensor[] inputs, outputs;
    private final Value inputValue, outputValue;
    private volatile boolean closed;

    Session(Model model, int maxBatch, int threads) {
        if (maxBatch < 1) throw new IllegalArgumentException("maximum batch must be >= 1, got " + maxBatch);
        if (threads < 1) throw new IllegalArgumentException("intra-op threads must be >= 1, got " + threads);
        this.model = model;
        this.maxBatch = maxBatch;
        this.inputValue = model.input();
        this.outputValue = model.output();
        this.arena = Arena.ofShared(); // workers of the intra-op pool touch the buffers too
        try {
            long[] slotFloats = model.slotFloats();
            MemorySegment[] slots = new MemorySegment[slotFloats.length];
            for (int s = 0; s < slots.length; s++) {
                slots[s] = arena.allocate(Math.max(1, slotFloats[s] * maxBatch) * Float.BYTES, Tensor.ALIGNMENT);
            }
            List<Value> values = model.graph().values();
            List<Step> steps = model.steps();
            this.pool = new IntraOpPool(threads, "shiftnet4j-" + model.graph().name());
            this.bound = new Step.Bound[maxBatch][];
            this.wholeNetworkPerThread = new Step.Bound[maxBatch];
            this.inputs = new Tensor[maxBatch];
            this.outputs = new Tensor[maxBatch];
            for (Value v : values) {
                int slot = model.slotOf(v.id());
                if (slot >= 0 && model.borderFill(v.id()) != null) {
                    fillBorder(Tensor.wrap(slots[slot], model.layout(), maxBatch, v.channels(), v.height(), v.width(),
                            model.borderOf(v.id()), Math.max(1, slotFloats[slot])), model.borderFill(v.id()));
                }
            }
            for (int b = 1; b <= maxBatch; b++) {
                Tensor[] views = new Tensor[values.size()];
                for (Value v : values) {
                    int slot = model.slotOf(v.id());
                    if (slot >= 0) {
                        // Every value in a slot strides by the slot's image size: image n is in one place for all
                        // of them, so threads that split a batch by images never meet in memory.
                        views[v.id()] = Tensor.wrap(slots[slot], model.layout(), b, v.channels(), v.height(), v.width(),
                                model.borderOf(v.id()), Math.max(1, slotFloats[slot]));
                    }
                }
                bound[b - 1] = new Step.Bound[steps.size()];
                for (int i = 0; i < steps.size(); i++) bound[b - 1][i] = steps.get(i).bind(views, threads);
                if (threads > 1 && b >= threads) wholeNetworkPerThread[b - 1] = splitByImages(steps, views, b, threads);
                inputs[b - 1] = views[inputValue.id()];
                outputs[b - 1] = views[outputValue.id()];
            }
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Writes {@code fill[c]} into every border element of channel c, once: kernels write only interiors, so the
     * border keeps what a folded shift must read outside the image (see {@code Model}'s shift folding).
     */
    private static void fillBorder(Tensor t, float[] fill) {
        int b = t.border();
        for (int n = 0; n < t.batch(); n++) {
            for (int c = 0; c < t.channels(); c++) {
                for (int y = -b; y < t.height() + b; y++) {
                    boolean borderRow = y < 0 || y >= t.height();
                    for (int x = -b; x < t.width() + b; x++) {
                        if (borderRow || x < 0 || x >= t.width()) {
                            t.segment().setAtIndex(F, t.index(n, c, y, x), fill[c]);
                        }
                    }
                }
            }
        }
    }

    public Model model() { return model; }
    public int maxBatch() { return maxBatch; }
    /** Output values per image (the number of classes for a classifier). */
    public int outputSize() { return (int) outputValue.elementsPerImage(); }
    /** Input values per image (C·H·W). */
    public int inputSize() { return (int) inputValue.elementsPerImage(); }

    /**
     * Runs {@code batch} images. {@code input} holds batch·C·H·W floats in {@code inputLayout} order;
     * {@code output} receives batch·outputSize() floats (logits), image after image (NCHW order when the
     * output has H×W > 1).
     */
    public void run(float[] input, Layout inputLayout, int batch, float[] output) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(inputLayout, "inputLayout");
        checkBatch(batch);
        checkLength("input", input.length, (long) batch * inputSize());
        checkLength("output", output.length, (long) batch * outputSize());
        Tensor in = inputs[batch - 1];
        in.copyFrom(input, inputLayout);
        execute(batch);
        outputs[batch - 1].copyTo(output, Layout.NCHW);
    }

    /**
     * Runs {@code batch} images read from native or heap memory: {@code input} holds at least batch·C·H·W floats in
     * {@code inputLayout} order (native byte order); {@code output} receives batch·outputSize() floats, in NCHW order when the output has H×W > 1.
     */
    public void run(MemorySegment input, Layout inputLayout, int batch, MemorySegment output) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(inputLayout, "inputLayout");
        checkBatch(batch);
        checkLength("input segment", input.byteSize() / Float.BYTES, (long) batch * inputSize());
        checkLength("output segment", output.byteSize() / Float.BYTES, (long) batch * outputSize());
        Tensor in = inputs[batch - 1];
        copyIn(input, inputLayout, in);
        execute(batch);
        Tensor out = outputs[batch - 1];
        int channels = outputValue.channels(), h = outputValue.height(), w = outputValue.width();
        long i = 0;
        // Image by image in NCHW order, whatever the internal layout (a classifier's C×1×1 is the same either way).
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        output.setAtIndex(F, i++, out.segment().getAtIndex(F, out.index(n, c, y, x)));
                    }
                }
            }
        }
    }

    /** Convenience form that allocates and returns the logits. */
    public float[] run(float[] input, Layout inputLayout, int batch) {
        float[] out = new float[batch * outputSize()];
        run(input, inputLayout, batch, out);
        return out;
    }

    private void execute(int batch) {
        if (closed) throw new IllegalStateException("session is closed");
        Step.Bound whole = wholeNetworkPerThread[batch - 1];
        if (whole != null) {
            pool.run(whole);
            return;
        }
        Step.Bound[] steps = bound[batch - 1];
        for (Step.Bound step : steps) pool.run(step);
    }

    /** Part t runs all steps, unsplit, on image range t of the batch (kernels give the same bits per image). */
    private static Step.Bound splitByImages(List<Step> steps, Tensor[] views, int batch, int threads) {
        int[] bounds = Step.split(batch, threads, 1);
        Step.Bound[][] perPart = new Step.Bound[threads][];
        for (int t = 0; t < threads; t++) {
            int start = bounds[t], count = bounds[t + 1] - bounds[t];
            Tensor[] mine = new Tensor[views.length];
            for (int v = 0; v < views.length; v++) {
                if (views[v] != null && count > 0) mine[v] = views[v].batchSlice(start, count);
            }
            perPart[t] = new Step.Bound[count > 0 ? steps.size() : 0];
            for (int i = 0; i < perPart[t].length; i++) perPart[t][i] = steps.get(i).bind(mine, 1);
        }
        return part -> {
            for (Step.Bound step : perPart[part]) step.run(0);
        };
    }

    private static void copyIn(MemorySegment src, Layout order, Tensor dst) {
        int n = dst.batch(), c = dst.channels(), h = dst.height(), w = dst.width();
        MemorySegment seg = dst.segment();
        long i = 0;
        if (order == Layout.NCHW) {
            for (int in = 0; in < n; in++) for (int ic = 0; ic < c; ic++) for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
                seg.setAtIndex(F, dst.index(in, ic, y, x), src.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i++));
            }
        } else {
            for (int in = 0; in < n; in++) for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) for (int ic = 0; ic < c; ic++) {
                seg.setAtIndex(F, dst.index(in, ic, y, x), src.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i++));
            }
        }
    }

    /**
     * Runs the network on zeros until {@code duration} has passed (at least once per batch size up to the maximum),
     * so that the JIT compiles every kernel this session uses before real requests arrive: until C2 has compiled
     * them, Vector API kernels run slowly and allocate. Call it once after creating a session in a server; a few
     * seconds is typical. Returns the number of runs made.
     */
    public int warmUp(java.time.Duration duration) {
        Objects.requireNonNull(duration, "duration");
        MemorySegment zeros = MemorySegment.ofArray(new float[maxBatch * inputSize()]);
        MemorySegment out = MemorySegment.ofArray(new float[maxBatch * outputSize()]);
        long end = System.nanoTime() + duration.toNanos();
        int runs = 0;
        do {
            int batch = runs % maxBatch + 1;
            run(zeros, Layout.NCHW, batch, out);
            runs++;
        } while (System.nanoTime() < end || runs < maxBatch);
        return runs;
    }

    private void checkBatch(int batch) {
        if (batch < 1 || batch > maxBatch) {
            throw new IllegalArgumentException("batch " + batch + " is outside 1.." + maxBatch
                    + " (this session was created for at most " + maxBatch + " images)");
        }
    }

    private void checkLength(String what, long actual, long expected) {
        if (actual != expected && !(what.endsWith("segment") && actual > expected)) {
            throw new IllegalArgumentException(what + " holds " + actual + " floats; " + expected + " expected for "
                    + "this batch (input " + inputValue.shape() + ", output " + outputSize() + " per image)");
        }
    }

    /** In-place softmax of each image's {@code classes} logits. */
    public static void softmax(float[] logits, int classes) {
        if (classes < 1 || logits.length % classes != 0) {
            throw new IllegalArgumentException(logits.length + " logits are not a whole number of " + classes + "-class rows");
        }
        for (int row = 0; row < logits.length; row += classes) {
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < classes; i++) max = Math.max(max, logits[row + i]);
            double sum = 0;
            for (int i = 0; i < classes; i++) {
                float e = (float) Math.exp(logits[row + i] - max);
                logits[row + i] = e;
                sum += e;
            }
            for (int i = 0; i < classes; i++) logits[row + i] = (float) (logits[row + i] / sum);
        }
    }

    /** The {@code k} largest entries of one image's scores, best first (ties by lower index). */
    public static int[] topK(float[] scores, int image, int classes, int k) {
        if (k < 1 || k > classes) throw new IllegalArgumentException("top-k needs 1 <= k <= " + classes + ", got " + k);
        int[] best = new int[k];
        int filled = 0;
        int base = image * classes;
        for (int i = 0; i < classes; i++) {
            float s = scores[base + i];
            int pos = filled;
            while (pos > 0 && scores[base + best[pos - 1]] < s) pos--;
            if (pos < k) {
                int end = Math.min(filled, k - 1);
                System.arraycopy(best, pos, best, pos + 1, end - pos);
                best[pos] = i;
                if (filled < k) filled++;
            }
        }
        return best;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        pool.close();
        arena.close();
    }
}
