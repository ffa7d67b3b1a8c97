package io.github.serverlesspatterns.fifo;

/**
 * What one invocation of the {@link FifoDrainLoop} did. A plain bean so that the Lambda runtime
 * can serialize it.
 */
public final class DrainResult {

    private int processed;
    private int failed;
    private int batches;
    private boolean reinvoked;
    private String stopReason;

    /** For serialization. */
    public DrainResult() {
    }

    DrainResult(int processed, int failed, int batches, boolean reinvoked, StopReason stopReason) {
        this.processed = processed;
        this.failed = failed;
        this.batches = batches;
        this.reinvoked = reinvoked;
        this.stopReason = stopReason.label();
    }

    /** @return messages processed and deleted */
    public int getProcessed() {
        return processed;
    }

    /** @param processed messages processed */
    public void setProcessed(int processed) {
        this.processed = processed;
    }

    /** @return messages that failed (left for redelivery, with the rest of their group) */
    public int getFailed() {
        return failed;
    }

    /** @param failed messages that failed */
    public void setFailed(int failed) {
        this.failed = failed;
    }

    /** @return batches received */
    public int getBatches() {
        return batches;
    }

    /** @param batches batches received */
    public void setBatches(int batches) {
        this.batches = batches;
    }

    /** @return whether the function invoked itself again to go on draining */
    public boolean isReinvoked() {
        return reinvoked;
    }

    /** @param reinvoked whether it re-invoked itself */
    public void setReinvoked(boolean reinvoked) {
        this.reinvoked = reinvoked;
    }

    /**
     * @return why this invocation stopped, as written on the wire: {@code empty}, {@code deadline}
     *         or {@code batch-limit} (the {@link StopReason#label() labels}); {@link #reason()} gives the enum
     */
    public String getStopReason() {
        return stopReason;
    }

    /**
     * @return why this invocation stopped
     * @throws IllegalArgumentException if the stop reason set is none of the labels
     */
    public StopReason reason() {
        return stopReason == null ? null : StopReason.ofLabel(stopReason);
    }

    /** @param stopReason why it stopped */
    public void setStopReason(String stopReason) {
        this.stopReason = stopReason;
    }

    @Override
    public String toString() {
        return "DrainResult{processed=" + processed + ", failed=" + failed + ", batches=" + batches + ", reinvoked=" + reinvoked
                + ", stopReason=" + stopReason + '}';
    }
}
