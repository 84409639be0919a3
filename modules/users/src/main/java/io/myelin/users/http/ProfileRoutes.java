package io.myelin.users.http;

import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.Routes;
import io.myelin.api.http.Fields;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.api.users.Requester;
import io.myelin.users.store.AccountStore;
import io.myelin.users.store.AccountStore.Profile;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * Display names and avatars of local users (client-server API, "Profiles").
 *
 * <p>A change is sent on into the rooms the user has joined as a new membership event. Not yet: profiles of
 * users on other servers are not fetched over federation.
 */
public final class ProfileRoutes {

    private static final int MAX_DISPLAYNAME = 256;
    private static final int MAX_AVATAR_URL = 1024;

    private final AccountStore accounts;
    private final Guard guard;
    private final String serverName;
    private final ProfilePropagation propagation;

    ProfileRoutes(AccountStore accounts, Guard guard, String serverName, ProfilePropagation propagation) {
        this.accounts = accounts;
        this.guard = guard;
        this.serverName = serverName;
        this.propagation = propagation;
    }

    void register(Routes routes) {
        routes.clientV3(Method.GET, "/profile/{userId}", this::profile);
        routes.clientV3(Method.GET, "/profile/{userId}/displayname", (req, res) -> field(req, res, "displayname"));
        routes.clientV3(Method.GET, "/profile/{userId}/avatar_url", (req, res) -> field(req, res, "avatar_url"));
        routes.clientV3(Method.PUT, "/profile/{userId}/displayname", (req, res) -> set(req, res, "displayname"));
        routes.clientV3(Method.PUT, "/profile/{userId}/avatar_url", (req, res) -> set(req, res, "avatar_url"));
    }

    private Profile load(ServerRequest req) {
        String userId = req.path().pathParameters().get("userId");
        if (!userId.endsWith(":" + serverName)) {
            throw MatrixException.notFound("Profiles of users on other servers are not available here yet.");
        }
        return accounts.find(userId).filter(a -> !a.deactivated()).flatMap(a -> accounts.profile(userId))
                .orElseThrow(() -> MatrixException.notFound("Profile not found."));
    }

    private void profile(ServerRequest req, ServerResponse res) {
        Json.ok(res, json(load(req)));
    }

    private void field(ServerRequest req, ServerResponse res, String key) {
        JsonObject all = json(load(req));
        if (!all.containsKey(key)) {
            throw MatrixException.notFound("This user has no " + key + ".");
        }
        Json.ok(res, Json.object().add(key, all.get(key)).build());
    }

    private void set(ServerRequest req, ServerResponse res, String key) {
        // Guests may set their display name but nothing else of their profile.
        Requester who = guard.self(req, res, key.equals("displayname"));
        JsonObject body = Json.readObject(req);
        String value = Fields.string(body, key);
        if (key.equals("displayname")) {
            if (value != null && value.length() > MAX_DISPLAYNAME) {
                throw MatrixException.invalidParam("displayname is longer than " + MAX_DISPLAYNAME + " characters.");
            }
            accounts.setDisplayname(who.userId(), value);
        } else {
            if (value != null && (value.length() > MAX_AVATAR_URL
                    || !value.isEmpty() && !value.startsWith("mxc://"))) {
                throw MatrixException.invalidParam("avatar_url must be an mxc:// URI.");
            }
            accounts.setAvatarUrl(who.userId(), value == null || value.isEmpty() ? null : value);
        }
        accounts.profile(who.userId()).ifPresent(profile -> propagation.propagate(who.userId(), profile));
        Json.ok(res, Json.empty());
    }

    private static JsonObject json(Profile profile) {
        JsonObjectBuilder out = Json.object();
        if (profile.displayname() != null) {
            out.add("displayname", profile.displayname());
        }
        if (profile.avatarUrl() != null) {
            out.add("avatar_url", profile.avatarUrl());
        }
        return out.build();
    }
}
