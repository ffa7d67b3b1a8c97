package io.github.serverlesspatterns.idempotency.dynamodb;

import io.github.serverlesspatterns.core.internal.Checks;
import io.github.serverlesspatterns.idempotency.ClaimResult;
import io.github.serverlesspatterns.idempotency.IdempotencyRecord;
import io.github.serverlesspatterns.idempotency.IdempotencyResultTooLargeException;
import io.github.serverlesspatterns.idempotency.IdempotencyStore;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@link IdempotencyStore} in a DynamoDB table, shared by every instance of a function.
 *
 * <p>Table layout (attribute names configurable through the {@link Builder}):
 * <table>
 *   <caption>attributes</caption>
 *   <tr><th>attribute</th><th>type</th><th>meaning</th></tr>
 *   <tr><td>{@code id}</td><td>S, partition key</td><td>the stored key: config name + SHA-256 digest</td></tr>
 *   <tr><td>{@code sk} (optional)</td><td>S, sort key</td><td>a fixed value, for a table shared with other data</td></tr>
 *   <tr><td>{@code status}</td><td>S</td><td>{@code IN_PROGRESS}, {@code COMPLETED} or {@code UNREPLAYABLE}</td></tr>
 *   <tr><td>{@code expiration}</td><td>N</td><td>epoch seconds; enable DynamoDB TTL on it</td></tr>
 *   <tr><td>{@code in_progress_expiration}</td><td>N</td><td>epoch milliseconds: the claiming invocation's deadline</td></tr>
 *   <tr><td>{@code validation}</td><td>S</td><td>SHA-256 of the validated payload part, when validation is on</td></tr>
 *   <tr><td>{@code data}</td><td>B</td><td>the encoded result (absent for a {@code null} result)</td></tr>
 *   <tr><td>{@code claim_token}</td><td>S</td><td>the token of the claim that wrote the record</td></tr>
 * </table>
 *
 * <p>Calls: a claim is one conditional {@code PutItem} with
 * {@code ReturnValuesOnConditionCheckFailure=ALL_OLD}; when the service returns no old item, one
 * consistent {@code GetItem} follows. Completion is one {@code PutItem} of the whole record and release one
 * {@code DeleteItem}, both conditional on the record still being this claim (IN_PROGRESS with its token). A result that would make the item exceed DynamoDB's 400 KB raises
 * {@link IdempotencyResultTooLargeException} before any call.
 *
 * <p>The store uses the client it is given and never closes it. Thread-safe.
 */
public final class DynamoDbIdempotencyStore implements IdempotencyStore {

    /** DynamoDB's item size limit: 400 KB. */
    public static final int MAX_ITEM_BYTES = 400 * 1024;

    private final DynamoDbClient client;
    private final String tableName;
    private final String keyAttribute;
    private final String sortKeyAttribute;
    private final String sortKeyValue;
    private final String statusAttribute;
    private final String expiryAttribute;
    private final String inProgressExpiryAttribute;
    private final String validationAttribute;
    private final String dataAttribute;
    private final String claimTokenAttribute;

    private DynamoDbIdempotencyStore(Builder b) {
        this.client = b.client;
        this.tableName = b.tableName;
        this.keyAttribute = b.keyAttribute;
        this.sortKeyAttribute = b.sortKeyAttribute;
        this.sortKeyValue = b.sortKeyValue;
        this.statusAttribute = b.statusAttribute;
        this.expiryAttribute = b.expiryAttribute;
        this.inProgressExpiryAttribute = b.inProgressExpiryAttribute;
        this.validationAttribute = b.validationAttribute;
        this.dataAttribute = b.dataAttribute;
        this.claimTokenAttribute = b.claimTokenAttribute;
    }

    /**
     * @param client    a DynamoDB client the caller built (and closes)
     * @param tableName the table (partition key {@code id}, no sort key)
     * @return a store with the default attribute names
     * @throws IllegalArgumentException if the table name is blank
     */
    public static DynamoDbIdempotencyStore create(DynamoDbClient client, String tableName) {
        return builder(client, tableName).build();
    }

