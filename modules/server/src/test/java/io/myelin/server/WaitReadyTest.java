package io.myelin.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code myelin wait-ready}, the readiness check of the systemd unit.
 */
class WaitReadyTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(List.of(args), new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
    }

    private Path config(int port) throws Exception {
        Path file = dir.resolve("probe.yaml");
        Files.writeString(file, """
                version: 1
                server:
                  name: test.local
                listeners:
                  client:
                    host: 0.0.0.0
                    port: %d
                  federation:
                    enabled: false
                """.formatted(port));
        return file;
    }

    @Test
    void readyOnceTheServerAnswers() throws Exception {
        try (var server = TestServer.start(dir, "")) {
            Path file = config(server.server().clientPort());
            assertEquals(0, run("wait-ready", "--config", file.toString(), "--timeout", "10s"), err.toString());
        }
    }

    @Test
    void notReadyWhenNothingAnswersInTime() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path file = config(port);
        long start = System.nanoTime();
        assertEquals(1, run("wait-ready", "--config", file.toString(), "--timeout", "500ms"));
        assertTrue(err.toString().contains("did not answer 200"), err.toString());
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "gave up within its timeout");
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertEquals(2, run("wait-ready", "--timeout", "soon"));
        assertEquals(2, run("wait-ready", "--bogus"));
    }
}
