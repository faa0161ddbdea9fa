package org.shiftnet4j.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A tiny fixed pool for one session: the calling thread runs part 0 of each step and {@code threads − 1} workers
 * run the others. Hand-off is a volatile generation counter plus park/unpark, so dispatch allocates nothing; workers
 * spin briefly before parking because steps follow each other within microseconds. A thread is unparked only when
 * it said it was about to park: unpark costs a lock and a signal in HotSpot, which at ~30 steps per CIFAR inference
 * was a visible share of the run.
 */
final class IntraOpPool implements AutoCloseable {
    private static final long SPIN_NANOS = 50_000;

    private final Thread[] workers;
    private final AtomicInteger remaining = new AtomicInteger();
    private volatile Step.Bound task;
    private volatile int generation;
    private volatile boolean closed;
    private volatile Thread caller;
    private volatile Throwable failure;
    /** Set by a worker (or the caller) just before it parks; the other side then knows an unpark is needed. */
    private final java.util.concurrent.atomic.AtomicIntegerArray parked;
    private volatile boolean callerParked;

    IntraOpPool(int threads, String name) {
        workers = new Thread[threads - 1];
        parked = new java.util.concurrent.atomic.AtomicIntegerArray(Math.max(1, threads - 1));
        for (int i = 0; i < workers.length; i++) {
            int part = i + 1;
            Thread t = new Thread(() -> workLoop(part), name + "-worker-" + part);
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    int parts() {
        return workers.length + 1;
    }

    /** Runs every part of {@code bound}, returning when all are done; rethrows a worker's failure. */
    void run(Step.Bound bound) {
        if (workers.length == 0) {
            bound.run(0);
            return;
        }
        caller = Thread.currentThread();
        task = bound;
        remaining.set(workers.length);
        generation++;
        for (int i = 0; i < workers.length; i++) {
            if (parked.get(i) != 0) LockSupport.unpark(workers[i]);
        }
        Throwable own = null;
        try {
            bound.run(0);
        } catch (Throwable t) {
            own = t;
        }
        long start = System.nanoTime();
        while (remaining.get() > 0) {
            if (System.nanoTime() - start < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                callerParked = true;
                if (remaining.get() > 0) LockSupport.parkNanos(this, 100_000);
                callerParked = false;
            }
        }
        Throwable theirs = failure;
        failure = null;
        if (own != null) throw asUnchecked(own);
        if (theirs != null) throw new IllegalStateException("an intra-op worker failed: " + theirs, theirs);
    }

    private void workLoop(int part) {
        int seen = 0;
        while (true) {
            long start = System.nanoTime();
            while (generation == seen && !closed) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    parked.set(part - 1, 1);
                    // Re-check after announcing: the caller either sees the flag or we see its new generation.
                    if (generation == seen && !closed) LockSupport.park(this);
                    parked.set(part - 1, 0);
                }
            }
            if (closed) return;
            seen = generation;
            try {
                task.run(part);
            } catch (Throwable t) {
                failure = t;
            } finally {
                if (remaining.decrementAndGet() == 0 && callerParked) LockSupport.unpark(caller);
            }
        }
    }

    private static RuntimeException asUnchecked(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
        for (Thread w : workers) {
            try {
                w.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
