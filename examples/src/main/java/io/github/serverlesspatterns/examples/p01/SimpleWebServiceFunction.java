package io.github.serverlesspatterns.examples.p01;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.LambdaAdapters;
import io.github.serverlesspatterns.core.http.RestApi;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;
import java.util.Objects;

/**
 * Pattern 1, Simple Web Service: API Gateway -> Lambda -> DynamoDB. {@code GET /items/{id}} reads
 * an item, {@code PUT /items/{id}} stores the request body. Bad input gets a 400 naming the
 * problem; an unknown item a 404.
 */
public final class SimpleWebServiceFunction implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private final RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler;

    /** Lambda's constructor: the table from {@code TABLE_NAME}. */
    public SimpleWebServiceFunction() {
        this(DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                Objects.requireNonNull(System.getenv("TABLE_NAME"), "TABLE_NAME is not set"));
    }

    /**
     * @param dynamo the DynamoDB client
     * @param table  the items table
     */
    public SimpleWebServiceFunction(DynamoDbClient dynamo, String table) {
        Handler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> logic = (request, invocation) -> {
            String id = request.getPathParameters() == null ? null : request.getPathParameters().get("id");
            if (id == null || id.isBlank()) {
                return response(400, "{\"error\":\"path parameter 'id' is missing\"}");
            }
            String method = String.valueOf(request.getHttpMethod());
            if (method.equals("GET")) {
                Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(Map.of("id", AttributeValue.fromS(id)))).item();
                return item == null || item.isEmpty() ? response(404, "{\"error\":" + jsonString("no item '" + id + "'") + "}")
                        : response(200, item.get("body").s());
            }
            if (method.equals("PUT")) {
                String body = request.getBody();
                if (body == null || body.isBlank() || body.length() > 100_000) {
                    return response(400, "{\"error\":\"body must be 1 to 100000 characters\"}");
                }
                dynamo.putItem(b -> b.tableName(table).item(Map.of("id", AttributeValue.fromS(id), "body", AttributeValue.fromS(body))));
                return response(200, body);
            }
            return response(405, "{\"error\":\"method " + method + " is not allowed\"}");
        };
        // the library's exceptions with an HTTP meaning (a deadline: 504) answered as problem documents, not a bare 502
        this.handler = LambdaAdapters.toRequestHandler(RestApi.answerProblems(logic));
    }

    /** A JSON string literal, escaped by the library's JSON string codec: a path parameter cannot break out of it. */
    private static String jsonString(String text) {
        return new String(io.github.serverlesspatterns.core.Codecs.jsonString().encode(text), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static APIGatewayProxyResponseEvent response(int status, String body) {
        return new APIGatewayProxyResponseEvent().withStatusCode(status).withHeaders(Map.of("Content-Type", "application/json"))
                .withBody(body);
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent request, Context context) {
        return handler.handleRequest(request, context);
    }
}
