/**
 * <strong>Not API.</strong> Plumbing the pattern modules share, written once: validation checks whose
 * messages are generated from the rule they check ({@link io.github.serverlesspatterns.core.internal.Checks},
 * {@link io.github.serverlesspatterns.core.internal.NameRule}), the bounded local cache with expiry
 * ({@link io.github.serverlesspatterns.core.internal.BoundedCache}), the "skip the backend until" window
 * ({@link io.github.serverlesspatterns.core.internal.DownWindow}) and the priming key
 * ({@link io.github.serverlesspatterns.core.internal.Priming}). Public only because the modules are in
 * other packages; anything here may change in any release without notice.
 */
package io.github.serverlesspatterns.core.internal;
