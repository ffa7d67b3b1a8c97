package io.github.serverlesspatterns.fanout.dynamodb;

import io.github.serverlesspatterns.core.Ticker;
import io.github.serverlesspatterns.core.internal.BoundedCache;
import io.github.serverlesspatterns.core.internal.Priming;
import io.github.serverlesspatterns.fanout.FanoutException;
import io.github.serverlesspatterns.fanout.JobStatus;
import io.github.serverlesspatterns.fanout.JobStore;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.github.serverlesspatterns.core.internal.Checks;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * Fan-out/fan-in bookkeeping in one DynamoDB table: partition key {@code job} (S), sort key
 * {@code item} (S), TTL on {@code expiration}. A job's writes are spread over one partition key
 * per shard of {@value #SHARD_SIZE} tasks, so no partition key takes more than
 * {@value #SHARD_SIZE} tasks' writes whatever the job's size:
 * <ul>
 *   <li>the job record: {@code job = <jobId>}, {@code item = "#job"}, with {@code expected},
 *       {@code shards}, {@code deadline}, {@code fullShards} (a number set) and the completion
 *       claim; the only item written when the job is created;</li>
 *   <li>shard {@code n}: {@code job = <jobId>#s<n>}, holding the shard's counter item
 *       ({@code item = "#shard"}, a number set {@code done} of at most {@value #SHARD_SIZE} task
 *       ids: under 1 KB, one write unit per update) and its tasks' results
 *       ({@code item = "task#0000000042"}, one item each).</li>
 * </ul>
 *
 * <p>Every write is a single-item, idempotent operation, so a task counts once however often
 * or concurrently its worker runs, and a worker that dies half-way is made good by its retry:
 * recording a result is a conditional {@code PutItem} (a repeat changes nothing) and an
 * {@code ADD} of the task id to its shard's set (adding a member twice is a no-op), which returns
 * nothing unless it may have filled the shard. When a shard fills, its number is added to the
 * job's {@code fullShards} set the same way; when that set is complete, one conditional
 * {@code UpdateItem} lets one worker at a time fire the completion callback. No transaction is
 * used. Thread-safe.
 *
 * <p>Per task: two writes of one write unit each while the result and the item keys fit in 1 KB
 * (a larger result costs one unit per KB), plus one job-record update per full shard; see
 * {@code SCALE.md} for the ceiling this gives.
 */
public final class DynamoDbJobStore implements JobStore {

    /** DynamoDB's item limit less room for the attribute names and the task key: a result may be this large less its job id's bytes. */
    public static final int MAX_RESULT_BYTES = 400 * 1024 - 256;
    /**
     * Tasks per shard: {@value}. A shard's set of done task ids stays under 1 KB (one write unit
     * per update), and its results share a partition key that no other shard's writes touch.
     */
    public static final int SHARD_SIZE = 100;
    /** Default time job and result items are kept (their TTL): 1 day. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(1);
    private static final String SHARD = "#shard";
    private static final String JOB = "#job";

    private final DynamoDbClient client;
    private final String table;
    private final Duration retention;
    private final Clock clock;
    /** The pauses between reads of shards DynamoDB left unprocessed (throttled). */
    private final Ticker ticker;
    /** A job's task count and deadline never change: read once per job per instance, then kept (bounded). */
    private final BoundedCache<JobMeta> jobs = new BoundedCache<>(1_000);

    private record JobMeta(int expected, Instant deadline) {
    }

    private DynamoDbJobStore(DynamoDbClient client, String table, Duration retention, Clock clock, Ticker ticker) {
        this.client = client;
        this.table = table;
        this.retention = retention;
        this.clock = clock;
        this.ticker = ticker;
    }

    /**
     * @param client a DynamoDB client the caller built (and closes)
     * @param table  the table
     * @return a store that keeps jobs {@link #DEFAULT_RETENTION}, on the system clock and ticker
     * @throws IllegalArgumentException if the table name is blank
     */
    public static DynamoDbJobStore create(DynamoDbClient client, String table) {
        return builder(client, table).build();
    }

    /**
     * @param client a DynamoDB client the caller built (and closes)
     * @param table  the table
     * @return a builder starting from {@link #DEFAULT_RETENTION}, the system clock and the system ticker
     * @throws IllegalArgumentException if the table name is blank
     */
    public static Builder builder(DynamoDbClient client, String table) {
        return new Builder(client, table);
    }

    /** Builder of {@link DynamoDbJobStore}; each setter checks its value at once. Not thread-safe. */
    public static final class Builder {
        private final DynamoDbClient client;
        private final String table;
        private Duration retention = DEFAULT_RETENTION;
        private Clock clock = Clock.systemUTC();
        private Ticker ticker = Ticker.system();

        private Builder(DynamoDbClient client, String table) {
            this.client = Objects.requireNonNull(client, "client");
            this.table = Checks.notBlank(table, "table");
        }

        /**
         * @param retention how long job and result items are kept after the job's creation (the
         *                  TTL), at least a minute; default 1 day. Keep it past the job's deadline and
         *                  the time its results are read.
         * @return this builder
         * @throws IllegalArgumentException if it is under a minute
         */
        public Builder retention(Duration retention) {
            this.retention = Checks.atLeast(retention, Duration.ofMinutes(1), "retention");
            return this;
        }

        /**
         * @param clock the clock of deadlines and expirations; default the system's (UTC)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param ticker the pauses between reads of shards DynamoDB left unprocessed when throttled
         *               (50 ms doubling to 1 s); default {@link Ticker#system()}, a test passes the
         *               kit's {@code ManualTicker}
         * @return this builder
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** @return the store */
        public DynamoDbJobStore build() {
            return new DynamoDbJobStore(client, table, retention, clock, ticker);
        }
    }

    /** Creates the table (on demand, TTL on {@code expiration}) if missing, and waits for it. */
    public void createTableIfMissing() {
        try {
            client.createTable(b -> b.tableName(table)
                    .keySchema(KeySchemaElement.builder().attributeName("job").keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName("item").keyType(KeyType.RANGE).build())
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("job").attributeType(ScalarAttributeType.S).build(),
                            AttributeDefinition.builder().attributeName("item").attributeType(ScalarAttributeType.S).build())
                    .billingMode(BillingMode.PAY_PER_REQUEST));
        } catch (ResourceInUseException alreadyThere) {
            return;
        }
        client.waiter().waitUntilTableExists(b -> b.tableName(table));
        client.updateTimeToLive(b -> b.tableName(table).timeToLiveSpecification(t -> t.attributeName("expiration").enabled(true)));
    }

    private Map<String, AttributeValue> key(String job, String item) {
        return Map.of("job", AttributeValue.fromS(job), "item", AttributeValue.fromS(item));
    }

    /** Items of a job live until its deadline plus the retention (at least the retention from now): bookkeeping outlives the job. */
    private AttributeValue expiration(Instant deadline) {
        Instant now = clock.instant();
        Instant from = deadline.isAfter(now) ? deadline : now;
        return AttributeValue.fromN(Long.toString(from.plus(retention).getEpochSecond()));
    }

    private static String taskItem(int taskId) {
        return String.format("task#%010d", taskId);
    }

    /**
     * Records a new job: one conditional {@code PutItem} of the job record (shard items are made by
     * the first result counted into them), so creation is atomic, and a repeated call with the same
     * task count and deadline is a no-op that returns {@code false}.
     *
     * @param jobId    the job
     * @param expected the number of tasks (at least 1)
     * @param deadline when the job should be done (in the future); its items live until then plus the retention
     * @return {@code true} if this call created the job, {@code false} if it existed with the same tasks and deadline (resumed)
     * @throws IllegalArgumentException for no tasks, a job id that is empty or longer than {@value JobStore#MAX_JOB_ID_LENGTH}
     *                                  characters, or a deadline already past
     * @throws IllegalStateException    if a job with this id exists with another task count or deadline
     */
    @Override
    public boolean createJob(String jobId, int expected, Instant deadline) {
        JobStore.checkNewJob(jobId, expected, deadline, clock.instant());
        int shards = shards(expected);
        AttributeValue expiration = expiration(deadline);
        try {
            client.putItem(b -> b.tableName(table).item(Map.of("job", AttributeValue.fromS(jobId), "item", AttributeValue.fromS(JOB),
                            "expected", AttributeValue.fromN(Integer.toString(expected)),
                            "shards", AttributeValue.fromN(Integer.toString(shards)),
                            "deadline", AttributeValue.fromN(Long.toString(deadline.toEpochMilli())), "expiration", expiration))
                    .conditionExpression("attribute_not_exists(job)"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            JobMeta existing = read(jobId).orElseThrow(() -> new IllegalStateException("fan-out job '" + jobId
                    + "' was there a moment ago and is gone (expired?); create it under a new id", e));
            if (existing.expected() != expected || !existing.deadline().equals(Instant.ofEpochMilli(deadline.toEpochMilli()))) {
                throw new IllegalStateException("fan-out job '" + jobId + "' already exists with " + existing.expected()
                        + " tasks and deadline " + existing.deadline() + "; a retry must pass the same (" + expected + ", "
                        + deadline + "), a new job a new id", e);
            }
            return false; // a retry of a creation that went through
        }
    }

    private static int shards(int expected) {
        return (expected + SHARD_SIZE - 1) / SHARD_SIZE;
    }

    /** Tasks in a shard: {@value #SHARD_SIZE}, fewer in the last. */
    private static int shardSize(int expected, int shard) {
        return Math.min(SHARD_SIZE, expected - shard * SHARD_SIZE);
    }


    private Optional<JobMeta> read(String jobId) {
        Map<String, AttributeValue> job = client.getItem(b -> b.tableName(table).key(key(jobId, JOB)).consistentRead(true)).item();
        if (job == null || job.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new JobMeta(Integer.parseInt(job.get("expected").n()),
                Instant.ofEpochMilli(Long.parseLong(job.get("deadline").n()))));
    }

    /** A job's task count and deadline, read once per job per instance. */
    private JobMeta job(String jobId, int taskId) {
        long now = clock.millis();
        JobMeta known = jobs.get(jobId, now);
        if (known != null) {
            return known;
        }
        JobMeta meta = read(jobId).orElseThrow(() -> JobStore.unknownJob(jobId, taskId));
        jobs.put(jobId, meta, now + retention.toMillis());
        return meta;
    }

    /** The partition key of a shard's counter and results. */
    private static String shardKey(String jobId, int shard) {
        return jobId + "#s" + shard;
    }

    /**
     * Records a task's result and marks the task done; idempotent.
     *
     * @param jobId  the job
     * @param taskId the task
     * @param result the encoded result
     * @return {@code true} if, after this call, every task of the job is done (then try
     *         {@link #claimCompletion}); may be true for more than one caller
     * @throws FanoutException if the job or task is unknown, the job is past its deadline (a late result is
     *                           refused: the job's owner has been told it is overdue), or the result is too large
     */
    @Override
    public boolean recordResult(String jobId, int taskId, byte[] result) {
        JobMeta job = job(jobId, taskId);
        int expected = job.expected();
        JobStore.checkResult(jobId, taskId, expected, job.deadline(), clock.instant());
        // DynamoDB counts the key attributes too: the job id takes room from the result
        int room = MAX_RESULT_BYTES - jobId.getBytes(StandardCharsets.UTF_8).length;
        if (result.length > room) {
            throw new FanoutException("fan-in job '" + jobId + "' task " + taskId + ": result is " + result.length
                    + " bytes, over the " + room + " bytes a DynamoDB item can hold beside this job id; store it in S3 and return the key");
        }
        int shard = taskId / SHARD_SIZE;
        String partition = shardKey(jobId, shard);
        AttributeValue expiration = expiration(job.deadline());
        try {
            client.putItem(b -> b.tableName(table)
                    .item(Map.of("job", AttributeValue.fromS(partition), "item", AttributeValue.fromS(taskItem(taskId)),
                            "result", AttributeValue.fromB(SdkBytes.fromByteArray(result)), "expiration", expiration))
                    .conditionExpression("attribute_not_exists(job)"));
        } catch (ConditionalCheckFailedException duplicate) {
            // recorded before: go on, the steps below are idempotent and finish what a dead worker left
        }
        boolean shardFull = addToSet(key(partition, SHARD), "done", taskId, shardSize(expected, shard), expiration);
        return shardFull && addToSet(key(jobId, JOB), "fullShards", shard, shards(expected), null);
    }

    /**
     * Adds a member to a number set and says whether the set then has {@code capacity} members.
     * The usual case, a new member that cannot fill the set, is one conditional {@code ADD} that
     * returns nothing (the set is not sent back); only a member that may fill it (or was added
     * before, by a worker that died or runs twice) costs a second {@code ADD} that returns the set.
     *
     * @param expiration set on the item as well (it may be the item's first write), or {@code null}
     */
    private boolean addToSet(Map<String, AttributeValue> key, String set, int member, int capacity, AttributeValue expiration) {
        AttributeValue members = AttributeValue.fromNs(List.of(Integer.toString(member)));
        String update = "ADD #set :m" + (expiration == null ? "" : " SET expiration = :exp");
        Map<String, String> names = Map.of("#set", set);
        if (capacity > 1) {
            Map<String, AttributeValue> values = new HashMap<>(Map.of(":m", members,
                    ":n", AttributeValue.fromN(Integer.toString(member)), ":last", AttributeValue.fromN(Integer.toString(capacity - 1))));
            if (expiration != null) {
                values.put(":exp", expiration);
            }
            try {
                client.updateItem(b -> b.tableName(table).key(key).updateExpression(update).expressionAttributeNames(names)
                        .conditionExpression("attribute_not_exists(#set) OR (NOT contains(#set, :n) AND size(#set) < :last)")
                        .expressionAttributeValues(values));
                return false; // one more of at most capacity - 1: not full
            } catch (ConditionalCheckFailedException mayFill) {
                // the last member, or one added before: add it (a no-op if there) and look at the set
            }
        }
        Map<String, AttributeValue> values = expiration == null ? Map.of(":m", members) : Map.of(":m", members, ":exp", expiration);
        Map<String, AttributeValue> after = client.updateItem(b -> b.tableName(table).key(key).updateExpression(update)
                .expressionAttributeNames(names).expressionAttributeValues(values).returnValues(ReturnValue.ALL_NEW)).attributes();
        return after.get(set).ns().size() >= capacity;
    }

    /**
     * Claims the job's completion once every task is done: one caller at a time holds the claim,
     * until it reports the callback done ({@link #completionDone}) or failed
     * ({@link #completionFailed}), or its lease ({@link JobStore#COMPLETION_LEASE}) ends, so that the
     * callback runs at least once and, while it succeeds, once.
     *
     * @param jobId the job
     * @return a claim token for the one caller that must run the completion callback, or empty
     */
    @Override
    public Optional<String> claimCompletion(String jobId) {
        String token = UUID.randomUUID().toString();
        long now = clock.millis();
        try {
            client.updateItem(b -> b.tableName(table).key(key(jobId, JOB))
                    .updateExpression("SET completionClaim = :token, completionClaimUntil = :until")
                    .conditionExpression("attribute_exists(fullShards) AND size(fullShards) = shards AND attribute_not_exists(callbackFired)"
                            + " AND (attribute_not_exists(completionClaim) OR completionClaimUntil < :now)")
                    .expressionAttributeValues(Map.of(":token", AttributeValue.fromS(token),
                            ":until", AttributeValue.fromN(Long.toString(now + COMPLETION_LEASE.toMillis())),
                            ":now", AttributeValue.fromN(Long.toString(now)))));
            return Optional.of(token);
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    /**
     * Records that the completion callback succeeded (then {@link JobStatus#callbackFired()}).
     *
     * @param jobId the job
     * @param token the claim token
     */
    @Override
    public void completionDone(String jobId, String token) {
        try {
            client.updateItem(b -> b.tableName(table).key(key(jobId, JOB))
                    .updateExpression("SET callbackFired = :yes REMOVE completionClaim, completionClaimUntil")
                    .conditionExpression("completionClaim = :token")
                    .expressionAttributeValues(Map.of(":yes", AttributeValue.fromBool(true), ":token", AttributeValue.fromS(token))));
        } catch (ConditionalCheckFailedException lostClaim) {
            // the lease ended and another worker claimed: it runs the (idempotent) callback again and records it
        }
    }

    /**
     * Gives the completion claim up after the callback failed, so that the worker's retry claims it again.
     *
     * @param jobId the job
     * @param token the claim token
     */
    @Override
    public void completionFailed(String jobId, String token) {
        try {
            client.updateItem(b -> b.tableName(table).key(key(jobId, JOB))
                    .updateExpression("REMOVE completionClaim, completionClaimUntil").conditionExpression("completionClaim = :token")
                    .expressionAttributeValues(Map.of(":token", AttributeValue.fromS(token))));
        } catch (ConditionalCheckFailedException lostClaim) {
            // already taken over
        }
    }

    /**
     * Claims the one overdue signal of a job past its deadline: one caller gets {@code true},
     * until it gives the claim up with {@link #overdueSignalFailed} (its signal failed).
     *
     * @param jobId the job
     * @return whether this caller must send the overdue signal
     */
    @Override
    public boolean claimOverdueSignal(String jobId) {
        try {
            client.updateItem(b -> b.tableName(table).key(key(jobId, JOB)).updateExpression("SET overdueSignalled = :now")
                    .conditionExpression("attribute_exists(job) AND attribute_not_exists(overdueSignalled) AND deadline < :now")
                    .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(clock.millis())))));
            return true;
        } catch (ConditionalCheckFailedException alreadyOrNotYet) {
            return false;
        }
    }

    /** Gives the overdue signal's claim up, so that the next check sends it again. */
    @Override
    public void overdueSignalFailed(String jobId) {
        client.updateItem(b -> b.tableName(table).key(key(jobId, JOB)).updateExpression("REMOVE overdueSignalled"));
    }

    /** @return the store's clock (the deadline check judges by it) */
    @Override
    public Clock clock() {
        return clock;
    }

    /**
     * Reads every result of a job, a page at a time, in task order.
     *
     * @param jobId    the job
     * @param consumer gets (task id, encoded result)
     */
    @Override
    public void results(String jobId, BiConsumer<Integer, byte[]> consumer) {
        JobMeta job = read(jobId).orElseThrow(() -> new FanoutException("fan-out job '" + jobId + "' is unknown"));
        for (int shard = 0; shard < shards(job.expected()); shard++) {
            String partition = shardKey(jobId, shard);
            client.queryPaginator(b -> b.tableName(table).consistentRead(true).limit(SHARD_SIZE) // bounded pages, whatever the backend
                            .keyConditionExpression("job = :job AND begins_with(item, :task)")
                            .expressionAttributeValues(Map.of(":job", AttributeValue.fromS(partition), ":task", AttributeValue.fromS("task#"))))
                    .items().forEach(item -> consumer.accept(Integer.parseInt(item.get("item").s().substring(5)),
                            item.get("result").b().asByteArray()));
        }
    }

    /**
     * @param jobId the job
     * @return where it stands, with the missing task numbers
     * @throws FanoutException if the job is unknown
     */
    @Override
    public JobStatus status(String jobId) {
        Map<String, AttributeValue> job = client.getItem(b -> b.tableName(table).key(key(jobId, JOB)).consistentRead(true)).item();
        if (job == null || job.isEmpty()) {
            throw new FanoutException("fan-out job '" + jobId + "' is unknown");
        }
        int expected = Integer.parseInt(job.get("expected").n());
        int shards = Integer.parseInt(job.get("shards").n());
        // done = counted in its shard's set; read from the shard items only, never the result payloads. A task whose
        // worker died after writing its result but before counting it is missing until its retry counts it
        BitSet done = new BitSet(expected);
        for (int from = 0; from < shards; from += BATCH_GET) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (int shard = from; shard < Math.min(shards, from + BATCH_GET); shard++) {
                keys.add(key(shardKey(jobId, shard), SHARD));
            }
            readDone(keys, done);
        }
        int completed = done.cardinality();
        List<Integer> missing = new ArrayList<>(expected - completed);
        for (int i = done.nextClearBit(0); i < expected; i = done.nextClearBit(i + 1)) {
            missing.add(i);
        }
        AttributeValue fired = job.get("callbackFired");
        return new JobStatus(jobId, expected, completed,
                Instant.ofEpochMilli(Long.parseLong(job.get("deadline").n())), missing,
                fired != null && Boolean.TRUE.equals(fired.bool()));
    }

    /** Keys per {@code BatchGetItem}: DynamoDB's limit, {@value}. */
    private static final int BATCH_GET = 100;
    static final int MAX_BATCH_ATTEMPTS = 8;

    /** Reads the {@code done} sets of up to 100 shard items, again for any keys DynamoDB left unprocessed. */
    private void readDone(List<Map<String, AttributeValue>> keys, BitSet done) {
        Map<String, KeysAndAttributes> request = Map.of(table,
                KeysAndAttributes.builder().keys(keys).consistentRead(true)
                        .projectionExpression("done").build());
        for (int attempt = 0; request != null && !request.isEmpty(); attempt++) {
            if (attempt == MAX_BATCH_ATTEMPTS) {
                throw new FanoutException("fan-out: DynamoDB left " + request.get(table).keys().size() + " shard items of table '"
                        + table + "' unread after " + MAX_BATCH_ATTEMPTS + " attempts (throttled); ask for the status again later");
            }
            if (attempt > 0) {
                sleepBeforeRetry(attempt);
            }
            var ask = request;
            var response = client.batchGetItem(b -> b.requestItems(ask));
            response.responses().getOrDefault(table, List.of()).forEach(item -> {
                AttributeValue ids = item.get("done");
                if (ids != null) {
                    ids.ns().forEach(id -> done.set(Integer.parseInt(id)));
                }
            });
            request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : null;
        }
    }

    /** @return the pause before the given retry of a status read: 50 ms, 100 ms, ... up to 1 s */
    static Duration backoff(int attempt) {
        return Duration.ofMillis(Math.min(1_000L, 25L << Math.min(attempt, 6)));
    }

    private void sleepBeforeRetry(int attempt) {
        try {
            ticker.sleep(backoff(attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FanoutException("fan-out: interrupted while reading a job's status", e);
        }
    }

    /**
     * Warms the store for a SnapStart snapshot: one consistent {@code GetItem} of a job that is
     * never written (the read path's client, connection and classes); nothing is written.
     *
     * @throws FanoutException naming the table when it cannot be read
     */
    @Override
    public void prime() {
        try {
            client.getItem(b -> b.tableName(table).key(key(Priming.KEY, JOB)).consistentRead(true));
        } catch (RuntimeException e) {
            throw new FanoutException("fan-in job table '" + table + "': priming failed: " + e.getMessage(), e);
        }
    }
}
