package io.github.serverlesspatterns.circuitbreaker.dynamodb;

import io.github.serverlesspatterns.core.internal.Checks;
import io.github.serverlesspatterns.circuitbreaker.CircuitState;
import io.github.serverlesspatterns.circuitbreaker.CircuitStateStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link CircuitStateStore} in a DynamoDB table: one item per circuit with the attributes
 * {@code name} (S, partition key), {@code version} (N), {@code state} (S, the encoded state) and
 * {@code expiration} (N, epoch seconds; enable TTL on it so unused circuits disappear).
 *
 * <p>Calls: {@code load} is one consistent {@code GetItem}; {@code compareAndSet} is one
 * conditional {@code PutItem} on the version with {@code ReturnValuesOnConditionCheckFailure=ALL_OLD},
 * so a lost race returns the winner's state in the same round trip (a consistent {@code GetItem}
 * follows only if the service returns no item). Only one instance wins each transition, and
 * so each HALF_OPEN probe slot. Uses the client it is given and never closes it. Thread-safe.
 */
public final class DynamoDbCircuitStateStore implements CircuitStateStore {

    /** Default TTL of a circuit's item after its last write: 7 days. */
    public static final Duration DEFAULT_TTL = Duration.ofDays(7);

    private final DynamoDbClient client;
    private final String tableName;
    private final Duration ttl;
    private final Clock clock;

    private DynamoDbCircuitStateStore(DynamoDbClient client, String tableName, Duration ttl, Clock clock) {
        this.client = client;
        this.tableName = tableName;
        this.ttl = ttl;
        this.clock = clock;
    }

    /**
     * @param client    a DynamoDB client the caller built (and closes)
     * @param tableName the table
     * @return a store with the default TTL and the system clock
     */
    public static DynamoDbCircuitStateStore create(DynamoDbClient client, String tableName) {
        return builder(client, tableName).build();
    }

    /**
     * @param client    a DynamoDB client the caller built (and closes)
     * @param tableName the table
     * @return a builder starting from {@link #DEFAULT_TTL} and the system clock
     * @throws IllegalArgumentException if the table name is blank
     */
    public static Builder builder(DynamoDbClient client, String tableName) {
        return new Builder(client, tableName);
    }

    /** Builder of {@link DynamoDbCircuitStateStore}; each setter checks its value at once. Not thread-safe. */
    public static final class Builder {
        private final DynamoDbClient client;
        private final String tableName;
        private Duration ttl = DEFAULT_TTL;
        private Clock clock = Clock.systemUTC();

        private Builder(DynamoDbClient client, String tableName) {
            this.client = Objects.requireNonNull(client, "client");
            this.tableName = Checks.notBlank(tableName, "tableName");
        }

        /**
         * @param ttl how long a circuit's item outlives its last write, at least a second; default 7 days
         * @return this builder
         * @throws IllegalArgumentException if it is under a second
         */
        public Builder ttl(Duration ttl) {
            this.ttl = Checks.atLeast(ttl, Duration.ofSeconds(1), "ttl");
            return this;
        }

        /**
         * @param clock the clock of the TTL attribute; default the system's (UTC)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @return the store */
        public DynamoDbCircuitStateStore build() {
            return new DynamoDbCircuitStateStore(client, tableName, ttl, clock);
        }
    }

    /** Creates the table (on-demand, TTL on {@code expiration}) if it does not exist, and waits for it. */
    public void createTableIfMissing() {
        try {
            client.createTable(b -> b.tableName(tableName)
                    .keySchema(KeySchemaElement.builder().attributeName("name").keyType(KeyType.HASH).build())
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("name")
                            .attributeType(ScalarAttributeType.S).build())
                    .billingMode(BillingMode.PAY_PER_REQUEST));
        } catch (ResourceInUseException alreadyThere) {
            return;
        }
        client.waiter().waitUntilTableExists(b -> b.tableName(tableName));
        client.updateTimeToLive(b -> b.tableName(tableName)
                .timeToLiveSpecification(t -> t.attributeName("expiration").enabled(true)));
    }

    @Override
    public Optional<CircuitState> load(String name) {
        Map<String, AttributeValue> item = client.getItem(b -> b.tableName(tableName)
                .key(Map.of("name", AttributeValue.fromS(name))).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(CircuitState.decode(item.get("state").s()));
    }

    @Override
    public Optional<CircuitState> compareAndSet(String name, long expectedVersion, CircuitState next) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("name", AttributeValue.fromS(name));
        item.put("version", AttributeValue.fromN(Long.toString(next.version())));
        item.put("state", AttributeValue.fromS(next.encode()));
        item.put("expiration", AttributeValue.fromN(Long.toString(clock.instant().plus(ttl).getEpochSecond())));
        try {
            if (expectedVersion == 0) {
                client.putItem(b -> b.tableName(tableName).item(item)
                        .conditionExpression("attribute_not_exists(#n)")
                        .expressionAttributeNames(Map.of("#n", "name"))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            } else {
                client.putItem(b -> b.tableName(tableName).item(item)
                        .conditionExpression("#v = :expected")
                        .expressionAttributeNames(Map.of("#v", "version"))
                        .expressionAttributeValues(Map.of(":expected", AttributeValue.fromN(Long.toString(expectedVersion))))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            }
            return Optional.empty();
        } catch (ConditionalCheckFailedException e) {
            if (e.hasItem() && e.item().containsKey("state")) {
                return Optional.of(CircuitState.decode(e.item().get("state").s()));
            }
            return Optional.of(load(name).orElseGet(CircuitState::initial));
        }
    }

    @Override
    public String describe() {
        return "DynamoDB circuit table " + tableName;
    }
}
