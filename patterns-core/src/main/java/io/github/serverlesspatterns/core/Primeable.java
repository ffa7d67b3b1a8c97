package io.github.serverlesspatterns.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A part that can warm itself up before a Lambda SnapStart snapshot: create its connections,
 * load and initialise the classes of its hot paths and make one read-only call to its backend,
 * so that a restored function does not pay for that on its first invocation.
 *
 * <p>Priming never changes data: no item, key, message or invocation is written. The calls it
 * makes are named by each implementation (for example a DynamoDB {@code GetItem} of a key that
 * does not exist), so the function's role needs no permission beyond what it already uses,
 * unless the implementation's javadoc says otherwise.
 *
 * <p>Use it from a CRaC {@code beforeCheckpoint} (SnapStart runs it before taking the snapshot):
 * <pre>{@code
 * public final class OrderHandler implements RequestHandler<Order, Receipt>, org.crac.Resource {
 *     private final Idempotency<Order, Receipt> once = ...;
 *     private final CircuitBreaker partner = ...;
 *
 *     public OrderHandler() {
 *         org.crac.Core.getGlobalContext().register(this);
 *     }
 *
 *     public void beforeCheckpoint(org.crac.Context<? extends org.crac.Resource> context) {
 *         Primeable.primeAll(once, partner);
 *     }
 *
 *     public void afterRestore(org.crac.Context<? extends org.crac.Resource> context) {
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
     * Primes every part, even when an earlier one fails, then reports all failures at once.
     *
     * @param parts the parts to prime, in order
     * @throws PatternsException naming each part that failed (each failure is a suppressed exception)
     */
    static void primeAll(Primeable... parts) {
        Objects.requireNonNull(parts, "parts");
        List<RuntimeException> failures = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Primeable part : parts) {
            Objects.requireNonNull(part, "a part to prime is null");
            try {
                part.prime();
            } catch (RuntimeException e) {
                failures.add(e);
                names.add(part.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            PatternsException all = new PatternsException("priming failed for " + failures.size() + " of " + parts.length
                    + " parts: " + String.join("; ", names));
            failures.forEach(all::addSuppressed);
            throw all;
        }
    }
}
