package io.github.serverlesspatterns.core;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Wires {@link Primeable} parts to the CRaC runtime hooks that Lambda SnapStart calls: before the
 * snapshot, {@link Primeable#primeAll}; after each restore, {@link Primeable#restoreAll}. Needs
 * {@code org.crac:crac} on the class path (an optional dependency of this module; SnapStart
 * functions have it). Call it once per handler instance, from its constructor.
 *
 * <pre>{@code
 * public OrderHandler() {
 *     SnapStart.register(idempotency, breaker, cache);
 * }
 * }</pre>
 *
 * CRaC keeps registered resources by weak reference, so the returned registration must stay
 * reachable: the handler holds it in a field, or this class keeps it (it does, until
 * {@link #clear()}).
 */
public final class SnapStart {

    /** Strong references to what was registered: CRaC's global context holds resources weakly. */
    private static final List<Object> REGISTERED = new ArrayList<>();

    private SnapStart() {
    }

    /**
     * Registers the parts with CRaC's global context.
     *
     * @param parts the parts to prime before the snapshot and to renew after each restore
     * @return the CRaC resource registered
     * @throws NoClassDefFoundError when {@code org.crac:crac} is not on the class path
     */
    public static Resource register(Primeable... parts) {
        Objects.requireNonNull(parts, "parts");
        Primeable[] copy = parts.clone();
        for (Primeable part : copy) {
            Objects.requireNonNull(part, "a part is null");
        }
        Resource resource = new Resource() {
            @Override
            public void beforeCheckpoint(Context<? extends Resource> context) {
                Primeable.primeAll(copy);
            }

            @Override
            public void afterRestore(Context<? extends Resource> context) {
                Primeable.restoreAll(copy);
            }
        };
        synchronized (REGISTERED) {
            REGISTERED.add(resource);
        }
        Core.getGlobalContext().register(resource);
        return resource;
    }

    /** Drops the strong references this class keeps (for tests). */
    static void clear() {
        synchronized (REGISTERED) {
            REGISTERED.clear();
        }
    }
}
