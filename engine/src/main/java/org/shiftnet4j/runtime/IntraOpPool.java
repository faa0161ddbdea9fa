package org.shiftnet4j.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A tiny fixed pool for one session: the calling thread runs part 0 of each step and {@code threads − 1} workers
 * run the others. Hand-off is a volatile generation counter plus park/unpark, so dispatch allocates nothing; workers
 * spin briefly before parking because steps follow each other within microseconds.
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

    IntraOpPool(int threads, String name) {
        workers = new Thread[threads - 1];
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
        for (Thread w : workers) LockSupport.unpark(w);
        Throwable own = null;
        try {
            bound.run(0);
        } catch (Throwable t) {
            own = t;
        }
        long start = System.nanoTime();
        while (remaining.get() > 0) {
            if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
            else LockSupport.parkNanos(this, 100_000);
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
                if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
                else LockSupport.park(this);
            }
            if (closed) return;
            seen = generation;
            try {
                task.run(part);
            } catch (Throwable t) {
                failure = t;
            } finally {
                if (remaining.decrementAndGet() == 0) LockSupport.unpark(caller);
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
