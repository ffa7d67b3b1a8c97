package io.github.serverlesspatterns.circuitbreaker.dynamodb;

import io.github.serverlesspatterns.circuitbreaker.ClusterScenario;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.MotoService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalServicesExtension.class)
class DynamoDbClusterTest {

    @Test
    void fourJvmsTimesEightThreads_sharingDynamoDb_openProbeBackOffAndCloseTogether(MotoService moto) throws Exception {
        DynamoDbCircuitStateStore observer = DynamoDbCircuitStateStore.create(moto.dynamoDb(), "circuits-cluster");
        observer.createTableIfMissing();
        ClusterScenario.run("dynamodb", moto.endpoint().toString(), "circuits-cluster", observer);
    }
}
