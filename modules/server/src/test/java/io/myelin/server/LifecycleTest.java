package io.myelin.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.myelin.api.Component;
import io.myelin.api.ComponentContext;
import io.myelin.api.ConfigProblems;
import io.myelin.server.config.ConfigException;

import io.helidon.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start in dependency order, stop in reverse, and a failed start stops what had started.
 */
class LifecycleTest {

    @TempDir
    Path dir;

    /** A service one test component provides to another. */
    interface Greeter {
        String greet();
    }

    static final List<String> EVENTS = new CopyOnWriteArrayList<>();

    record Provider(boolean fail) implements Component {
        @Override
        public String name() {
            return "provider";
        }

        @Override
        public Set<Class<?>> provides() {
            return Set.of(Greeter.class);
        }

        @Override
        public void start(ComponentContext context) {
            EVENTS.add("start provider");
            context.provide(Greeter.class, () -> "hello from " + context.identity().serverName());
        }

        @Override
        public void stop() {
            EVENTS.add("stop provider");
        }
    }

    record User(boolean fail) implements Component {
        @Override
        public String name() {
            return "a-user";
        }

        @Override
        public Set<Class<?>> needs() {
            return Set.of(Greeter.class);
        }

        @Override
        public void verify(Config section, ConfigProblems problems) {
            if (section.get("bad").exists()) {
                problems.add(section.get("bad"), "bad on purpose");
            }
        }

        @Override
        public void start(ComponentContext context) {
            EVENTS.add("start user: " + context.require(Greeter.class).greet());
            if (fail) {
                throw new IllegalStateException("cannot start");
            }
        }

        @Override
        public void stop() {
            EVENTS.add("stop user");
        }
    }

    @Test
    void componentsStartInDependencyOrderAndStopInReverse() throws Exception {
        EVENTS.clear();
        try (var server = TestServer.start(dir, "", new User(false), new Provider(false))) {
            assertEquals(List.of("start provider", "start user: hello from test.local"), EVENTS);
        }
        assertEquals(List.of("start provider", "start user: hello from test.local", "stop user", "stop provider"),
                EVENTS);
    }

    @Test
    void failedStartStopsWhatStarted() {
        EVENTS.clear();
        var e = assertThrows(IllegalStateException.class,
                () -> TestServer.start(dir, "", new User(true), new Provider(false)));
        assertEquals("cannot start", e.getMessage());
        assertEquals(List.of("start provider", "start user: hello from test.local", "stop provider"), EVENTS);
    }

    @Test
    void aPortInUseFailsTheStartAndStopsTheComponents() throws Exception {
        EVENTS.clear();
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            var e = assertThrows(IllegalStateException.class, () -> TestServer.start(dir, """
                    listeners:
                      client:
                        host: 127.0.0.1
                        port: %d
                      federation:
                        enabled: false
                    """.formatted(taken.getLocalPort()), new User(false), new Provider(false)));
            assertTrue(e.getMessage().contains("did not start"), e.getMessage());
        }
        assertEquals(List.of("start provider", "start user: hello from test.local", "stop user", "stop provider"),
                EVENTS);
    }

    @Test
    void componentSectionsAreVerifiedBeforeAnythingStarts() {
        EVENTS.clear();
        var e = assertThrows(ConfigException.class,
                () -> TestServer.start(dir, "a-user:\n  bad: 1\n", new User(false), new Provider(false)));
        assertTrue(e.problems().contains("a-user.bad: bad on purpose"), e.problems().toString());
        assertEquals(List.of(), EVENTS);
    }
}
