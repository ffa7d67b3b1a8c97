package io.github.serverlesspatterns.cache;

/**
 * A snapshot of one cache's counters (this JVM). Immutable.
 *
 * @param nearHits      answers from the near cache
 * @param hits          answers from Redis (absences included)
 * @param misses        lookups that found nothing usable in Redis
 * @param loads         loader calls
 * @param loadNanos     time spent in the loader
 * @param redisErrors   Redis calls that failed (the loader answered instead)
 * @param redisSkipped  lookups that skipped Redis while it was considered down
 * @param invalidations invalidations this instance heard of (its own and others')
 * @param overtakenLoads loads whose value was not cached because an invalidation (or a newer
 *                       value) reached Redis while they ran; the caller still got the value
 */
public record CacheMetrics(long nearHits, long hits, long misses, long loads, long loadNanos, long redisErrors, long redisSkipped,
                           long invalidations, long overtakenLoads) {
}
