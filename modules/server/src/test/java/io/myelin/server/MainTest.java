package io.myelin.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's options and exit statuses: 0 ok, 1 failure, 2 usage.
 */
class MainTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return Main.run(List.of(args), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env);
    }

    @Test
    void helpAndVersionExitZero() {
        assertEquals(0, run(Map.of(), "--help"));
        assertTrue(out.toString().contains("Usage: myelin"));
        out.reset();
        assertEquals(0, run(Map.of(), "--version"));
        assertTrue(out.toString().startsWith("myelin "), out.toString());
    }

    @Test
    void unknownOptionOrCommandIsAUsageError() {
        assertEquals(2, run(Map.of(), "--frobnicate"));
        assertTrue(err.toString().contains("--frobnicate"));
        assertEquals(2, run(Map.of(), "frobnicate"));
        assertEquals(2, run(Map.of(), "--config"));
    }

    @Test
    void badConfigurationExitsOneListingEveryProblem() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "version: 1\nserver:\n  name: example.org\ncache:\n  max_size_estimated: 12xb\n"
                + "listeners:\n  client:\n    port: nope\n");
        assertEquals(1, run(Map.of(), "--config", file.toString()));
        String text = err.toString();
        assertTrue(text.contains("listeners.client.port"), text);
        assertTrue(text.contains("listeners.federation"), text);
    }

    @Test
    void configFromTheEnvironmentStartsAndStops() throws Exception {
        Path file = dir.resolve("ok.yaml");
        Files.writeString(file, """
                version: 1
                server:
                  name: example.org
                  data_dir: %s
                listeners:
                  client:
                    host: 127.0.0.1
                    port: 0
                  federation:
                    enabled: false
                """.formatted(dir.resolve("data")));
        assertEquals(0, run(Map.of("MYELIN_CONFIG", file.toString()), "--exit-after-start"), err.toString());
        assertTrue(Files.isDirectory(dir.resolve("data")));
    }
}
