package io.github.serverlesspatterns.fanout.dynamodb;

import io.github.serverlesspatterns.fanout.JobStore;
import io.github.serverlesspatterns.fanout.JobStoreContract;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.MotoService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;

/** The job store contract on DynamoDB (moto): the sharded table layout. */
@ExtendWith(LocalServicesExtension.class)
class DynamoDbJobStoreTest extends JobStoreContract {

    private MotoService moto;

    @BeforeEach
    void table(MotoService moto) {
        this.moto = moto;
        DynamoDbJobStore.builder(moto.dynamoDb(), "job-contract").clock(clock).build().createTableIfMissing();
    }

    @Override
    protected JobStore store(Clock clock) {
        return DynamoDbJobStore.builder(moto.dynamoDb(), "job-contract").clock(clock).build();
    }
}
