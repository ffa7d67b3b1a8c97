package io.github.serverlesspatterns.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.Set;

/**
 * JUnit 5 extension that injects local services into test constructors, lifecycle methods and
 * test methods by parameter type: {@link LocalServices}, {@link SqsService}, {@link MotoService},
 * {@link RedisService} (Redis 7), {@link RedisClusterService}, {@link PostgresService} or {@link LambdaService}.
 *
 * <pre>{@code
 * @ExtendWith(LocalServicesExtension.class)
 * class OrderStoreTest {
 *     @Test
 *     void savesAnOrder(MotoService moto) { ... moto.dynamoDb() ... }
 * }
 * }</pre>
 *
 * Only what a test asks for is started, lazily, on free ports, once per test JVM; everything is
 * stopped when the test run ends. Services are shared between test classes: use unique table,
 * queue and function names. External endpoints can be configured as described in
 * {@link LocalServices}.
 */
public final class LocalServicesExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalServicesExtension.class);
    private static final Set<Class<?>> SUPPORTED = Set.of(LocalServices.class, SqsService.class, MotoService.class,
            RedisService.class, RedisClusterService.class, PostgresService.class, LambdaService.class);

    /** Creates the extension (JUnit does this). */
    public LocalServicesExtension() {
    }

    /**
     * The run-wide services, created on first use and closed at the end of the test run.
     *
     * @param context any extension context of the run
     * @return the services
     */
    public static LocalServices services(ExtensionContext context) {
        // the root store closes AutoCloseable values when the whole run ends
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(LocalServices.class, k -> LocalServices.fromEnvironment(System.getenv()), LocalServices.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return SUPPORTED.contains(parameterContext.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        LocalServices services = services(extensionContext);
        Class<?> type = parameterContext.getParameter().getType();
        if (type == LocalServices.class) {
            return services;
        } else if (type == SqsService.class) {
            return services.sqs();
        } else if (type == MotoService.class) {
            return services.moto();
        } else if (type == RedisService.class) {
            return services.redis();
        } else if (type == RedisClusterService.class) {
            return services.redisCluster();
        } else if (type == PostgresService.class) {
            return services.postgres();
        } else if (type == LambdaService.class) {
            return services.lambda();
        }
        throw new ParameterResolutionException("unsupported parameter type " + type.getName());
    }
}
