package io.github.serverlesspatterns.testing;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * SDK v2 client settings for local services: the given endpoint, static dummy credentials, an
 * explicit region ({@value #REGION}) and the url-connection HTTP client, so that a test never
 * reaches for real AWS credentials or endpoints.
 *
 * <pre>{@code
 * DynamoDbClient dynamo = AwsClients.configure(DynamoDbClient.builder(), moto.endpoint()).build();
 * }</pre>
 */
public final class AwsClients {

    /** The region every local client uses: {@value}. */
    public static final String REGION = "us-east-1";

    /** The dummy access key id: {@value}. */
    public static final String ACCESS_KEY_ID = "test";

    /** The dummy secret access key: {@value}. */
    public static final String SECRET_ACCESS_KEY = "test";

    /** The account id local services report: {@value}. */
    public static final String ACCOUNT_ID = "000000000000";

    private AwsClients() {
    }

    /**
     * Points a client builder at a local endpoint.
     *
     * @param builder      the SDK client builder
     * @param endpoint     the local endpoint
     * @param interceptors interceptors to add (for example to count calls)
     * @param <B>          the builder type
     * @return the builder
     */
    public static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>>
            B configure(B builder, URI endpoint, ExecutionInterceptor... interceptors) {
        Objects.requireNonNull(builder, "builder");
        Objects.requireNonNull(endpoint, "endpoint");
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
                .apiCallTimeout(Duration.ofSeconds(60));
        for (ExecutionInterceptor interceptor : List.of(interceptors)) {
            override.addExecutionInterceptor(interceptor);
        }
        return builder.endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY)))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60)))
                .overrideConfiguration(override.build());
    }
}
