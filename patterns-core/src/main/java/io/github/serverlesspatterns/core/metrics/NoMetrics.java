package io.github.serverlesspatterns.core.metrics;

/** Metrics off: every method is empty. */
final class NoMetrics implements Metrics {

    static final NoMetrics INSTANCE = new NoMetrics();

    private NoMetrics() {
    }

    @Override
    public void count(String pattern, String name, String metric, long delta) {
        // off
    }

    @Override
    public void time(String pattern, String name, String metric, long nanos) {
        // off
    }

    @Override
    public void level(String pattern, String name, String metric, double value) {
        // off
    }

    private static final BoundCounter NO_COUNTER = delta -> {
        // off
    };
    private static final BoundTimer NO_TIMER = nanos -> {
        // off
    };

    @Override
    public void bytes(String pattern, String name, String metric, long bytes) {
        // off
    }

    @Override
    public BoundCounter counter(String pattern, String name, String metric) {
        return NO_COUNTER;
    }

    @Override
    public BoundTimer timer(String pattern, String name, String metric) {
        return NO_TIMER;
    }

    @Override
    public String toString() {
        return "Metrics.none()";
    }
}
