package io.myelin.users.http;

import java.util.List;
import java.util.Locale;

import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.Routes;
import io.myelin.api.http.Fields;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.users.auth.Accounts;
import io.myelin.users.auth.RateLimiter;
import io.myelin.users.auth.Uia;
import io.myelin.users.config.UsersConfig;
import io.myelin.users.crypto.Secrets;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * {@code /register}, {@code /register/available} and registration token validity (client-server API,
 * "Account registration").
 */
public final class RegistrationRoutes {

    private static final String DUMMY = "m.login.dummy";
    private static final String TOKEN = "m.login.registration_token";

    private final Accounts accounts;
    private final Uia uia;
    private final UsersConfig config;
    private final RateLimiter limiter;

    /**
     * @param accounts account operations
     * @param uia      user-interactive authentication
     * @param config   the users configuration
     * @param limiter  limits registration attempts
     */
    public RegistrationRoutes(Accounts accounts, Uia uia, UsersConfig config, RateLimiter limiter) {
        this.accounts = accounts;
        this.uia = uia;
        this.config = config;
        this.limiter = limiter;
    }

    /**
     * @param routes where the routes go
     */
    public void register(Routes routes) {
        routes.clientV3(Method.POST, "/register", this::registerAccount);
        routes.clientV3(Method.GET, "/register/available", this::available);
        // The spec serves this one under v1 only.
        routes.client(Method.GET, "/_matrix/client/v1/register/m.login.registration_token/validity",
                this::tokenValidity);
    }

    private void registerAccount(ServerRequest req, ServerResponse res) {
        String kind = req.query().first("kind").orElse("user");
        if (kind.equals("guest")) {
            registerGuest(req, res);
            return;
        }
        if (!kind.equals("user")) {
            throw MatrixException.invalidParam("kind must be user or guest.");
        }
        requireOpen();
        limiter.registration(Clients.ip(req), res);
        JsonObject body = Json.readObject(req);
        String username = Fields.string(body, "username");
        String localpart = username == null ? generatedLocalpart() : accounts.checkLocalpart(username);
        if (accounts.store().taken(localpart)) {
            throw Accounts.userInUse();
        }
        String password = Fields.string(body, "password");
        String deviceId = LoginRoutes.checkDeviceId(Fields.string(body, "device_id"));
        String displayName = Fields.string(body, "initial_device_display_name");
        boolean inhibitLogin = Fields.bool(body, "inhibit_login", false);
        boolean refresh = Fields.bool(body, "refresh_token", false);

        if (!uia.complete(body, "register", flows(), this::checkStage, res)) {
            return;
        }

        Accounts.Login login = accounts.register(localpart, null, password, false, deviceId, displayName,
                inhibitLogin, refresh, Clients.ip(req));
        JsonObjectBuilder out = Json.object().add("user_id", login.userId());
        if (!inhibitLogin) {
            LoginRoutes.addTokens(out, login);
            out.add("home_server", accounts.serverName());
        }
        Json.ok(res, out.build());
    }

    private void registerGuest(ServerRequest req, ServerResponse res) {
        if (!config.allowGuestAccess()) {
            // The registration API's 403 for a kind of account the server does not offer.
            throw MatrixException.forbidden("Guest access is not enabled on this server.");
        }
        limiter.registration(Clients.ip(req), res);
        // The specification has the server ignore everything in a guest's request but the device name.
        JsonObject body = req.content().hasEntity() ? Json.readObject(req) : Json.empty();
        String displayName = Fields.string(body, "initial_device_display_name");
        Accounts.Login login = accounts.registerGuest(generatedLocalpart(), displayName, Clients.ip(req));
        JsonObjectBuilder out = Json.object().add("user_id", login.userId());
        LoginRoutes.addTokens(out, login);
        out.add("home_server", accounts.serverName());
        Json.ok(res, out.build());
    }

    private void available(ServerRequest req, ServerResponse res) {
        limiter.request(Clients.ip(req), res);
        String username = req.query().first("username")
                .orElseThrow(() -> MatrixException.missingParam("'username' is required."));
        String localpart = accounts.checkLocalpart(username);
        if (accounts.store().taken(localpart)) {
            throw Accounts.userInUse();
        }
        Json.ok(res, Json.object().add("available", true).build());
    }

    private void tokenValidity(ServerRequest req, ServerResponse res) {
        requireOpen();
        // Counted like a registration: this endpoint can be used to guess registration tokens.
        limiter.registration(Clients.ip(req), res);
        String token = req.query().first("token")
                .orElseThrow(() -> MatrixException.missingParam("'token' is required."));
        Json.ok(res, Json.object().add("valid", tokenMatches(token)).build());
    }

    private void requireOpen() {
        if (!config.enableRegistration()) {
            throw MatrixException.forbidden("Registration is disabled on this server;"
                    + " ask its administrator for an account.");
        }
    }

    private List<List<String>> flows() {
        return config.registrationTokens().isEmpty() ? List.of(List.of(DUMMY)) : List.of(List.of(TOKEN));
    }

    private boolean checkStage(String type, JsonObject auth) {
        return switch (type) {
            case DUMMY -> true;
            case TOKEN -> {
                String token = Fields.string(auth, "token");
                yield token != null && tokenMatches(token);
            }
            default -> false;
        };
    }

    private boolean tokenMatches(String token) {
        boolean match = false;
        for (String known : config.registrationTokens()) {
            // Compare with every configured token so that the time taken says nothing about which matched.
            match |= Secrets.equal(known, token);
        }
        return match;
    }

    private static String generatedLocalpart() {
        return "u" + Secrets.opaque(9).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }
}
