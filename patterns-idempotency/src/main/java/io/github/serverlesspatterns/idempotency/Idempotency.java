package io.github.serverlesspatterns.idempotency;

import io.github.serverlesspatterns.core.Decorator;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
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
 *   <li>the key function gives the user's key; the stored key is {@code name + "#" + SHA-256(key)}
 *       (the raw key or payload is never stored). No key: {@link IdempotencyKeyMissingException},
 *       unless the config allows running unprotected;</li>
 *   <li>with the local cache on, a live COMPLETED record there is replayed (no store call);</li>
 *   <li>the store claims the key with an IN_PROGRESS record that lapses at the invocation's
 *       deadline (one store call). If a live record exists: a different payload raises
 *       {@link IdempotencyPayloadMismatchException}; COMPLETED is replayed through the codec;
 *       IN_PROGRESS raises {@link IdempotencyInProgressException}, or is waited for;</li>
 *   <li>the handler runs. If it throws, the record is released (by default) and the exception
 *       passes through unwrapped. Otherwise the result is stored as COMPLETED (one store call)
 *       and returned.</li>
 * </ol>
 * A store failure raises {@link IdempotencyStoreException} and the handler does not run
 * unprotected. Storing the result fails cleanly ({@link IdempotencyResultTooLargeException} or
 * {@link IdempotencyStoreException}) and releases the record, so nothing stays stuck
 * IN_PROGRESS; note that the handler's effect has then happened once.
 *
 * <p>Immutable and thread-safe; no reflection, no annotations.
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class Idempotency<I, O> implements Decorator<I, O>, io.github.serverlesspatterns.core.Primeable {

    private static final Logger LOG = LoggerFactory.getLogger(Idempotency.class);
    private static final HexFormat HEX = HexFormat.of();

    private final IdempotencyStore store;
    private final IdempotencyConfig<I, O> config;
    private final LocalCache cache;

    private Idempotency(IdempotencyStore store, IdempotencyConfig<I, O> config) {
        this.store = store;
        this.config = config;
        this.cache = config.localCacheSize() > 0 ? new LocalCache(config.localCacheSize()) : null;
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
     * The stored key for a user key: {@code name + "#" + hex(SHA-256(userKey))}.
     *
     * @param userKey the key the key function returned
     * @return the stored key
     */
    public String storedKey(String userKey) {
        return config.name() + "#" + sha256(userKey);
    }

    private O handle(Handler<I, O> handler, I input, Invocation invocation) {
        String userKey = config.key().apply(input);
        if (userKey == null || userKey.isBlank()) {
            if (config.missingKeyPolicy() == IdempotencyConfig.MissingKeyPolicy.RUN_UNPROTECTED) {
                LOG.warn("idempotency '{}': no idempotency key for this input; running without idempotency (request {})",
                        config.name(), invocation.requestId());
                return handler.handle(input, invocation);
            }
            throw new IdempotencyKeyMissingException("idempotency '" + config.name()
                    + "': the key function returned no key (" + (userKey == null ? "null" : "blank")
                    + ") for this input; nothing ran");
        }
        String key = storedKey(userKey);
        String payloadHash = config.payload() == null ? null : sha256(String.valueOf(config.payload().apply(input)));

        if (cache != null) {
            IdempotencyRecord cached = cache.get(key, config.clock().instant());
            if (cached != null) {
                validatePayload(cached, payloadHash);
                return replay(cached);
            }
        }

        long waitStart = System.nanoTime();
        while (true) {
            Instant now = config.clock().instant();
            IdempotencyRecord claim = IdempotencyRecord.inProgress(key, invocation.deadline(),
                    now.plus(config.completedExpiry()), payloadHash);
            ClaimResult result = call("claim", key, () -> store.claim(claim, now));
            if (result.isClaimed()) {
                return runClaimed(handler, input, invocation, claim);
            }
            IdempotencyRecord existing = result.existingRecord().orElseThrow();
            validatePayload(existing, payloadHash);
            if (existing.status() == IdempotencyRecord.Status.COMPLETED) {
                remember(existing);
                return replay(existing);
            }
            // IN_PROGRESS elsewhere: reject, or wait for it to complete (or be released / lapse, then claim)
            Duration waited = Duration.ofNanos(System.nanoTime() - waitStart);
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
            // the record was released or lapsed (or the wait slice ended): try to claim again
        }
    }

    /**
     * Polls until the record completes (returned), disappears or lapses (empty: claim again), or
     * the slice of waiting time ends (empty).
     */
    private Optional<IdempotencyRecord> awaitChange(String key, IdempotencyRecord seen, Duration left) {
        long end = System.nanoTime() + left.toNanos();
        Duration backoff = IdempotencyConfig.INITIAL_WAIT_BACKOFF;
        while (System.nanoTime() < end) {
            long pause = Math.min(backoff.toNanos(), end - System.nanoTime());
            if (pause > 0) {
                try {
                    Thread.sleep(pause / 1_000_000, (int) (pause % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw inProgress(seen, left);
                }
            }
            Optional<IdempotencyRecord> now = call("get", key, () -> store.get(key));
            if (now.isEmpty() || now.get().isExpired(config.clock().instant())) {
                return Optional.empty();
            }
            if (now.get().status() == IdempotencyRecord.Status.COMPLETED) {
                return now;
            }
            backoff = backoff.multipliedBy(2).compareTo(IdempotencyConfig.MAX_WAIT_BACKOFF) > 0
                    ? IdempotencyConfig.MAX_WAIT_BACKOFF : backoff.multipliedBy(2);
        }
        return Optional.empty();
    }

    private O runClaimed(Handler<I, O> handler, I input, Invocation invocation, IdempotencyRecord claim) {
        O output;
        try {
            output = handler.handle(input, invocation);
        } catch (RuntimeException | Error e) {
            if (config.releaseOnFailure()) {
                releaseAfterFailure(claim.key(), e);
            }
            throw e;
        }
        try {
            byte[] encoded = output == null ? null : config.resultCodec().encode(output);
            Instant now = config.clock().instant();
            IdempotencyRecord completed = claim.complete(encoded, now.plus(config.completedExpiry()));
            call("complete", claim.key(), () -> {
                store.complete(completed, now);
                return null;
            });
            remember(completed);
            return output;
        } catch (RuntimeException e) {
            releaseAfterFailure(claim.key(), e);
            throw e;
        }
    }

    private void releaseAfterFailure(String key, Throwable failure) {
        try {
            store.release(key);
        } catch (RuntimeException releaseFailure) {
            LOG.error("idempotency '{}': could not release key {} after a failure; it stays IN_PROGRESS until its claim lapses",
                    config.name(), key, releaseFailure);
            failure.addSuppressed(releaseFailure);
        }
    }

    private <T> T call(String operation, String key, Supplier<T> storeCall) {
        try {
            return storeCall.get();
        } catch (IdempotencyException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IdempotencyStoreException("idempotency '" + config.name() + "': " + store.describe() + " failed on "
                    + operation + " for key " + key + "; the handler was not run unprotected: " + e, e);
        }
    }

    private void validatePayload(IdempotencyRecord record, String payloadHash) {
        if (payloadHash == null) {
            return;
        }
        Optional<String> stored = record.payloadHash();
        if (stored.isPresent() && !stored.get().equals(payloadHash)) {
            throw new IdempotencyPayloadMismatchException("idempotency '" + config.name() + "': key " + record.key()
                    + " was used before with a different payload (record " + record.status() + "); nothing ran");
        }
    }

    private O replay(IdempotencyRecord record) {
        Optional<byte[]> result = record.result();
        return result.isEmpty() ? null : config.resultCodec().decode(result.get());
    }

    private void remember(IdempotencyRecord completed) {
        if (cache != null) {
            cache.put(completed);
        }
    }

    private IdempotencyInProgressException inProgress(IdempotencyRecord record, Duration waited) {
        return new IdempotencyInProgressException("idempotency '" + config.name() + "': key " + record.key()
                + " is IN_PROGRESS in another call until " + record.inProgressUntil()
                + (waited.isZero() ? "" : " (waited " + waited.toMillis() + " ms)") + "; nothing ran", record.inProgressUntil());
    }

    private static String sha256(String text) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /**
     * Warms the store for a SnapStart snapshot ({@link IdempotencyStore#prime()}): a read of a key
     * that is never stored; no record is written and the handler is not called.
     */
    @Override
    public void prime() {
        store.prime();
    }
}