    /**
     * @param client    a DynamoDB client the caller built (and closes)
     * @param tableName the table
     * @return a builder with the default attribute names
     * @throws IllegalArgumentException if the table name is blank
     */
    public static Builder builder(DynamoDbClient client, String tableName) {
        return new Builder(client, tableName);
    }

    /**
     * Creates the table (on-demand billing, TTL on the expiry attribute) if it does not exist,
     * and waits until it is active. For tests, local runs and quick starts; deploy tables with
     * your infrastructure code (see the examples' SAM templates).
     */
    public void createTableIfMissing() {
        List<KeySchemaElement> keys = new ArrayList<>();
        List<AttributeDefinition> definitions = new ArrayList<>();
        keys.add(KeySchemaElement.builder().attributeName(keyAttribute).keyType(KeyType.HASH).build());
        definitions.add(AttributeDefinition.builder().attributeName(keyAttribute).attributeType(ScalarAttributeType.S).build());
        if (sortKeyAttribute != null) {
            keys.add(KeySchemaElement.builder().attributeName(sortKeyAttribute).keyType(KeyType.RANGE).build());
            definitions.add(AttributeDefinition.builder().attributeName(sortKeyAttribute).attributeType(ScalarAttributeType.S).build());
        }
        try {
            client.createTable(b -> b.tableName(tableName).keySchema(keys).attributeDefinitions(definitions)
                    .billingMode(BillingMode.PAY_PER_REQUEST));
        } catch (ResourceInUseException alreadyThere) {
            return;
        }
        client.waiter().waitUntilTableExists(b -> b.tableName(tableName));
        client.updateTimeToLive(b -> b.tableName(tableName)
                .timeToLiveSpecification(t -> t.attributeName(expiryAttribute).enabled(true)));
    }

