/**
 * Runs functions from their SAM template locally: {@link io.github.serverlesspatterns.testing.sam.SamTemplate}
 * reads it, {@link io.github.serverlesspatterns.testing.sam.SamFunctions} registers a function under the
 * template's settings and resolves its environment, {@link io.github.serverlesspatterns.testing.sam.SamEventSources}
 * builds its SQS, Kinesis and DynamoDB Streams mappings, and {@link io.github.serverlesspatterns.testing.sam.ApiGateway}
 * serves its API Gateway routes on a local port.
 */
package io.github.serverlesspatterns.testing.sam;
