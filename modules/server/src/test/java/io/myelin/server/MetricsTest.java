package io.myelin.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsTest {

    @TempDir
    Path dir;

    @Test
    void metricsAreAbsentUnlessEnabled() throws Exception {
        try (var server = TestServer.start(dir, "")) {
            assertEquals(404, server.get("/metrics").statusCode());
            assertEquals(404, server.get("/observe/metrics").statusCode());
        }
    }

    @Test
    void enabledMetricsArePrometheusTextWithPerRouteRequests() throws Exception {
        try (var server = TestServer.start(dir, "metrics:\n  enabled: true\n  path: /metrics\n")) {
            assertEquals(200, server.get("/_matrix/client/versions").statusCode());
            var response = server.send(HttpRequest.newBuilder(server.client("/metrics"))
                    .header("Accept", "text/plain").build());
            assertEquals(200, response.statusCode());
            String text = response.body();
            assertTrue(text.contains("myelin_http_requests_seconds_count{"), text);
            assertTrue(text.lines().anyMatch(l -> l.startsWith("myelin_http_requests_seconds_count{")
                    && l.contains("route=\"/_matrix/client/versions\"") && l.contains("status=\"200\"")), text);
            assertTrue(text.contains("jvm_") || text.contains("process_"), "JVM and process meters");
        }
    }

    @Test
    void basicAuthGuardsMetrics() throws Exception {
        try (var server = TestServer.start(dir, """
                metrics:
                  enabled: true
                  path: /metrics
                  basic_auth:
                    username: prom
                    password: s3cret
                """)) {
            var denied = server.get("/metrics");
            assertEquals(401, denied.statusCode());
            assertTrue(denied.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
            var wrong = server.send(HttpRequest.newBuilder(server.client("/metrics"))
                    .header("Authorization", basic("prom", "nope")).build());
            assertEquals(401, wrong.statusCode());
            var allowed = server.send(HttpRequest.newBuilder(server.client("/metrics"))
                    .header("Authorization", basic("prom", "s3cret")).header("Accept", "text/plain").build());
            assertEquals(200, allowed.statusCode());
            assertEquals(200, server.get("/_matrix/client/versions").statusCode(), "other routes need no auth");
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
