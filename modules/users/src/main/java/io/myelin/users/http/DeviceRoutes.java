package io.myelin.users.http;

import java.util.List;

import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.Routes;
import io.myelin.api.http.Fields;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.api.users.Requester;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.users.auth.Accounts;
import io.myelin.users.auth.RateLimiter;
import io.myelin.users.auth.TokenService;
import io.myelin.users.auth.Uia;
import io.myelin.users.store.Device;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

/**
 * Device management, password change and deactivation (client-server API, "Device management",
 * "Password management", "Account deactivation"). Deleting devices, changing the password and deactivating
 * ask for the password again through user-interactive authentication.
 */
public final class DeviceRoutes {

    private static final String PASSWORD = "m.login.password";
    static final List<List<String>> PASSWORD_FLOW = List.of(List.of(PASSWORD));

    private final Accounts accounts;
    private final Guard guard;
    private final Uia uia;

    /**
     * @param accounts account operations
     * @param tokens   the token service
     * @param limiter  the rate limiter
     * @param uia      user-interactive authentication
     */
    public DeviceRoutes(Accounts accounts, TokenService tokens, RateLimiter limiter, Uia uia) {
        this.accounts = accounts;
        this.guard = new Guard(tokens, limiter);
        this.uia = uia;
    }

    /**
     * @param routes where the routes go
     */
    public void register(Routes routes) {
        routes.clientV3(Method.GET, "/devices", this::list);
        routes.clientV3(Method.GET, "/devices/{deviceId}", this::get);
        routes.clientV3(Method.PUT, "/devices/{deviceId}", this::rename);
        routes.clientV3(Method.DELETE, "/devices/{deviceId}", this::delete);
        routes.clientV3(Method.POST, "/delete_devices", this::deleteMany);
        routes.clientV3(Method.POST, "/account/password", this::changePassword);
        routes.clientV3(Method.POST, "/account/deactivate", this::deactivate);
    }

    private void list(ServerRequest req, ServerResponse res) {
        Requester who = guard.requesterOrGuest(req, res);
        JsonArrayBuilder devices = JsonSupport.arrayBuilder();
        accounts.devices().devices(who.userId()).forEach(d -> devices.add(json(d)));
        Json.ok(res, Json.object().add("devices", devices).build());
    }

    private void get(ServerRequest req, ServerResponse res) {
        Requester who = guard.requesterOrGuest(req, res);
        Device device = accounts.devices().device(who.userId(), req.path().pathParameters().get("deviceId"))
                .orElseThrow(() -> MatrixException.notFound("No such device."));
        Json.ok(res, json(device));
    }

    private void rename(ServerRequest req, ServerResponse res) {
        Requester who = guard.requesterOrGuest(req, res);
        JsonObject body = Json.readObject(req);
        String name = Fields.string(body, "display_name");
        String deviceId = req.path().pathParameters().get("deviceId");
        if (name != null && !accounts.renameDevice(who.userId(), deviceId, name)) {
            throw MatrixException.notFound("No such device.");
        }
        if (name == null && accounts.devices().device(who.userId(), deviceId).isEmpty()) {
            throw MatrixException.notFound("No such device.");
        }
        Json.ok(res, Json.empty());
    }

    private void delete(ServerRequest req, ServerResponse res) {
        Requester who = guard.requester(req, res);
        String deviceId = req.path().pathParameters().get("deviceId");
        if (accounts.devices().device(who.userId(), deviceId).isEmpty()) {
            throw MatrixException.notFound("No such device.");
        }
        JsonObject body = bodyOrEmpty(req);
        if (!uia.complete(body, "delete_devices " + who.userId(), PASSWORD_FLOW, passwordOf(who), res)) {
            return;
        }
        accounts.deleteDevices(who.userId(), List.of(deviceId));
        Json.ok(res, Json.empty());
    }

    private void deleteMany(ServerRequest req, ServerResponse res) {
        Requester who = guard.requester(req, res);
        JsonObject body = Json.readObject(req);
        JsonValue value = body.get("devices");
        if (value == null || value.getValueType() != JsonValue.ValueType.ARRAY) {
            throw MatrixException.missingParam("'devices' must be a list of device ids.");
        }
        List<String> ids = Fields.strings(value, "'devices'");
        if (!uia.complete(body, "delete_devices " + who.userId(), PASSWORD_FLOW, passwordOf(who), res)) {
            return;
        }
        accounts.deleteDevices(who.userId(), ids);
        Json.ok(res, Json.empty());
    }

    private void changePassword(ServerRequest req, ServerResponse res) {
        Requester who = guard.requester(req, res);
        JsonObject body = Json.readObject(req);
        String newPassword = Fields.requiredString(body, "new_password");
        boolean logoutDevices = Fields.bool(body, "logout_devices", true);
        if (!uia.complete(body, "password " + who.userId(), PASSWORD_FLOW, passwordOf(who), res)) {
            return;
        }
        accounts.changePassword(who.userId(), newPassword);
        if (logoutDevices) {
            accounts.deleteAllDevices(who.userId(), who.deviceId());
        }
        Json.ok(res, Json.empty());
    }

    private void deactivate(ServerRequest req, ServerResponse res) {
        Requester who = guard.requester(req, res);
        JsonObject body = bodyOrEmpty(req);
        if (!uia.complete(body, "deactivate " + who.userId(), PASSWORD_FLOW, passwordOf(who), res)) {
            return;
        }
        accounts.deactivate(who.userId());
        // No identity server is ever bound by this server, so there is nothing to unbind.
        Json.ok(res, Json.object().add("id_server_unbind_result", "no-support").build());
    }

    private Uia.StageCheck passwordOf(Requester who) {
        return passwordOf(accounts, who);
    }

    /**
     * The check of the {@code m.login.password} stage for an operation of a logged-in user: the password must be
     * that user's.
     *
     * @param accounts account operations
     * @param who      the requester
     * @return the check
     */
    static Uia.StageCheck passwordOf(Accounts accounts, Requester who) {
        return (type, auth) -> {
            String user = LoginRoutes.identifiedUser(auth);
            String password = Fields.requiredString(auth, "password");
            var account = accounts.byIdentifier(user).filter(a -> a.userId().equals(who.userId()));
            return accounts.passwordMatches(account, password);
        };
    }

    private static JsonObject bodyOrEmpty(ServerRequest req) {
        return req.content().hasEntity() ? Json.readObject(req) : Json.empty();
    }

    private static JsonObject json(Device device) {
        JsonObjectBuilder out = Json.object().add("device_id", device.deviceId());
        if (device.displayName() != null) {
            out.add("display_name", device.displayName());
        }
        if (device.lastSeenIp() != null) {
            out.add("last_seen_ip", device.lastSeenIp());
        }
        if (device.lastSeenTs() != null) {
            out.add("last_seen_ts", device.lastSeenTs());
        }
        return out.build();
    }
}
