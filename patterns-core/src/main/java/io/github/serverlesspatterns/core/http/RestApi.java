package io.github.serverlesspatterns.core.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.github.serverlesspatterns.core.Handler;


/**
 * The API Gateway REST API (proxy integration, payload format 1.0) front door: as {@link HttpApi},
 * the library's {@link HttpProblem} exceptions become {@code application/problem+json} answers
 * with their status and {@code Retry-After} (a REST API answers a function error with a bare 502);
 * any other exception passes through. Needs {@code aws-lambda-java-events}. Stateless.
 */
public final class RestApi {

    private RestApi() {
    }

    /**
     * @param handler the function's handler
     * @return the handler, answering the library's problems
     */
    public static Handler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> answerProblems(
            Handler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler) {
        return Problems.answering(handler, (problem, now) -> new APIGatewayProxyResponseEvent()
                .withStatusCode(problem.problemType().status()).withHeaders(Problems.headers(problem, now)).withBody(Problems.json(problem)));
    }
}
