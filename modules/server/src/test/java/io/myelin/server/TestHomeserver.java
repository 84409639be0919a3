package io.myelin.server;

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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.myelin.api.Component;
import io.myelin.server.config.Settings;

import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;

/**
 * A whole Myelin for tests over real HTTP: free loopback ports, a temporary data directory, SQLite or a fresh
 * PostgreSQL database (dropped by {@link #close}), registration open with cheap password hashes and no rate
 * limits. It can be stopped and started again on the same data. The area fixtures (client, sync, keys) extend it
 * with their own users and helpers.
 */
public class TestHomeserver implements AutoCloseable {

    /** The client API's current prefix. */
    public static final String V3 = "/_matrix/client/v3";

    /** The databases the tests run on. */
    public enum Backend { SQLITE, POSTGRES }

    /**
     * A response with its body parsed.
     *
     * @param status the HTTP status
     * @param body   the JSON body, or null when empty
     * @param raw    the body as sent
     */
    public record Reply(int status, JsonStructure body, String raw) {
        /** @return the body as an object */
        public JsonObject json() {
            return body == null ? null : body.asJsonObject();
        }

        /**
         * @param key a member of the body
         * @return its string value
         */
        public String string(String key) {
            return json().getString(key);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Path config;
    private final TestDatabases.Fresh database;
    private final List<Component> extra;
    private MyelinServer server;

    /**
     * Writes the configuration and starts the server.
     *
     * @param dir        a temporary directory for the configuration and the data
     * @param backend    the database
     * @param serverName the server name
     * @param sections   further configuration sections, as YAML at the top level, or empty
     * @param extra      components started along with the real ones
     * @throws Exception when the server does not start (the database is dropped then)
     */
    protected TestHomeserver(Path dir, Backend backend, String serverName, String sections, List<Component> extra)
            throws Exception {
        this.database = backend == Backend.POSTGRES ? TestDatabases.postgres("myelin_test")
                : TestDatabases.sqlite(dir);
        this.config = dir.resolve("myelin.yaml");
        this.extra = List.copyOf(extra);
        try {
            Files.writeString(config, """
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
                    """.formatted(serverName, dir.resolve("data"), database.url()) + sections);
            boot();
        } catch (Exception | Error e) {
            database.drop().run();
            throw e;
        }
    }

    private void boot() throws Exception {
        server = ExtraComponents.start(Settings.load(config, Map.of()), extra);
    }

    /** Stops the server and starts it again on the same data. */
    public void restart() throws Exception {
        server.stop();
        boot();
    }

    /** Stops the server, keeping its data, until {@link #startAgain}. */
    public void stop() {
        server.stop();
    }

    /** Starts the server again on the same data after {@link #stop}. */
    public void startAgain() throws Exception {
        boot();
    }

    /** @return the client listener's port */
    public int clientPort() {
        return server.clientPort();
    }

    /**
     * Sends a request to the client listener.
     *
     * @param method the HTTP method
     * @param path   the whole path with its query
     * @param token  an access token, or null
     * @param body   a JSON body, or null
     * @return the response
     */
    public Reply call(String method, String path, String token, String body) throws IOException,
            InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + clientPort() + path))
                .timeout(Duration.ofSeconds(60))
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

    /** {@code GET} under {@link #V3}. */
    public Reply get(String path, String token) throws IOException, InterruptedException {
        return call("GET", V3 + path, token, null);
    }

    /** {@code POST} under {@link #V3}. */
    public Reply post(String path, String token, String body) throws IOException, InterruptedException {
        return call("POST", V3 + path, token, body);
    }

    /** {@code PUT} under {@link #V3}. */
    public Reply put(String path, String token, String body) throws IOException, InterruptedException {
        return call("PUT", V3 + path, token, body);
    }

    /** {@code DELETE} under {@link #V3}. */
    public Reply delete(String path, String token) throws IOException, InterruptedException {
        return call("DELETE", V3 + path, token, null);
    }

    /**
     * Registers a user through the dummy stage.
     *
     * @param name     the localpart
     * @param password the password
     * @return the registration's answer ({@code user_id}, {@code device_id}, {@code access_token})
     */
    public Reply register(String name, String password) throws IOException, InterruptedException {
        String request = "{\"username\":\"" + name + "\",\"password\":\"" + password + "\"";
        Reply challenge = post("/register", null, request + "}");
        assertEquals(401, challenge.status(), challenge.raw());
        Reply done = post("/register", null, request + ",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\""
                + challenge.string("session") + "\"}}");
        assertEquals(200, done.status(), done.raw());
        return done;
    }

    /**
     * Logs a user in with their password, which makes a new device unless {@code deviceId} names one.
     *
     * @param localpart   the user's localpart
     * @param password    the password
     * @param extraFields further members of the request body, such as {@code "device_id":"X"}, or empty
     * @return the login's answer
     */
    public Reply login(String localpart, String password, String extraFields) throws IOException,
            InterruptedException {
        Reply reply = post("/login", null, """
                {"type":"m.login.password","identifier":{"type":"m.id.user","user":"%s"},"password":"%s"%s}
                """.formatted(localpart, password, extraFields.isEmpty() ? "" : "," + extraFields));
        assertEquals(200, reply.status(), reply.raw());
        return reply;
    }

    /**
     * Reads the database directly, for what no endpoint shows.
     *
     * @param sql    a query
     * @param params its parameters
     * @return each row's columns as text
     */
    public List<List<String>> query(String sql, Object... params) throws SQLException {
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

    /**
     * Changes the database directly, for a state no endpoint can make (on SQLite only while the server is
     * stopped).
     *
     * @param sql    a statement
     * @param params its parameters
     * @return the number of rows it changed
     */
    public int execute(String sql, Object... params) throws SQLException {
        try (Connection connection = DriverManager.getConnection(database.url());
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            return statement.executeUpdate();
        }
    }

    /**
     * @param value a path segment
     * @return it percent-encoded
     */
    public static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Asserts a Matrix error.
     *
     * @param reply   the response
     * @param status  the expected HTTP status
     * @param errcode the expected {@code errcode}
     */
    public static void assertError(Reply reply, int status, String errcode) {
        assertEquals(status, reply.status(), reply.raw());
        assertEquals(errcode, reply.string("errcode"), reply.raw());
        assertFalse(reply.string("error").isBlank());
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

    @Override
    public void close() {
        try {
            server.stop();
        } finally {
            database.drop().run();
        }
    }
}
