package io.github.serverlesspatterns.circuitbreaker;

/**
 * The calls a CLOSED (or METRICS_ONLY) circuit counts, as kept in {@link CircuitState#window()},
 * and the reason an OPEN circuit opened, kept in the same field. Pure functions on the text, so
 * that every store keeps the same format and needs no logic of its own.
 *
 * <ul>
 *   <li>by count: one mark per call, oldest first: {@code 0} success, {@code 1} failure,
 *       {@code 2} slow success, {@code 3} slow failure;</li>
 *   <li>by time: {@code T} then buckets {@code index:calls:failures:slow} joined by {@code ,},
 *       where {@code index} is the epoch second divided by the bucket width; at most
 *       {@link #MAX_BUCKETS} buckets, so the state stays small whatever the window;</li>
 *   <li>in OPEN: {@code opened:} and the reason, e.g. {@code opened:failure-rate:62.5}.</li>
 * </ul>
 */
final class Window {

    /** Buckets of a time window at most; a bucket is {@code ceil(window / 60)} seconds wide. */
    static final int MAX_BUCKETS = 60;
    static final String OPENED = "opened:";

    private Window() {
    }

    /** Totals of a window. */
    record Totals(int calls, int failures, int slow) {
        static final Totals NONE = new Totals(0, 0, 0);

        /** @return percent of calls that failed, -1 when there are no calls */
        float failureRate() {
            return calls == 0 ? -1 : failures * 100f / calls;
        }

        /** @return percent of calls that were slow, -1 when there are no calls */
        float slowRate() {
            return calls == 0 ? -1 : slow * 100f / calls;
        }
    }

    static boolean isTimed(String window) {
        return window.startsWith("T");
    }

    static boolean isReason(String window) {
        return window.startsWith(OPENED);
    }

    static long bucketSeconds(long windowSeconds) {
        return (windowSeconds + MAX_BUCKETS - 1) / MAX_BUCKETS;
    }

    /**
     * @param window        the window text
     * @param nowMillis     now, to drop buckets older than the window; ignored for count windows
     * @param windowSeconds the time window; 0 to count every bucket present
     * @return the totals
     */
    static Totals totals(String window, long nowMillis, long windowSeconds) {
        if (window.isEmpty() || isReason(window)) {
            return Totals.NONE;
        }
        int calls = 0;
        int failures = 0;
        int slow = 0;
        if (!isTimed(window)) {
            for (int i = 0; i < window.length(); i++) {
                int mark = window.charAt(i) - '0';
                calls++;
                failures += mark & 1;
                slow += mark >> 1;
            }
            return new Totals(calls, failures, slow);
        }
        long oldest = windowSeconds == 0 ? Long.MIN_VALUE : oldestIndex(nowMillis, windowSeconds);
        for (String bucket : window.substring(1).split(",")) {
            if (bucket.isEmpty()) {
                continue;
            }
            String[] f = bucket.split(":");
            if (Long.parseLong(f[0]) >= oldest) {
                calls += Integer.parseInt(f[1]);
                failures += Integer.parseInt(f[2]);
                slow += Integer.parseInt(f[3]);
            }
        }
        return new Totals(calls, failures, slow);
    }

    private static long oldestIndex(long nowMillis, long windowSeconds) {
        long width = bucketSeconds(windowSeconds);
        long buckets = (windowSeconds + width - 1) / width;
        return Math.floorDiv(nowMillis / 1000, width) - buckets + 1;
    }

    /** @return the count window with {@code count} more calls of one kind, trimmed to {@code size} */
    static String addByCount(String window, boolean failed, boolean slow, int count, int size) {
        String base = isReason(window) || isTimed(window) ? "" : window;
        char mark = (char) ('0' + (failed ? 1 : 0) + (slow ? 2 : 0));
        StringBuilder next = new StringBuilder(base.length() + count);
        next.append(base);
        for (int i = 0; i < count; i++) {
            next.append(mark);
        }
        if (next.length() > size) {
            next.delete(0, next.length() - size);
        }
        return next.toString();
    }

    /** @return the time window with {@code count} more calls of one kind now, older buckets dropped */
    static String addByTime(String window, boolean failed, boolean slow, int count, long nowMillis, long windowSeconds) {
        long width = bucketSeconds(windowSeconds);
        long current = Math.floorDiv(nowMillis / 1000, width);
        long oldest = oldestIndex(nowMillis, windowSeconds);
        StringBuilder next = new StringBuilder("T");
        boolean added = false;
        if (isTimed(window)) {
            for (String bucket : window.substring(1).split(",")) {
                if (bucket.isEmpty()) {
                    continue;
                }
                String[] f = bucket.split(":");
                long index = Long.parseLong(f[0]);
                if (index < oldest) {
                    continue;
                }
                int calls = Integer.parseInt(f[1]);
                int failures = Integer.parseInt(f[2]);
                int slowCalls = Integer.parseInt(f[3]);
                if (index == current) {
                    calls += count;
                    failures += failed ? count : 0;
                    slowCalls += slow ? count : 0;
                    added = true;
                }
                append(next, index, calls, failures, slowCalls);
            }
        }
        if (!added) {
            append(next, current, count, failed ? count : 0, slow ? count : 0);
        }
        return next.toString();
    }

    private static void append(StringBuilder window, long index, int calls, int failures, int slow) {
        if (window.length() > 1) {
            window.append(',');
        }
        window.append(index).append(':').append(calls).append(':').append(failures).append(':').append(slow);
    }

    /** @return the window text of an OPEN state that records why it opened */
    static String reason(String kind, float value) {
        return OPENED + kind + ":" + value;
    }

    /** @return the window text of an OPEN state that records why it opened */
    static String reason(String kind, int count) {
        return OPENED + kind + ":" + count;
    }

    /** @return the window text of an OPEN state that records why it opened */
    static String reason(String kind) {
        return OPENED + kind;
    }

    /** @return a sentence for a reason text, or null if {@code window} is not one */
    static String describe(String window) {
        if (!isReason(window)) {
            return null;
        }
        String[] f = window.substring(OPENED.length()).split(":", 2);
        switch (f[0]) {
            case "failure-rate":
                return "failure rate " + f[1] + "% reached the threshold";
            case "slow-call-rate":
                return "slow call rate " + f[1] + "% reached the threshold";
            case "consecutive-failures":
                return f[1] + " consecutive failures";
            case "probe-failed":
                return "a half-open probe failed";
            case "by-hand":
                return "opened by hand";
            default:
                return f[0];
        }
    }
}
