package io.github.serverlesspatterns.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DecoratorsTest {

    private static Decorator<String, String> tracing(String name, List<String> trace) {
        return next -> (input, invocation) -> {
            trace.add(name + ">");
            String out = next.handle(input, invocation);
            trace.add("<" + name);
            return name + "(" + out + ")";
        };
    }

    @Test
    void decorate_listsDecoratorsOutermostFirst() {
        List<String> trace = new ArrayList<>();
        Handler<String, String> handler = (in, inv) -> {
            trace.add("handler");
            return in;
        };
        Handler<String, String> composed = Decorators.decorate(handler,
                tracing("a", trace), tracing("b", trace), tracing("c", trace));

        String out = composed.handle("x", Invocation.builder().build());

        assertEquals("a(b(c(x)))", out);
        assertEquals(List.of("a>", "b>", "c>", "handler", "<c", "<b", "<a"), trace);
    }

    @Test
    void compose_isTheSameNestingAsDecorate() {
        List<String> trace = new ArrayList<>();
        Decorator<String, String> abc = Decorators.compose(tracing("a", trace), tracing("b", trace), tracing("c", trace));
        assertEquals("a(b(c(x)))", abc.decorate((in, inv) -> in).handle("x", Invocation.builder().build()));
    }

    @Test
    void decorate_withNoDecorators_returnsTheHandlerItself() {
        Handler<String, String> handler = (in, inv) -> in;
        assertSame(handler, Decorators.decorate(handler));
    }

    @Test
    void decoratorReturningNull_isRejectedNamingItsPosition() {
        Decorator<String, String> broken = next -> null;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Decorators.decorate((in, inv) -> in, tracing("a", new ArrayList<>()), broken));
        assertTrue(e.getMessage().contains("index 1"), e.getMessage());
        assertTrue(e.getMessage().contains("returned null"), e.getMessage());
    }

    @Test
    void nullDecorator_isRejectedNamingItsPosition() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> Decorators.compose(tracing("a", new ArrayList<>()), null));
        assertTrue(e.getMessage().contains("index 1"), e.getMessage());
    }

    @Test
    void userExceptions_passThroughDecoratorsUnwrapped() {
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        Handler<String, String> failing = (in, inv) -> {
            throw boom;
        };
        Handler<String, String> composed = Decorators.decorate(failing, tracing("a", new ArrayList<>()));
        assertSame(boom, assertThrows(IllegalArgumentException.class, () -> composed.handle("x", Invocation.builder().build())));
    }
}
