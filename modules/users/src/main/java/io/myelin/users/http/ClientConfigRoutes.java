package io.myelin.users.http;

import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.Routes;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.api.users.Requester;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.users.store.FilterStore;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * Filters, capabilities and the third-party identifier endpoints (client-server API, "Filtering",
 * "Capabilities negotiation", "Adding Account Administrative Contact Information"). This server keeps no
 * e-mail addresses or phone numbers: the list is always empty and adding or binding one is refused.
 */
public final class ClientConfigRoutes {

    private static final int ROOM_VERSIONS = 12;
    private static final String DEFAULT_ROOM_VERSION = "12";

    private final FilterStore filters;
    private final Guard guard;
    private final boolean loginTokens;

    ClientConfigRoutes(FilterStore filters, Guard guard, boolean loginTokens) {
        this.filters = filters;
        this.guard = guard;
        this.loginTokens = loginTokens;
    }

    void register(Routes routes) {
        routes.clientV3(Method.POST, "/user/{userId}/filter", this::createFilter);
        routes.clientV3(Method.GET, "/user/{userId}/filter/{filterId}", this::getFilter);
        routes.clientV3(Method.GET, "/capabilities", this::capabilities);
        routes.clientV3(Method.GET, "/account/3pid", (req, res) -> {
            guard.requester(req, res);
            Json.ok(res, Json.object().add("threepids", JsonSupport.arrayBuilder()).build());
        });
        for (String path : new String[] {"/account/3pid", "/account/3pid/add", "/account/3pid/bind"}) {
            routes.clientV3(Method.POST, path, (req, res) -> {
                guard.requester(req, res);
                throw MatrixException.forbidden("This server does not support third-party identifiers.");
            });
        }
        for (String path : new String[] {"/account/3pid/delete", "/account/3pid/unbind"}) {
            routes.clientV3(Method.POST, path, (req, res) -> {
                guard.requester(req, res);
                Json.ok(res, Json.object().add("id_server_unbind_result", "no-support").build());
            });
        }
        for (String path : new String[] {"/account/3pid/email/requestToken", "/account/3pid/msisdn/requestToken",
            "/register/email/requestToken", "/register/msisdn/requestToken",
            "/account/password/email/requestToken", "/account/password/msisdn/requestToken"}) {
            routes.clientV3(Method.POST, path, (req, res) -> {
                throw MatrixException.forbidden("This server does not send e-mail or text messages.");
            });
        }
    }

    private void createFilter(ServerRequest req, ServerResponse res) {
        Requester who = guard.self(req, res);
        JsonObject filter = Json.readObject(req);
        long id = filters.create(who.userId(), filter);
        Json.ok(res, Json.object().add("filter_id", Long.toString(id)).build());
    }

    private void getFilter(ServerRequest req, ServerResponse res) {
        Requester who = guard.requester(req, res);
        if (!who.userId().equals(req.path().pathParameters().get("userId"))) {
            throw MatrixException.forbidden("Cannot read another user's filters.");
        }
        long id;
        try {
            id = Long.parseLong(req.path().pathParameters().get("filterId"));
        } catch (NumberFormatException e) {
            throw MatrixException.notFound("No such filter.");
        }
        Json.ok(res, filters.get(who.userId(), id).orElseThrow(() -> MatrixException.notFound("No such filter.")));
    }

    private void capabilities(ServerRequest req, ServerResponse res) {
        // Not on the specification's list for guests, but read-only facts about the server that clients ask for
        // before anything else; guests learn here what they cannot do.
        Requester who = guard.requesterOrGuest(req, res);
        JsonObjectBuilder versions = Json.object();
        for (int v = 1; v <= ROOM_VERSIONS; v++) {
            versions.add(Integer.toString(v), "stable");
        }
        JsonObject enabled = Json.object().add("enabled", true).build();
        JsonObject disabled = Json.object().add("enabled", false).build();
        Json.ok(res, Json.object().add("capabilities", Json.object()
                .add("m.change_password", who.guest() ? disabled : enabled)
                .add("m.room_versions", Json.object().add("default", DEFAULT_ROOM_VERSION).add("available", versions))
                .add("m.set_displayname", enabled)
                .add("m.set_avatar_url", who.guest() ? disabled : enabled)
                .add("m.3pid_changes", disabled)
                .add("m.get_login_token", loginTokens && !who.guest() ? enabled : disabled)).build());
    }
}
