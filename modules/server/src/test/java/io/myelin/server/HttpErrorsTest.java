package io.myelin.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import io.helidon.http.Method;
import io.myelin.api.Component;
import io.myelin.api.ComponentContext;
import io.myelin.api.Routes;
import io.myelin.api.http.Json;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The error model over real HTTP: every failure is a Matrix error body with the right status and code.
 */
class HttpErrorsTest {

    @TempDir
    static Path dir;
    static TestServer server;

    /** A component with endpoints that read JSON and fail on purpose. */
    static final class EchoComponent implements Component {
        @Override
        public String name() {
            return "echo";
        }

        @Override
        public void start(ComponentContext context) {
        }

        @Override
        public void routes(Routes routes) {
            routes.clientV3(Method.POST, "/echo", (req, res) -> Json.ok(res, Json.readObject(req)));
            routes.clientV3(Method.GET, "/boom", (req, res) -> {
                throw new IllegalStateException("secret internal detail");
            });
            routes.clientV3(Method.GET, "/interrupted", (req, res) -> {
                throw new InterruptedException("listener stopping");
            });
            routes.federation(Method.GET, "/_matrix/federation/v1/echo", (req, res) -> Json.ok(res, Json.empty()));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dir, """
                server:
                  name: test.local
                  data_dir: %DATA%
                  max_request_size: 4kb
                  well_known:
                    server_delegate: matrix.test.local:443
                """, new EchoComponent());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static JsonObject json(HttpResponse<String> response) {
        return jakarta.json.Json.createReader(new StringReader(response.body())).readObject();
    }

    private static void assertError(HttpResponse<String> response, int status, String errcode) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        JsonObject body = json(response);
        assertEquals(errcode, body.getString("errcode"));
        assertFalse(body.getString("error").isBlank());
    }

    @Test
    void versionsListsSpecVersions() throws Exception {
        var response = server.get("/_matrix/client/versions");
        assertEquals(200, response.statusCode());
        var versions = json(response).getJsonArray("versions").getValuesAs(jakarta.json.JsonString.class);
        assertTrue(versions.stream().anyMatch(v -> v.getString().equals("v1.16")));
        assertTrue(versions.stream().anyMatch(v -> v.getString().equals("r0.6.1")));
    }

    @Test
    void unknownPathIs404Unrecognized() throws Exception {
        assertError(server.get("/_matrix/client/v3/no/such/thing"), 404, "M_UNRECOGNIZED");
    }

    @Test
    void wrongMethodIs405UnrecognizedWithAllow() throws Exception {
        var response = server.request("DELETE", "/_matrix/client/versions", null);
        assertError(response, 405, "M_UNRECOGNIZED");
        assertTrue(response.headers().firstValue("Allow").orElse("").contains("GET"));
    }

    @Test
    void bodyThatIsNotJsonIsNotJson() throws Exception {
        assertError(server.request("POST", "/_matrix/client/v3/echo", "{not json"), 400, "M_NOT_JSON");
        assertError(server.request("POST", "/_matrix/client/v3/echo", ""), 400, "M_NOT_JSON");
    }

    @Test
    void jsonOfTheWrongShapeIsBadJson() throws Exception {
        assertError(server.request("POST", "/_matrix/client/r0/echo", "[1, 2]"), 400, "M_BAD_JSON");
    }

    @Test
    void jsonObjectIsEchoedOnBothPrefixes() throws Exception {
        var v3 = server.request("POST", "/_matrix/client/v3/echo", "{\"a\": [1, \"b\"]}");
        assertEquals(200, v3.statusCode());
        assertEquals("{\"a\":[1,\"b\"]}", v3.body());
        assertEquals(200, server.request("POST", "/_matrix/client/r0/echo", "{}").statusCode());
    }

    @Test
    void bodyOverTheLimitIsTooLarge() throws Exception {
        char[] big = new char[8 * 1024];
        Arrays.fill(big, 'a');
        String body = "{\"a\": \"" + new String(big) + "\"}";
        assertError(server.request("POST", "/_matrix/client/v3/echo", body), 413, "M_TOO_LARGE");
    }

