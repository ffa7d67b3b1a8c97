package io.github.serverlesspatterns.examples;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.LambdaAdapters;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A local stand-in for an API Gateway HTTP API, built from a SAM template's routes: function
 * events of type {@code HttpApi} call the function's handler (payload format 2.0), and
 * {@code AWS::ApiGatewayV2::Route}s whose target is an {@code HTTP_PROXY} integration forward the
 * request to its URI (with {@code {proxy}} filled in). Route selection follows HTTP API's rule:
 * the most specific route wins, a greedy {@code {proxy+}} route only takes what nothing else
 * matches. Serves on a real local port.
 */
final class LocalHttpApi implements AutoCloseable {

    private record Route(String method, String[] segments, String functionId, String proxyUri) {
        boolean greedy() {
            return segments.length > 0 && segments[segments.length - 1].endsWith("+}");
        }

        int variables() {
            int n = 0;
            for (String s : segments) {
                n += s.startsWith("{") ? 1 : 0;
            }
            return n;
        }
    }

    private final List<Route> routes = new ArrayList<>();
    private final Map<String, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> functions;
    private final HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, Integer> hits = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param template   the SAM template
     * @param parameters values of the template's parameters used in integration URIs
     * @param functions  handlers by the function's logical id
     */
    @SuppressWarnings("unchecked")
    LocalHttpApi(Path template, Map<String, String> parameters,
                 Map<String, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> functions) throws IOException {
        this.functions = functions;
        Map<String, SamTemplate.Resource> resources = SamTemplate.resources(template);
        resources.forEach((id, resource) -> {
            Map<String, Object> properties = resource.properties();
            if ("AWS::Serverless::Function".equals(resource.type()) && properties.get("Events") instanceof Map<?, ?> events) {
                for (Object e : events.values()) {
                    Map<String, Object> event = (Map<String, Object>) e;
                    if ("HttpApi".equals(event.get("Type"))) {
                        Map<String, Object> p = (Map<String, Object>) event.get("Properties");
                        routes.add(new Route(String.valueOf(p.get("Method")).toUpperCase(java.util.Locale.ROOT),
                                split(String.valueOf(p.get("Path"))), id, null));
                    }
                }
            }
            if ("AWS::ApiGatewayV2::Route".equals(resource.type())) {
                String[] key = String.valueOf(properties.get("RouteKey")).split(" ", 2);
                String target = String.valueOf(((Map<String, Object>) properties.get("Target")).get("Fn::Sub"));
                String integrationId = target.substring(target.indexOf("${") + 2, target.indexOf('}'));
                Map<String, Object> integration = resources.get(integrationId).properties();
                if (!"HTTP_PROXY".equals(integration.get("IntegrationType"))) {
                    throw new IllegalArgumentException(id + ": only HTTP_PROXY integrations are served locally");
                }
                String uri = String.valueOf(((Map<String, Object>) integration.get("IntegrationUri")).get("Fn::Sub"));
                for (var parameter : parameters.entrySet()) {
                    uri = uri.replace("${" + parameter.getKey() + "}", parameter.getValue());
                }
                routes.add(new Route(key[0], split(key[1]), null, uri));
            }
        });
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", this::serve);
        server.start();
    }

    private static String[] split(String path) {
        return path.replaceFirst("^/", "").split("/");
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** @return how many requests each route target (function id, or the proxy URI) got */
    Map<String, Integer> hits() {
        return Map.copyOf(hits);
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String[] path = split(exchange.getRequestURI().getPath());
            Route best = null;
            Map<String, String> bestVariables = null;
            for (Route route : routes) {
                Map<String, String> variables = match(route, method, path);
                if (variables != null && (best == null || moreSpecific(route, best))) {
                    best = route;
                    bestVariables = variables;
                }
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status;
            byte[] answer;
            if (best == null) {
                status = 404;
                answer = "{\"message\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8);
            } else if (best.functionId() != null) {
                hits.merge(best.functionId(), 1, Integer::sum);
                APIGatewayV2HTTPResponse response = functions.get(best.functionId()).handleRequest(APIGatewayV2HTTPEvent.builder()
                        .withVersion("2.0").withRouteKey(best.method() + " /" + String.join("/", best.segments()))
                        .withRawPath(exchange.getRequestURI().getPath()).withPathParameters(bestVariables)
                        .withHeaders(headers(exchange))
                        .withBody(new String(body, StandardCharsets.UTF_8))
                        .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                                .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method)
                                        .withPath(exchange.getRequestURI().getPath()).build()).build())
                        .build(), LambdaAdapters.contextOf(Invocation.builder().functionName(best.functionId()).build()));
                status = response.getStatusCode();
                answer = response.getBody() == null ? new byte[0] : response.getBody().getBytes(StandardCharsets.UTF_8);
            } else {
                hits.merge(best.proxyUri(), 1, Integer::sum);
                String target = best.proxyUri().replace("{proxy}", bestVariables.getOrDefault("proxy", ""));
                try {
                    HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(target))
                            .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
                    status = response.statusCode();
                    answer = response.body();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                } catch (IOException e) { // what API Gateway answers when the integration fails
                    status = 502;
                    answer = "{\"message\":\"Bad Gateway\"}".getBytes(StandardCharsets.UTF_8);
                }
            }
            exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    /** Payload format 2.0: header names in lower case, repeated values joined by commas. */
    private static Map<String, String> headers(HttpExchange exchange) {
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), String.join(",", values)));
        return headers;
    }

    private static Map<String, String> match(Route route, String method, String[] path) {
        if (!route.method().equals("ANY") && !route.method().equals(method)) {
            return null;
        }
        Map<String, String> variables = new HashMap<>();
        String[] segments = route.segments();
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            if (s.endsWith("+}")) {
                if (i >= path.length) {
                    return null;
                }
                variables.put(s.substring(1, s.length() - 2), String.join("/", java.util.Arrays.copyOfRange(path, i, path.length)));
                return variables;
            }
            if (i >= path.length) {
                return null;
            }
            if (s.startsWith("{")) {
                variables.put(s.substring(1, s.length() - 1), path[i]);
            } else if (!s.equals(path[i])) {
                return null;
            }
        }
        return segments.length == path.length ? variables : null;
    }

    private static boolean moreSpecific(Route a, Route b) {
        if (a.greedy() != b.greedy()) {
            return !a.greedy();
        }
        if (a.variables() != b.variables()) {
            return a.variables() < b.variables();
        }
        return !a.method().equals("ANY") && b.method().equals("ANY");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
