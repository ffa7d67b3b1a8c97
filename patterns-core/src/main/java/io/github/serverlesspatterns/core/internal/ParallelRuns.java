package io.github.serverlesspatterns.core.internal;

import io.github.serverlesspatterns.core.Failures;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Parallel work of one invocation on a pool shared by every invocation of a JVM (Lambda Managed
 * Instances run many at once): the calling thread and at most {@code parallelism - 1} pooled
 * threads take the units in order, so each invocation gets its own parallelism and never queues
 * behind another's units, and the call returns only when every unit it started has ended.
 */
public final class ParallelRuns {

    private ParallelRuns() {
    }

    /**
     * A cached pool of daemon threads (idle ones end after a minute), to share across invocations.
     *
     * @param name the threads' name prefix
     * @return the pool
     */
    public static ExecutorService daemonPool(String name) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code work} for every index from 0 to {@code units - 1}, at most {@code parallelism} at
     * once, and returns when all have ended. {@code work} answers its own failures; a throwable
     * that escapes it anyway is rethrown here after every unit has ended (the first one, with the
     * others suppressed).
     *
     * @param units       how many units
     * @param parallelism at most this many at once (1 runs them all on the calling thread)
     * @param pool        where the extra threads come from; may be {@code null} when parallelism is 1
     * @param work        the work of one unit, by index
     */
    public static void run(int units, int parallelism, ExecutorService pool, IntConsumer work) {
        AtomicInteger next = new AtomicInteger();
        List<Throwable> escaped = Collections.synchronizedList(new ArrayList<>());
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < units; i = next.getAndIncrement()) {
                try {
                    work.accept(i);
                } catch (Throwable e) {
                    escaped.add(e);
                }
            }
        };
        int helpers = pool == null ? 0 : Math.max(0, Math.min(parallelism, units) - 1);
        List<Future<?>> started = new ArrayList<>(helpers);
        for (int i = 0; i < helpers; i++) {
            started.add(pool.submit(worker));
        }
        worker.run();
        boolean interrupted = false;
        for (Future<?> f : started) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // keep waiting: no unit may run on after the call returns
                } catch (ExecutionException e) {
                    escaped.add(e.getCause());
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!escaped.isEmpty()) {
            Throwable first = escaped.get(0);
            for (int i = 1; i < escaped.size(); i++) {
                first.addSuppressed(escaped.get(i));
            }
            throw Failures.rethrow(first);
        }
    }
}