    // The body goes over a raw socket and stops at the first chunk header past the limit, where the server answers.
    // A client that keeps sending the rest instead can find its connection reset before it reads the answer, as
    // the server closes a connection with the unread rest of a body (docs/decisions.md).
    @Test
    void chunkedBodyOverTheLimitIsTooLarge() throws Exception {
        byte[] first = new byte[4 * 1024];
        Arrays.fill(first, (byte) ' ');
        first[0] = '{';
        try (var socket = new java.net.Socket("127.0.0.1", server.server().clientPort())) {
            socket.setSoTimeout(10_000);
            var out = socket.getOutputStream();
            out.write(("POST /_matrix/client/v3/echo HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(first.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(first);
            out.write("\r\n10\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readResponse(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
            assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/json"), answer);
            JsonObject body = jakarta.json.Json.createReader(
                    new StringReader(answer.substring(answer.indexOf("\r\n\r\n") + 4))).readObject();
            assertEquals("M_TOO_LARGE", body.getString("errcode"));
        }
    }

    // One response read up to the end of its Content-Length: the server may keep the connection open after it.
    private static String readResponse(java.io.InputStream in) throws java.io.IOException {
        var got = new java.io.ByteArrayOutputStream();
        int headEnd = -1;
        int length = 0;
        while (headEnd < 0 || got.size() < headEnd + length) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            got.write(b);
            String text = got.toString(StandardCharsets.US_ASCII);
            if (headEnd < 0 && text.endsWith("\r\n\r\n")) {
                headEnd = text.length();
                var matcher = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(text);
                length = matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
            }
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    @Test
    void unexpectedFailureIs500WithNothingInternal() throws Exception {
        var response = server.get("/_matrix/client/v3/boom");
        assertError(response, 500, "M_UNKNOWN");
        assertFalse(response.body().contains("secret"));
        assertFalse(response.body().contains("IllegalState"));
    }

    @Test
    void anInterruptedHandlerIs503AndNoErrorInTheLog() throws Exception {
        var logger = java.util.logging.Logger.getLogger("io.myelin.server.http.ErrorResponses");
        var errors = new java.util.concurrent.CopyOnWriteArrayList<java.util.logging.LogRecord>();
        var handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    errors.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            assertError(server.get("/_matrix/client/v3/interrupted"), 503, "M_UNKNOWN");
            assertError(server.get("/_matrix/client/v3/boom"), 500, "M_UNKNOWN");
            // Only the real failure is logged as one.
            assertEquals(1, errors.size(), errors.toString());
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void corsHeadersOnEveryClientResponse() throws Exception {
        for (var response : new HttpResponse[] {server.get("/_matrix/client/versions"),
            server.get("/_matrix/client/v3/no/such/thing")}) {
            assertEquals("*", response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
            assertTrue(response.headers().firstValue("Access-Control-Allow-Headers").orElse("")
                    .contains("Authorization"));
            assertTrue(response.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("PUT"));
        }
    }

    @Test
    void preflightRunsNoEndpointLogic() throws Exception {
        var response = server.request("OPTIONS", "/_matrix/client/v3/boom", null);
        assertEquals(204, response.statusCode());
        assertEquals("*", response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    }

    @Test
    void wellKnownAnnouncesClientAndServer() throws Exception {
        var client = json(server.get("/.well-known/matrix/client"));
        assertEquals("https://test.local", client.getJsonObject("m.homeserver").getString("base_url"));
        var delegated = json(server.get("/.well-known/matrix/server"));
        assertEquals("matrix.test.local:443", delegated.getString("m.server"));
    }

    @Test
    void federationListenerHasItsOwnRoutes() throws Exception {
        var ok = server.send(HttpRequest.newBuilder(server.federation("/_matrix/federation/v1/echo")).build());
        assertEquals(200, ok.statusCode());
        var clientRouteOnFederation = server.send(HttpRequest.newBuilder(server.federation("/_matrix/client/versions"))
                .build());
        assertError(clientRouteOnFederation, 404, "M_UNRECOGNIZED");
        assertError(server.get("/_matrix/federation/v1/echo"), 404, "M_UNRECOGNIZED");
    }
}
