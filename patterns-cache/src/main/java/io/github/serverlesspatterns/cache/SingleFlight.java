package io.github.serverlesspatterns.cache;

import io.github.serverlesspatterns.core.DeadlineExceededException;
import io.github.serverlesspatterns.core.Failures;
import io.github.serverlesspatterns.core.Invocation;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One load per key per JVM at a time: the first caller leads, the others wait for its entry, each
 * within its own invocation's remaining time ({@link DeadlineExceededException} naming it
 * otherwise). When the leader's load fails, a waiter is not handed that invocation's failure: it
 * tries again under its own invocation (joining a newer load, or leading), and fails only with its
 * own error. Thread-safe.
 */
final class SingleFlight {

    private final String cacheName;
    private final Map<String, CompletableFuture<CacheEntry>> inFlight = new ConcurrentHashMap<>();

    SingleFlight(String cacheName) {
        this.cacheName = cacheName;
    }

    /**
     * @param key        the load's key
     * @param invocation the caller's invocation (bounds its wait)
     * @param load       what a leader runs; its failure passes through to the leader unchanged
     * @return the entry this caller led to, or the one it waited for
     */
    CacheEntry run(String key, Invocation invocation, Supplier<CacheEntry> load) {
        while (true) {
            CompletableFuture<CacheEntry> mine = new CompletableFuture<>();
            CompletableFuture<CacheEntry> running = inFlight.putIfAbsent(key, mine);
            if (running == null) {
                return lead(key, mine, load);
            }
            if (running.isCompletedExceptionally()) {
                inFlight.remove(key, running); // a failed load not yet cleared: clear it and go again
                continue;
            }
            long left = invocation.remainingTime().toNanos();
            if (left <= 0) {
                throw new DeadlineExceededException("cache '" + cacheName + "': waiting for the load of " + key, invocation);
            }
            try {
                return running.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new DeadlineExceededException("cache '" + cacheName + "': waiting for another invocation's load of "
                        + key, invocation, e);
            } catch (ExecutionException e) {
                // the leader's failure is the leader's (its deadline, its error): go again under this invocation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CacheException("cache '" + cacheName + "': interrupted while waiting for the load of " + key, e);
            }
        }
    }

    private CacheEntry lead(String key, CompletableFuture<CacheEntry> mine, Supplier<CacheEntry> load) {
        try {
            CacheEntry e = load.get();
            inFlight.remove(key, mine); // before completing: a waiter that goes again must not find it
            mine.complete(e);
            return e;
        } catch (Throwable e) { // the loader's own failure passes through to this caller, whatever it is
            inFlight.remove(key, mine);
            mine.completeExceptionally(e);
            throw Failures.rethrow(e);
        }
    }

    /** New readers of this key start a load of their own (the one in flight may be stale). */
    void forget(String key) {
        inFlight.remove(key);
    }

    void clear() {
        inFlight.clear();
    }
}
