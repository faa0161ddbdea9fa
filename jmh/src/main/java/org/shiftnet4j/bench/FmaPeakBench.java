package org.shiftnet4j.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's single-thread float peak as Java reaches it: independent FMA chains and nothing else, so every
 * GFLOP/s figure of the run can be read as a fraction of this one.
 *
 * <p>Twelve chains cover the FMA latency (4 cycles) times two FMA pipes with room to spare and, with the two
 * factors, fit in the 16 registers of AVX2 (AVX-512 has 32). {@code acc = a.fma(b, acc)} keeps the accumulator as the addend, which
 * C2 compiles to one {@code vfmadd231ps}; the other operand order costs a register copy per FMA.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = BenchSettings.FORKS, jvmArgsAppend = {BenchSettings.ADD_VECTOR_MODULE, BenchSettings.NATIVE_ACCESS,
        BenchSettings.HEAP_MIN, BenchSettings.HEAP_MAX, BenchSettings.PRE_TOUCH})
@Warmup(iterations = BenchSettings.WARMUP_ITERATIONS, time = BenchSettings.ITERATION_SECONDS)
@Measurement(iterations = BenchSettings.MEASUREMENT_ITERATIONS, time = BenchSettings.ITERATION_SECONDS)
public class FmaPeakBench {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** FMA steps per chain and call: ~10 µs per call, long against the call overhead. */
    public static final int STEPS = 4096;
    public static final int CHAINS = 12;

    /** FLOPs of one call for vectors of {@code lanes} floats (an FMA lane is a multiply and an add). */
    public static double flopsPerCall(int lanes) {
        return 2.0 * STEPS * CHAINS * lanes;
    }

    private float[] factors;
    private float[] starts;

    @Setup(Level.Trial)
    public void setUp() {
        factors = BenchSettings.randomFloats(2 * S.length(), 1e-3f, BenchSettings.SEED);
        // Distinct start values: identical chains could be merged by the compiler into one.
        starts = new float[CHAINS];
        for (int i = 0; i < CHAINS; i++) {
            starts[i] = i + 1;
        }
    }

    @Benchmark
    public float fmaPeak() {
        FloatVector a = FloatVector.fromArray(S, factors, 0);
        FloatVector b = FloatVector.fromArray(S, factors, S.length());
        FloatVector acc0 = FloatVector.broadcast(S, starts[0]);
        FloatVector acc1 = FloatVector.broadcast(S, starts[1]);
        FloatVector acc2 = FloatVector.broadcast(S, starts[2]);
        FloatVector acc3 = FloatVector.broadcast(S, starts[3]);
        FloatVector acc4 = FloatVector.broadcast(S, starts[4]);
        FloatVector acc5 = FloatVector.broadcast(S, starts[5]);
        FloatVector acc6 = FloatVector.broadcast(S, starts[6]);
        FloatVector acc7 = FloatVector.broadcast(S, starts[7]);
        FloatVector acc8 = FloatVector.broadcast(S, starts[8]);
        FloatVector acc9 = FloatVector.broadcast(S, starts[9]);
        FloatVector acc10 = FloatVector.broadcast(S, starts[10]);
        FloatVector acc11 = FloatVector.broadcast(S, starts[11]);
        for (int i = 0; i < STEPS; i++) {
            acc0 = a.fma(b, acc0);
            acc1 = a.fma(b, acc1);
            acc2 = a.fma(b, acc2);
            acc3 = a.fma(b, acc3);
            acc4 = a.fma(b, acc4);
            acc5 = a.fma(b, acc5);
            acc6 = a.fma(b, acc6);
            acc7 = a.fma(b, acc7);
            acc8 = a.fma(b, acc8);
            acc9 = a.fma(b, acc9);
            acc10 = a.fma(b, acc10);
            acc11 = a.fma(b, acc11);
        }
        // Returned to JMH's blackhole so that no chain is dead code.
        return acc0.add(acc1).add(acc2).add(acc3).add(acc4).add(acc5)
                .add(acc6).add(acc7).add(acc8).add(acc9).add(acc10).add(acc11)
                .reduceLanes(VectorOperators.ADD);
    }
}
