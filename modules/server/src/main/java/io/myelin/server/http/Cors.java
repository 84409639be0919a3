package io.myelin.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * The client API's CORS headers on every response, and pre-flight {@code OPTIONS} answered without
 * running any endpoint logic, as the client-server API's "Web Browser Clients" section asks.
 */
public final class Cors implements Filter {

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD, POST, PUT, DELETE, OPTIONS");
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "X-Requested-With, Content-Type, Authorization");
        if (Method.OPTIONS.equals(req.prologue().method())) {
            res.status(Status.NO_CONTENT_204).send();
            return;
        }
        chain.proceed();
    }
}
