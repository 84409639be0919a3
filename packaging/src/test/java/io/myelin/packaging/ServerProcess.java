package io.myelin.packaging;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Myelin server started from a launcher as a separate process, the way an operator starts it: with a
 * configuration file on free loopback ports, and an environment that holds nothing but a system PATH
 * (no JDK on it, no JAVA_HOME) and HOME.
 */
final class ServerProcess implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(50);

    private final Process process;
    private final Path log;
    private final int clientPort;

    private ServerProcess(Process process, Path log, int clientPort) {
        this.process = process;
        this.log = log;
        this.clientPort = clientPort;
    }

    /**
     * Starts the launcher.
     *
     * @param launcher the {@code bin/myelin} to run
     * @param work     a folder for the configuration, data, HOME and the log
     * @param extraEnv variables added to the clean environment
     * @return the running server
     * @throws IOException when the process cannot start
     */
    static ServerProcess start(Path launcher, Path work, Map<String, String> extraEnv) throws IOException {
        int clientPort = freePort();
        Path config = work.resolve("myelin.yaml");
        Files.writeString(config, """
                version: 1
                server:
                  name: localhost
                  data_dir: %s
                listeners:
                  client:
                    host: 127.0.0.1
                    port: %d
                  federation:
                    host: 127.0.0.1
                    port: %d
                    plain_http: true
                """.formatted(work.resolve("data"), clientPort, freePort()));
        Path log = work.resolve("server.log");
        ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "--config", config.toString())
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", "/usr/bin:/bin");
        env.put("HOME", work.toString());
        env.putAll(extraEnv);
        return new ServerProcess(builder.start(), log, clientPort);
    }

    /**
     * Polls {@code GET /_matrix/client/versions} until it answers 200.
     *
     * @param bound how long to wait at most
     * @return the answer
     * @throws AssertionError when the process ends or the time is up first
     */
    HttpResponse<String> awaitVersions(Duration bound) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + clientPort + "/_matrix/client/versions"))
                .timeout(Duration.ofSeconds(5))
                .build();
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the server exited with " + process.exitValue() + "; log:\n" + log());
            }
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return response;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(POLL);
        }
        throw new AssertionError("no 200 from /_matrix/client/versions within " + bound + "; log:\n" + log());
    }

    /**
     * Sends SIGTERM and waits for the process to end.
     *
     * @param bound how long to wait at most
     * @return the exit status
     */
    int terminate(Duration bound) throws InterruptedException, IOException {
        process.destroy();
        if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the server did not stop within " + bound + " of SIGTERM; log:\n" + log());
        }
        return process.exitValue();
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
