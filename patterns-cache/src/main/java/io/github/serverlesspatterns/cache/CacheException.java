package io.github.serverlesspatterns.cache;

import io.github.serverlesspatterns.core.PatternsException;

/**
 * The base of the exceptions {@code patterns-cache} raises itself: a Redis value in another format
 * than this cache's (another cache, or another version, under the same names), priming that could
 * not reach Redis, a wait for a load that was interrupted. Redis failures on the read path are not
 * among them: the loader answers instead. Each message names the cache.
 */
public class CacheException extends PatternsException {

    private static final long serialVersionUID = 1L;

    /** @param message what happened, naming the cache */
    public CacheException(String message) {
        super(message);
    }

    /**
     * @param message what happened, naming the cache
     * @param cause   the underlying error
     */
    public CacheException(String message, Throwable cause) {
        super(message, cause);
    }
}
