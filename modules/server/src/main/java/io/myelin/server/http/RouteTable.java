package io.myelin.server.http;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.NotFoundException;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.Routes;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.MatrixException;

/**
 * Collects the routes components add for each listener, installs them, and answers everything else:
 * 405 {@code M_UNRECOGNIZED} with an {@code Allow} header for a known path asked with another method,
 * 404 {@code M_UNRECOGNIZED} for an unknown path.
 */
public final class RouteTable implements Routes {

    private final List<Route> client = new ArrayList<>();
    private final List<Route> federation = new ArrayList<>();

    private record Route(Method method, String path, PathMatcher matcher, Handler handler) {
    }

    @Override
    public void client(Method method, String path, Handler handler) {
        client.add(new Route(method, path, PathMatchers.create(path), handler));
    }

    @Override
    public void federation(Method method, String path, Handler handler) {
        federation.add(new Route(method, path, PathMatchers.create(path), handler));
    }

    /**
     * Installs the client listener's routes and its fallback.
     *
     * @param routing the client listener's routing
     */
    public void installClient(HttpRouting.Builder routing) {
        install(client, routing);
    }

    /**
     * Installs the federation listener's routes and its fallback.
     *
     * @param routing the federation listener's routing
     */
    public void installFederation(HttpRouting.Builder routing) {
        install(federation, routing);
    }

    private static void install(List<Route> routes, HttpRouting.Builder routing) {
        List<Route> copy = List.copyOf(routes);
        for (Route r : copy) {
            routing.route(r.method(), r.path(), r.handler());
        }
        // Not a catch-all route: server features (metrics) add their routes after these.
        routing.error(NotFoundException.class, (req, res, e) -> ErrorResponses.send(res, unmatched(copy, req, res)));
    }

    private static MatrixException unmatched(List<Route> routes, ServerRequest req, ServerResponse res) {
        Set<String> allowed = new LinkedHashSet<>();
        for (Route r : routes) {
            if (r.matcher().match(req.path()).accepted()) {
                allowed.add(r.method().text());
            }
        }
        if (allowed.isEmpty()) {
            return new MatrixException(Status.NOT_FOUND_404, ErrorCode.M_UNRECOGNIZED, "Unrecognized request");
        }
        allowed.add(Method.OPTIONS.text());
        res.header(HeaderNames.ALLOW, String.join(", ", allowed));
        return new MatrixException(Status.METHOD_NOT_ALLOWED_405, ErrorCode.M_UNRECOGNIZED,
                "Method " + req.prologue().method().text() + " is not allowed here");
    }
}
