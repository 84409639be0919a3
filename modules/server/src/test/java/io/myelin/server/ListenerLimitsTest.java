package io.myelin.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import io.myelin.api.ConfigProblems;
import io.myelin.server.config.CoreConfig;
import io.myelin.server.config.Settings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener holds at most its share of connections and makes the next one wait, instead of accepting until the
 * process runs out of file descriptors (which closes Helidon's listening socket for good).
 */
class ListenerLimitsTest {

    @TempDir
    Path dir;

    @Test
    void aListenerAtItsLimitServesTheNextConnectionOnceOneCloses() throws Exception {
        try (TestServer server = TestServer.start(dir, """
                listeners:
                  client:
                    host: 127.0.0.1
                    port: 0
                    max_connections: 2
                  federation:
                    enabled: false
                """)) {
            int port = server.server().clientPort();
            try (Socket first = open(port); Socket second = open(port); Socket third = new Socket("127.0.0.1", port)) {
                assertEquals("HTTP/1.1 200 OK", ask(first));
                assertEquals("HTTP/1.1 200 OK", ask(second));

                // Both stay open (keep-alive), so the third is not accepted: its request goes unanswered.
                third.setSoTimeout(700);
                send(third);
                BufferedReader reader = reader(third);
                assertThrows(SocketTimeoutException.class, reader::readLine);

                first.close();
                third.setSoTimeout(10_000);
                assertEquals("HTTP/1.1 200 OK", reader.readLine());
            }
            // The listener is still accepting after all of that.
            assertEquals(200, server.get("/_matrix/client/versions").statusCode());
        }
    }

    @Test
    void sharesComeFromTheOpenFileLimitUnlessConfigured() throws Exception {
        CoreConfig both = core("");
        assertEquals(new ConnectionLimits(14_232, 4_744), ConnectionLimits.of(both, OptionalLong.of(20_000)));
        assertEquals(new ConnectionLimits(64, 64), ConnectionLimits.of(both, OptionalLong.of(1_100)));
        assertEquals(new ConnectionLimits(-1, -1), ConnectionLimits.of(both, OptionalLong.empty()));

        CoreConfig clientOnly = core("  federation:\n    enabled: false\n");
        assertEquals(18_976, ConnectionLimits.of(clientOnly, OptionalLong.of(20_000)).client());

        CoreConfig configured = core("  client:\n    max_connections: 500\n");
        assertEquals(new ConnectionLimits(500, 4_744), ConnectionLimits.of(configured, OptionalLong.of(20_000)));
    }

    private CoreConfig core(String listeners) throws Exception {
        Path file = dir.resolve("limits.yaml");
        java.nio.file.Files.writeString(file, "version: 1\nserver:\n  name: example.org\nlisteners:\n" + listeners
                + (listeners.contains("federation") ? "" : "  federation:\n    plain_http: true\n"));
        var problems = new ConfigProblems();
        CoreConfig core = CoreConfig.read(Settings.load(file, Map.of()), false, ConfigurationTest.COMPONENT_KEYS,
                problems);
        assertEquals(List.of(), problems.list());
        return core;
    }

    private static Socket open(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String ask(Socket socket) throws IOException {
        send(socket);
        BufferedReader reader = reader(socket);
        String status = reader.readLine();
        int length = 0;
        for (String line = reader.readLine(); line != null && !line.isEmpty(); line = reader.readLine()) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        assertTrue(reader.skip(length) <= length);
        return status;
    }

    private static void send(Socket socket) throws IOException {
        socket.getOutputStream().write("GET /_matrix/client/versions HTTP/1.1\r\nHost: localhost\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    private static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    }
}
