package io.myelin.server.users;


import java.io.IOException;
import java.io.StringReader;
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
import io.myelin.server.ExtraComponents;
import io.myelin.server.MyelinServer;
import io.myelin.server.TestDatabases;
import io.myelin.server.config.Settings;

import jakarta.json.JsonObject;

/**
 * A whole Myelin on free loopback ports with a temporary data directory, on SQLite or on a fresh PostgreSQL
 * database, spoken to over real HTTP.
 */
final class UsersServer implements AutoCloseable {

    /** The databases the users tests run on. */
    enum Backend { SQLITE, POSTGRES }

    static final String SERVER_NAME = "test.local";

    private final MyelinServer server;
    private final Runnable dropDatabase;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private UsersServer(MyelinServer server, Runnable dropDatabase) {
        this.server = server;
        this.dropDatabase = dropDatabase;
    }

    /**
     * Starts a server.
     *
     * @param dir     a temporary directory
     * @param backend the database
     * @param users   the {@code users} section's body, indented by two spaces
     */
    static UsersServer start(Path dir, Backend backend, String users) throws Exception {
        return start(dir, backend, users, List.of());
    }

    /**
     * Starts a server with added test components.
     *
     * @param dir     a temporary directory
     * @param backend the database
     * @param users   the {@code users} section's body
     * @param extra   components started along with the real ones
     */
    static UsersServer start(Path dir, Backend backend, String users, List<Component> extra) throws Exception {
        TestDatabases.Fresh database = backend == Backend.SQLITE ? TestDatabases.sqlite(dir)
                : TestDatabases.postgres("myelin_users");
        String url = database.url();
        Runnable drop = database.drop();
        String yaml = """
                version: 1
                server:
                  name: %s
                  data_dir: %s
                listeners:
                  client:
                    host: 127.0.0.1
                    port: 0
                  federation:
                    host: 127.0.0.1
                    port: 0
                    plain_http: true
                database:
                  url: "%s"
                users:
                %s
                """.formatted(SERVER_NAME, dir.resolve("data"), url, users.indent(2));
        Path file = dir.resolve("myelin.yaml");
        Files.writeString(file, yaml);
        try {
            return new UsersServer(ExtraComponents.start(Settings.load(file, Map.of()), extra), drop);
        } catch (Exception | Error e) {
            drop.run();
            throw e;
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.clientPort() + path);
    }

    /** A response with its body parsed. */
    record Reply(int status, JsonObject json, HttpResponse<String> raw) {
        String string(String key) {
            return json.getString(key);
        }
    }

    Reply call(String method, String path, String token, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        JsonObject json = response.body().isEmpty() ? null
                : jakarta.json.Json.createReader(new StringReader(response.body())).readObject();
        return new Reply(response.statusCode(), json, response);
    }

    Reply get(String path, String token) throws IOException, InterruptedException {
        return call("GET", path, token, null);
    }

    Reply post(String path, String token, String body) throws IOException, InterruptedException {
        return call("POST", path, token, body);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } finally {
            dropDatabase.run();
        }
    }
}
