package io.github.serverlesspatterns.examples.readme;

import io.github.serverlesspatterns.testing.LambdaService;
import io.github.serverlesspatterns.testing.LocalFunction;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.MotoService;
import io.github.serverlesspatterns.testing.SqsService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The README's test-kit example (Real services for your tests): compiled and run, so the README cannot drift. */
@ExtendWith(LocalServicesExtension.class)
class OrderFunctionTest {
    @Test
    void answersThroughTheRuntimesSerialization(MotoService moto, SqsService sqs, LambdaService lambda) {
        DynamoDbClient dynamo = moto.dynamoDb();          // moto server, started once per test JVM
        String queue = sqs.createQueue("orders.fifo");    // ElasticMQ embedded in the JVM
        lambda.register("orders", LocalFunction.of(new OrderFunction()));   // the runtime's serialization
        InvokeResponse response = lambda.client().invoke(b -> b.functionName("orders")   // the real LambdaClient
                .payload(SdkBytes.fromUtf8String("{\"orderId\":\"o-1\",\"quantity\":2}")));
        assertNull(response.functionError());
        assertEquals("{\"orderId\":\"o-1\",\"status\":\"accepted 2\"}", response.payload().asUtf8String());
    }
}
