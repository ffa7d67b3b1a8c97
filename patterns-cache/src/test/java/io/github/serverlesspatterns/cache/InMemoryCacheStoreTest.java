package io.github.serverlesspatterns.cache;

import io.github.serverlesspatterns.testing.MutableClock;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    @Test
    void aSubscriberThatThrows_failsNeitherThePublishNorTheOtherSubscribers() {
        List<String> heard = new ArrayList<>();
        store.subscribe("ch", m -> {
            throw new IllegalStateException("a broken listener");
        });
        store.subscribe("ch", heard::add);
        store.publish("ch", "a k1"); // returns normally: the invalidation happened
        assertEquals(List.of("a k1"), heard);
    }
}
