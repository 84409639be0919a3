package io.myelin.users.http;

import java.util.List;
import java.util.Optional;

import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.Routes;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.Fields;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.api.users.Authentication;
import io.myelin.api.users.Requester;
import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.id.DeviceId;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.users.auth.Accounts;
import io.myelin.users.auth.LoginTokens;
import io.myelin.users.auth.RateLimiter;
import io.myelin.users.auth.TokenService;
import io.myelin.users.auth.Uia;
import io.myelin.users.store.Account;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * Login, logout, {@code /account/whoami} and {@code /refresh} (client-server API, "Login", "Logout",
 * "Refreshing access tokens").
 */
public final class LoginRoutes {

    private static final String PASSWORD = "m.login.password";
    private static final String TOKEN = "m.login.token";
    private static final List<List<String>> PASSWORD_FLOW = List.of(List.of(PASSWORD));

    private final Accounts accounts;
    private final TokenService tokens;
    private final RateLimiter limiter;
    private final Guard guard;
    private final Uia uia;
    private final LoginTokens loginTokens;
    private final boolean loginTokensEnabled;

    /**
     * @param accounts           account operations
     * @param tokens             the token service
     * @param limiter            limits login attempts
     * @param uia                user-interactive authentication, which guards login token generation
     * @param loginTokens        the open login tokens
     * @param loginTokensEnabled whether users may generate login tokens
     */
    public LoginRoutes(Accounts accounts, TokenService tokens, RateLimiter limiter, Uia uia, LoginTokens loginTokens,
                       boolean loginTokensEnabled) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.limiter = limiter;
        this.guard = new Guard(tokens, limiter);
        this.uia = uia;
        this.loginTokens = loginTokens;
        this.loginTokensEnabled = loginTokensEnabled;
    }

    /**
     * @param routes where the routes go
     */
    public void register(Routes routes) {
        // Token login is always accepted; get_login_token tells a client not yet logged in whether a logged-in
        // user can make such a token here.
        JsonObjectBuilder token = Json.object().add("type", TOKEN);
        if (loginTokensEnabled) {
            token.add("get_login_token", true);
        }
        JsonObject flows = Json.object().add("flows", JsonSupport.arrayBuilder()
                .add(Json.object().add("type", PASSWORD)).add(token)).build();
        routes.clientV3(Method.GET, "/login", (req, res) -> Json.ok(res, flows));
        routes.clientV3(Method.POST, "/login", this::login);
        if (loginTokensEnabled) {
            // Not routed at all when off, so the client gets the usual 404 M_UNRECOGNIZED of an unknown endpoint.
            routes.client(Method.POST, "/_matrix/client/v1/login/get_token", this::getToken);
        }
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
        String type = Fields.requiredString(body, "type");
        if (!type.equals(PASSWORD) && !type.equals(TOKEN)) {
            throw new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_UNKNOWN, "Unknown login type " + type + ".");
        }
        String deviceId = checkDeviceId(Fields.string(body, "device_id"));
        String displayName = Fields.string(body, "initial_device_display_name");
        boolean refresh = Fields.bool(body, "refresh_token", false);
        String userId = type.equals(TOKEN) ? userOfToken(body, req, res) : userOfPassword(body, req, res);
        Accounts.Login login = accounts.login(userId, deviceId, displayName, refresh, Clients.ip(req));
        JsonObjectBuilder out = Json.object().add("user_id", login.userId());
        addTokens(out, login);
        out.add("home_server", accounts.serverName());
        Json.ok(res, out.build());
    }

    private String userOfToken(JsonObject body, ServerRequest req, ServerResponse res) {
        String token = Fields.requiredString(body, "token");
        // The token names no account, so guessing is limited by the client's address alone.
        limiter.loginAttempt("token " + Clients.ip(req), Clients.ip(req), res);
        return loginTokens.take(token)
                .filter(userId -> accounts.byIdentifier(userId).filter(a -> !a.deactivated()).isPresent())
                .orElseThrow(() -> MatrixException.forbidden("Invalid or expired login token."));
    }

    private String userOfPassword(JsonObject body, ServerRequest req, ServerResponse res) {
        String user = identifiedUser(body);
        String password = Fields.requiredString(body, "password");

        // One bucket per account however the client spells it: "bob", "Bob" and "@bob:server" are one account.
        String bucket = user.startsWith("@") ? user : "@" + user + ":" + accounts.serverName();
        limiter.loginAttempt(bucket.toLowerCase(java.util.Locale.ROOT), Clients.ip(req), res);
        Optional<Account> account = accounts.byIdentifier(user);
        if (!accounts.passwordMatches(account, password)) {
            throw MatrixException.forbidden("Invalid username or password.");
        }
        return account.get().userId();
    }

    private void getToken(ServerRequest req, ServerResponse res) {
        Requester who = guard.requester(req, res);
        JsonObject body = req.content().hasEntity() ? Json.readObject(req) : Json.empty();
        if (!uia.complete(body, "login_token " + who.userId(), PASSWORD_FLOW,
                DeviceRoutes.passwordOf(accounts, who), res)) {
            return;
        }
        String token = loginTokens.issue(who.userId());
        Json.ok(res, Json.object().add("login_token", token)
                .add("expires_in_ms", loginTokens.lifetime().toMillis()).build());
    }

    /**
     * The user an {@code m.id.user} identifier or the legacy top-level {@code user} field names.
     *
     * @param body a login body or UIA auth dict
     * @return the user id or localpart as given
     */
    static String identifiedUser(JsonObject body) {
        JsonObject identifier = Fields.object(body, "identifier");
        if (identifier != null) {
            String idType = Fields.requiredString(identifier, "type");
            if (!idType.equals("m.id.user")) {
                throw new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_UNKNOWN,
                        "Unsupported identifier type " + idType + ".");
            }
            return Fields.requiredString(identifier, "user");
        }
        String user = Fields.string(body, "user");
        if (user == null) {
            throw MatrixException.missingParam("'identifier' is required.");
        }
        return user;
    }

    /** The device id a client chose, checked, or null when it chose none. */
    static String checkDeviceId(String deviceId) {
        if (deviceId == null) {
            return null;
        }
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
        Requester who = guard.requesterOrGuest(req, res);
        Json.ok(res, Json.object().add("user_id", who.userId()).add("device_id", who.deviceId())
                .add("is_guest", who.guest()).build());
    }

    private void refresh(ServerRequest req, ServerResponse res) {
        limiter.request(Clients.ip(req), res);
        JsonObject body = Json.readObject(req);
        String refreshToken = Fields.requiredString(body, "refresh_token");
        TokenService.Issued issued = tokens.refresh(refreshToken)
                .orElseThrow(() -> Authentication.unknownToken("Unknown or used refresh token.", false));
        JsonObjectBuilder out = Json.object().add("access_token", issued.accessToken());
        addRefresh(out, issued);
        Json.ok(res, out.build());
    }
}
