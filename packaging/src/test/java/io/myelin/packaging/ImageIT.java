package io.myelin.packaging;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The jlink image in target/image: it runs on its own, uses its AOT cache and carries what it should. */
class ImageIT {

    static final Path IMAGE = Path.of(System.getProperty("myelin.image"));
    static final Duration START = Duration.ofSeconds(60);
    static final Duration STOP = Duration.ofSeconds(30);

    @Test
    void imageAnswersVersionsWithoutAJdkAndStopsWithStatusZeroOnSigterm(@TempDir Path work) throws Exception {
        try (ServerProcess server = ServerProcess.start(IMAGE.resolve("bin/myelin"), work, Map.of())) {
            HttpResponse<String> versions = server.awaitVersions(START);

            assertTrue(versions.body().contains("\"versions\""), versions.body());
            assertEquals(0, server.terminate(STOP), server.log());
            // The image's default logging configuration is the server's: one line a record, ISO time first.
            assertTrue(server.log().lines().anyMatch(line -> line.matches("\\d{4}-\\d\\d-\\d\\dT[\\d:.]+ INFO .*")),
                       server.log());
        }
    }

    @Test
    void launcherStartsTheServerFromTheAheadOfTimeCache(@TempDir Path work) throws Exception {
        assertTrue(Files.isRegularFile(IMAGE.resolve("lib/myelin.aot")), "the image has no lib/myelin.aot");

        // AOTMode=on turns a cache the JVM cannot use into a failed start instead of a silent slow one.
        Map<String, String> env = Map.of("MYELIN_JAVA_OPTS", "-XX:AOTMode=on -Xlog:aot=info");
        try (ServerProcess server = ServerProcess.start(IMAGE.resolve("bin/myelin"), work, env)) {
            server.awaitVersions(START);

            assertTrue(server.log().contains("Opened AOT cache"), server.log());
            assertEquals(0, server.terminate(STOP), server.log());
        }
    }

    @Test
    void waitReadyReturnsOnceTheImageServes(@TempDir Path work) throws Exception {
        try (ServerProcess server = ServerProcess.start(IMAGE.resolve("bin/myelin"), work, Map.of())) {
            // What the systemd unit's ExecStartPost runs, started as soon as the server process is.
            Shell.Result ready = Shell.run(List.of(IMAGE.resolve("bin/myelin").toString(), "wait-ready", "--config",
                    work.resolve("myelin.yaml").toString(), "--timeout", "60s"), work, Map.of("PATH", "/usr/bin:/bin"));
            assertEquals(0, ready.status(), ready.output());
            server.awaitVersions(Duration.ofSeconds(1));
            assertEquals(0, server.terminate(STOP), server.log());
        }
    }

    @Test
    void imageCarriesTheServerModulesAndOnlyTheLinuxX64SqliteLibrary() throws IOException {
        try (FileSystem jrt = FileSystems.newFileSystem(URI.create("jrt:/"), Map.of("java.home", IMAGE.toString()))) {
            assertTrue(Files.isDirectory(jrt.getPath("/modules/io.myelin.server")));
            assertTrue(Files.isDirectory(jrt.getPath("/modules/org.xerial.sqlitejdbc")));

            Path natives = jrt.getPath("/modules/org.xerial.sqlitejdbc/org/sqlite/native");
            List<String> libraries;
            try (Stream<Path> files = Files.walk(natives)) {
                libraries = files.filter(Files::isRegularFile).map(p -> natives.relativize(p).toString()).toList();
            }
            assertEquals(List.of("Linux/x86_64/libsqlitejdbc.so"), libraries);
        }
    }

    @Test
    void imageHasNoCompilerOrJdkTools() {
        assertTrue(Files.isExecutable(IMAGE.resolve("bin/java")));
        for (String tool : List.of("javac", "jlink", "jar", "jshell")) {
            assertTrue(Files.notExists(IMAGE.resolve("bin").resolve(tool)), tool + " is in the image");
        }
    }
}
