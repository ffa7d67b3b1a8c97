package io.github.serverlesspatterns.testing;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;

/**
 * What the managed Java runtime does between the Invoke payload and a {@link RequestHandler}:
 * the handler method is chosen as the runtime chooses it (a {@code handleRequest} that is not a
 * bridge method, the longest signature first), its declared parameter and return types pick the
 * serializers ({@code aws-lambda-java-serialization}: the event serializers with their mix-ins
 * for classes of {@code com.amazonaws.services.lambda.runtime.events}, the runtime's Jackson for
 * everything else), and failures read as the runtime's do ({@code An error occurred during JSON
 * parsing} for an event that does not fit the declared type). Test-kit code: reflection here is
 * the runtime's own, not the library's.
 */
final class RuntimeSerialization {

    private static final byte[] JSON_NULL = {'n', 'u', 'l', 'l'};

    private RuntimeSerialization() {
    }

    /** The runtime's priority among overloads: non-bridge first, then longer signatures (Context counts one more). */
    private static final Comparator<Method> PRIORITY = Comparator
            .comparing(Method::isBridge)
            .thenComparing(Comparator.comparingInt(RuntimeSerialization::weight).reversed());

    private static int weight(Method m) {
        Class<?>[] p = m.getParameterTypes();
        return p.length + (p.length > 0 && p[p.length - 1] == Context.class ? 1 : 0);
    }

    /** The declared (input, output) types of the method the runtime would call on this handler. */
    static Type[] declaredTypes(Object handler, String methodName) {
        Method chosen = Arrays.stream(handler.getClass().getMethods())
                .filter(m -> m.getName().equals(methodName))
                .filter(m -> m.getParameterCount() == 2 && m.getParameterTypes()[1] == Context.class)
                .min(PRIORITY)
                .orElseThrow(() -> new IllegalArgumentException("No public method named " + methodName
                        + " with appropriate method signature found on class " + handler.getClass().getName()));
        return new Type[] {chosen.getGenericParameterTypes()[0], chosen.getGenericReturnType()};
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static PojoSerializer<Object> serializerFor(Type type, ClassLoader loader) {
        if (type instanceof Class<?> c && LambdaEventSerializers.isLambdaSupportedEvent(c.getName())) {
            return (PojoSerializer) LambdaEventSerializers.serializerFor(c, loader);
        }
        return JacksonFactory.getInstance().getSerializer(type);
    }

    private static boolean isVoid(Type type) {
        return type == void.class || type == Void.class;
    }

    /**
     * @param inputType  the declared input type
     * @param outputType the declared output type ({@code void} answers {@code null})
     * @param handler    the handler
     * @return the handler behind the runtime's serialization
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static LocalFunction function(Type inputType, Type outputType, RequestHandler<?, ?> handler) {
        Objects.requireNonNull(inputType, "inputType");
        Objects.requireNonNull(outputType, "outputType");
        Objects.requireNonNull(handler, "handler");
        ClassLoader loader = handler.getClass().getClassLoader();
        PojoSerializer<Object> input = serializerFor(inputType, loader);
        PojoSerializer<Object> output = isVoid(outputType) ? null : serializerFor(outputType, loader);
        RequestHandler<Object, Object> raw = (RequestHandler) handler;
        return (payload, context) -> {
            Object event;
            try {
                event = input.fromJson(new ByteArrayInputStream(payload));
            } catch (Throwable t) {
                throw new RuntimeException("An error occurred during JSON parsing", t);
            }
            Object result = raw.handleRequest(event, context);
            if (output == null) {
                return JSON_NULL.clone();
            }
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream(256);
                output.toJson(result, out);
                return out.toByteArray();
            } catch (Throwable t) {
                throw new RuntimeException("An error occurred during JSON serialization of response", t);
            }
        };
    }
}
