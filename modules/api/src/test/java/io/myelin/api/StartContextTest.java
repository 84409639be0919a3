package io.myelin.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.metrics.api.MeterRegistry;
import org.junit.jupiter.api.Test;

class StartContextTest {

    /** A service one test component provides and the other needs. */
    interface Greeter {
    }

    /** A service no test component declares. */
    interface Stranger {
    }

    private static final Greeter GREETER = new Greeter() {
    };

    private final Map<Class<?>, Object> registry = StartContext.newRegistry();
    private final Config root = Config.just(ConfigSources.create(Map.of("greeting.word", "hello",
            "listener.word", "other")));

    private static Component component(String name, Set<Class<?>> provides, Set<Class<?>> needs) {
        return new Component() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Set<Class<?>> provides() {
                return provides;
            }

            @Override
            public Set<Class<?>> needs() {
                return needs;
            }

            @Override
            public void start(ComponentContext context) {
            }
        };
    }

    private StartContext context(Component component) {
        return new StartContext(component, root, new ServerIdentity("test.local", Path.of("data")),
                MeterRegistry.create(), Clock.systemUTC(), registry);
    }

    @Test
    void aDeclaredServiceReachesTheComponentThatNeedsItThroughTheSharedRegistry() {
        StartContext provider = context(component("greeting", Set.of(Greeter.class), Set.of()));
        StartContext user = context(component("listener", Set.of(), Set.of(Greeter.class)));

        provider.provide(Greeter.class, GREETER);

        assertSame(GREETER, user.require(Greeter.class));
        assertSame(GREETER, provider.require(Greeter.class));
        assertSame(GREETER, registry.get(Greeter.class));
    }

    @Test
    void configIsTheComponentsOwnSection() {
        StartContext context = context(component("greeting", Set.of(), Set.of()));

        assertEquals("hello", context.config().get("word").asString().get());
        assertEquals("other", context.rootConfig().get("listener.word").asString().get());
    }

    @Test
    void provideRefusesAServiceNotDeclaredInProvides() {
        StartContext context = context(component("greeting", Set.of(Greeter.class), Set.of()));

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> context.provide(Stranger.class, new Stranger() {
                }));

        assertTrue(e.getMessage().contains("greeting provides " + Stranger.class.getName()), e.getMessage());
        assertTrue(registry.isEmpty());
    }

    @Test
    void requireRefusesAServiceNotDeclaredInNeeds() {
        registry.put(Stranger.class, new Stranger() {
        });
        StartContext context = context(component("listener", Set.of(), Set.of(Greeter.class)));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> context.require(Stranger.class));

        assertTrue(e.getMessage().contains("listener requires " + Stranger.class.getName()), e.getMessage());
    }

    @Test
    void requireSaysWhenNoComponentProvidesADeclaredNeed() {
        StartContext context = context(component("listener", Set.of(), Set.of(Greeter.class)));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> context.require(Greeter.class));

        assertEquals("no component provides " + Greeter.class.getName(), e.getMessage());
    }
}
