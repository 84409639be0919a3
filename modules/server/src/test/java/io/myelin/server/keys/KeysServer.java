package io.myelin.server.keys;

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
import java.util.concurrent.atomic.AtomicInteger;

import io.myelin.api.Component;
import io.myelin.server.ExtraComponents;
import io.myelin.server.MyelinServer;
import io.myelin.server.TestDatabases;
import io.myelin.server.config.Settings;

import jakarta.json.JsonObject;

/**
 * A whole Myelin with registration open, on SQLite or a fresh PostgreSQL database, on free loopback ports, spoken
 * to over real HTTP by the key tests.
 */
final class KeysServer implements AutoCloseable {

    /** The databases the tests run on. */
    enum Backend { SQLITE, POSTGRES }

    static final String SERVER_NAME = "test.local";
    static final String V3 = "/_matrix/client/v3";
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final MyelinServer server;
    private final Runnable dropDatabase;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private KeysServer(MyelinServer server, Runnable dropDatabase) {
        this.server = server;
        this.dropDatabase = dropDatabase;
    }

    static KeysServer start(Path dir, Backend backend, List<Component> extra) throws Exception {
        TestDatabases.Fresh database = backend == Backend.POSTGRES ? TestDatabases.postgres("myelin_keys")
                : TestDatabases.sqlite(dir);
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
                """.formatted(SERVER_NAME, dir.resolve("data"), database.url());
        Files.writeString(dir.resolve("myelin.yaml"), yaml);
        try {
            return new KeysServer(ExtraComponents.start(Settings.load(dir.resolve("myelin.yaml"), Map.of()), extra),
                    database.drop());
        } catch (Exception | Error e) {
            database.drop().run();
            throw e;
        }
    }

    /** A response with its body parsed. */
    record Reply(int status, JsonObject json, String raw) {
        String string(String key) {
            return json.getString(key);
        }
    }

    /** A logged-in device. */
    record Session(String userId, String deviceId, String token, String password) {
        String localpart() {
            return userId.substring(1, userId.indexOf(':'));
        }
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
        JsonObject json = response.body().isEmpty() ? null
                : jakarta.json.Json.createReader(new StringReader(response.body())).readObject();
        return new Reply(response.statusCode(), json, response.body());
    }

    Reply post(String path, Session who, Object body) throws IOException, InterruptedException {
        return call("POST", V3 + path, who.token(), body.toString());
    }

    Reply put(String path, Session who, Object body) throws IOException, InterruptedException {
        return call("PUT", V3 + path, who.token(), body.toString());
    }

    Reply get(String path, Session who) throws IOException, InterruptedException {
        return call("GET", V3 + path, who.token(), null);
    }

    Reply delete(String path, Session who) throws IOException, InterruptedException {
        return call("DELETE", V3 + path, who.token(), null);
    }

    /** Registers a new user and logs in as the named device. */
    Session newUser(String deviceId, String deviceName) throws Exception {
        String name = "key" + NAMES.incrementAndGet() + "_" + ProcessHandle.current().pid();
        String password = "pw-" + name;
        Reply challenge = call("POST", V3 + "/register", null,
                "{\"username\":\"" + name + "\",\"password\":\"" + password + "\"}");
        assertEquals(401, challenge.status(), challenge.raw());
        Reply done = call("POST", V3 + "/register", null, "{\"username\":\"" + name + "\",\"password\":\""
                + password + "\",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + challenge.string("session")
                + "\"}}");
        assertEquals(200, done.status(), done.raw());
        return login(new Session(done.string("user_id"), null, null, password), deviceId, deviceName);
    }

    /** Logs the user in again as another device. */
    Session login(Session user, String deviceId, String deviceName) throws Exception {
        Reply reply = call("POST", V3 + "/login", null, """
                {"type":"m.login.password","identifier":{"type":"m.id.user","user":"%s"},"password":"%s",
                 "device_id":"%s","initial_device_display_name":"%s"}
                """.formatted(user.localpart(), user.password(), deviceId, deviceName));
        assertEquals(200, reply.status(), reply.raw());
        return new Session(user.userId(), reply.string("device_id"), reply.string("access_token"), user.password());
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
