/** The DynamoDB circuit state store (the AWS SDK v2 {@code dynamodb} module is an optional dependency). */
package io.github.serverlesspatterns.circuitbreaker.dynamodb;
