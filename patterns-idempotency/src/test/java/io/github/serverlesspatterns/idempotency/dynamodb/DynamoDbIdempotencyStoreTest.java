package io.github.serverlesspatterns.idempotency.dynamodb;

import io.github.serverlesspatterns.idempotency.IdempotencyStore;
import io.github.serverlesspatterns.idempotency.IdempotencyStoreContract;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.MotoService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalServicesExtension.class)
class DynamoDbIdempotencyStoreTest extends IdempotencyStoreContract {

    private IdempotencyStore store;

    @BeforeEach
    void createTable(MotoService moto) {
        DynamoDbIdempotencyStore s = DynamoDbIdempotencyStore.builder(moto.dynamoDb(), "idempotency-contract").build();
        s.createTableIfMissing();
        store = s;
    }

    @Override
    protected IdempotencyStore store() {
        return store;
    }

    /** The same contract on a table shared with other data: (id, sk) keys and renamed attributes. */
    @Nested
    class WithSortKeyLayout extends IdempotencyStoreContract {
        private IdempotencyStore sorted;

        @BeforeEach
        void createTable(MotoService moto) {
            DynamoDbIdempotencyStore s = DynamoDbIdempotencyStore.builder(moto.dynamoDb(), "shared-table-contract")
                    .keyAttribute("pk").sortKey("sk", "idempotency").expiryAttribute("ttl").dataAttribute("result")
                    .build();
            s.createTableIfMissing();
            sorted = s;
        }

        @Override
        protected IdempotencyStore store() {
            return sorted;
        }
    }
}
