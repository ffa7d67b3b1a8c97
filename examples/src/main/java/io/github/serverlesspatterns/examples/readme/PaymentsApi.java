package io.github.serverlesspatterns.examples.readme;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.LambdaAdapters;
import io.github.serverlesspatterns.core.http.HttpApi;
import io.github.serverlesspatterns.idempotency.Idempotency;
import io.github.serverlesspatterns.idempotency.dynamodb.DynamoDbIdempotencyStore;
import io.github.serverlesspatterns.idempotency.http.HttpIdempotency;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The README's HTTP front door: an HTTP API function made idempotent by the {@code Idempotency-Key}
 * header, with the library's refusals answered as problem documents. Compiled in CI.
 */
public final class PaymentsApi implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> decorated;

    /**
     * @param dynamo the DynamoDB client
     * @param table  the idempotency table
     * @param pay    your handler: the request in, the response out
     */
    public PaymentsApi(DynamoDbClient dynamo, String table, Handler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> pay) {
        Idempotency<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> once =
                HttpIdempotency.httpApi(DynamoDbIdempotencyStore.create(dynamo, table), "payments")
                        .scope(request -> request.getRequestContext().getAuthorizer().getJwt().getClaims().get("sub")) // the caller
                        .build();
        this.decorated = LambdaAdapters.toRequestHandler(HttpApi.answerProblems(Decorators.decorate(pay, once)));
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent request, Context context) {
        return decorated.handleRequest(request, context);
    }
}
