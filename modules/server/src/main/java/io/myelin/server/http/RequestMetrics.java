package io.myelin.server.http;

import java.util.List;

import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Counts and times every request by listener, method, route pattern and status, as
 * {@code myelin_http_requests_seconds{listener,method,route,status}}. The route is the pattern that
 * matched ({@code /_matrix/client/v3/rooms/{roomId}/send/...}), never the raw path, so that ids in
 * paths do not multiply the series.
 */
public final class RequestMetrics implements Filter {

    private final MeterRegistry registry;
    private final String listener;

    /**
     * @param registry where the timers go
     * @param listener the listener's name, {@code client} or {@code federation}
     */
    public RequestMetrics(MeterRegistry registry, String listener) {
        this.registry = registry;
        this.listener = listener;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            String route = req.matchingPattern().orElse("unmatched");
            Timer timer = registry.getOrCreate(Timer.builder("myelin.http.requests")
                    .tags(List.of(Tag.create("listener", listener),
                            Tag.create("method", req.prologue().method().text()),
                            Tag.create("route", route),
                            Tag.create("status", String.valueOf(res.status().code())))));
            timer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }
}
