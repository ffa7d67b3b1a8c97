package io.github.serverlesspatterns.cache;

import io.github.serverlesspatterns.testing.MutableClock;

import java.time.Duration;
import java.time.Instant;

/** The store contract on the in-memory store, its expiry on a clock the tests move. */
class InMemoryCacheStoreTest extends CacheStoreContract {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    private final InMemoryCacheStore store = InMemoryCacheStore.create(clock);

    @Override
    protected CacheStore newStore() {
        return store;
    }

    @Override
    protected CacheStore otherInstance() {
        return store; // instances in one JVM share the one store
    }

    @Override
    protected void passTime(Duration d) {
        clock.advance(d);
    }
}
