package org.shiftnet4j.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.shiftnet4j.bench.BenchShapes.ShiftShape;

/**
 * The bandwidth reference for {@link ShiftBench}: {@code MemorySegment.copy} of one activation of each shift shape
 * between two native, 64-byte aligned segments. It reads and writes the same bytes a shift must, so a shift's
 * GB/s divided by this one says how far it is from moving memory and nothing else.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = BenchSettings.FORKS, jvmArgsAppend = {BenchSettings.ADD_VECTOR_MODULE, BenchSettings.NATIVE_ACCESS,
        BenchSettings.HEAP_MIN, BenchSettings.HEAP_MAX, BenchSettings.PRE_TOUCH})
@Warmup(iterations = BenchSettings.WARMUP_ITERATIONS, time = BenchSettings.ITERATION_SECONDS)
@Measurement(iterations = BenchSettings.MEASUREMENT_ITERATIONS, time = BenchSettings.ITERATION_SECONDS)
public class MemoryCopyBench {
    @Param({BenchShapes.SHIFT_C64, BenchShapes.SHIFT_C128, BenchShapes.SHIFT_C256, BenchShapes.SHIFT_C512})
    public String shape;

    private Arena arena;
    private MemorySegment source;
    private MemorySegment destination;
    private long bytes;

    @Setup(Level.Trial)
    public void setUp() {
        ShiftShape s = ShiftShape.parse(shape);
        bytes = s.tensorBytes();
        arena = Arena.ofShared();
        source = arena.allocate(bytes, 64);
        destination = arena.allocate(bytes, 64);
        MemorySegment.copy(BenchSettings.randomFloats(s.elements(), 1f, BenchSettings.SEED), 0,
                source, ValueLayout.JAVA_FLOAT, 0, s.elements());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void copy() {
        MemorySegment.copy(source, 0, destination, 0, bytes);
    }
}
