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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.myelin.server.MyelinServer;
import io.myelin.server.TestDatabases;
import io.myelin.server.config.Settings;

import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;

/**
 * A whole Myelin on SQLite or PostgreSQL with registration open, spoken to over real HTTP, whose sync tables the
 * test can read directly; it can be stopped and started again on the same data.
 */
final class DeviceServer implements AutoCloseable {

    static final String SERVER_NAME = "test.local";
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

    /** A logged-in device of a user. */
    record User(String userId, String deviceId, String token) {
    }

    private final Path dir;
    private final TestDatabases.Fresh database;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private MyelinServer server;

    private DeviceServer(Path dir, TestDatabases.Fresh database) {
        this.dir = dir;
        this.database = database;
    }

    static DeviceServer start(Path dir, Backend backend) throws Exception {
        TestDatabases.Fresh database = backend == Backend.POSTGRES ? TestDatabases.postgres("myelin_syncdev")
                : TestDatabases.sqlite(dir);
        Files.writeString(dir.resolve("myelin.yaml"), """
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
                """.formatted(SERVER_NAME, dir.resolve("data"), database.url()));
        DeviceServer started = new DeviceServer(dir, database);
        try {
            started.boot();
        } catch (Exception | Error e) {
            database.close();
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
        Reply challenge = post("/register", null, "{\"username\":\"" + name + "\",\"password\":\"pw-" + name + "\"}");
        assertEquals(401, challenge.status(), challenge.raw());
        Reply done = post("/register", null, "{\"username\":\"" + name + "\",\"password\":\"pw-" + name
                + "\",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + challenge.string("session") + "\"}}");
        assertEquals(200, done.status(), done.raw());
        return new User(done.string("user_id"), done.string("device_id"), done.string("access_token"));
    }

    /** Logs the user in again, which gives a new device. */
    User login(User user) throws Exception {
        String local = user.userId().substring(1, user.userId().indexOf(':'));
        Reply reply = post("/login", null, """
                {"type":"m.login.password","identifier":{"type":"m.id.user","user":"%s"},"password":"pw-%s"}
                """.formatted(local, local));
        assertEquals(200, reply.status(), reply.raw());
        return new User(user.userId(), reply.string("device_id"), reply.string("access_token"));
    }

    /**
     * Reads the database directly, as the sync tables are not visible over HTTP without {@code /sync}.
     *
     * @param sql    a query
     * @param params its parameters
     * @return each row's columns as text
     */
    List<List<String>> query(String sql, Object... params) throws SQLException {
        try (Connection connection = DriverManager.getConnection(database.url());
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            List<List<String>> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                int columns = result.getMetaData().getColumnCount();
                while (result.next()) {
                    List<String> row = new ArrayList<>();
                    for (int c = 1; c <= columns; c++) {
                        row.add(result.getString(c));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
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
            database.close();
        }
    }
}