    @Override
    public ClaimResult claim(IdempotencyRecord inProgress, Instant now) {
        Map<String, AttributeValue> item = toItem(inProgress);
        Map<String, String> names = Map.of("#id", keyAttribute, "#exp", expiryAttribute, "#status", statusAttribute,
                "#ipexp", inProgressExpiryAttribute);
        Map<String, AttributeValue> values = Map.of(
                ":now_s", number(now.getEpochSecond()),
                ":now_ms", number(now.toEpochMilli()),
                ":in_progress", AttributeValue.fromS(IdempotencyRecord.Status.IN_PROGRESS.name()));
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                client.putItem(b -> b.tableName(tableName).item(item)
                        .conditionExpression("attribute_not_exists(#id) OR #exp <= :now_s OR (#status = :in_progress AND #ipexp <= :now_ms)")
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                return ClaimResult.claimed();
            } catch (ConditionalCheckFailedException e) {
                if (e.hasItem() && !e.item().isEmpty()) {
                    return ClaimResult.existing(toRecord(e.item()));
                }
                // no old item returned: read it; if it vanished meanwhile (released), claim again
                Optional<IdempotencyRecord> current = get(inProgress.key());
                if (current.isPresent()) {
                    return ClaimResult.existing(current.get());
                }
            }
        }
        throw new IllegalStateException("DynamoDB table " + tableName + ": key " + inProgress.key()
                + " kept changing during claim (3 attempts)");
    }

    @Override
    public boolean complete(IdempotencyRecord completed, Instant now) {
        int size = estimatedItemSize(completed);
        if (size > MAX_ITEM_BYTES) {
            throw new IdempotencyResultTooLargeException("DynamoDB table " + tableName + ": the result for key "
                    + completed.key() + " is " + completed.resultSize() + " bytes encoded; the item would be about " + size
                    + " bytes, over DynamoDB's " + MAX_ITEM_BYTES + " byte limit; "
                    + "return a smaller result (e.g. a reference to S3) or use the Redis store");
        }
        // the whole completed record in one PutItem: the same operation as the claim, so a cold start
        // loads one request type's classes, not two (measured: jmh ColdStart, see BENCHMARKS.md)
        Map<String, AttributeValue> item = toItem(completed);
        try {
            client.putItem(b -> b.tableName(tableName).item(item).conditionExpression(STILL_THIS_CLAIM)
                    .expressionAttributeNames(claimNames()).expressionAttributeValues(claimValues(completed)));
            return true;
        } catch (ConditionalCheckFailedException lost) {
            return false;
        }
    }

    private static final String STILL_THIS_CLAIM = "#status = :in_progress AND #tok = :tok";

    private Map<String, String> claimNames() {
        return Map.of("#status", statusAttribute, "#tok", claimTokenAttribute);
    }

    private static Map<String, AttributeValue> claimValues(IdempotencyRecord record) {
        String token = record.claimToken().orElseThrow(() -> new IllegalArgumentException("record has no claim token: " + record));
        return Map.of(":in_progress", AttributeValue.fromS(IdempotencyRecord.Status.IN_PROGRESS.name()),
                ":tok", AttributeValue.fromS(token));
    }

    /** The item for a record: the claim writes it IN_PROGRESS, completion writes it whole again, COMPLETED with its result. */
    private Map<String, AttributeValue> toItem(IdempotencyRecord record) {
        Map<String, AttributeValue> item = key(record.key());
        item.put(statusAttribute, AttributeValue.fromS(record.status().name()));
        item.put(expiryAttribute, number(epochSecondsUp(record.expiresAt())));
        item.put(inProgressExpiryAttribute, number(record.inProgressUntil().toEpochMilli()));
        record.payloadHash().ifPresent(h -> item.put(validationAttribute, AttributeValue.fromS(h)));
        record.result().ifPresent(r -> item.put(dataAttribute, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(r))));
        record.claimToken().ifPresent(t -> item.put(claimTokenAttribute, AttributeValue.fromS(t)));
        return item;
    }

    @Override
    public boolean release(IdempotencyRecord claim) {
        try {
            client.deleteItem(b -> b.tableName(tableName).key(key(claim.key())).conditionExpression(STILL_THIS_CLAIM)
                    .expressionAttributeNames(claimNames()).expressionAttributeValues(claimValues(claim)));
            return true;
        } catch (ConditionalCheckFailedException lost) {
            return false;
        }
    }

    @Override
    public Optional<IdempotencyRecord> get(String key) {
        Map<String, AttributeValue> item = client.getItem(b -> b.tableName(tableName).key(key(key)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toRecord(item));
    }

    @Override
    public String describe() {
        return "DynamoDB table " + tableName;
    }

    private Map<String, AttributeValue> key(String key) {
        Map<String, AttributeValue> map = new HashMap<>();
        map.put(keyAttribute, AttributeValue.fromS(key));
        if (sortKeyAttribute != null) {
            map.put(sortKeyAttribute, AttributeValue.fromS(sortKeyValue));
        }
        return map;
    }

    private IdempotencyRecord toRecord(Map<String, AttributeValue> item) {
        String key = item.get(keyAttribute).s();
        IdempotencyRecord.Status status = IdempotencyRecord.Status.valueOf(item.get(statusAttribute).s());
        Instant expiresAt = Instant.ofEpochSecond(Long.parseLong(item.get(expiryAttribute).n()));
        AttributeValue ip = item.get(inProgressExpiryAttribute);
        Instant inProgressUntil = ip == null ? expiresAt : Instant.ofEpochMilli(Long.parseLong(ip.n()));
        AttributeValue validation = item.get(validationAttribute);
        AttributeValue data = item.get(dataAttribute);
        AttributeValue token = item.get(claimTokenAttribute);
        return IdempotencyRecord.of(key, status, expiresAt, inProgressUntil, validation == null ? null : validation.s(),
                data == null ? null : data.b().asByteArrayUnsafe(), token == null ? null : token.s());
    }

    private int estimatedItemSize(IdempotencyRecord record) {
        // DynamoDB counts attribute names plus values (numbers about 21 bytes at most)
        int size = utf8(keyAttribute) + utf8(record.key())
                + utf8(statusAttribute) + utf8(record.status().name())
                + utf8(expiryAttribute) + 21 + utf8(inProgressExpiryAttribute) + 21
                + utf8(dataAttribute) + record.resultSize()
                + utf8(claimTokenAttribute) + record.claimToken().map(DynamoDbIdempotencyStore::utf8).orElse(0);
        if (sortKeyAttribute != null) {
            size += utf8(sortKeyAttribute) + utf8(sortKeyValue);
        }
        if (record.payloadHash().isPresent()) {
            size += utf8(validationAttribute) + 64;
        }
        return size;
    }

    /** TTL attributes hold whole seconds: round up, so a record never expires early. */
    private static long epochSecondsUp(Instant instant) {
        return instant.getNano() == 0 ? instant.getEpochSecond() : instant.getEpochSecond() + 1;
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static AttributeValue number(long n) {
        return AttributeValue.fromN(Long.toString(n));
    }

    /** Builder of {@link DynamoDbIdempotencyStore}. Not thread-safe. */
    public static final class Builder {
        private final DynamoDbClient client;
        private final String tableName;
        private String keyAttribute = "id";
        private String sortKeyAttribute;
        private String sortKeyValue;
        private String statusAttribute = "status";
        private String expiryAttribute = "expiration";
        private String inProgressExpiryAttribute = "in_progress_expiration";
        private String validationAttribute = "validation";
        private String dataAttribute = "data";
        private String claimTokenAttribute = "claim_token";

        private Builder(DynamoDbClient client, String tableName) {
            this.client = Objects.requireNonNull(client, "client");
            this.tableName = name(tableName, "tableName");
        }

        private static String name(String value, String what) {
            return Checks.notBlank(value, what);
        }

        /**
         * @param name partition key attribute; default {@code id}
         * @return this builder
         */
        public Builder keyAttribute(String name) {
            this.keyAttribute = name(name, "keyAttribute");
            return this;
        }

        /**
         * Uses a table with a sort key: each record is stored under (stored key, {@code value}).
         *
         * @param name  sort key attribute
         * @param value the sort key value of idempotency records, e.g. {@code idempotency}
         * @return this builder
         */
        public Builder sortKey(String name, String value) {
            this.sortKeyAttribute = name(name, "sortKeyAttribute");
            this.sortKeyValue = name(value, "sortKeyValue");
            return this;
        }

        /**
         * @param name status attribute; default {@code status}
         * @return this builder
         */
        public Builder statusAttribute(String name) {
            this.statusAttribute = name(name, "statusAttribute");
            return this;
        }

        /**
         * @param name expiry attribute (epoch seconds, the TTL attribute); default {@code expiration}
         * @return this builder
         */
        public Builder expiryAttribute(String name) {
            this.expiryAttribute = name(name, "expiryAttribute");
            return this;
        }

        /**
         * @param name in-progress expiry attribute (epoch ms); default {@code in_progress_expiration}
         * @return this builder
         */
        public Builder inProgressExpiryAttribute(String name) {
            this.inProgressExpiryAttribute = name(name, "inProgressExpiryAttribute");
            return this;
        }

        /**
         * @param name payload hash attribute; default {@code validation}
         * @return this builder
         */
        public Builder validationAttribute(String name) {
            this.validationAttribute = name(name, "validationAttribute");
            return this;
        }

        /**
         * @param name result attribute; default {@code data}
         * @return this builder
         */
        public Builder dataAttribute(String name) {
            this.dataAttribute = name(name, "dataAttribute");
            return this;
        }

        /**
         * @param name claim token attribute; default {@code claim_token}
         * @return this builder
         */
        public Builder claimTokenAttribute(String name) {
            this.claimTokenAttribute = name(name, "claimTokenAttribute");
            return this;
        }

        /**
         * @return the store
         * @throws IllegalStateException if two attributes share a name
         */
        public DynamoDbIdempotencyStore build() {
            List<String> all = new ArrayList<>(List.of(keyAttribute, statusAttribute, expiryAttribute,
                    inProgressExpiryAttribute, validationAttribute, dataAttribute, claimTokenAttribute));
            if (sortKeyAttribute != null) {
                all.add(sortKeyAttribute);
            }
            if (all.stream().distinct().count() != all.size()) {
                throw new IllegalStateException("attribute names must differ: " + all);
            }
            return new DynamoDbIdempotencyStore(this);
        }
    }
}
