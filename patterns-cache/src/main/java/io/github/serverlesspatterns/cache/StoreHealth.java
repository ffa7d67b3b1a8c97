package io.github.serverlesspatterns.cache;

import io.github.serverlesspatterns.core.internal.DownWindow;
import io.github.serverlesspatterns.core.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * A cache's view of its store's health: the outage window and the failures and skips counted.
 * Only a failure that shows the store unreachable ({@link CacheStore#provesStoreDown}) turns the
 * store off for the retry interval; an error about one command affects that call alone. Thread-safe.
 */
final class StoreHealth {

    private static final Logger LOG = LoggerFactory.getLogger(StoreHealth.class);

    private final CacheStore store;
    private final String cacheName;
    private final Metrics metrics;
    private final Clock clock;
    private final Duration retry;
    private final DownWindow outage = new DownWindow();
    final LongAdder errors = new LongAdder();
    final LongAdder skipped = new LongAdder();

    StoreHealth(CacheStore store, CacheConfig<?, ?> config) {
        this.store = store;
        this.cacheName = config.name();
        this.metrics = config.metrics();
        this.clock = config.clock();
        this.retry = config.storeRetry();
    }

    /** @return whether the store may be asked now (outside the outage window); counts a skip otherwise */
    boolean available(long now) {
        if (!outage.isUp(now)) {
            skipped.increment();
            metrics.count(CacheAside.METRICS_PATTERN, cacheName, "RedisSkipped", 1);
            return false;
        }
        return true;
    }

    /** @return whether the store is outside the outage window now (nothing counted) */
    boolean up(long now) {
        return outage.isUp(now);
    }

    /** Counts a store failure; one that shows the store unreachable opens the outage window. */
    void failed(RuntimeException e) {
        errors.increment();
        metrics.count(CacheAside.METRICS_PATTERN, cacheName, "RedisErrors", 1);
        if (!store.provesStoreDown(e)) {
            LOG.warn("cache '{}': the store refused a command ({}); the loader answers this call", cacheName, e.getMessage());
            return;
        }
        outage.markDown(clock.millis(), retry);
        LOG.warn("cache '{}': the store failed ({}); the loader answers alone for {}", cacheName, e.toString(), retry);
    }

    /** After a SnapStart restore: the outage window shut (it is from before the snapshot). */
    void reset() {
        outage.reset();
    }
}
