package io.myelin.server.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import io.myelin.server.config.CoreConfig;

/**
 * Serves Prometheus text at {@code metrics.path} on the client listener when {@code metrics.enabled}
 * is true, optionally behind HTTP basic authentication. When disabled, nothing is registered.
 */
public final class MetricsEndpoint {

    private MetricsEndpoint() {
    }

    /**
     * Registers the endpoint (and its authentication filter) when enabled.
     *
     * @param server  the server builder
     * @param routing the client listener's routing
     * @param metrics the configuration
     * @param meters  the registry to expose
     */
    public static void install(WebServerConfig.Builder server, HttpRouting.Builder routing, CoreConfig.Metrics metrics,
                               MeterRegistry meters) {
        if (!metrics.enabled()) {
            return;
        }
        server.addFeature(ObserveFeature.builder()
                .endpoint("/")
                .sockets(List.of("@default"))
                .observersDiscoverServices(false)
                .addObserver(MetricsObserver.builder().endpoint(metrics.path()).meterRegistry(meters).build())
                .build());
        if (metrics.username() != null) {
            byte[] expected = ("Basic " + Base64.getEncoder().encodeToString(
                    (metrics.username() + ":" + metrics.password()).getBytes(StandardCharsets.UTF_8)))
                    .getBytes(StandardCharsets.UTF_8);
            routing.addFilter((chain, req, res) -> {
                String path = req.path().path();
                if (path.equals(metrics.path()) || path.startsWith(metrics.path() + "/")) {
                    byte[] given = req.headers().first(HeaderNames.AUTHORIZATION).orElse("")
                            .getBytes(StandardCharsets.UTF_8);
                    // Constant-time comparison, so the response time says nothing about the secret.
                    if (!MessageDigest.isEqual(given, expected)) {
                        res.header(HeaderNames.WWW_AUTHENTICATE, "Basic realm=\"metrics\"");
                        res.status(Status.UNAUTHORIZED_401).send();
                        return;
                    }
                }
                chain.proceed();
            });
        }
    }
}
