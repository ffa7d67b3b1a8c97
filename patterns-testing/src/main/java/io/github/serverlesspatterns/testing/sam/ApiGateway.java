package io.github.serverlesspatterns.testing.sam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.serverlesspatterns.testing.LambdaService;
import io.github.serverlesspatterns.testing.LoopbackHttp;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * API Gateway, locally: a stand-in for API Gateway in front of a SAM template's functions, on a real local port.
 * Function events of type {@code Api} (REST API, proxy integration, payload 1.0) and
 * {@code HttpApi} (payload format 2.0), and {@code AWS::ApiGatewayV2::Route}s to an
 * {@code HTTP_PROXY} integration, are served as API Gateway serves them: each HTTP request becomes
 * the proxy event JSON API Gateway builds (path and query parameters, headers, stage, request
 * context) and goes to the function through the Lambda Invoke API, so the function sees it
 * through the Java runtime's own deserialization. The answer is checked as API Gateway checks it:
 * a REST API answers 502 {@code {"message": "Internal server error"}} to a function error or a
 * malformed proxy response (no integer {@code statusCode}, a non-string {@code body}, an unknown
 * field); an HTTP API answers 500 to a function error and takes a response without
 * {@code statusCode} as a 200 JSON body. Route selection follows API Gateway's rule: the most
 * specific route wins, a greedy {@code {proxy+}} route only takes what nothing else matches. A REST
 * API's default Lambda authorizer ({@code Auth.DefaultAuthorizer}, TOKEN or REQUEST) runs before its
 * routes: the identity checked (a TOKEN header and its validation expression, a REQUEST's identity
 * headers and query strings: 401 when missing), the authorizer function invoked with the event of its
 * type, its policy cached per identity for {@code ReauthorizeEvery} seconds and matched against the method ARN (403), its
 * {@code principalId} and context handed on in {@code requestContext.authorizer}. Stage variables
 * ({@code Variables} of an {@code AWS::Serverless::Api}, {@code StageVariables} of an HTTP API) reach
 * the event's {@code stageVariables}. Limit: the JDK's HTTP server normalizes header names
 * ({@code X-tenant} for {@code X-Tenant}), so a REST event's header names may differ in case from what
 * the client sent; API Gateway keeps the client's case. Read headers case-insensitively.
 */
