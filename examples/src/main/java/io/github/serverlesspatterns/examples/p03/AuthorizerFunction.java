package io.github.serverlesspatterns.examples.p03;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponse;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.LambdaAdapters;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Pattern 3, Gatekeeper: a TOKEN Lambda authorizer that is its own service with its own data.
 * It looks the bearer token up (by its SHA-256, never the token itself) in the gatekeeper's
 * tokens table and answers with an IAM policy that allows every route the token's permissions
 * name, for the whole API stage: API Gateway caches that answer per token
 * ({@code ReauthorizeEvery}), so it must hold for every route the caller may call next.
 *
 * <p>A missing or malformed {@code Authorization} header, an unknown, revoked or expired token
 * fail with exactly {@code Unauthorized}, which API Gateway turns into HTTP 401; a known token
 * asking for a route outside its permissions gets a policy that does not allow it (HTTP 403).
 * The backend receives {@code principalId} and the granted {@code scope} in the authorizer
 * context.
 */
public final class AuthorizerFunction implements RequestHandler<APIGatewayCustomAuthorizerEvent, IamPolicyResponse> {

    /** API Gateway answers 401 only for this exact message. */
    public static final String UNAUTHORIZED = "Unauthorized";

    /** A permission: an HTTP method (or {@code *}) and a path that may end in {@code *}. */
    private static final Pattern PERMISSION = Pattern.compile("(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS|\\*) (/[A-Za-z0-9_\\-./]*\\*?)");
    private static final Pattern BEARER = Pattern.compile("Bearer ([A-Za-z0-9._~+/=-]{16,512})");

    private final RequestHandler<APIGatewayCustomAuthorizerEvent, IamPolicyResponse> handler;

    /** Lambda's constructor: {@code TOKENS_TABLE}. */
    public AuthorizerFunction() {
        this(DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                Objects.requireNonNull(System.getenv("TOKENS_TABLE"), "TOKENS_TABLE is not set"), Clock.systemUTC());
    }

    /**
     * @param dynamoDb DynamoDB client
     * @param table    the gatekeeper's tokens table: {@code tokenHash} (S, key), {@code principalId} (S),
     *                 {@code permissions} (SS, e.g. {@code GET /orders/*}), {@code expiresAt} (N, epoch
     *                 seconds; also the table's TTL attribute), optional {@code revoked} (BOOL)
     * @param clock    the time used for expiry
     */
    public AuthorizerFunction(DynamoDbClient dynamoDb, String table, Clock clock) {
        Objects.requireNonNull(dynamoDb, "dynamoDb");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(clock, "clock");
        Handler<APIGatewayCustomAuthorizerEvent, IamPolicyResponse> authorize = (event, invocation) -> {
            var bearer = BEARER.matcher(event == null || event.getAuthorizationToken() == null ? "" : event.getAuthorizationToken());
            String methodArn = event == null ? null : event.getMethodArn();
            if (!bearer.matches() || methodArn == null || methodArn.split("/").length < 3) {
                throw new IllegalArgumentException(UNAUTHORIZED);
            }
            Map<String, AttributeValue> token = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                    .key(Map.of("tokenHash", AttributeValue.fromS(sha256(bearer.group(1)))))).item();
            if (token == null || token.isEmpty() || token.get("principalId") == null || token.get("expiresAt") == null
                    || Long.parseLong(token.get("expiresAt").n()) <= clock.instant().getEpochSecond()
                    || (token.get("revoked") != null && Boolean.TRUE.equals(token.get("revoked").bool()))) {
                throw new IllegalArgumentException(UNAUTHORIZED);
            }
            // arn:aws:execute-api:region:account:apiId/stage/METHOD/path -> the stage prefix
            String[] parts = methodArn.split("/", 3);
            String stagePrefix = parts[0] + "/" + parts[1] + "/";
            List<String> resources = new ArrayList<>();
            List<String> permissions = token.get("permissions") == null ? List.of() : token.get("permissions").ss();
            for (String permission : permissions) {
                var m = PERMISSION.matcher(permission);
                if (m.matches()) { // a malformed permission grants nothing
                    resources.add(stagePrefix + m.group(1) + m.group(2));
                }
            }
            String principal = token.get("principalId").s();
            IamPolicyResponse.Statement statement = resources.isEmpty()
                    ? IamPolicyResponse.denyStatement(stagePrefix + "*")
                    : IamPolicyResponse.Statement.builder().withAction(IamPolicyResponse.EXECUTE_API_INVOKE)
                    .withEffect(IamPolicyResponse.ALLOW).withResource(resources).build();
            return IamPolicyResponse.builder().withPrincipalId(principal)
                    .withPolicyDocument(IamPolicyResponse.PolicyDocument.builder().withVersion(IamPolicyResponse.VERSION_2012_10_17)
                            .withStatement(List.of(statement)).build())
                    .withContext(Map.of("principalId", principal, "scope", String.join(" ", permissions)))
                    .build();
        };
        this.handler = LambdaAdapters.toRequestHandler(authorize);
    }

    /**
     * @param token a bearer token
     * @return the hex SHA-256 under which the tokens table keeps it
     */
    public static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public IamPolicyResponse handleRequest(APIGatewayCustomAuthorizerEvent event, Context context) {
        return handler.handleRequest(event, context);
    }
}
