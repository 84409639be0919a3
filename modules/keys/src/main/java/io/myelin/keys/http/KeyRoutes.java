package io.myelin.keys.http;

import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.Routes;
import io.myelin.api.http.Json;
import io.myelin.api.users.AccessTokens;
import io.myelin.api.users.Authentication;
import io.myelin.api.users.Requester;
import io.myelin.keys.service.Backups;
import io.myelin.keys.service.CrossSigning;
import io.myelin.keys.service.DeviceKeys;
import io.myelin.keys.service.KeyQuery;

import jakarta.json.JsonObject;

/**
 * The client-server endpoints of end-to-end encryption: device keys ({@code /keys/upload}, {@code /keys/query},
 * {@code /keys/claim}, also under {@code r0}), cross-signing ({@code /keys/device_signing/upload},
 * {@code /keys/signatures/upload}) and server-side key backups ({@code /room_keys/...}), the latter two added in
 * v1.1 and so only under {@code v3}.
 */
public final class KeyRoutes {

    private final AccessTokens tokens;
    private final DeviceKeys deviceKeys;
    private final KeyQuery query;
    private final CrossSigning crossSigning;
    private final Backups backups;

    /**
     * @param tokens       the token service
     * @param deviceKeys   upload and claim
     * @param query        query
     * @param crossSigning cross-signing
     * @param backups      key backups
     */
    public KeyRoutes(AccessTokens tokens, DeviceKeys deviceKeys, KeyQuery query, CrossSigning crossSigning,
                     Backups backups) {
        this.tokens = tokens;
        this.deviceKeys = deviceKeys;
        this.query = query;
        this.crossSigning = crossSigning;
        this.backups = backups;
    }

    /**
     * @param routes where the routes go
     */
    public void register(Routes routes) {
        routes.clientV3(Method.POST, "/keys/upload", (req, res) ->
                Json.ok(res, deviceKeys.upload(who(req), Json.readObject(req))));
        routes.clientV3(Method.POST, "/keys/query", (req, res) ->
                Json.ok(res, query.query(who(req), Json.readObject(req))));
        routes.clientV3(Method.POST, "/keys/claim", (req, res) ->
                Json.ok(res, deviceKeys.claim(who(req), Json.readObject(req))));
        v3(routes, Method.POST, "/keys/device_signing/upload", this::uploadSigningKeys);
        v3(routes, Method.POST, "/keys/signatures/upload", (req, res) ->
                Json.ok(res, crossSigning.uploadSignatures(who(req), Json.readObject(req))));

        v3(routes, Method.POST, "/room_keys/version", (req, res) ->
                Json.ok(res, backups.create(who(req).userId(), Json.readObject(req))));
        v3(routes, Method.GET, "/room_keys/version", (req, res) ->
                Json.ok(res, backups.info(who(req).userId(), null)));
        v3(routes, Method.GET, "/room_keys/version/{version}", (req, res) ->
                Json.ok(res, backups.info(who(req).userId(), param(req, "version"))));
        v3(routes, Method.PUT, "/room_keys/version/{version}", (req, res) -> {
            backups.update(who(req).userId(), param(req, "version"), Json.readObject(req));
            Json.ok(res, Json.empty());
        });
        v3(routes, Method.DELETE, "/room_keys/version/{version}", (req, res) -> {
            backups.deleteVersion(who(req).userId(), param(req, "version"));
            Json.ok(res, Json.empty());
        });
        for (String path : new String[] {"/room_keys/keys", "/room_keys/keys/{roomId}",
                "/room_keys/keys/{roomId}/{sessionId}"}) {
            v3(routes, Method.PUT, path, (req, res) -> Json.ok(res, backups.putKeys(who(req).userId(),
                    version(req), optional(req, "roomId"), optional(req, "sessionId"), Json.readObject(req))));
            v3(routes, Method.GET, path, (req, res) -> Json.ok(res, backups.getKeys(who(req).userId(),
                    version(req), optional(req, "roomId"), optional(req, "sessionId"))));
            v3(routes, Method.DELETE, path, (req, res) -> Json.ok(res, backups.deleteKeys(who(req).userId(),
                    version(req), optional(req, "roomId"), optional(req, "sessionId"))));
        }
    }

    private void uploadSigningKeys(ServerRequest req, ServerResponse res) {
        Requester who = who(req);
        JsonObject body = Json.readObject(req);
        CrossSigning.UploadResult result = crossSigning.uploadKeys(who, body);
        if (result.challenge() != null) {
            Json.send(res, Status.UNAUTHORIZED_401, result.challenge());
            return;
        }
        Json.ok(res, Json.empty());
    }

    private Requester who(ServerRequest req) {
        return Authentication.require(req, tokens);
    }

    private static void v3(Routes routes, Method method, String path, io.helidon.webserver.http.Handler handler) {
        routes.client(method, Routes.CLIENT_V3 + path, handler);
    }

    private static String param(ServerRequest req, String name) {
        return req.path().pathParameters().get(name);
    }

    private static String optional(ServerRequest req, String name) {
        return req.path().pathParameters().first(name).asOptional().orElse(null);
    }

    private static String version(ServerRequest req) {
        return req.query().first("version").asOptional().orElse(null);
    }
}
