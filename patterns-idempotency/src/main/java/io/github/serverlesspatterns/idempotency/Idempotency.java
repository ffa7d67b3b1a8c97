package io.github.serverlesspatterns.idempotency;

import io.github.serverlesspatterns.core.Primeable;
import io.github.serverlesspatterns.core.Decorator;
import io.github.serverlesspatterns.core.Failures;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.Randomness;
import io.github.serverlesspatterns.core.internal.Digests;
import io.github.serverlesspatterns.core.logging.LogContext;
import io.github.serverlesspatterns.core.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The idempotency decorator: a handler's effect happens once per key, and duplicates get the
 * stored result replayed.
 *
 * <pre>{@code
 * Idempotency<Order, Receipt> idempotency = Idempotency.of(store,
 *         IdempotencyConfig.builder("orders", Order::orderId, JacksonCodec.of(mapper, Receipt.class)).build());
 * Handler<Order, Receipt> handler = Decorators.decorate(placeOrder, idempotency);
 * }</pre>
 *
 * <p>One call:
 * <ol>
 *   <li>the key function gives the user's key; the stored key is
 *       {@code name + "#" + SHA-256(function name, scope, key)} (the raw key or payload is never
 *       stored; the function name is left out with
 *       {@link IdempotencyConfig.Builder#sharedAcrossFunctions}). No key (or no scope):
 *       {@link IdempotencyKeyMissingException}, unless the config allows running unprotected;</li>
 *   <li>with the local cache on, a live COMPLETED record there is replayed (no store call);</li>
 *   <li>the store claims the key with an IN_PROGRESS record that lapses at the invocation's
 *       deadline and carries a claim token of this call (one store call). If a live record exists:
 *       a different payload raises {@link IdempotencyPayloadMismatchException}; COMPLETED is
 *       replayed through the codec (and the response hook); UNREPLAYABLE raises
 *       {@link IdempotencyResultUnavailableException}; IN_PROGRESS raises
 *       {@link IdempotencyInProgressException}, or is waited for (never past the invocation's
 *       deadline);</li>
 *   <li>the handler runs. If it throws anything (an exception, an {@code Error}, an undeclared
 *       checked exception), the claim is released (by default) and the throwable passes through
 *       unchanged. Otherwise the result is stored as COMPLETED (one store call) and returned;
 *       a result the config says not to keep ({@link IdempotencyConfig.Builder#storeResultIf})
 *       releases the claim instead.</li>
 * </ol>
 * Every write after the claim is conditional on its token: a call whose claim lapsed (it ran past
 * its deadline) and was taken over never erases or overwrites the new owner's record; it returns
 * its result and logs that the claim was lost.
 *
 * <p>Failures: a store failure on the claim raises {@link IdempotencyStoreException} and the
 * handler does not run unprotected. Once the handler has run, its effect has happened, so the key
 * stays protected whatever follows: a result that cannot be encoded ({@code CodecException}) or is
 * too large for the store is recorded as UNREPLAYABLE and the result is still returned to this
 * caller; duplicates get {@link IdempotencyResultUnavailableException} until the record expires.
 * Only when the store itself fails on completion is the claim released (and
 * {@link IdempotencyStoreException} raised), so that nothing stays IN_PROGRESS.
 *
 * <p>Immutable and thread-safe; no reflection, no annotations.
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class Idempotency<I, O> implements Decorator<I, O>, Primeable {

    private static final Logger LOG = LoggerFactory.getLogger(Idempotency.class);
    /** With the request id, makes claim tokens unique: two claims of one invocation differ too. */
    private static final AtomicLong CLAIMS = new AtomicLong();

    private final IdempotencyStore store;
    private final IdempotencyConfig<I, O> config;
    private final LocalCache cache;
    /** The per-call metrics, resolved once (README "Metrics"); the rare ones go by name. */
    private final Metrics.BoundCounter claims;
    private final Metrics.BoundCounter replays;
    private final Metrics.BoundTimer storeLatency;

    private Idempotency(IdempotencyStore store, IdempotencyConfig<I, O> config) {
        this.store = store;
        this.config = config;
        this.cache = config.localCacheSize() > 0 ? new LocalCache(config.localCacheSize()) : null;
        this.claims = config.metrics().counter(PATTERN, config.name(), "Claims");
        this.replays = config.metrics().counter(PATTERN, config.name(), "Replays");
        this.storeLatency = config.metrics().timer(PATTERN, config.name(), "StoreLatency");
    }

    /**
     * @param store  where records live
     * @param config the configuration
     * @param <I>    input type
     * @param <O>    output type
     * @return the decorator
     */
    public static <I, O> Idempotency<I, O> of(IdempotencyStore store, IdempotencyConfig<I, O> config) {
        return new Idempotency<>(Objects.requireNonNull(store, "store"), Objects.requireNonNull(config, "config"));
    }

    /** @return the configuration */
    public IdempotencyConfig<I, O> config() {
        return config;
    }

    @Override
    public Handler<I, O> decorate(Handler<I, O> handler) {
        Objects.requireNonNull(handler, "handler");
        return (input, invocation) -> handle(handler, input, invocation);
    }

    /**
     * The stored key of a user key when no scope is configured:
     * {@code name + "#" + hex(SHA-256(...))} of the function name (unless shared across functions)
     * and the key.
     *
     * @param userKey    the key the key function returned
     * @param invocation the invocation (its function name namespaces the key)
     * @return the stored key
     */
    public String storedKey(String userKey, Invocation invocation) {
        return storedKey(userKey, null, invocation);
    }

    private String storedKey(String userKey, String scope, Invocation invocation) {
        // each part length-prefixed, so that no two (function, scope, key) triples hash the same text
        StringBuilder text = new StringBuilder();
        if (!config.sharedAcrossFunctions()) {
            text.append("function:").append(invocation.functionName().length()).append(':').append(invocation.functionName());
        }
        if (scope != null) {
            text.append("|scope:").append(scope.length()).append(':').append(scope);
        }
        if (text.length() == 0) {
            return config.name() + "#" + sha256(userKey); // shared, unscoped: the key alone, as before 0.2
        }
        text.append("|key:").append(userKey);
        return config.name() + "#" + sha256(text.toString());
    }

    private O handle(Handler<I, O> handler, I input, Invocation invocation) {
        String userKey = config.key().apply(input);
        String scope = config.scope() == null ? null : config.scope().apply(input);
        String missing = userKey == null || userKey.isBlank() ? "the key function returned no key (" + (userKey == null ? "null" : "blank") + ")"
                : config.scope() != null && (scope == null || scope.isBlank()) ? "the scope function returned no scope (caller or tenant)"
                : null;
        if (missing != null) {
            count("MissingKeys");
            if (config.missingKeyPolicy() == IdempotencyConfig.MissingKeyPolicy.RUN_UNPROTECTED) {
                LOG.warn("idempotency '{}': {} for this input; running without idempotency (request {})",
                        config.name(), missing, invocation.requestId());
                return handler.handle(input, invocation);
            }
            throw new IdempotencyKeyMissingException("idempotency '" + config.name() + "': " + missing
                    + " for this input; nothing ran");
        }
        String key = storedKey(userKey, scope, invocation);
        String payloadHash = config.payload() == null ? null : sha256(String.valueOf(config.payload().apply(input)));

        if (cache != null) {
            IdempotencyRecord cached = cache.get(key, config.clock().instant());
            if (cached != null) {
                validatePayload(cached, payloadHash);
                return replay(cached);
            }
        }

        long waitStart = config.ticker().nanoTime();
        while (true) {
            Instant now = config.clock().instant();
            IdempotencyRecord claim = IdempotencyRecord.inProgress(key, invocation.deadline(),
                    now.plus(config.completedExpiry()), payloadHash, invocation.requestId() + "/" + CLAIMS.incrementAndGet());
            ClaimResult result = claim(claim, now);
            if (result.isClaimed()) {
                var logs = LogContext.open(invocation, PATTERN, config.name(), key);
                try {
                    return runClaimed(handler, input, invocation, claim);
                } finally {
                    logs.close();
                }
            }
            IdempotencyRecord existing = result.existingRecord().orElseThrow();
            validatePayload(existing, payloadHash);
            if (existing.status() != IdempotencyRecord.Status.IN_PROGRESS) {
                remember(existing);
                return replay(existing);
            }
            // IN_PROGRESS elsewhere: reject, or wait for it to complete (or be released / lapse, then claim)
            Duration waited = Duration.ofNanos(config.ticker().nanoTime() - waitStart);
            Duration left = config.inProgressWait().minus(waited);
            Duration beforeDeadline = invocation.remainingTime();
            if (left.compareTo(beforeDeadline) > 0) {
                left = beforeDeadline;
            }
            if (left.isNegative() || left.isZero()) {
                throw inProgress(existing, waited);
            }
            Optional<IdempotencyRecord> completed = awaitChange(key, existing, left);
            if (completed.isPresent()) {
                validatePayload(completed.get(), payloadHash);
                remember(completed.get());
                return replay(completed.get());
            }
            if (invocation.remainingTime().isNegative() || invocation.remainingTime().isZero()) {
                throw inProgress(existing, Duration.ofNanos(config.ticker().nanoTime() - waitStart)); // no re-claim past the deadline
            }
            // the record was released or lapsed (or the wait slice ended): try to claim again
        }
    }

    /**
     * Claims, or names the store that failed. A claim whose command failed may still have landed
     * (a timeout on the client while the server went on): it is released by its token, best effort,
     * so that it does not hold the key until the invocation's deadline.
     */
    private ClaimResult claim(IdempotencyRecord claim, Instant now) {
        try {
            return call("claim", claim.key(), () -> store.claim(claim, now));
        } catch (IdempotencyStoreException e) {
            try {
                store.release(claim);
            } catch (RuntimeException releaseFailure) {
                e.addSuppressed(releaseFailure);
            }
            throw e;
        }
    }

    /**
     * Polls until the record completes (returned), disappears or lapses (empty: claim again), or
     * the slice of waiting time ends (empty). No read is made once the slice has ended.
     */
    private Optional<IdempotencyRecord> awaitChange(String key, IdempotencyRecord seen, Duration left) {
        long end = config.ticker().nanoTime() + left.toNanos();
        Duration backoff = IdempotencyConfig.INITIAL_WAIT_BACKOFF;
        while (true) {
            long pause = Math.min(backoff.toNanos(), end - config.ticker().nanoTime());
            if (pause > 0) {
                try {
                    config.ticker().sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw inProgress(seen, left);
                }
            }
            if (config.ticker().nanoTime() >= end) {
                return Optional.empty();
            }
            Optional<IdempotencyRecord> now = call("get", key, () -> store.get(key));
            if (now.isEmpty() || now.get().isExpired(config.clock().instant())) {
                return Optional.empty();
            }
            if (now.get().status() != IdempotencyRecord.Status.IN_PROGRESS) {
                return now;
            }
            backoff = backoff.multipliedBy(2).compareTo(IdempotencyConfig.MAX_WAIT_BACKOFF) > 0
                    ? IdempotencyConfig.MAX_WAIT_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private O runClaimed(Handler<I, O> handler, I input, Invocation invocation, IdempotencyRecord claim) {
        claims.add(1);
        O output;
        try {
            output = handler.handle(input, invocation);
        } catch (Throwable e) { // Errors and undeclared checked exceptions (Kotlin, @SneakyThrows) too: nothing stays IN_PROGRESS
            if (config.releaseOnFailure()) {
                releaseAfterFailure(claim, e);
            }
            throw Failures.rethrow(e);
        }
        if (config.storeResultIf() != null && !config.storeResultIf().test(output)) {
            release(claim, "its result is not to be kept (storeResultIf)");
            return output;
        }
        Instant now = config.clock().instant();
        Instant expiresAt = now.plus(config.completedExpiry());
        IdempotencyRecord completed;
        try {
            completed = claim.complete(output == null || config.resultCodec() == null ? null : config.resultCodec().encode(output),
                    expiresAt);
        } catch (RuntimeException encodeFailure) {
            LOG.warn("idempotency '{}': the result for key {} could not be encoded ({}); the key is recorded as UNREPLAYABLE "
                    + "so duplicates do not repeat the effect", config.name(), claim.key(), encodeFailure.getClass().getName());
            completed = claim.unreplayable(expiresAt);
        }
        boolean written;
        try {
            written = complete(completed, now);
        } catch (IdempotencyResultTooLargeException tooLarge) {
            LOG.warn("idempotency '{}': {}; the key is recorded as UNREPLAYABLE instead", config.name(), tooLarge.getMessage());
            completed = claim.unreplayable(expiresAt);
            try {
                written = complete(completed, now);
            } catch (RuntimeException e) {
                releaseAfterFailure(claim, e);
                throw e;
            }
        } catch (RuntimeException e) {
            releaseAfterFailure(claim, e);
            throw e;
        }
        if (!written) {
            LOG.warn("idempotency '{}': the claim of key {} was lost before its result was stored (the call ran past its "
                    + "invocation's deadline {} and another call took the key over); the result is returned but not kept, "
                    + "and the effect may have run twice: give the function a longer timeout", config.name(), claim.key(),
                    claim.inProgressUntil());
            return output;
        }
        remember(completed);
        return output;
    }

    private boolean complete(IdempotencyRecord completed, Instant now) {
        return call("complete", completed.key(), () -> store.complete(completed, now));
    }

    private void release(IdempotencyRecord claim, String why) {
        try {
            if (!store.release(claim)) {
                LOG.warn("idempotency '{}': key {} was no longer this call's claim when released ({}); left as it is",
                        config.name(), claim.key(), why);
            }
        } catch (RuntimeException releaseFailure) {
            LOG.error("idempotency '{}': could not release key {} ({}); it stays IN_PROGRESS until its claim lapses at {}",
                    config.name(), claim.key(), why, claim.inProgressUntil(), releaseFailure);
        }
    }

    private void releaseAfterFailure(IdempotencyRecord claim, Throwable failure) {
        try {
            store.release(claim);
        } catch (RuntimeException releaseFailure) {
            LOG.error("idempotency '{}': could not release key {} after a failure; it stays IN_PROGRESS until its claim lapses",
                    config.name(), claim.key(), releaseFailure);
            failure.addSuppressed(releaseFailure);
        }
    }

    private <T> T call(String operation, String key, Supplier<T> storeCall) {
        long start = config.ticker().nanoTime();
        try {
            return storeCall.get();
        } catch (IdempotencyException e) {
            throw e;
        } catch (RuntimeException e) {
            count("StoreErrors");
            throw new IdempotencyStoreException("idempotency '" + config.name() + "': " + store.describe() + " failed on "
                    + operation + " for key " + key + "; the handler was not run unprotected: " + e, e);
        } finally {
            storeLatency.record(config.ticker().nanoTime() - start);
        }
    }

    private void validatePayload(IdempotencyRecord record, String payloadHash) {
        if (payloadHash == null) {
            return;
        }
        Optional<String> stored = record.payloadHash();
        if (stored.isPresent() && !stored.get().equals(payloadHash)) {
            count("PayloadMismatches");
            throw new IdempotencyPayloadMismatchException("idempotency '" + config.name() + "': key " + record.key()
                    + " was used before with a different payload (record " + record.status() + "); nothing ran");
        }
    }

    private O replay(IdempotencyRecord record) {
        replays.add(1);
        if (record.status() == IdempotencyRecord.Status.UNREPLAYABLE) {
            throw new IdempotencyResultUnavailableException("idempotency '" + config.name() + "': key " + record.key()
                    + " was completed by an earlier call, whose result could not be kept for replay (it failed to encode "
                    + "or was too large for the store); nothing ran. The key is protected until " + record.expiresAt());
        }
        Optional<byte[]> result = record.result();
        O output = result.isEmpty() || config.resultCodec() == null ? null : config.resultCodec().decode(result.get());
        return config.responseHook() == null ? output : config.responseHook().apply(output, record);
    }

    /** The metrics' pattern dimension: {@value}. */
    static final String PATTERN = "idempotency";

    private void count(String metric) {
        config.metrics().count(PATTERN, config.name(), metric, 1);
    }

    private void remember(IdempotencyRecord done) {
        if (cache != null) {
            cache.put(done);
        }
    }

    private IdempotencyInProgressException inProgress(IdempotencyRecord record, Duration waited) {
        count("InProgressRejections");
        return new IdempotencyInProgressException("idempotency '" + config.name() + "': key " + record.key()
                + " is IN_PROGRESS in another call until " + record.inProgressUntil()
                + (waited.isZero() ? "" : " (waited " + waited.toMillis() + " ms)") + "; nothing ran", record.inProgressUntil());
    }

    private static String sha256(String text) {
        return Digests.sha256Hex(text);
    }

    /**
     * Warms the store for a SnapStart snapshot ({@link IdempotencyStore#prime()}): a read of a key
     * that is never stored; no record is written and the handler is not called.
     */
    @Override
    public void prime() {
        store.prime();
    }

    /**
     * After a SnapStart restore: the local cache is dropped (it holds records from before the
     * snapshot) and the store renews its connection ({@link IdempotencyStore#afterRestore()}).
     */
    @Override
    public void afterRestore() {
        Randomness.reseed();
        if (cache != null) {
            cache.clear();
        }
        store.afterRestore();
    }
}
