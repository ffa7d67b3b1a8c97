package io.github.serverlesspatterns.core.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.github.serverlesspatterns.core.Handler;


/**
 * The API Gateway HTTP API (payload format 2.0) front door: a handler whose library exceptions
 * ({@link HttpProblem}: a reused or in-progress {@code Idempotency-Key}, an open circuit, a
 * deadline, ...) are answered as {@code application/problem+json} with their status and
 * {@code Retry-After}, instead of reaching Lambda as a function error that API Gateway answers
 * with a bare 500. Any other exception passes through unchanged (it is yours; Lambda logs it and
 * counts it as an error). Needs {@code aws-lambda-java-events} (optional for the library). Stateless.
 */
public final class HttpApi {

    private HttpApi() {
    }

    /**
     * @param handler the function's handler
     * @return the handler, answering the library's problems
     */
    public static Handler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> answerProblems(
            Handler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler) {
        return Problems.answering(handler, (problem, now) -> APIGatewayV2HTTPResponse.builder()
                .withStatusCode(problem.problemType().status()).withHeaders(Problems.headers(problem, now))
                .withBody(Problems.json(problem)).build());
    }
}
