package io.myelin.server.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
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
import jakarta.json.JsonStructure;

/**
 * A whole Myelin on SQLite or on a fresh PostgreSQL database, with registration open and optional test
 * components, on free loopback ports, spoken to over real HTTP.
 */
final class EduServer implements AutoCloseable {

    static final String SERVER_NAME = "test.local";
    static final String V3 = "/_matrix/client/v3";

    /** The databases the tests run on. */
    enum Backend { SQLITE, POSTGRES }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final MyelinServer server;
    private final Runnable drop;

    private EduServer(MyelinServer server, Runnable drop) {
        this.server = server;
        this.drop = drop;
    }

    /**
     * Starts a server.
     *
     * @param dir     a temporary directory
     * @param backend the database
     * @param sync    the {@code sync} section's body, indented by two spaces, or empty
     * @param extra   added test components
     */
    static EduServer start(Path dir, Backend backend, String sync, List<Component> extra) throws Exception {
        TestDatabases.Fresh database = backend == Backend.POSTGRES ? TestDatabases.postgres("myelin_syncedu")
                : TestDatabases.sqlite(dir);
        try {
            Files.writeString(dir.resolve("myelin.yaml"), yaml(dir, database.url(), sync));
            return new EduServer(ExtraComponents.start(Settings.load(dir.resolve("myelin.yaml"), Map.of()), extra),
                    database.drop());
        } catch (Exception | Error e) {
            database.drop().run();
            throw e;
        }
    }

    static String yaml(Path dir, String url, String sync) {
        return """
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
                  enable_registration: true
                  password_hashing:
                    memory: 64kb
                    iterations: 1
                  rate_limits:
                    enabled: false
                """.formatted(SERVER_NAME, dir.resolve("data"), url)
                + (sync.isEmpty() ? "" : "sync:\n" + sync);
    }

    /** A response with its body parsed. */
    record Reply(int status, JsonStructure body, String raw) {
        JsonObject json() {
            return body.asJsonObject();
        }

        String string(String key) {
            return json().getString(key);
        }
    }

    /** A registered user. */
    record User(String userId, String token) {
    }

    Reply call(String method, String path, String token, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.clientPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        JsonStructure json = response.body().isEmpty() ? null
                : jakarta.json.Json.createReader(new StringReader(response.body())).read();
        return new Reply(response.statusCode(), json, response.body());
    }

    Reply get(String path, String token) throws IOException, InterruptedException {
        return call("GET", V3 + path, token, null);
    }

    Reply post(String path, String token, String body) throws IOException, InterruptedException {
        return call("POST", V3 + path, token, body);
    }

    Reply put(String path, String token, String body) throws IOException, InterruptedException {
        return call("PUT", V3 + path, token, body);
    }

    User register(String name) throws Exception {
        Reply challenge = call("POST", V3 + "/register", null,
                "{\"username\":\"" + name + "\",\"password\":\"pw-" + name + "\"}");
        assertEquals(401, challenge.status(), challenge.raw());
        Reply done = call("POST", V3 + "/register", null, "{\"username\":\"" + name + "\",\"password\":\"pw-" + name
                + "\",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + challenge.string("session") + "\"}}");
        assertEquals(200, done.status(), done.raw());
        return new User(done.string("user_id"), done.string("access_token"));
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static void assertError(Reply reply, int status, String errcode) {
        assertEquals(status, reply.status(), reply.raw());
        assertEquals(errcode, reply.string("errcode"), reply.raw());
        assertFalse(reply.string("error").isBlank());
    }

    @Override
    public void close() {
        try {
            server.stop();
        } finally {
            drop.run();
        }
    }
}
