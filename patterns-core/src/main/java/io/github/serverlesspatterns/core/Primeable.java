package io.github.serverlesspatterns.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A part that takes part in a Lambda SnapStart snapshot. Before it, {@link #prime()} warms the
 * part up: create its connections, load and initialise the classes of its hot paths and make one
 * read-only call to its backend, so that a restored function does not pay for that on its first
 * invocation. After a restore, {@link #afterRestore()} renews what must not be shared by the many
 * execution environments Lambda resumes from one snapshot: instance ids, the seeds of random
 * sources, connections (their sockets are dead) and local caches (they hold entries from before
 * the snapshot). {@link SnapStart#register(Primeable...)} wires both to the CRaC hooks SnapStart
 * calls.
 *
 * <p>Priming never changes data: no item, key, message or invocation is written. The calls it
 * makes are named by each implementation (for example a DynamoDB {@code GetItem} of a key that
 * does not exist), so the function's role needs no permission beyond what it already uses,
 * unless the implementation's javadoc says otherwise.
 *
 * <p>Register the parts once, in the handler's constructor:
 * <pre>{@code
 * public final class OrderHandler implements RequestHandler<Order, Receipt> {
 *     private final Idempotency<Order, Receipt> once = ...;
 *     private final CircuitBreaker partner = ...;
 *
 *     public OrderHandler() {
 *         SnapStart.register(once, partner);   // prime before the snapshot, renew after each restore
 *     }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface Primeable {

    /**
     * Warms this part up without changing any data.
     *
     * @throws PatternsException when the backend cannot be reached (the message names it)
     */
    void prime();

    /**
     * Renews, after a SnapStart restore, whatever this part made before the snapshot that must be
     * unique to an execution environment or fresh: ids, random seeds, connections, local caches.
     * The default renews the library's random seeds ({@link Randomness#reseed()}); stateful parts
     * override it and call it too. Cheap and safe to call more than once.
     */
    default void afterRestore() {
        Randomness.reseed();
    }

    /**
     * Runs {@link #afterRestore()} on every part, even when an earlier one fails, then reports
     * all failures at once.
     *
     * @param parts the parts, in order
     * @throws PatternsException naming each part that failed
     */
    static void restoreAll(Primeable... parts) {
        Randomness.reseed();
        eachOf(parts, Primeable::afterRestore, "restoring");
    }

    /**
     * Primes every part, even when an earlier one fails, then reports all failures at once.
     *
     * @param parts the parts to prime, in order
     * @throws PatternsException naming each part that failed (each failure is a suppressed exception)
     */
    static void primeAll(Primeable... parts) {
        eachOf(parts, Primeable::prime, "priming");
    }

    /** Runs {@code action} on every part, even when an earlier one fails, then reports all failures at once. */
    private static void eachOf(Primeable[] parts, Consumer<Primeable> action, String what) {
        Objects.requireNonNull(parts, "parts");
        List<RuntimeException> failures = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Primeable part : parts) {
            Objects.requireNonNull(part, "a part is null");
            try {
                action.accept(part);
            } catch (RuntimeException e) {
                failures.add(e);
                names.add(part.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            PatternsException all = new PatternsException(what + " failed for " + failures.size() + " of " + parts.length
                    + " parts: " + String.join("; ", names));
            failures.forEach(all::addSuppressed);
            throw all;
        }
    }
}
