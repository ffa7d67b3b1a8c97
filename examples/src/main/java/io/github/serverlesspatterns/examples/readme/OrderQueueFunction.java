package io.github.serverlesspatterns.examples.readme;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.LambdaAdapters;
import io.github.serverlesspatterns.core.jackson.JacksonCodec;
import io.github.serverlesspatterns.fifo.DeadLetterQueue;
import io.github.serverlesspatterns.fifo.QueueMessage;
import io.github.serverlesspatterns.fifo.SqsBatchConfig;
import io.github.serverlesspatterns.fifo.SqsBatchHandler;
import io.github.serverlesspatterns.idempotency.Idempotency;
import io.github.serverlesspatterns.idempotency.IdempotencyConfig;
import io.github.serverlesspatterns.idempotency.IdempotencyStore;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.util.function.Consumer;

/**
 * The README's queue consumer (Queue and stream consumers): an SQS (FIFO) consumer whose handler
 * gets each message decoded, runs its effect once per order, and reports failures per message.
 * Compiled in CI so the README cannot drift.
 */
public final class OrderQueueFunction implements RequestHandler<SQSEvent, SQSBatchResponse> {

    /** A message the business rules refuse: retrying cannot help. */
    public static final class ValidationException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** @param message what is wrong */
        public ValidationException(String message) {
            super(message);
        }
    }

    private final RequestHandler<SQSEvent, SQSBatchResponse> handler;

    /**
     * @param mapper  the JSON mapper
     * @param sqs     the SQS client (for the dead-letter queue)
     * @param dlqUrl  the dead-letter queue
     * @param store   the idempotency store
     * @param orders  where an order is saved
     */
    public OrderQueueFunction(ObjectMapper mapper, SqsClient sqs, String dlqUrl, IdempotencyStore store, Consumer<Order> orders) {
        Handler<QueueMessage<Order>, String> saveOrder = (message, invocation) -> {
            if (message.body().getQuantity() < 1) {
                throw new ValidationException("order " + message.body().getOrderId() + " has no quantity");
            }
            orders.accept(message.body());
            return message.body().getOrderId();
        };
        Idempotency<QueueMessage<Order>, String> idempotency = Idempotency.of(store,
                IdempotencyConfig.builder("orders", (QueueMessage<Order> message) -> message.body().getOrderId(), Codecs.utf8())
                        .build());
        SqsBatchHandler<Order> batch = SqsBatchHandler.of(
                SqsBatchConfig.builder(JacksonCodec.of(mapper, Order.class))
                        .parallelism(4)                                        // messages, or FIFO groups, at once
                        .nonRetryable(e -> e instanceof ValidationException)   // besides PoisonMessageException
                        .deadLetterQueue(DeadLetterQueue.of(sqs, dlqUrl))
                        .build(),
                Decorators.decorate(saveOrder, idempotency));                  // per message: effects once
        RequestHandler<SQSEvent, SQSBatchResponse> handler = LambdaAdapters.toRequestHandler(batch);
        this.handler = handler;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return handler.handleRequest(event, context);
    }
}
