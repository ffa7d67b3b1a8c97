package io.github.serverlesspatterns.examples;

import io.github.serverlesspatterns.cache.CacheAside;
import io.github.serverlesspatterns.circuitbreaker.CircuitBreaker;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.internal.Checks;
import io.github.serverlesspatterns.fanout.Aggregator;
import io.github.serverlesspatterns.fifo.SqsBatchHandler;
import io.github.serverlesspatterns.idempotency.Idempotency;
import io.github.serverlesspatterns.testing.LambdaService;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packages named {@code internal} are not API (they are left out of the javadoc and may change
 * in any release), so no public or protected signature of an API class may name one of their
 * types: a user could otherwise not avoid them. Without a module descriptor (see the README's
 * "Public surface") this test is what keeps them inside. Every class of the seven library jars is
 * read; reflection here is test-side only.
 */
class InternalsStayInsideTest {

    private static final List<Class<?>> ONE_CLASS_PER_JAR = List.of(Handler.class, Idempotency.class, CircuitBreaker.class,
            SqsBatchHandler.class, Aggregator.class, CacheAside.class, LambdaService.class);

    @Test
    void noPublicSignatureOfTheLibrary_namesAnInternalType() throws Exception {
        List<String> leaks = new ArrayList<>();
        int apiClasses = 0;
        for (Class<?> marker : ONE_CLASS_PER_JAR) {
            for (String name : classNames(Path.of(marker.getProtectionDomain().getCodeSource().getLocation().toURI()))) {
                Class<?> type = Class.forName(name, false, getClass().getClassLoader());
                if (isApi(type)) {
                    apiClasses++;
                    leaks.addAll(leaksOf(type));
                }
            }
        }
        assertTrue(apiClasses > 100, "the scan found only " + apiClasses + " API classes");
        assertEquals(List.of(), leaks);
    }

    /** A public API that hands out an internal type: the check above must see it, or it proves nothing. */
    public static final class Leaky {
        public Leaky() {
        }

        public static Checks exposed() {
            return null;
        }

        public List<? extends Checks> nested() {
            return List.of();
        }

        static Checks notApi() {
            return null;
        }
    }

    @Test
    void theCheck_seesAnInternalTypeInAReturnType_andInsideAGenericArgument() {
        assertEquals(List.of(Leaky.class.getName() + ".exposed() returns " + Checks.class.getName(),
                        Leaky.class.getName() + ".nested() returns java.util.List<? extends " + Checks.class.getName() + ">"),
                leaksOf(Leaky.class).stream().sorted().toList());
    }

    private static boolean isApi(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getDeclaringClass()) {
            if (!Modifier.isPublic(c.getModifiers()) || c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic()) {
                return false;
            }
        }
        return !isInternal(type);
    }

    private static boolean isInternal(Class<?> type) {
        return type.getPackageName().contains(".internal");
    }

    private static List<String> leaksOf(Class<?> type) {
        List<String> leaks = new ArrayList<>();
        String owner = type.getName();
        check(type.getGenericSuperclass(), owner + " extends ", leaks);
        for (Type t : type.getGenericInterfaces()) {
            check(t, owner + " implements ", leaks);
        }
        for (Field f : type.getDeclaredFields()) {
            if (visible(f.getModifiers()) && !f.isSynthetic()) {
                check(f.getGenericType(), owner + "." + f.getName() + " is a ", leaks);
            }
        }
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (visible(c.getModifiers()) && !c.isSynthetic()) {
                for (Type t : c.getGenericParameterTypes()) {
                    check(t, owner + "(..) takes ", leaks);
                }
            }
        }
        for (Method m : type.getDeclaredMethods()) {
            if (visible(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
                check(m.getGenericReturnType(), owner + "." + m.getName() + "() returns ", leaks);
                for (Type t : m.getGenericParameterTypes()) {
                    check(t, owner + "." + m.getName() + "() takes ", leaks);
                }
                for (Type t : m.getGenericExceptionTypes()) {
                    check(t, owner + "." + m.getName() + "() throws ", leaks);
                }
            }
        }
        return leaks;
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void check(Type type, String where, List<String> leaks) {
        if (type != null && mentionsInternal(type, Collections.newSetFromMap(new IdentityHashMap<>()))) {
            leaks.add(where + type.getTypeName());
        }
    }

    private static boolean mentionsInternal(Type type, Set<Type> seen) {
        if (!seen.add(type)) {
            return false;
        }
        if (type instanceof Class<?> c) {
            return c.isArray() ? mentionsInternal(c.getComponentType(), seen) : isInternal(c);
        }
        if (type instanceof ParameterizedType p) {
            return mentionsInternal(p.getRawType(), seen) || (p.getOwnerType() != null && mentionsInternal(p.getOwnerType(), seen))
                    || Stream.of(p.getActualTypeArguments()).anyMatch(a -> mentionsInternal(a, seen));
        }
        if (type instanceof WildcardType w) {
            return Stream.concat(Stream.of(w.getUpperBounds()), Stream.of(w.getLowerBounds())).anyMatch(b -> mentionsInternal(b, seen));
        }
        if (type instanceof TypeVariable<?> v) {
            return Stream.of(v.getBounds()).anyMatch(b -> mentionsInternal(b, seen));
        }
        return type instanceof GenericArrayType g && mentionsInternal(g.getGenericComponentType(), seen);
    }

    /** The classes of a jar or a classes directory (a reactor build puts the latter on the class path). */
    private static List<String> classNames(Path location) throws IOException {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.walk(location)) {
                files.filter(f -> f.toString().endsWith(".class") && !f.getFileName().toString().equals("module-info.class"))
                        .forEach(f -> names.add(className(location.relativize(f).toString())));
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                jar.stream().map(e -> e.getName())
                        .filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/") && !n.endsWith("module-info.class"))
                        .forEach(n -> names.add(className(n)));
            }
        }
        return names;
    }

    private static String className(String path) {
        return path.substring(0, path.length() - ".class".length()).replace('/', '.').replace('\\', '.');
    }
}
