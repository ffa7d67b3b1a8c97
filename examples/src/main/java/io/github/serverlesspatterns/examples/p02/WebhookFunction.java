package io.github.serverlesspatterns.examples.p02;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.github.serverlesspatterns.core.LambdaAdapters;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.util.Map;
import java.util.Objects;

/**
 * Pattern 2, Scalable Webhook, the front: accepts a webhook call, checks it is a JSON object of
 * sane size, queues it and answers 202 at once; the throttled consumer does the work.
 */
public final class WebhookFunction implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    /** SQS's message limit is 256 KB; webhooks here are small. */
    static final int MAX_BODY = 64 * 1024;

    private final RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler;

    /** Lambda's constructor: {@code QUEUE_URL}. */
    public WebhookFunction() {
        this(SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                Objects.requireNonNull(System.getenv("QUEUE_URL"), "QUEUE_URL is not set"));
    }

    /**
     * @param sqs      SQS client
     * @param queueUrl the buffer queue
     */
    public WebhookFunction(SqsClient sqs, String queueUrl) {
        this.handler = LambdaAdapters.toRequestHandler((request, invocation) -> {
            String body = request.getBody();
            if (body == null || !body.trim().startsWith("{") || body.length() > MAX_BODY) {
                return new APIGatewayProxyResponseEvent().withStatusCode(400)
                        .withBody("{\"error\":\"body must be a JSON object of at most " + MAX_BODY + " characters\"}");
            }
            String id = sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body)).messageId();
            return new APIGatewayProxyResponseEvent().withStatusCode(202).withHeaders(Map.of("Content-Type", "application/json"))
                    .withBody("{\"accepted\":\"" + id + "\"}");
        });
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent request, Context context) {
        return handler.handleRequest(request, context);
    }
}
