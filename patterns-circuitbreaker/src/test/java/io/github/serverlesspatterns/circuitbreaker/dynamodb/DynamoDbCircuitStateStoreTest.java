package io.github.serverlesspatterns.circuitbreaker.dynamodb;

import io.github.serverlesspatterns.circuitbreaker.CircuitStateStore;
import io.github.serverlesspatterns.circuitbreaker.CircuitStateStoreContract;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.MotoService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalServicesExtension.class)
class DynamoDbCircuitStateStoreTest extends CircuitStateStoreContract {

    private DynamoDbCircuitStateStore store;

    @BeforeEach
    void table(MotoService moto) {
        store = DynamoDbCircuitStateStore.create(moto.dynamoDb(), "circuits-contract");
        store.createTableIfMissing();
    }

    @Override
    protected CircuitStateStore store() {
        return store;
    }
}
