package io.github.serverlesspatterns.fifo;

/** Why one invocation of the {@link FifoDrainLoop} stopped draining. */
public enum StopReason {
    /** The queue had no visible message: the loop ends here, no re-invocation. */
    EMPTY("empty"),
    /** Too little of the invocation's time was left for another batch: it re-invokes itself. */
    DEADLINE("deadline"),
    /** It received its configured most batches: it re-invokes itself. */
    BATCH_LIMIT("batch-limit");

    private final String label;

    StopReason(String label) {
        this.label = label;
    }

    /** @return the name written into {@link DrainResult#getStopReason()}: {@code empty}, {@code deadline} or {@code batch-limit} */
    public String label() {
        return label;
    }

    /**
     * @param label a label written by {@link #label()}
     * @return its reason
     * @throws IllegalArgumentException naming the label and the known ones, if it is none of them
     */
    public static StopReason ofLabel(String label) {
        for (StopReason r : values()) {
            if (r.label.equals(label)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown stop reason '" + label + "': expected empty, deadline or batch-limit");
    }
}
