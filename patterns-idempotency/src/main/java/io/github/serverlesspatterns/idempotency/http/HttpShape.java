package io.github.serverlesspatterns.idempotency.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@link HttpIdempotency} reads from an API Gateway request and writes to its response, per payload format. */
interface HttpShape<E, R> {

    /** @return the header's first value (names compared ignoring case), or null */
    String header(E request, String name);

    /** @return method, path and body: what must be the same for a replay */
    String payload(E request);

    StoredResponse store(R response);

    /** @return the response's status (read without copying the response) */
    int status(R response);

    R restore(StoredResponse stored);

    /** @return the response marked as a replay ({@code Idempotent-Replayed: true}) */
    R replayed(R response);

    static String find(Map<String, String> headers, Map<String, List<String>> multi, String name) {
        if (headers != null) {
            for (Map.Entry<String, String> e : headers.entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue();
                }
            }
        }
        if (multi != null) {
            for (Map.Entry<String, List<String>> e : multi.entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && e.getValue() != null && !e.getValue().isEmpty()) {
                    return e.getValue().get(0);
                }
            }
        }
        return null;
    }

    static Map<String, String> withReplayed(Map<String, String> headers) {
        Map<String, String> copy = headers == null ? new LinkedHashMap<>() : new LinkedHashMap<>(headers);
        copy.put(HttpIdempotency.REPLAYED_HEADER, "true");
        return copy;
    }

    /** HTTP API, payload format 2.0 (header names arrive lower-cased). */
    HttpShape<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> HTTP_API = new HttpShape<>() {
        @Override
        public String header(APIGatewayV2HTTPEvent request, String name) {
            return find(request.getHeaders(), null, name);
        }

        @Override
        public String payload(APIGatewayV2HTTPEvent request) {
            var http = request.getRequestContext() == null ? null : request.getRequestContext().getHttp();
            return (http == null ? "" : http.getMethod()) + " " + request.getRawPath() + " " + request.getRawQueryString() + "\n"
                    + request.getIsBase64Encoded() + "\n" + request.getBody();
        }

        @Override
        public int status(APIGatewayV2HTTPResponse r) {
            return r.getStatusCode();
        }

        @Override
        public StoredResponse store(APIGatewayV2HTTPResponse r) {
            return new StoredResponse(r.getStatusCode(), r.getHeaders(), r.getMultiValueHeaders(), r.getCookies(), r.getBody(),
                    r.getIsBase64Encoded());
        }

        @Override
        public APIGatewayV2HTTPResponse restore(StoredResponse s) {
            return APIGatewayV2HTTPResponse.builder().withStatusCode(s.status()).withHeaders(s.headers())
                    .withMultiValueHeaders(s.multiValueHeaders()).withCookies(s.cookies()).withBody(s.body())
                    .withIsBase64Encoded(s.base64()).build();
        }

        @Override
        public APIGatewayV2HTTPResponse replayed(APIGatewayV2HTTPResponse response) {
            response.setHeaders(withReplayed(response.getHeaders()));
            return response;
        }
    };

    /** REST API proxy integration, payload format 1.0 (header names as the client sent them). */
    HttpShape<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> REST_API = new HttpShape<>() {
        @Override
        public String header(APIGatewayProxyRequestEvent request, String name) {
            return find(request.getHeaders(), request.getMultiValueHeaders(), name);
        }

        @Override
        public String payload(APIGatewayProxyRequestEvent request) {
            return request.getHttpMethod() + " " + request.getPath() + " " + request.getQueryStringParameters() + "\n"
                    + request.getIsBase64Encoded() + "\n" + request.getBody();
        }

        @Override
        public int status(APIGatewayProxyResponseEvent r) {
            return r.getStatusCode() == null ? 200 : r.getStatusCode();
        }

        @Override
        public StoredResponse store(APIGatewayProxyResponseEvent r) {
            return new StoredResponse(status(r), r.getHeaders(), r.getMultiValueHeaders(),
                    null, r.getBody(), Boolean.TRUE.equals(r.getIsBase64Encoded()));
        }

        @Override
        public APIGatewayProxyResponseEvent restore(StoredResponse s) {
            return new APIGatewayProxyResponseEvent().withStatusCode(s.status()).withHeaders(s.headers())
                    .withMultiValueHeaders(s.multiValueHeaders()).withBody(s.body()).withIsBase64Encoded(s.base64());
        }

        @Override
        public APIGatewayProxyResponseEvent replayed(APIGatewayProxyResponseEvent response) {
            return response.withHeaders(withReplayed(response.getHeaders()));
        }
    };
}
