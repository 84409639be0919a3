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
import java.util.Map;

import io.myelin.server.MyelinServer;
import io.myelin.server.TestDatabases;
import io.myelin.server.config.Settings;

import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;

/**
 * A whole Myelin on SQLite or PostgreSQL with registration open, on free loopback ports, for the sync tests to
 * speak to over real HTTP.
 */
final class SyncServer implements AutoCloseable {

    static final String V3 = "/_matrix/client/v3";

    /** The databases the tests run on. */
    enum Backend { SQLITE, POSTGRES }

    /** A response with its body parsed. */
    record Reply(int status, JsonStructure body, String raw) {
        JsonObject json() {
            return body.asJsonObject();
        }

        String string(String key) {
            return json().getString(key);
        }
    }

    /** A registered user with one access token. */
    record User(String userId, String token) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Path config;
    private final Runnable drop;
    private MyelinServer server;

    private SyncServer(Path config, Runnable drop) {
        this.config = config;
        this.drop = drop;
    }

    static SyncServer start(Path dir, Backend backend) throws Exception {
        TestDatabases.Fresh database = backend == Backend.POSTGRES ? TestDatabases.postgres("myelin_sync")
                : TestDatabases.sqlite(dir);
        String yaml = """
                version: 1
                server:
                  name: sync.test
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
                """.formatted(dir.resolve("data"), database.url());
        Files.writeString(dir.resolve("myelin.yaml"), yaml);
        SyncServer started = new SyncServer(dir.resolve("myelin.yaml"), database.drop());
        try {
            started.boot();
            return started;
        } catch (Exception | Error e) {
            database.drop().run();
            throw e;
        }
    }

    private void boot() throws Exception {
        server = MyelinServer.start(Settings.load(config, Map.of()), false);
    }

    /** Stops the server and starts it again on the same database. */
    void restart() throws Exception {
        server.stop();
        boot();
    }

    Reply call(String method, String path, String token, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.clientPort()
                        + path)).timeout(Duration.ofSeconds(60))
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
        ResponseLog.record(method, path, response.statusCode(), json);
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
        Reply challenge = post("/register", null, "{\"username\":\"" + name + "\",\"password\":\"pw-" + name + "\"}");
        assertEquals(401, challenge.status(), challenge.raw());
        Reply done = post("/register", null, "{\"username\":\"" + name + "\",\"password\":\"pw-" + name
                + "\",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + challenge.string("session") + "\"}}");
        assertEquals(200, done.status(), done.raw());
        return new User(done.string("user_id"), done.string("access_token"));
    }

    /** Logs the user in again, which gives a second device. */
    User login(User user) throws Exception {
        String local = user.userId().substring(1, user.userId().indexOf(':'));
        Reply reply = post("/login", null, """
                {"type":"m.login.password","identifier":{"type":"m.id.user","user":"%s"},"password":"pw-%s"}
                """.formatted(local, local));
        assertEquals(200, reply.status(), reply.raw());
        return new User(user.userId(), reply.string("access_token"));
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

    /** With MYELIN_TEST_RESPONSE_LOG set, every response is appended there as one JSON line. */
    private static final class ResponseLog {
        static synchronized void record(String method, String path, int status, JsonStructure body)
                throws IOException {
            String log = System.getenv("MYELIN_TEST_RESPONSE_LOG");
            if (log == null || log.isBlank() || body == null) {
                return;
            }
            String line = jakarta.json.Json.createObjectBuilder().add("method", method).add("path", path)
                    .add("status", status).add("body", body).build() + "\n";
            Files.writeString(Path.of(log), line, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        }
    }
}
