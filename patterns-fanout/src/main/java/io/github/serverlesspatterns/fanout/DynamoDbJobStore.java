package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.core.PatternsException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * Fan-out/fan-in bookkeeping in one DynamoDB table: partition key {@code job} (S), sort key
 * {@code item} (S). The job record ({@code item = "#job"}) holds {@code expected},
 * {@code completed}, {@code deadline} and {@code callbackFired}; each task's result is its own item
 * ({@code item = "task#0000000042"}), so a job of any size works (10,000 tasks and more) and
 * results are read back a page at a time. TTL on {@code expiration}.
 *
 * <p>Recording a result is one {@code TransactWriteItems}: put the result if absent and add 1 to
 * {@code completed}, so a task counts at most once however often or concurrently its worker runs.
 * Claiming the completion is one conditional {@code UpdateItem} ({@code completed = expected},
 * callback not fired yet), so exactly one worker fires the callback. Thread-safe.
 */
public final class DynamoDbJobStore {

    /** DynamoDB's item limit, less room for the keys: a task result may be at most this large. */
    public static final int MAX_RESULT_BYTES = 400 * 1024 - 256;
    private static final String JOB = "#job";

    private final DynamoDbClient client;
    private final String table;
    private final Duration retention;
    private final Clock clock;

    private DynamoDbJobStore(DynamoDbClient client, String table, Duration retention, Clock clock) {
        this.client = client;
        this.table = table;
        this.retention = retention;
        this.clock = clock;
    }

    /**
     * @param client    a DynamoDB client the caller built
     * @param table     the table
     * @param retention how long job and result items are kept (TTL)
     * @param clock     the clock
     * @return the store
     */
    public static DynamoDbJobStore create(DynamoDbClient client, String table, Duration retention, Clock clock) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(clock, "clock");
        if (retention.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("retention must be at least a minute: " + retention);
        }
        return new DynamoDbJobStore(client, table, retention, clock);
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

    private AttributeValue expiration() {
        return AttributeValue.fromN(Long.toString(clock.instant().plus(retention).getEpochSecond()));
    }

    private static String taskItem(int taskId) {
        return String.format("task#%010d", taskId);
    }

    /**
     * Records a new job; fails if the job id is taken.
     *
     * @param jobId    the job
     * @param expected the number of tasks (at least 1)
     * @param deadline when the job should be done
     * @throws IllegalStateException if a job with this id exists
     */
    public void createJob(String jobId, int expected, Instant deadline) {
        if (expected < 1) {
            throw new IllegalArgumentException("a job needs at least one task: " + expected);
        }
        try {
            client.putItem(b -> b.tableName(table).item(Map.of("job", AttributeValue.fromS(jobId), "item", AttributeValue.fromS(JOB),
                            "expected", AttributeValue.fromN(Integer.toString(expected)), "completed", AttributeValue.fromN("0"),
                            "deadline", AttributeValue.fromN(Long.toString(deadline.toEpochMilli())), "expiration", expiration()))
                    .conditionExpression("attribute_not_exists(job)"));
        } catch (ConditionalCheckFailedException e) {
            throw new IllegalStateException("fan-out job '" + jobId + "' already exists", e);
        }
    }

    /**
     * Records a task's result and counts the task, at most once.
     *
     * @param jobId  the job
     * @param taskId the task
     * @param result the encoded result
     * @return {@code true} if counted now, {@code false} if it was counted before (a duplicate run)
     * @throws PatternsException if the job is unknown or the result is too large
     */
    public boolean recordResult(String jobId, int taskId, byte[] result) {
        if (result.length > MAX_RESULT_BYTES) {
            throw new PatternsException("fan-in job '" + jobId + "' task " + taskId + ": result is " + result.length
                    + " bytes, over the " + MAX_RESULT_BYTES + " bytes a DynamoDB item can hold; store it in S3 and return the key");
        }
        TransactWriteItem put = TransactWriteItem.builder().put(p -> p.tableName(table)
                .item(Map.of("job", AttributeValue.fromS(jobId), "item", AttributeValue.fromS(taskItem(taskId)),
                        "result", AttributeValue.fromB(SdkBytes.fromByteArray(result)), "expiration", expiration()))
                .conditionExpression("attribute_not_exists(job)")).build();
        TransactWriteItem count = TransactWriteItem.builder().update(u -> u.tableName(table).key(key(jobId, JOB))
                .updateExpression("SET completed = completed + :one")
                .conditionExpression("attribute_exists(job)")
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))).build();
        try {
            client.transactWriteItems(b -> b.transactItems(put, count));
            return true;
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
            if (reasons.size() == 2 && "ConditionalCheckFailed".equals(reasons.get(1).code())) {
                throw new PatternsException("fan-in: job '" + jobId + "' is unknown (task " + taskId + ")", e);
            }
            if (reasons.isEmpty() || "ConditionalCheckFailed".equals(reasons.get(0).code())) {
                return false; // the result is already there: counted before
            }
            throw e;
        }
    }

    /**
     * Claims the job's completion: succeeds for exactly one caller, once every task is counted.
     *
     * @param jobId the job
     * @return {@code true} for the one caller that must fire the completion callback
     */
    public boolean claimCompletion(String jobId) {
        try {
            client.updateItem(b -> b.tableName(table).key(key(jobId, JOB)).updateExpression("SET callbackFired = :yes")
                    .conditionExpression("completed = expected AND attribute_not_exists(callbackFired)")
                    .expressionAttributeValues(Map.of(":yes", AttributeValue.fromBool(true))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /**
     * Reads every result of a job, a page at a time, in task order.
     *
     * @param jobId    the job
     * @param consumer gets (task id, encoded result)
     */
    public void results(String jobId, BiConsumer<Integer, byte[]> consumer) {
        client.queryPaginator(b -> b.tableName(table).consistentRead(true)
                        .keyConditionExpression("job = :job AND begins_with(item, :task)")
                        .expressionAttributeValues(Map.of(":job", AttributeValue.fromS(jobId), ":task", AttributeValue.fromS("task#"))))
                .items().forEach(item -> consumer.accept(Integer.parseInt(item.get("item").s().substring(5)),
                        item.get("result").b().asByteArray()));
    }

    /**
     * @param jobId the job
     * @return where it stands, with the missing task numbers
     * @throws PatternsException if the job is unknown
     */
    public JobStatus status(String jobId) {
        Map<String, AttributeValue> job = client.getItem(b -> b.tableName(table).key(key(jobId, JOB)).consistentRead(true)).item();
        if (job == null || job.isEmpty()) {
            throw new PatternsException("fan-out job '" + jobId + "' is unknown");
        }
        int expected = Integer.parseInt(job.get("expected").n());
        TreeSet<Integer> missing = new TreeSet<>();
        for (int i = 0; i < expected; i++) {
            missing.add(i);
        }
        results(jobId, (taskId, result) -> missing.remove(taskId));
        AttributeValue fired = job.get("callbackFired");
        return new JobStatus(jobId, expected, Integer.parseInt(job.get("completed").n()),
                Instant.ofEpochMilli(Long.parseLong(job.get("deadline").n())), new ArrayList<>(missing),
                fired != null && Boolean.TRUE.equals(fired.bool()));
    }
}