public final class ApiGateway implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> REST_RESPONSE_FIELDS = Set.of("statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded");

    /** A REST API's TOKEN authorizer: its function, the identity header and its validation, the policy cache's TTL. */
    /**
     * A REST API's Lambda authorizer: TOKEN (one header, its validation) or REQUEST (identity headers and query
     * strings), its function, and its policy cache's TTL.
     */
    private record Authorizer(String name, String functionId, boolean request, String header, Pattern validation,
                              List<String> identityHeaders, List<String> identityQueryStrings, int ttlSeconds) {
    }

    private record CachedPolicy(JsonNode policy, long until) {
    }

    private record Route(String method, String[] segments, String functionId, String proxyUri, boolean rest, String stage,
                         Authorizer authorizer, Map<String, String> stageVariables) {
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

        String resource() {
            return "/" + String.join("/", segments);
        }
    }

    private final List<Route> routes = new ArrayList<>();
    private final Map<String, CachedPolicy> policies = new ConcurrentHashMap<>();
    private final LambdaService lambda;
    private final String namePrefix;
    private final HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, Integer> hits = new ConcurrentHashMap<>();

    private final ExecutorService requests = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "api-gateway-request");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param template   the SAM template
     * @param parameters values of the template's parameters used in integration URIs
     * @param lambda     the Lambda endpoint where the template's functions are registered
     * @param namePrefix the functions are registered as this prefix plus their logical id
     * @throws IllegalArgumentException if the template routes to an integration this stand-in does not serve
     */
    @SuppressWarnings("unchecked")
    public ApiGateway(Path template, Map<String, String> parameters, LambdaService lambda, String namePrefix) {
        this.lambda = lambda;
        this.namePrefix = namePrefix;
        Map<String, SamTemplate.Resource> resources = SamTemplate.resources(template);
        resources.forEach((id, resource) -> {
            Map<String, Object> properties = resource.properties();
            if ("AWS::Serverless::Function".equals(resource.type()) && properties.get("Events") instanceof Map<?, ?> events) {
                for (Object e : events.values()) {
                    Map<String, Object> event = (Map<String, Object>) e;
                    Object type = event.get("Type");
                    if ("HttpApi".equals(type) || "Api".equals(type)) {
                        Map<String, Object> p = (Map<String, Object>) event.get("Properties");
                        String apiId = p.get("RestApiId") instanceof Map<?, ?> ref ? String.valueOf(ref.get("Ref")) : null;
                        SamTemplate.Resource api = apiId == null ? null : resources.get(apiId);
                        String stage = api == null ? ("Api".equals(type) ? "Prod" : "$default")
                                : String.valueOf(api.properties().getOrDefault("StageName", "Prod"));
                        boolean none = p.get("Auth") instanceof Map<?, ?> auth && "NONE".equals(auth.get("Authorizer"));
                        Object variables = api == null ? null : api.properties().get("Api".equals(type) ? "Variables" : "StageVariables");
                        Map<String, String> stageVariables = new LinkedHashMap<>();
                        if (variables instanceof Map<?, ?> vars) {
                            vars.forEach((k, v) -> stageVariables.put(String.valueOf(k), String.valueOf(v)));
                        }
                        routes.add(new Route(String.valueOf(p.get("Method")).toUpperCase(Locale.ROOT),
                                split(String.valueOf(p.get("Path"))), id, null, "Api".equals(type), stage,
                                api == null || none ? null : tokenAuthorizer(api), Map.copyOf(stageVariables)));
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
                routes.add(new Route(key[0], split(key[1]), null, uri, false, "$default", null, Map.of()));
            }
        });
        server = LoopbackHttp.create("a local stand-in", 16);
        server.createContext("/", this::serve);
        // requests are served at once, as API Gateway serves them (the JDK server's default runs one at a time)
        server.setExecutor(requests);
        server.start();
    }

    /** The API's default Lambda authorizer, from {@code Auth.DefaultAuthorizer} and {@code Auth.Authorizers}; none if it has none. */
    @SuppressWarnings("unchecked")
    private static Authorizer tokenAuthorizer(SamTemplate.Resource api) {
        if (!(api.properties().get("Auth") instanceof Map<?, ?> auth) || !(auth.get("DefaultAuthorizer") instanceof String name)
                || !(auth.get("Authorizers") instanceof Map<?, ?> all) || !(all.get(name) instanceof Map<?, ?> a)) {
            return null;
        }
        Map<String, Object> authorizer = (Map<String, Object>) a;
        Object arn = authorizer.get("FunctionArn");
        String ref = arn instanceof Map<?, ?> m ? String.valueOf(m.containsKey("Ref") ? m.get("Ref")
                : ((List<?>) m.get("Fn::GetAtt")).get(0)) : String.valueOf(arn);
        String functionId = ref.replaceFirst("\\.Alias$", "");
        Map<String, Object> identity = (Map<String, Object>) authorizer.getOrDefault("Identity", Map.of());
        String header = String.valueOf(identity.getOrDefault("Header", "Authorization"));
        Object validation = identity.get("ValidationExpression");
        int ttl = identity.get("ReauthorizeEvery") instanceof Number n ? n.intValue() : 300;
        boolean request = "REQUEST".equals(authorizer.get("FunctionPayloadType"));
        List<String> headers = identity.get("Headers") instanceof List<?> h ? h.stream().map(String::valueOf).toList() : List.of();
        List<String> queryStrings = identity.get("QueryStrings") instanceof List<?> q ? q.stream().map(String::valueOf).toList() : List.of();
        return new Authorizer(name, functionId, request, header,
                validation == null ? null : Pattern.compile(String.valueOf(validation)), headers, queryStrings, ttl);
    }

    private static String[] split(String path) {
        String trimmed = path.replaceFirst("^/", "");
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/");
    }

    /** @return the base URL requests go to (no stage in the path) */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** @return how many requests each route target (function id, or the proxy URI) got */
    public Map<String, Integer> hits() {
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
            Answer answer;
            if (best == null) {
                boolean rest = routes.stream().anyMatch(Route::rest);
                answer = new Answer(rest ? 403 : 404, Map.of(), rest ? "{\"message\":\"Missing Authentication Token\"}" : "{\"message\":\"Not Found\"}");
            } else if (best.functionId() != null) {
                ObjectNode event = best.rest() ? restEvent(exchange, best, bestVariables, body) : httpEvent(exchange, best, bestVariables, body);
                Object decision = best.authorizer() == null ? null : authorizeRoute(exchange, best, method, event);
                if (decision instanceof Answer refused) {
                    answer = refused;
                } else {
                    hits.merge(best.functionId(), 1, Integer::sum);
                    if (decision instanceof JsonNode authorized) {
                        ObjectNode authorizerContext = ((ObjectNode) event.get("requestContext")).putObject("authorizer");
                        authorizerContext.put("principalId", authorized.path("principalId").asText());
                        authorized.path("context").properties().forEach(e -> authorizerContext.set(e.getKey(), e.getValue()));
                    }
                    String function = namePrefix + best.functionId();
                    InvokeResponse response = lambda.client().invoke(b -> b.functionName(function)
                            .payload(SdkBytes.fromUtf8String(event.toString())));
                    answer = best.rest() ? restAnswer(response) : httpAnswer(response);
                }
            } else {
                hits.merge(best.proxyUri(), 1, Integer::sum);
                String target = best.proxyUri().replace("{proxy}", bestVariables.getOrDefault("proxy", ""));
                try {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(target))
                            .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
                    answer = new Answer(response.statusCode(), Map.of(), response.body());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                } catch (IOException e) { // what API Gateway answers when the integration fails
                    answer = new Answer(502, Map.of(), "{\"message\":\"Bad Gateway\"}");
                }
            }
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] bytes = answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private record Answer(int status, Map<String, String> headers, String body) {
    }

    private static final Answer UNAUTHORIZED = new Answer(401, Map.of("x-amzn-ErrorType", "UnauthorizedException"),
            "{\"message\":\"Unauthorized\"}");
    private static final Answer DENIED = new Answer(403, Map.of("x-amzn-ErrorType", "AccessDeniedException"),
            "{\"Message\":\"User is not authorized to access this resource with an explicit deny\"}");
    private static final Answer NOT_ALLOWED = new Answer(403, Map.of("x-amzn-ErrorType", "AccessDeniedException"),
            "{\"Message\":\"User is not authorized to access this resource\"}");

    /**
     * Runs the route's authorizer: a REQUEST authorizer gets the route's proxy event with its type and
     * method ARN, a TOKEN authorizer the token event.
     *
     * @return the policy when the call may go on, else the answer
     */
    private Object authorizeRoute(HttpExchange exchange, Route route, String method, ObjectNode proxyEvent) throws IOException {
        String methodArn = "arn:aws:execute-api:us-east-1:000000000000:local/" + route.stage() + "/" + method + exchange.getRequestURI().getPath();
        Authorizer authorizer = route.authorizer();
        if (authorizer.request()) {
            List<String> identity = new ArrayList<>();
            Map<String, List<String>> query = query(exchange.getRequestURI().getRawQuery());
            authorizer.identityHeaders().forEach(h -> identity.add(exchange.getRequestHeaders().getFirst(h)));
            authorizer.identityQueryStrings().forEach(q -> identity.add(query.containsKey(q) ? query.get(q).get(0) : null));
            return identity.contains(null) ? UNAUTHORIZED : authorize(authorizer, String.join("\u0000", identity), methodArn,
                    proxyEvent.deepCopy().put("type", "REQUEST").put("methodArn", methodArn));
        }
        String token = exchange.getRequestHeaders().getFirst(authorizer.header());
        return token == null || (authorizer.validation() != null && !authorizer.validation().matcher(token).matches())
                ? UNAUTHORIZED
                : authorize(authorizer, token, methodArn, JSON.createObjectNode().put("type", "TOKEN")
                        .put("authorizationToken", token).put("methodArn", methodArn));
    }

    /**
     * What a REST API does with a Lambda authorizer once the identity is there (a missing token, one that
     * fails the validation, or a missing REQUEST identity source is 401 without calling it): the policy it
     * returns is cached per identity for the TTL; its {@code Unauthorized} error is 401, any other error 500;
     * a Deny matching the method ARN is 403, and so is no matching Allow.
     *
     * @return the policy when the call may go on, else the answer
     */
    private Object authorize(Authorizer authorizer, String identity, String methodArn, ObjectNode event) throws IOException {
        String token = authorizer.name() + "\u0000" + identity;
        CachedPolicy cached = policies.get(token);
        JsonNode policy;
        if (cached != null && cached.until() > System.currentTimeMillis()) {
            policy = cached.policy();
        } else {
            InvokeResponse response = lambda.client().invoke(b -> b.functionName(namePrefix + authorizer.functionId())
                    .payload(SdkBytes.fromUtf8String(event.toString())));
            JsonNode json = JSON.readTree(response.payload().asByteArray());
            if (response.functionError() != null) {
                return "Unauthorized".equals(json.path("errorMessage").asText())
                        ? UNAUTHORIZED : new Answer(500, Map.of("x-amzn-ErrorType", "AuthorizerConfigurationException"), "{\"message\":null}");
            }
            policy = json;
            if (authorizer.ttlSeconds() > 0) {
                policies.put(token, new CachedPolicy(policy, System.currentTimeMillis() + authorizer.ttlSeconds() * 1000L));
            }
        }
        boolean allowed = false;
        for (JsonNode statement : policy.path("policyDocument").path("Statement")) {
            JsonNode resources = statement.path("Resource");
            for (JsonNode resource : resources.isArray() ? resources : JSON.createArrayNode().add(resources)) {
                if (iamGlob(resource.asText()).matcher(methodArn).matches()) {
                    if ("Deny".equals(statement.path("Effect").asText())) {
                        return DENIED;
                    }
                    allowed = true;
                }
            }
        }
        return allowed ? policy : NOT_ALLOWED;
    }

    private static Pattern iamGlob(String resource) {
        StringBuilder regex = new StringBuilder();
        for (char c : resource.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString());
    }

    private static final Answer REST_INTERNAL_ERROR = new Answer(502, Map.of("x-amzn-ErrorType", "InternalServerErrorException"),
            "{\"message\": \"Internal server error\"}");

    /** REST API, Lambda proxy integration: a function error or a malformed proxy response is a 502. */
    private static Answer restAnswer(InvokeResponse response) throws IOException {
        if (response.functionError() != null) {
            return REST_INTERNAL_ERROR;
        }
        JsonNode json;
        try {
            json = JSON.readTree(response.payload().asByteArray());
        } catch (IOException e) {
            return REST_INTERNAL_ERROR;
        }
        if (json == null || !json.isObject() || !json.path("statusCode").canConvertToInt() || !json.get("statusCode").isIntegralNumber()) {
            return REST_INTERNAL_ERROR;
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            if (!REST_RESPONSE_FIELDS.contains(names.next())) {
                return REST_INTERNAL_ERROR;
            }
        }
        JsonNode body = json.get("body");
        if (body != null && !body.isNull() && !body.isTextual()) {
            return REST_INTERNAL_ERROR;
        }
        return new Answer(json.get("statusCode").asInt(), headersOf(json), body == null || body.isNull() ? null : body.asText());
    }

    /** HTTP API, payload format 2.0: a response without statusCode is a 200 JSON body. */
    private static Answer httpAnswer(InvokeResponse response) throws IOException {
        if (response.functionError() != null) {
            return new Answer(500, Map.of(), "{\"message\":\"Internal Server Error\"}");
        }
        JsonNode json;
        try {
            json = JSON.readTree(response.payload().asByteArray());
        } catch (IOException e) {
            return new Answer(500, Map.of(), "{\"message\":\"Internal Server Error\"}");
        }
        if (json != null && json.isObject() && json.has("statusCode")) {
            if (!json.get("statusCode").isIntegralNumber()) {
                return new Answer(500, Map.of(), "{\"message\":\"Internal Server Error\"}");
            }
            JsonNode body = json.get("body");
            return new Answer(json.get("statusCode").asInt(), headersOf(json),
                    body == null || body.isNull() ? null : body.isTextual() ? body.asText() : body.toString());
        }
        return new Answer(200, Map.of("Content-Type", "application/json"), json == null ? "" : json.toString());
    }

    private static Map<String, String> headersOf(JsonNode json) {
        Map<String, String> headers = new LinkedHashMap<>();
        json.path("headers").properties().forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
        return headers;
    }

    /** The REST API proxy event (payload 1.0), as API Gateway builds it. */
    private static ObjectNode restEvent(HttpExchange exchange, Route route, Map<String, String> variables, byte[] body) {
        ObjectNode event = JSON.createObjectNode();
        String path = exchange.getRequestURI().getPath();
        event.put("resource", route.resource());
        event.put("path", path);
        event.put("httpMethod", exchange.getRequestMethod());
        ObjectNode headers = event.putObject("headers");
        ObjectNode multiHeaders = event.putObject("multiValueHeaders");
        exchange.getRequestHeaders().forEach((name, values) -> {
            headers.put(name, values.get(values.size() - 1));
            values.forEach(multiHeaders.withArray(name)::add);
        });
        Map<String, List<String>> query = query(exchange.getRequestURI().getRawQuery());
        if (query.isEmpty()) {
            event.putNull("queryStringParameters");
            event.putNull("multiValueQueryStringParameters");
        } else {
            ObjectNode single = event.putObject("queryStringParameters");
            ObjectNode multi = event.putObject("multiValueQueryStringParameters");
            query.forEach((k, v) -> {
                single.put(k, v.get(v.size() - 1));
                v.forEach(multi.withArray(k)::add);
            });
        }
        if (variables.isEmpty()) {
            event.putNull("pathParameters");
        } else {
            ObjectNode p = event.putObject("pathParameters");
            variables.forEach(p::put);
        }
        if (route.stageVariables().isEmpty()) {
            event.putNull("stageVariables");
        } else {
            ObjectNode stageVariables = event.putObject("stageVariables");
            route.stageVariables().forEach(stageVariables::put);
        }
        ObjectNode context = event.putObject("requestContext");
        context.put("resourcePath", route.resource());
        context.put("httpMethod", exchange.getRequestMethod());
        context.put("path", "/" + route.stage() + path);
        context.put("stage", route.stage());
        context.put("requestId", UUID.randomUUID().toString());
        context.put("accountId", "000000000000");
        context.put("apiId", "local");
        context.put("protocol", "HTTP/1.1");
        context.put("requestTimeEpoch", Instant.now().toEpochMilli());
        context.putObject("identity").put("sourceIp", exchange.getRemoteAddress().getAddress().getHostAddress());
        if (body.length == 0) {
            event.putNull("body");
        } else {
            event.put("body", new String(body, StandardCharsets.UTF_8));
        }
        event.put("isBase64Encoded", false);
        return event;
    }

    /** The HTTP API event, payload format 2.0: header names in lower case, repeated values joined by commas. */
    private static ObjectNode httpEvent(HttpExchange exchange, Route route, Map<String, String> variables, byte[] body) {
        ObjectNode event = JSON.createObjectNode();
        String path = exchange.getRequestURI().getPath();
        String routeKey = route.method() + " " + route.resource();
        event.put("version", "2.0");
        event.put("routeKey", routeKey);
        event.put("rawPath", path);
        event.put("rawQueryString", exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery());
        ObjectNode headers = event.putObject("headers");
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        Map<String, List<String>> query = query(exchange.getRequestURI().getRawQuery());
        if (!query.isEmpty()) {
            ObjectNode q = event.putObject("queryStringParameters");
            query.forEach((k, v) -> q.put(k, String.join(",", v)));
        }
        if (!variables.isEmpty()) {
            ObjectNode p = event.putObject("pathParameters");
            variables.forEach(p::put);
        }
        if (!route.stageVariables().isEmpty()) {
            ObjectNode stageVariables = event.putObject("stageVariables");
            route.stageVariables().forEach(stageVariables::put);
        }
        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", "000000000000");
        context.put("apiId", "local");
        context.put("domainName", exchange.getLocalAddress().getHostString());
        ObjectNode httpContext = context.putObject("http");
        httpContext.put("method", exchange.getRequestMethod());
        httpContext.put("path", path);
        httpContext.put("protocol", "HTTP/1.1");
        httpContext.put("sourceIp", exchange.getRemoteAddress().getAddress().getHostAddress());
        httpContext.put("userAgent", String.valueOf(exchange.getRequestHeaders().getFirst("User-Agent")));
        context.put("requestId", UUID.randomUUID().toString());
        context.put("routeKey", routeKey);
        context.put("stage", "$default");
        context.put("timeEpoch", Instant.now().toEpochMilli());
        if (body.length > 0) {
            event.put("body", new String(body, StandardCharsets.UTF_8));
        }
        event.put("isBase64Encoded", false);
        return event;
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return query;
    }

    private static Map<String, String> match(Route route, String method, String[] path) {
        if (!route.method().equals("ANY") && !route.method().equals(method)) {
            return null;
        }
        Map<String, String> variables = new LinkedHashMap<>();
        String[] segments = route.segments();
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            if (s.endsWith("+}")) {
                if (i >= path.length) {
                    return null;
                }
                variables.put(s.substring(1, s.length() - 2), String.join("/", Arrays.copyOfRange(path, i, path.length)));
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
        requests.shutdownNow();
    }
}
