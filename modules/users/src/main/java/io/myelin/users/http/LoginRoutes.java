package io.myelin.users.http;

import java.util.List;
import java.util.Optional;

import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.Routes;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.api.users.Authentication;
import io.myelin.api.users.Requester;
import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.id.DeviceId;
import io.myelin.users.auth.Accounts;
import io.myelin.users.auth.RateLimiter;
import io.myelin.users.auth.TokenService;
import io.myelin.users.store.Account;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * Login, logout, {@code /account/whoami} and {@code /refresh} (client-server API, "Login", "Logout",
 * "Refreshing access tokens").
 */
public final class LoginRoutes {

    private static final String PASSWORD = "m.login.password";

    private final Accounts accounts;
    private final TokenService tokens;
    private final RateLimiter limiter;
    private final Guard guard;

    /**
     * @param accounts account operations
     * @param tokens   the token service
     * @param limiter  limits login attempts
     */
    public LoginRoutes(Accounts accounts, TokenService tokens, RateLimiter limiter) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.limiter = limiter;
        this.guard = new Guard(tokens, limiter);
    }

    /**
     * @param routes where the routes go
     */
    public void register(Routes routes) {
        routes.clientV3(Method.GET, "/login", (req, res) -> Json.ok(res, Json.object()
                .add("flows", jakarta.json.Json.createArrayBuilder().add(Json.object().add("type", PASSWORD)))
                .build()));
        routes.clientV3(Method.POST, "/login", this::login);
        routes.clientV3(Method.POST, "/logout", this::logout);
        routes.clientV3(Method.POST, "/logout/all", this::logoutAll);
        routes.clientV3(Method.GET, "/account/whoami", this::whoami);
        routes.clientV3(Method.POST, "/refresh", this::refresh);
    }

    /**
     * Adds the token fields of a login or registration response.
     *
     * @param out   the response body
     * @param login the login
     */
    static void addTokens(JsonObjectBuilder out, Accounts.Login login) {
        out.add("access_token", login.issued().accessToken()).add("device_id", login.deviceId());
        addRefresh(out, login.issued());
    }

    private static void addRefresh(JsonObjectBuilder out, TokenService.Issued issued) {
        if (issued.refreshToken() != null) {
            out.add("refresh_token", issued.refreshToken()).add("expires_in_ms", issued.expiresInMs());
        }
    }

    private void login(ServerRequest req, ServerResponse res) {
        JsonObject body = Json.readObject(req);
        String type = Fields.required(body, "type");
        if (!type.equals(PASSWORD)) {
            throw new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_UNKNOWN, "Unknown login type " + type + ".");
        }
        String user = identifiedUser(body);
        String password = Fields.required(body, "password");
        String deviceId = Fields.string(body, "device_id").map(LoginRoutes::checkDeviceId).orElse(null);
        String displayName = Fields.string(body, "initial_device_display_name").orElse(null);
        boolean refresh = Fields.bool(body, "refresh_token", false);

        // One bucket per account however the client spells it: "bob", "Bob" and "@bob:server" are one account.
        String bucket = user.startsWith("@") ? user : "@" + user + ":" + accounts.serverName();
        limiter.loginAttempt(bucket.toLowerCase(java.util.Locale.ROOT), Clients.ip(req), res);
        Optional<Account> account = accounts.byIdentifier(user);
        if (!accounts.passwordMatches(account, password)) {
            throw MatrixException.forbidden("Invalid username or password.");
        }
        Accounts.Login login = accounts.login(account.get().userId(), deviceId, displayName, refresh,
                Clients.ip(req));
        JsonObjectBuilder out = Json.object().add("user_id", login.userId());
        addTokens(out, login);
        out.add("home_server", accounts.serverName());
        Json.ok(res, out.build());
    }

    /**
     * The user an {@code m.id.user} identifier or the legacy top-level {@code user} field names.
     *
     * @param body a login body or UIA auth dict
     * @return the user id or localpart as given
     */
    static String identifiedUser(JsonObject body) {
        Optional<JsonObject> identifier = Fields.object(body, "identifier");
        if (identifier.isPresent()) {
            String idType = Fields.required(identifier.get(), "type");
            if (!idType.equals("m.id.user")) {
                throw new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_UNKNOWN,
                        "Unsupported identifier type " + idType + ".");
            }
            return Fields.required(identifier.get(), "user");
        }
        return Fields.string(body, "user")
                .orElseThrow(() -> MatrixException.missingParam("'identifier' is required."));
    }

    static String checkDeviceId(String deviceId) {
        try {
            return DeviceId.check(deviceId);
        } catch (ProtocolException e) {
            throw MatrixException.invalidParam("Invalid device_id: " + e.getMessage());
        }
    }

    private void logout(ServerRequest req, ServerResponse res) {
        Requester who = guard.requester(req, res);
        accounts.deleteDevices(who.userId(), List.of(who.deviceId()));
        Json.ok(res, Json.empty());
    }

    private void logoutAll(ServerRequest req, ServerResponse res) {
        Requester who = guard.requester(req, res);
        accounts.deleteAllDevices(who.userId(), null);
        Json.ok(res, Json.empty());
    }

    private void whoami(ServerRequest req, ServerResponse res) {
        Requester who = guard.requester(req, res);
        Json.ok(res, Json.object().add("user_id", who.userId()).add("device_id", who.deviceId())
                .add("is_guest", who.guest()).build());
    }

    private void refresh(ServerRequest req, ServerResponse res) {
        limiter.request(Clients.ip(req), res);
        JsonObject body = Json.readObject(req);
        String refreshToken = Fields.required(body, "refresh_token");
        TokenService.Issued issued = tokens.refresh(refreshToken)
                .orElseThrow(() -> Authentication.unknownToken("Unknown or used refresh token.", false));
        JsonObjectBuilder out = Json.object().add("access_token", issued.accessToken());
        addRefresh(out, issued);
        Json.ok(res, out.build());
    }
}
