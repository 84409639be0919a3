package io.myelin.server.client;

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
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;

import io.myelin.server.MyelinServer;
import io.myelin.server.TestDatabases;
import io.myelin.server.config.Settings;

import jakarta.json.JsonStructure;

/**
 * A whole Myelin on SQLite or PostgreSQL with registration open, on free loopback ports, spoken to over real
 * HTTP; it can be stopped and started again on the same data.
 */
final class ClientServer implements AutoCloseable {

    static final String SERVER_NAME = "test.local";
    static final String V3 = "/_matrix/client/v3";

    private final Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private MyelinServer server;

    private ClientServer(Path dir) {
        this.dir = dir;
    }

    /** The databases the tests run on. */
    enum Backend { SQLITE, POSTGRES }


    private Runnable dropDatabase = () -> { };

    static ClientServer start(Path dir) throws Exception {
        return start(dir, Backend.SQLITE);
    }

    /**
     * Starts a server on SQLite in {@code dir}, or on a fresh PostgreSQL database that {@link #close} drops.
     */
    static ClientServer start(Path dir, Backend backend) throws Exception {
        TestDatabases.Fresh database = backend == Backend.POSTGRES ? TestDatabases.postgres("myelin_client")
                : TestDatabases.sqlite(dir);
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
                  enable_registration: true
                  password_hashing:
                    memory: 64kb
                    iterations: 1
                  rate_limits:
                    enabled: false
                """.formatted(SERVER_NAME, dir.resolve("data"), url);
        Files.writeString(dir.resolve("myelin.yaml"), yaml);
        ClientServer started = new ClientServer(dir);
        started.dropDatabase = drop;
        try {
            started.boot();
        } catch (Exception | Error e) {
            drop.run();
            throw e;
        }
        return started;
    }

    private void boot() throws Exception {
        server = MyelinServer.start(Settings.load(dir.resolve("myelin.yaml"), Map.of()), false);
    }

    /** Stops the server and starts it again on the same database. */
    void restart() throws Exception {
        server.stop();
        boot();
    }

    /** Stops the server, keeping its data, until {@link #startAgain}. */
    void stop() {
        server.stop();
    }

    /** Starts the server again on the same data after {@link #stop}. */
    void startAgain() throws Exception {
        boot();
    }

    /** A response with its body parsed. */
    record Reply(int status, JsonStructure body, String raw) {
        jakarta.json.JsonObject json() {
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
        record(method, path, response.statusCode(), json);
        return new Reply(response.statusCode(), json, response.body());
    }

    // With MYELIN_TEST_RESPONSE_LOG set, every response is appended there as one JSON line, so that a run can
    // be checked against the spec's schemas afterwards.
    private static synchronized void record(String method, String path, int status, JsonStructure body)
            throws IOException {
        String log = System.getenv("MYELIN_TEST_RESPONSE_LOG");
        if (log == null || log.isBlank() || body == null) {
            return;
        }
        String line = jakarta.json.Json.createObjectBuilder().add("method", method).add("path", path)
                .add("status", status).add("body", body).build() + "\n";
        Files.writeString(Path.of(log), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
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

    /** Logs the user in again, which gives a second device. */
    User login(User user) throws Exception {
        String local = user.userId().substring(1, user.userId().indexOf(':'));
        Reply reply = call("POST", V3 + "/login", null, """
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
            dropDatabase.run();
        }
    }
}
