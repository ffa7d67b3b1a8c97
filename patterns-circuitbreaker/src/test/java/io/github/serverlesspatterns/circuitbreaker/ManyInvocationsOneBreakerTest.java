package io.github.serverlesspatterns.circuitbreaker;

import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One breaker instance under many concurrent invocations (Lambda Managed Instances run many per
 * JVM), on a store that is not local, so every call goes through the view and compare-and-set:
 * transitions happen once, and HALF_OPEN admits exactly its permitted probes however many threads
 * ask at the same moment. Counts, not timings: the clock is fixed, the threads meet at a barrier.
 */
class ManyInvocationsOneBreakerTest {

    private static final int THREADS = 8;

    private static final class Heard implements CircuitBreakerListener {
        final AtomicInteger toOpen = new AtomicInteger();
        final AtomicInteger toHalfOpen = new AtomicInteger();
        final AtomicInteger toClosed = new AtomicInteger();
        final AtomicInteger probes = new AtomicInteger();
        /** Set before the probing round: counts its rejections down. */
        volatile CountDownLatch rejections;

        @Override
        public void onCallRejected(String name, CircuitBreaker.State state, Instant nextProbeAt) {
            CountDownLatch r = rejections;
            if (r != null) {
                r.countDown();
            }
        }

        @Override
        public void onStateTransition(String name, CircuitBreaker.State from, CircuitBreaker.State to) {
            (to == CircuitBreaker.State.OPEN ? toOpen : to == CircuitBreaker.State.HALF_OPEN ? toHalfOpen : toClosed).incrementAndGet();
        }

        @Override
        public void onProbeOutcome(String name, boolean succeeded, Duration elapsed) {
            probes.incrementAndGet();
        }
    }

    /** Runs {@code task} on every thread at once (a barrier), {@code times} times each; returns how many ran it without a rejection. */
    private static int together(ExecutorService pool, int times, Runnable task) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        AtomicInteger ran = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < times; i++) {
                    try {
                        task.run();
                        ran.incrementAndGet();
                    } catch (CallNotPermittedException rejected) {
                        // counted by the caller through what did run
                    } catch (IllegalStateException failed) {
                        ran.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(1, TimeUnit.MINUTES);
        }
        return ran.get();
    }

    @Test
    void concurrentFailures_openTheCircuitOnce_andConcurrentProbes_areExactlyThePermittedOnes() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        Heard heard = new Heard();
        CircuitBreaker breaker = CircuitBreaker.of("busy", new LosingStore(), CircuitBreakerConfig.builder().clock(clock)
                .consecutiveFailures(20).waitInOpen(Duration.ofSeconds(10)).jitter(0).halfOpen(3, 3).listener(heard).build());
        Handler<String, String> failing = Decorators.decorate((in, inv) -> {
            throw new IllegalStateException("down");
        }, breaker.decorator());
        Invocation inv = Invocation.builder().clock(clock).build();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1); // the threads at the barrier, and one that releases the probes
        try {
            // 8 threads x 50 failing calls at once: the 20th consecutive failure opens it, exactly once
            int ran = together(pool, 50, () -> failing.handle("x", inv));
            assertEquals(1, heard.toOpen.get(), "one transition to OPEN, whoever recorded the 20th failure");
            assertEquals(CircuitBreaker.State.OPEN, breaker.state());
            assertTrue(ran >= 20 && ran < THREADS * 50, "calls ran until it opened, then were rejected: " + ran);

            // after the wait, 8 threads ask at once while the probes are still running: 3 probe, 5 are rejected
            clock.advance(Duration.ofSeconds(11));
            heard.rejections = new CountDownLatch(THREADS - 3);
            CountDownLatch probesRunning = new CountDownLatch(3);
            CountDownLatch release = new CountDownLatch(1);
            Handler<String, String> slowOk = Decorators.decorate((in, i) -> {
                probesRunning.countDown();
                try {
                    release.await(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "ok";
            }, breaker.decorator());
            List<Future<?>> releaser = List.of(pool.submit(() -> {
                // every thread has had its answer (3 probes in flight, 5 rejected): let the probes finish. With a 4th
                // probe admitted, only 4 are rejected: the wait runs out and the counts below fail
                probesRunning.await(1, TimeUnit.MINUTES);
                heard.rejections.await(20, TimeUnit.SECONDS);
                release.countDown();
                return null;
            }));
            int probed = together(pool, 1, () -> slowOk.handle("x", inv));
            releaser.get(0).get(1, TimeUnit.MINUTES);
            assertEquals(3, probed, "exactly the permitted probes ran");
            assertEquals(3, heard.probes.get());
            assertEquals(1, heard.toHalfOpen.get(), "one transition to HALF_OPEN");
            assertEquals(1, heard.toClosed.get(), "3 successful probes closed it, once");
            assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
        } finally {
            pool.shutdownNow();
        }
    }
}
