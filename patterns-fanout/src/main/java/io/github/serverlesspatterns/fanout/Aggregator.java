package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.core.logging.LogContext;
import io.github.serverlesspatterns.core.internal.Checks;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.Ticker;

import io.github.serverlesspatterns.core.internal.NameRule;
import io.github.serverlesspatterns.core.metrics.Metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The catalogue's Aggregator: calls K downstreams in parallel, each with its own timeout and all
 * within the invocation's remaining time (minus a margin), then merges their answers.
 *
 * <pre>{@code
 * Aggregator<String, Profile> profile = Aggregator.<String, Profile>builder(results -> Profile.merge(results))
 *         .downstream("orders", ordersInvoker::call, Duration.ofSeconds(2))
 *         .downstream("reviews", Decorators.decorate(reviewsInvoker::call, breaker.decorator()), Duration.ofSeconds(1))
 *         .policy(Aggregator.Policy.BEST_EFFORT)
 *         .build();
 * }</pre>
 *
 * Under {@link Policy#FAIL_FAST} the first failure or timeout, in the order they happen, cancels
 * the rest and raises {@link AggregationException} naming the downstream; under
 * {@link Policy#BEST_EFFORT} the merge function gets every downstream's {@link Result} (a value or
 * an error). Either way the call returns before the invocation's deadline. Each downstream is any
 * {@link Handler}, so it can be wrapped by a circuit breaker; it runs with an {@link Invocation}
 * whose deadline is its own timeout (within the caller's), with the caller's request id, so a
 * remote call that honours deadlines ({@code LambdaInvoker}) ends when the aggregator stops
 * waiting for it. Thread-safe and shared by concurrent invocations (Lambda Managed Instances):
 * each call's downstreams run on daemon threads of a cached pool, one per downstream call in
 * flight; a downstream that honours neither interrupts nor its deadline keeps its thread until it
 * returns ({@link #abandonedCalls()} counts such calls). The timeouts and the reported durations
 * are read from a {@link Ticker} ({@link Builder#ticker}; the system's by default), so a test moves
 * them by hand.
 *
 * @param <I> the request type every downstream takes
 * @param <R> the merged response type
 */
public final class Aggregator<I, R> implements Handler<I, R> {

    /** Time kept before the invocation's deadline by default: 200 ms. */
    public static final Duration DEFAULT_MARGIN = Duration.ofMillis(200);

    /** What a downstream failure does. */
    public enum Policy {
        /** The first failure or timeout fails the whole call (the default). */
        FAIL_FAST,
        /** Every downstream's outcome goes to the merge function. */
        BEST_EFFORT
    }

    /**
     * One downstream's outcome.
     *
     * @param name  the downstream
     * @param value its value, when it succeeded
     * @param error its error (a timeout is a {@link TimeoutException}), when it did not
     */
    public record Result(String name, Object value, Throwable error) {
        /** @return whether it succeeded */
        public boolean ok() {
            return error == null;
        }

        /**
         * @param type the expected value type
         * @param <T>  the type
         * @return the value, if it succeeded
         */
        public <T> Optional<T> value(Class<T> type) {
            return ok() ? Optional.ofNullable(type.cast(value)) : Optional.empty();
        }
    }

    private record Downstream<I>(String name, Handler<I, ?> handler, Duration timeout) {
    }

    private final List<Downstream<I>> downstreams;
    private final Function<Map<String, Result>, R> merge;
    private final Policy policy;
    private final Duration margin;
    private final ExecutorService pool;
    private final Ticker ticker;
    private final LongAdder abandoned = new LongAdder();
    private final Metrics metrics;
    private final String metricsName;
    /** Each downstream's {@code <aggregator>/<downstream>} name (its metrics' and its log lines'), built once. */
    private final String[] partNames;

    /** An aggregator's metrics name. */
    private static final NameRule NAME = new NameRule("aggregator name", "._-:", 64);

    /** The pattern dimension of this class's metrics: {@value}. */
    static final String METRICS_PATTERN = "aggregator";

    private Aggregator(Builder<I, R> b) {
        this.metrics = b.metrics;
        this.metricsName = b.metricsName;
        this.downstreams = List.copyOf(b.downstreams);
        this.partNames = downstreams.stream().map(d -> metricsName + "/" + d.name()).toArray(String[]::new);
        this.merge = b.merge;
        this.policy = b.policy;
        this.margin = b.margin;
        this.ticker = b.ticker;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "aggregator-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param merge turns the downstreams' results (by name, in declaration order) into the response
     * @param <I>   request type
     * @param <R>   response type
     * @return a builder
     */
    public static <I, R> Builder<I, R> builder(Function<Map<String, Result>, R> merge) {
        return new Builder<>(merge);
    }

    @Override
    public R handle(I request, Invocation invocation) {
        long start = ticker.nanoTime();
        Instant startedAt = invocation.clock().instant();
        long budget = Math.max(0, invocation.remainingTime().minus(margin).toNanos());
        int n = downstreams.size();
        long[] limit = new long[n];
        LinkedBlockingQueue<Future<Object>> done = new LinkedBlockingQueue<>();
        ExecutorCompletionService<Object> completions = new ExecutorCompletionService<>(pool, done);
        Map<Future<Object>, Integer> index = new IdentityHashMap<>();
        List<Future<Object>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Downstream<I> d = downstreams.get(i);
            limit[i] = Math.min(d.timeout().toNanos(), budget);
            // the downstream runs under a deadline of its own (same request id and correlation): a remote
            // call that honours deadlines (LambdaInvoker does) stops when the aggregator stops waiting
            Invocation bounded = invocation.toBuilder().deadline(startedAt.plusNanos(limit[i])).build();
            String partName = partNames[i];
            Future<Object> f = completions.submit(() -> {
                // a pool thread: the invocation's request id and the part's name go into its MDC for the part's log lines
                LogContext.Scope logs = LogContext.open(bounded, METRICS_PATTERN, partName, null);
                try {
                    return d.handler().handle(request, bounded);
                } finally {
                    logs.close();
                }
            });
            futures.add(f);
            index.put(f, i);
        }
        Result[] results = new Result[n];
        int pending = n;
        try {
            while (pending > 0) {
                long next = Long.MAX_VALUE; // the nearest timeout among the pending calls, from the start
                for (int i = 0; i < n; i++) {
                    if (results[i] == null) {
                        next = Math.min(next, limit[i]);
                    }
                }
                Future<Object> f = ticker.pollUntil(done, start + next);
                if (f != null) {
                    int i = index.get(f);
                    if (results[i] != null) {
                        continue; // a call stopped at its timeout: cancelling it queued it too, and it already has its result
                    }
                    results[i] = outcome(downstreams.get(i), f);
                    pending--;
                    failFast(i, results[i]);
                    continue;
                }
                long elapsed = ticker.nanoTime() - start;
                for (int i = 0; i < n; i++) {
                    if (results[i] == null && limit[i] <= elapsed && !futures.get(i).isDone()) {
                        Downstream<I> d = downstreams.get(i);
                        stop(futures.get(i));
                        boolean deadline = d.timeout().toNanos() > budget;
                        results[i] = new Result(d.name(), null, new TimeoutException("downstream '" + d.name()
                                + "' did not answer within " + (deadline ? "the invocation's remaining time" : d.timeout())));
                        pending--;
                        failFast(i, results[i]);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FanoutException("aggregator interrupted", e);
        } finally {
            futures.forEach(this::stop);
            metrics.count(METRICS_PATTERN, metricsName, "Calls", 1); // a call that failed fast too
            metrics.time(METRICS_PATTERN, metricsName, "Duration", ticker.nanoTime() - start);
        }
        Map<String, Result> merged = new LinkedHashMap<>();
        for (Result r : results) {
            merged.put(r.name(), r);
        }
        return merge.apply(merged);
    }

    private Result outcome(Downstream<I> d, Future<Object> done) throws InterruptedException {
        try {
            return new Result(d.name(), done.get(), null);
        } catch (ExecutionException e) {
            return new Result(d.name(), null, e.getCause());
        } catch (CancellationException e) {
            return new Result(d.name(), null, e);
        }
    }

    /** Counts a downstream's outcome; under FAIL_FAST, the first failure in completion order (not declaration order) ends the call. */
    private void failFast(int downstream, Result result) {
        // each downstream's outcome, under "<aggregator>/<downstream>": both names are configured, so bounded
        metrics.count(METRICS_PATTERN, partNames[downstream], result.ok() ? "Successes"
                : result.error() instanceof TimeoutException ? "Timeouts" : "Failures", 1);
        if (!result.ok() && policy == Policy.FAIL_FAST) {
            throw new AggregationException("aggregator: downstream '" + result.name() + "' failed: " + result.error(),
                    result.name(), result.error());
        }
    }

    /** Cancels (interrupting) a call the aggregator no longer waits for; one still running is counted as abandoned. */
    private void stop(Future<Object> f) {
        if (!f.isDone() && f.cancel(true)) {
            abandoned.increment();
        }
    }

    /**
     * @return downstream calls this aggregator stopped waiting for while they still ran (cancelled
     *         with an interrupt, and bounded by the deadline they were given; one that honours
     *         neither keeps its thread until it returns)
     */
    public long abandonedCalls() {
        return abandoned.sum();
    }

    /**
     * Builder of {@link Aggregator}. Not thread-safe.
     *
     * @param <I> request type
     * @param <R> response type
     */
    public static final class Builder<I, R> {
        private final Function<Map<String, Result>, R> merge;
        private final List<Downstream<I>> downstreams = new ArrayList<>();
        private Policy policy = Policy.FAIL_FAST;
        private Duration margin = DEFAULT_MARGIN;
        private Metrics metrics = Metrics.none();
        private String metricsName = "aggregator";
        private Ticker ticker = Ticker.system();

        private Builder(Function<Map<String, Result>, R> merge) {
            this.merge = Objects.requireNonNull(merge, "merge");
        }

        /**
         * @param name    unique name
         * @param handler the downstream call (e.g. an invoker's {@code call}, maybe behind a breaker)
         * @param timeout its own timeout
         * @return this builder
         */
        public Builder<I, R> downstream(String name, Handler<I, ?> handler, Duration timeout) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(handler, "handler");
            Checks.positive(timeout, "timeout of '" + name + "'");
            if (downstreams.stream().anyMatch(d -> d.name().equals(name))) {
                throw new IllegalArgumentException("downstream '" + name + "' is declared twice");
            }
            downstreams.add(new Downstream<>(name, handler, timeout));
            return this;
        }

        /**
         * @param policy what a failure does
         * @return this builder
         */
        public Builder<I, R> policy(Policy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Reports each call ({@code Calls}, {@code Duration} under {@code name}) and each downstream's
         * outcome ({@code Successes}, {@code Failures}, {@code Timeouts} under {@code name/downstream}).
         *
         * @param metrics where to report (e.g. {@code EmfMetrics})
         * @param name    this aggregator's name, the Name dimension
         * @return this builder
         */
        public Builder<I, R> metrics(Metrics metrics, String name) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            this.metricsName = NAME.check(name);
            return this;
        }

        /**
         * @param margin time kept before the invocation's deadline (for merging and answering)
         * @return this builder
         */
        public Builder<I, R> margin(Duration margin) {
            Objects.requireNonNull(margin, "margin");
            if (margin.isNegative()) {
                throw new IllegalArgumentException("margin must not be negative: " + margin);
            }
            this.margin = margin;
            return this;
        }

        /**
         * @param ticker what the downstreams' timeouts and the reported durations are read from
         *               (default {@link Ticker#system()}; a test gives one it moves by hand)
         * @return this builder
         */
        public Builder<I, R> ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * @return the aggregator
         * @throws IllegalStateException without downstreams
         */
        public Aggregator<I, R> build() {
            if (downstreams.isEmpty()) {
                throw new IllegalStateException("an aggregator needs at least one downstream");
            }
            return new Aggregator<>(this);
        }
    }
}
