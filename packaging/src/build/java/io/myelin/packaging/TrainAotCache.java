package io.myelin.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Makes the image's ahead-of-time cache, {@code lib/myelin.aot}, from one training run of the server.
 *
 * <p>The run starts the image's {@code bin/myelin} on free loopback ports with a temporary data folder: the
 * server loads its configuration, wires its components, opens its database and listeners. Once it has
 * answered {@code GET /_matrix/client/versions} (so that the request path is trained too) it is stopped
 * with SIGTERM. The JVM records the classes it loaded and linked on the way and, at its orderly exit,
 * writes them to the cache ({@code -XX:AOTCacheOutput}). The launcher uses the cache from then on, which
 * saves most of the class loading and linking of every later start.
 *
 * <pre>
 * java TrainAotCache.java --image DIR --work DIR
 * </pre>
 */
public final class TrainAotCache {

    private static final String CACHE = "lib/myelin.aot";
    private static final long TIMEOUT_SECONDS = 300;

    private TrainAotCache() {
    }

    /**
     * Runs the training.
     *
     * @param args {@code --image DIR --work DIR}
     * @throws IOException          when a file cannot be written
     * @throws InterruptedException when interrupted while the server runs
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        Path image = Path.of(options.get("--image")).toAbsolutePath();
        Path work = Path.of(options.get("--work")).toAbsolutePath();
        Path cache = image.resolve(CACHE);

        deleteTree(work);
        Files.createDirectories(work);
        Files.deleteIfExists(cache);
        int port = freePort();
        Path config = writeConfig(work, port);

        ProcessBuilder builder = new ProcessBuilder(image.resolve("bin/myelin").toString(),
                                                    "--config", config.toString())
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("training.log").toFile());
        // The environment of a service, not of the build: no JAVA_TOOL_OPTIONS or MYELIN_* settings leak in.
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", "/usr/bin:/bin");
        env.put("HOME", work.toString());
        // Adapter code stays out of the cache: with it, JDK 25 warns at every start that one cached adapter
        // does not match and generates it anew, so it saves nothing and only adds noise to the log.
        env.put("MYELIN_JAVA_OPTS", "-XX:+UnlockDiagnosticVMOptions -XX:-AOTAdapterCaching"
                                    + " -XX:AOTCacheOutput=" + cache);
        Process process = builder.start();

        try {
            awaitVersions(process, port);
        } catch (IllegalStateException e) {
            process.destroyForcibly().waitFor();
            String log = Files.readString(work.resolve("training.log"));
            throw new IllegalStateException(e.getMessage() + ", log:\n" + log, e);
        }
        process.destroy();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("training run did not end in " + TIMEOUT_SECONDS + " s; see "
                                            + work.resolve("training.log"));
        }
        if (process.exitValue() != 0 || !Files.isRegularFile(cache)) {
            throw new IllegalStateException("training run failed (exit " + process.exitValue() + "), log:\n"
                                            + Files.readString(work.resolve("training.log")));
        }
        System.out.printf("AOT cache %s: %d MB%n", cache, Files.size(cache) / (1024 * 1024));
        deleteTree(work.resolve("data"));
    }

    /** A configuration like a real deployment's, on loopback and free ports, with its own data folder. */
    private static Path writeConfig(Path work, int port) throws IOException {
        Path config = work.resolve("myelin.yaml");
        Files.writeString(config, String.join("\n", List.of(
                "version: 1",
                "server:",
                "  name: localhost",
                "  data_dir: " + work.resolve("data"),
                "listeners:",
                "  client:",
                "    host: 127.0.0.1",
                "    port: " + port,
                "  federation:",
                "    host: 127.0.0.1",
                "    port: " + freePort(),
                "    plain_http: true",
                "")));
        return config;
    }

    /** Polls the client listener until it answers 200, the process ends, or the time is up. */
    private static void awaitVersions(Process process, int port) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        URI versions = URI.create("http://127.0.0.1:" + port + "/_matrix/client/versions");
        HttpRequest request = HttpRequest.newBuilder(versions)
                .timeout(Duration.ofSeconds(5))
                .build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (process.isAlive() && System.nanoTime() < deadline) {
            try {
                if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the server did not answer /_matrix/client/versions during training");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
