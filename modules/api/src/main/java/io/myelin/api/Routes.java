package io.myelin.api;

import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;

/**
 * Where components add their HTTP routes. The server records every route so that a known path asked
 * with the wrong method is answered 405 and an unknown path 404, both as {@code M_UNRECOGNIZED}.
 */
public interface Routes {

    /** Path prefix of the current client-server API. */
    String CLIENT_V3 = "/_matrix/client/v3";
    /** Path prefix of the legacy client-server API that older clients still call. */
    String CLIENT_R0 = "/_matrix/client/r0";
    /** Path prefix of the server-server API. */
    String FEDERATION_V1 = "/_matrix/federation/v1";

    /**
     * Adds a route on the client listener.
     *
     * @param method  the HTTP method
     * @param path    the full path pattern, for example {@code /_matrix/client/versions}
     * @param handler the handler
     */
    void client(Method method, String path, Handler handler);

    /**
     * Adds a route on the federation listener.
     *
     * @param method  the HTTP method
     * @param path    the full path pattern, for example {@code /_matrix/federation/v1/version}
     * @param handler the handler
     */
    void federation(Method method, String path, Handler handler);

    /**
     * Adds a client-server route under both {@code /_matrix/client/v3} and the legacy
     * {@code /_matrix/client/r0}.
     *
     * @param method  the HTTP method
     * @param path    the path below the version prefix, for example {@code /login}
     * @param handler the handler
     */
    default void clientV3(Method method, String path, Handler handler) {
        client(method, CLIENT_V3 + path, handler);
        client(method, CLIENT_R0 + path, handler);
    }
}
