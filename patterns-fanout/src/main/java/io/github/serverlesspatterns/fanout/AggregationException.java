package io.github.serverlesspatterns.fanout;

/** One downstream of an {@link Aggregator} failed or timed out under {@link Aggregator.Policy#FAIL_FAST}. */
public class AggregationException extends FanoutException {

    private static final long serialVersionUID = 1L;
    private final String downstream;

    /**
     * @param message    names the downstream and its error
     * @param downstream the downstream
     * @param cause      its error
     */
    public AggregationException(String message, String downstream, Throwable cause) {
        super(message, cause);
        this.downstream = downstream;
    }

    /** @return the downstream that failed */
    public String downstream() {
        return downstream;
    }
}
