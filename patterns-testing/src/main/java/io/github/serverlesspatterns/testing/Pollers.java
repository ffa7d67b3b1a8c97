package io.github.serverlesspatterns.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** The daemon threads of a local event source mapping: started together, stopped together (a delivery in progress finishes). */
final class Pollers {

    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    /**
     * Starts one thread per loop.
     *
     * @param name  the threads' name prefix
     * @param loops what each runs while {@link #running()} is true
     * @throws IllegalStateException if they run already
     */
    synchronized void start(String name, List<Runnable> loops) {
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException(name + " runs already");
        }
        for (int i = 0; i < loops.size(); i++) {
            Thread t = new Thread(loops.get(i), name + "-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** @return whether the loops should go on */
    boolean running() {
        return running.get();
    }

    /** Stops the loops and waits up to 5 s for each. */
    synchronized void stop() {
        running.set(false);
        for (Thread t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Sleeps, keeping the interrupt. */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
