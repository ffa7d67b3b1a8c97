package io.github.serverlesspatterns.examples.p08;

import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.examples.shared.ExampleMetrics;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.LambdaAdapters;
import io.github.serverlesspatterns.fifo.DeadLetterQueue;
import io.github.serverlesspatterns.fifo.DrainResult;
import io.github.serverlesspatterns.fifo.FifoDrainConfig;
import io.github.serverlesspatterns.fifo.FifoDrainLoop;
import io.github.serverlesspatterns.fifo.PoisonMessageException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Pattern 8, FIFOer: a scheduled function with reserved concurrency 1 drains a FIFO queue in
 * order ({@code "account:amount"} messages), appends each to the account's ledger in DynamoDB,
 * and re-invokes itself while messages remain. Malformed messages go to the DLQ.
 */
public final class FifoerFunction implements RequestHandler<Map<String, Object>, DrainResult> {

    private final RequestHandler<Map<String, Object>, DrainResult> handler;

    /** Lambda's constructor: {@code QUEUE_URL}, {@code DLQ_URL} and {@code TABLE_NAME} from the template. */
    public FifoerFunction() {
        this(SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                LambdaClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                Objects.requireNonNull(System.getenv("QUEUE_URL"), "QUEUE_URL is not set"),
                Objects.requireNonNull(System.getenv("DLQ_URL"), "DLQ_URL is not set"),
                Objects.requireNonNull(System.getenv("TABLE_NAME"), "TABLE_NAME is not set"), Duration.ofSeconds(5), ExampleMetrics.onStdout());
    }

    /**
     * @param sqs          SQS client
     * @param lambda       Lambda client (self re-invocation)
     * @param dynamo       DynamoDB client
     * @param queueUrl     the FIFO queue
     * @param dlqUrl       the dead-letter queue
     * @param table        the ledger table
     * @param safetyMargin time kept before the deadline
     * @param metrics the pattern's metrics, flushed after each invocation: on Lambda, EMF on stdout
     */
    public FifoerFunction(SqsClient sqs, LambdaClient lambda, DynamoDbClient dynamo, String queueUrl, String dlqUrl, String table,
                          Duration safetyMargin, EmfMetrics metrics) {
        Handler<String, Void> post = (body, invocation) -> {
            String[] parts = body.split(":");
            if (parts.length != 2 || !parts[1].matches("-?\\d+")) {
                throw new PoisonMessageException("expected 'account:amount', got " + body.length() + " characters in " + parts.length
                        + " parts"); // never the body's values: the reason reaches the log and the DLQ attribute
            }
            dynamo.updateItem(b -> b.tableName(table).key(Map.of("account", AttributeValue.fromS(parts[0])))
                    .updateExpression("SET entries = list_append(if_not_exists(entries, :empty), :entry)")
                    .expressionAttributeValues(Map.of(":empty", AttributeValue.fromL(java.util.List.of()),
                            ":entry", AttributeValue.fromL(java.util.List.of(AttributeValue.fromN(parts[1]))))));
            return null;
        };
        this.handler = LambdaAdapters.toRequestHandler(Decorators.decorate(FifoDrainLoop.of(sqs, queueUrl, lambda,
                FifoDrainConfig.builder(Codecs.utf8()).safetyMargin(safetyMargin).deadLetterQueue(DeadLetterQueue.of(sqs, dlqUrl))
                        .metrics(metrics, "ledger").build(), post), metrics.flushing()));
    }

    @Override
    public DrainResult handleRequest(Map<String, Object> event, Context context) {
        return handler.handleRequest(event, context);
    }
}
