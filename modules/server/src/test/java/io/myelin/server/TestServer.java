package io.myelin.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.myelin.api.Component;
import io.myelin.server.config.Settings;

/**
 * A whole Myelin started in the test JVM on free loopback ports with a temporary data directory,
 * spoken to over real HTTP.
 */
final class TestServer implements AutoCloseable {

    private final MyelinServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(MyelinServer server) {
        this.server = server;
    }

    /**
     * Starts a server.
     *
     * @param dir   a temporary directory for its configuration and data
     * @param yaml  configuration sections; {@code server} and {@code listeners} get test defaults (name
     *              test.local, free loopback ports) when absent, and {@code %DATA%} names the data directory
     * @param extra test components beside the real ones
     */
    static TestServer start(Path dir, String yaml, Component... extra) throws Exception {
        StringBuilder text = new StringBuilder("version: 1\n");
        if (!yaml.contains("server:")) {
            text.append("server:\n  name: test.local\n  data_dir: %DATA%\n");
        }
        if (!yaml.contains("listeners:")) {
            text.append("""
                    listeners:
                      client:
                        host: 127.0.0.1
                        port: 0
                      federation:
                        host: 127.0.0.1
                        port: 0
                        plain_http: true
                    """);
        }
        text.append(yaml);
        Path file = dir.resolve("myelin.yaml");
        Files.writeString(file, text.toString().replace("%DATA%", dir.resolve("data").toString()));
        return new TestServer(MyelinServer.start(Settings.load(file, Map.of()), false, List.of(extra)));
    }

    MyelinServer server() {
        return server;
    }

    URI client(String path) {
        return URI.create("http://127.0.0.1:" + server.clientPort() + path);
    }

    URI federation(String path) {
        return URI.create("http://127.0.0.1:" + server.federationPort() + path);
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(client(path)).GET().build());
    }

    HttpResponse<String> request(String method, String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(client(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .build());
    }

    @Override
    public void close() {
        server.stop();
    }
}
