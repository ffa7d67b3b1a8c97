package io.github.serverlesspatterns.examples.p03;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;

import java.util.Map;

/**
 * The service behind the gatekeeper: it never checks tokens itself, it trusts the
 * {@code principalId} API Gateway passes from the authorizer's context.
 */
public final class OrdersFunction implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent request, Context context) {
        Map<String, Object> authorizer = request.getRequestContext() == null ? null : request.getRequestContext().getAuthorizer();
        Object principal = authorizer == null ? null : authorizer.get("principalId");
        if (principal == null) { // deployed behind the authorizer this cannot happen; say so if it is wired wrong
            return new APIGatewayProxyResponseEvent().withStatusCode(500).withBody("{\"error\":\"no authorizer context\"}");
        }
        String id = request.getPathParameters() == null ? null : request.getPathParameters().get("id");
        try {
            return new APIGatewayProxyResponseEvent().withStatusCode(200)
                    .withBody(JSON.writeValueAsString(Map.of("order", String.valueOf(id), "readBy", String.valueOf(principal))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
