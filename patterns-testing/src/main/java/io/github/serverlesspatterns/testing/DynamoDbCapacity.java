package io.github.serverlesspatterns.testing;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts a DynamoDB client's calls and the capacity units DynamoDB would charge for them, sized
 * by DynamoDB's documented rules (moto reports no sizes): an item's size is the sum of its
 * attribute names' and values' sizes (a string or binary its bytes, a number one byte per two
 * significant digits plus one, a set the sum of its members, a list or map 3 bytes plus its
 * elements and one byte each); a write costs one unit per KB of the larger of the item before and
 * after it (a conditional write whose condition fails, per KB of the item that is there, at least
 * one); a strongly consistent read one unit per 4 KB of each item read ({@code GetItem},
 * {@code BatchGetItem}) or of all items a {@code Query} page returns. Add it to the client under
 * test as an interceptor; it reads items through {@code reader}, a client it does not count.
 *
 * <p>An upper bound where DynamoDB's figure depends on an item's size at the time: updates and
 * refused conditional writes are remembered by key and charged, when {@link #writeUnits()} is
 * asked, by the size the item has then. The items the project updates only grow (sets gain
 * members), so no write is charged less than DynamoDB would; and sizing each key once keeps the
 * counting from doubling the calls a load test makes. Thread-safe.
 *
 * <pre>{@code
 * DynamoDbCapacity capacity = new DynamoDbCapacity(moto.dynamoDb());
 * DynamoDbClient counted = AwsClients.configure(DynamoDbClient.builder(), moto.endpoint(), capacity).build();
 * }</pre>
 */
public final class DynamoDbCapacity implements ExecutionInterceptor {

    private final DynamoDbClient reader;
    private final LongAdder calls = new LongAdder();
    private final AtomicLong writeUnits = new AtomicLong();
    private final AtomicLong readUnits = new AtomicLong();
    private final Map<String, LongAdder> byOperation = new ConcurrentHashMap<>();
    private final Map<String, List<String>> keySchemas = new ConcurrentHashMap<>();
    private final Map<ItemKey, LongAdder> pendingWrites = new ConcurrentHashMap<>();

    /** @param reader a client to the same endpoint, without this interceptor, to size items after updates */
    public DynamoDbCapacity(DynamoDbClient reader) {
        this.reader = Objects.requireNonNull(reader, "reader");
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        calls.increment();
        byOperation.computeIfAbsent(context.request().getClass().getSimpleName().replace("Request", ""), k -> new LongAdder()).increment();
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        SdkResponse response = context.response();
        if (request instanceof PutItemRequest put) {
            writeUnits.addAndGet(writeUnits(itemSize(put.item())));
        } else if (request instanceof UpdateItemRequest update) {
            sizedLater(update.tableName(), update.key());
        } else if (request instanceof DeleteItemRequest) {
            writeUnits.incrementAndGet();
        } else if (request instanceof GetItemRequest get) {
            readUnits.addAndGet(readUnits(sizeNow(get.tableName(), get.key())));
        } else if (request instanceof BatchGetItemRequest batch) {
            // each item is charged by its whole size, whatever the projection: sized by key (unprocessed keys too: approximate)
            batch.requestItems().forEach((table, keys) -> keys.keys().forEach(
                    key -> readUnits.addAndGet(readUnits(sizeNow(table, key)))));
        } else if (response instanceof QueryResponse query) {
            long bytes = query.items().stream().mapToLong(DynamoDbCapacity::itemSize).sum();
            readUnits.addAndGet(Math.max(1, readUnits(bytes)));
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (context.exception() instanceof ConditionalCheckFailedException) {
            SdkRequest request = context.request();
            if (request instanceof PutItemRequest put) {
                sizedLater(put.tableName(), put.item());
            } else if (request instanceof UpdateItemRequest update) {
                sizedLater(update.tableName(), update.key());
            }
        }
    }

    private record ItemKey(String table, Map<String, AttributeValue> key) {
    }

    private void sizedLater(String table, Map<String, AttributeValue> itemOrKey) {
        pendingWrites.computeIfAbsent(new ItemKey(table, key(table, itemOrKey)), k -> new LongAdder()).increment();
    }

    private Map<String, AttributeValue> key(String table, Map<String, AttributeValue> itemOrKey) {
        Map<String, AttributeValue> key = new HashMap<>();
        // a put names the whole item: its key is the attributes the table's key schema names
        keySchemas.computeIfAbsent(table, t -> reader.describeTable(b -> b.tableName(t)).table().keySchema().stream()
                        .map(k -> k.attributeName()).toList())
                .forEach(name -> key.put(name, itemOrKey.get(name)));
        return Map.copyOf(key);
    }

    /** The size of the item with this key now (0 if there is none); an item's attributes include its key. */
    private long sizeNow(String table, Map<String, AttributeValue> itemOrKey) {
        Map<String, AttributeValue> key = key(table, itemOrKey);
        Map<String, AttributeValue> item = reader.getItem(b -> b.tableName(table).key(key).consistentRead(true)).item();
        return item == null ? 0 : itemSize(item);
    }

    private static long writeUnits(long bytes) {
        return Math.max(1, (bytes + 1023) / 1024);
    }

    private static long readUnits(long bytes) {
        return Math.max(1, (bytes + 4095) / 4096);
    }

    /**
     * @param item an item
     * @return its size in bytes by DynamoDB's rules
     */
    public static long itemSize(Map<String, AttributeValue> item) {
        long size = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            size += e.getKey().getBytes(StandardCharsets.UTF_8).length + valueSize(e.getValue());
        }
        return size;
    }

    private static long valueSize(AttributeValue v) {
        if (v.s() != null) {
            return v.s().getBytes(StandardCharsets.UTF_8).length;
        }
        if (v.n() != null) {
            return numberSize(v.n());
        }
        if (v.b() != null) {
            return v.b().asByteArray().length;
        }
        if (v.hasSs()) {
            return v.ss().stream().mapToLong(s -> s.getBytes(StandardCharsets.UTF_8).length).sum();
        }
        if (v.hasNs()) {
            return v.ns().stream().mapToLong(DynamoDbCapacity::numberSize).sum();
        }
        if (v.hasBs()) {
            return v.bs().stream().mapToLong(b -> b.asByteArray().length).sum();
        }
        if (v.hasL()) {
            return 3 + v.l().stream().mapToLong(x -> 1 + valueSize(x)).sum();
        }
        if (v.hasM()) {
            return 3 + v.m().entrySet().stream()
                    .mapToLong(x -> 1 + x.getKey().getBytes(StandardCharsets.UTF_8).length + valueSize(x.getValue())).sum();
        }
        return 1; // BOOL, NULL
    }

    private static long numberSize(String number) {
        String digits = new BigDecimal(number).abs().stripTrailingZeros().unscaledValue().toString();
        return (digits.length() + 1) / 2 + 1;
    }

    /** @return calls made (every attempt counts as one execution, retries inside the SDK aside) */
    public long calls() {
        return calls.sum();
    }

    /**
     * @return write capacity units charged so far: updates and refused conditional writes sized by
     *         their item now (one read per item written that way since the last call)
     */
    public long writeUnits() {
        for (ItemKey key : List.copyOf(pendingWrites.keySet())) {
            LongAdder count = pendingWrites.remove(key);
            writeUnits.addAndGet(count.sum() * writeUnits(sizeNow(key.table(), key.key())));
        }
        return writeUnits.get();
    }

    /** @return read capacity units charged so far (strongly consistent reads) */
    public long readUnits() {
        return readUnits.get();
    }

    /** @return calls per operation name ({@code PutItem}, {@code UpdateItem}, ...) */
    public Map<String, Long> callsByOperation() {
        Map<String, Long> copy = new TreeMap<>();
        byOperation.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }
}
