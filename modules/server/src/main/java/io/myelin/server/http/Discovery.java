package io.myelin.server.http;

import io.helidon.http.Method;
import io.myelin.api.Routes;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.server.config.CoreConfig;

import jakarta.json.JsonArrayBuilder;

/**
 * The endpoints that let clients and servers find this server and learn what it speaks:
 * {@code /_matrix/client/versions}, {@code /.well-known/matrix/client} and {@code /.well-known/matrix/server}.
 */
public final class Discovery {

    /** Client-server API versions this server speaks, oldest first. */
    static final String[] VERSIONS = {"r0.0.1", "r0.1.0", "r0.2.0", "r0.3.0", "r0.4.0", "r0.5.0", "r0.6.0",
        "r0.6.1", "v1.1", "v1.2", "v1.3", "v1.4", "v1.5", "v1.6", "v1.7", "v1.8", "v1.9", "v1.10", "v1.11",
        "v1.12", "v1.13", "v1.14", "v1.15", "v1.16"};

    private Discovery() {
    }

    /**
     * Adds the discovery routes.
     *
     * @param routes     where routes go
     * @param serverName the server name
     * @param wellKnown  what the well-known files announce
     */
    public static void install(Routes routes, String serverName, CoreConfig.WellKnown wellKnown) {
        var versions = versions();
        routes.client(Method.GET, "/_matrix/client/versions", (req, res) -> Json.ok(res, versions));

        String baseUrl = wellKnown.clientBaseUrl() != null ? wellKnown.clientBaseUrl()
                : defaultBaseUrl(serverName);
        var client = Json.object().add("m.homeserver", Json.object().add("base_url", baseUrl)).build();
        routes.client(Method.GET, "/.well-known/matrix/client", (req, res) -> Json.ok(res, client));

        var server = wellKnown.serverDelegate() == null ? null
                : Json.object().add("m.server", wellKnown.serverDelegate()).build();
        var serverHandler = (io.helidon.webserver.http.Handler) (req, res) -> {
            if (server == null) {
                throw MatrixException.notFound("No server delegation is configured");
            }
            Json.ok(res, server);
        };
        routes.client(Method.GET, "/.well-known/matrix/server", serverHandler);
        routes.federation(Method.GET, "/.well-known/matrix/server", serverHandler);
    }

    private static jakarta.json.JsonObject versions() {
        JsonArrayBuilder list = JsonSupport.arrayBuilder();
        for (String v : VERSIONS) {
            list.add(v);
        }
        return Json.object().add("versions", list).add("unstable_features", Json.object()).build();
    }

    private static String defaultBaseUrl(String serverName) {
        boolean local = serverName.startsWith("localhost") || serverName.startsWith("127.");
        return (local ? "http://" : "https://") + serverName;
    }
}
