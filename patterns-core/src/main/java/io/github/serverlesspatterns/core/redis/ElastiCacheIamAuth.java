package io.github.serverlesspatterns.core.redis;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * ElastiCache IAM authentication for Lettuce: each new connection authenticates as an IAM-enabled
 * ElastiCache user with a short-lived token signed (SigV4, service {@code elasticache}) with the
 * function's own AWS credentials — no password in the environment or in Secrets Manager.
 *
 * <pre>{@code
 * RedisURI endpoint = RedisURI.builder().withHost(host).withPort(6379).withSsl(true)
 *         .withAuthentication(ElastiCacheIamAuth.builder("app-user", "orders-cache")
 *                 .region("eu-west-1").serverless(true).build().credentialsProvider())
 *         .build();
 * }</pre>
 *
 * A token is valid for 15 minutes and is needed only to open a connection (ElastiCache closes an
 * IAM-authenticated connection after 12 hours; Lettuce then reconnects with a fresh token). Tokens
 * are reused for {@link #REUSE} and signed again after that. The function's role needs
 * {@code elasticache:Connect} on the cache and on the user. TLS is required by ElastiCache for IAM
 * users. Thread-safe.
 */
public final class ElastiCacheIamAuth implements Supplier<RedisCredentials> {

    /** How long a token is reused before a new one is signed: 10 minutes (tokens live 15). */
    public static final Duration REUSE = Duration.ofMinutes(10);
    /** A token's lifetime, as ElastiCache accepts it: 15 minutes. */
    public static final Duration TOKEN_LIFETIME = Duration.ofMinutes(15);

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,119}");

    private final String userId;
    private final String cacheName;
    private final String region;
    private final boolean serverless;
    private final AwsCredentialsProvider credentials;
    private final Clock clock;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private Token current;

    private record Token(RedisCredentials credentials, long signedAtMillis) {
    }

    private ElastiCacheIamAuth(Builder b) {
        this.userId = b.userId;
        this.cacheName = b.cacheName;
        this.region = b.region;
        this.serverless = b.serverless;
        this.credentials = b.credentials != null ? b.credentials : DefaultCredentialsProvider.builder().build();
        this.clock = b.clock;
    }

    /**
     * @param userId    the ElastiCache user's id (IAM-enabled users have user name = user id)
     * @param cacheName the replication group id, or the serverless cache's name
     * @return a builder
     * @throws IllegalArgumentException naming the argument when it is not an ElastiCache identifier
     */
    public static Builder builder(String userId, String cacheName) {
        return new Builder(checkName("userId", userId), checkName("cacheName", cacheName));
    }

    private static String checkName(String what, String value) {
        Objects.requireNonNull(value, what);
        if (!NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be 1 to 120 letters, digits or '-', starting with a letter or "
                    + "digit (an ElastiCache identifier); got " + value.length() + " characters");
        }
        return value;
    }

    /** @return a Lettuce credentials provider for {@code RedisURI.Builder.withAuthentication} */
    public RedisCredentialsProvider credentialsProvider() {
        return RedisCredentialsProvider.from(this);
    }

    /**
     * @return the user and a valid token (reused for {@link #REUSE}, then signed again)
     */
    @Override
    public synchronized RedisCredentials get() {
        long now = clock.millis();
        if (current == null || now - current.signedAtMillis() >= REUSE.toMillis() || now < current.signedAtMillis()) {
            current = new Token(RedisCredentials.just(userId, token()), now);
        }
        return current.credentials();
    }

    /**
     * Signs a new token now: the presigned {@code connect} request without its scheme, as
     * ElastiCache expects it in the {@code AUTH} command.
     *
     * @return the token
     */
    public String token() {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.GET).protocol("http").host(cacheName)
                .encodedPath("/").putRawQueryParameter("Action", "connect").putRawQueryParameter("User", userId);
        if (serverless) {
            request.putRawQueryParameter("ResourceType", "ServerlessCache");
        }
        SignedRequest signed = signer.sign(r -> r.identity(credentials.resolveCredentials()).request(request.build())
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "elasticache")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, TOKEN_LIFETIME)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        return signed.request().getUri().toString().replaceFirst("^http://", "");
    }

    @Override
    public String toString() {
        return "ElastiCacheIamAuth{user " + userId + ", cache " + cacheName + ", " + region + (serverless ? ", serverless" : "") + '}';
    }

    /** Builds an {@link ElastiCacheIamAuth}; region is required. */
    public static final class Builder {
        private final String userId;
        private final String cacheName;
        private String region;
        private boolean serverless;
        private AwsCredentialsProvider credentials;
        private Clock clock = Clock.systemUTC();

        private Builder(String userId, String cacheName) {
            this.userId = userId;
            this.cacheName = cacheName;
        }

        /**
         * @param region the cache's region, e.g. {@code eu-west-1} (on Lambda: {@code System.getenv("AWS_REGION")})
         * @return this builder
         */
        public Builder region(String region) {
            Objects.requireNonNull(region, "region");
            if (!region.matches("[a-z]{2}(-[a-z]+)+-\\d")) {
                throw new IllegalArgumentException("region must look like eu-west-1, got '" + region + "'");
            }
            this.region = region;
            return this;
        }

        /**
         * @param serverless true for an ElastiCache Serverless cache (the token then names that resource type)
         * @return this builder
         */
        public Builder serverless(boolean serverless) {
            this.serverless = serverless;
            return this;
        }

        /**
         * @param credentials where the signing credentials come from (default: the SDK's default chain, on
         *                    Lambda the function's role)
         * @return this builder
         */
        public Builder credentials(AwsCredentialsProvider credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /**
         * @param clock the signing clock (tests)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @return the authenticator
         * @throws IllegalStateException when no region was set
         */
        public ElastiCacheIamAuth build() {
            if (region == null) {
                throw new IllegalStateException("ElastiCacheIamAuth needs the cache's region: builder(...).region(\"eu-west-1\")");
            }
            return new ElastiCacheIamAuth(this);
        }
    }
}
