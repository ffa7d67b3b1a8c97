/**
 * Real local services for testing Lambda handlers: SQS on embedded ElasticMQ, DynamoDB/SNS/Kinesis
 * on moto server, Redis, PostgreSQL and an in-JVM Lambda Invoke endpoint, with a JUnit 5
 * extension ({@link io.github.serverlesspatterns.testing.LocalServicesExtension}) that starts them
 * lazily once per test JVM.
 */
package io.github.serverlesspatterns.testing;
