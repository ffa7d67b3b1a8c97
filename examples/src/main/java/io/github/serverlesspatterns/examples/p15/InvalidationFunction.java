package io.github.serverlesspatterns.examples.p15;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.github.serverlesspatterns.cache.CacheAside;
import io.github.serverlesspatterns.core.LambdaAdapters;
import io.lettuce.core.AbstractRedisClient;


/** Pattern 15: change events (report ids on an SQS queue) become cache invalidations, so reports drop stale data. */
public final class InvalidationFunction implements RequestHandler<SQSEvent, Integer> {

    private final RequestHandler<SQSEvent, Integer> handler;

    /** Lambda's constructor: {@code REDIS_HOST}, {@code REDIS_PORT}, {@code REDIS_USER}, {@code CACHE_NAME} (ReportsRedis). */
    public InvalidationFunction() {
        this(ReportsRedis.fromEnvironment());
    }

    /** @param redis the Redis client (a cluster client on ElastiCache Serverless) */
    public InvalidationFunction(AbstractRedisClient redis) {
        CacheAside<String, String> cache = CacheAside.of(redis, ReportFunction.config());
        this.handler = LambdaAdapters.toRequestHandler(cache.<SQSEvent>invalidationHandler(
                event -> event.getRecords().stream().map(SQSEvent.SQSMessage::getBody).toList()));
    }

    @Override
    public Integer handleRequest(SQSEvent event, Context context) {
        return handler.handleRequest(event, context);
    }
}
