package io.github.serverlesspatterns.examples.p10;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.LambdaAdapters;
import io.github.serverlesspatterns.core.http.HttpApi;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Pattern 10, Strangler: the first route moved off the legacy API. {@code GET /orders/{id}} is
 * now served by this function from the new orders service's own table; every other path still
 * goes to the legacy HTTP API through the gateway's catch-all route, and more routes move the
 * same way, one at a time, until the legacy API serves nothing.
 */
public final class OrdersFunction implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;

    /** Lambda's constructor: {@code ORDERS_TABLE}. */
    public OrdersFunction() {
        this(DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                Objects.requireNonNull(System.getenv("ORDERS_TABLE"), "ORDERS_TABLE is not set"));
    }

    /**
     * @param dynamoDb DynamoDB client
     * @param table    the new orders table (key {@code id})
     */
    public OrdersFunction(DynamoDbClient dynamoDb, String table) {
        Objects.requireNonNull(dynamoDb, "dynamoDb");
        Objects.requireNonNull(table, "table");
        Handler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> get = (request, invocation) -> {
            String id = request == null || request.getPathParameters() == null ? null : request.getPathParameters().get("id");
            if (id == null || !ID.matcher(id).matches()) {
                return answer(400, Map.of("error", "the order id must be 1-64 letters, digits, '-' or '_'"));
            }
            Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).key(Map.of("id", AttributeValue.fromS(id)))).item();
            if (item == null || item.isEmpty()) {
                return answer(404, Map.of("error", "no order " + id));
            }
            return answer(200, Map.of("id", id, "status", item.get("status") == null ? "" : item.get("status").s(), "servedBy", "orders-service"));
        };
        // the library's exceptions with an HTTP meaning (a deadline: 504) answered as problem documents, not a bare 500
        this.handler = LambdaAdapters.toRequestHandler(HttpApi.answerProblems(get));
    }

    private static APIGatewayV2HTTPResponse answer(int status, Map<String, String> body) {
        try {
            return APIGatewayV2HTTPResponse.builder().withStatusCode(status).withHeaders(Map.of("Content-Type", "application/json"))
                    .withBody(JSON.writeValueAsString(body)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return handler.handleRequest(event, context);
    }
}
