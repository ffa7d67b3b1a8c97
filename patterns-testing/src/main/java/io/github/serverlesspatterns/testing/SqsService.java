package io.github.serverlesspatterns.testing;

import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.net.URI;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * SQS on a local ElasticMQ server embedded in this JVM (or an external SQS-compatible endpoint).
 * ElasticMQ keeps FIFO message-group order, visibility timeouts and redrive to a dead-letter
 * queue as SQS does. Thread-safe.
 */
public final class SqsService implements AutoCloseable {

    private final URI endpoint;
    private final SQSRestServer server;
    private final SqsClient client;

    private SqsService(URI endpoint, SQSRestServer server) {
        this.endpoint = endpoint;
        this.server = server;
        this.client = AwsClients.configure(SqsClient.builder(), endpoint).build();
    }

    /**
     * Starts ElasticMQ on a free port of 127.0.0.1 and waits until it accepts requests.
     *
     * @return the running service
     */
    public static SqsService start() {
        int port = Ports.free();
        SQSRestServer server = SQSRestServerBuilder.withPort(port)
                .withInterface("127.0.0.1")
                .withServerAddress(new NodeAddress("http", "127.0.0.1", port, ""))
                .withAWSRegion(AwsClients.REGION)
                .withAWSAccountId(AwsClients.ACCOUNT_ID)
                .start();
        server.waitUntilStarted();
        return new SqsService(URI.create("http://127.0.0.1:" + port), server);
    }

    /**
     * Uses an SQS-compatible endpoint that runs elsewhere; {@link #close()} then stops nothing.
     *
     * @param endpoint the endpoint
     * @return the service
     */
    public static SqsService external(URI endpoint) {
        return new SqsService(Objects.requireNonNull(endpoint, "endpoint"), null);
    }

    /** @return the endpoint to point SQS clients at */
    public URI endpoint() {
        return endpoint;
    }

    /** @return a shared SQS client for this endpoint (closed by {@link #close()}) */
    public SqsClient client() {
        return client;
    }

    /**
     * Creates a standard queue (or returns the URL of the existing one).
     *
     * @param name queue name
     * @return the queue URL
     */
    public String createQueue(String name) {
        return createQueue(name, Map.of());
    }

    /**
     * Creates a queue with attributes; a name ending in {@code .fifo} makes a FIFO queue.
     *
     * @param name       queue name
     * @param attributes queue attributes
     * @return the queue URL
     */
    public String createQueue(String name, Map<QueueAttributeName, String> attributes) {
        Map<QueueAttributeName, String> all = new EnumMap<>(QueueAttributeName.class);
        all.putAll(attributes);
        if (name.endsWith(".fifo")) {
            all.putIfAbsent(QueueAttributeName.FIFO_QUEUE, "true");
        }
        return client.createQueue(b -> b.queueName(name).attributes(all)).queueUrl();
    }

    /**
     * The redrive policy attribute value that sends a message to {@code deadLetterQueueUrl}
     * after {@code maxReceiveCount} receives.
     *
     * @param deadLetterQueueUrl the DLQ's URL
     * @param maxReceiveCount    receives before redrive
     * @return the attribute value
     */
    public String redrivePolicy(String deadLetterQueueUrl, int maxReceiveCount) {
        return "{\"deadLetterTargetArn\":\"" + queueArn(deadLetterQueueUrl) + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}";
    }

    /**
     * @param queueUrl a queue URL
     * @return the queue's ARN
     */
    public String queueArn(String queueUrl) {
        return client.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /**
     * @param queueUrl a queue URL
     * @return visible plus in-flight plus delayed messages
     */
    public int approximateDepth(String queueUrl) {
        Map<QueueAttributeName, String> attributes = client.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return attributes.values().stream().mapToInt(Integer::parseInt).sum();
    }

    @Override
    public void close() {
        client.close();
        if (server != null) {
            server.stopAndWait();
        }
    }

    @Override
    public String toString() {
        return "SqsService{" + (server != null ? "ElasticMQ " : "external ") + endpoint + '}';
    }
}
