package io.myelin.users.http;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.Routes;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.Fields;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.users.auth.Accounts;
import io.myelin.users.crypto.Secrets;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * Shared-secret registration at {@code /_synapse/admin/v1/register}, the way Synapse's
 * {@code register_new_matrix_user} tool speaks it: fetch a nonce, then post the account with
 * {@code mac = hex(HMAC-SHA1(secret, nonce NUL username NUL password NUL "admin"|"notadmin"))}.
 * It works whether or not open registration is enabled, and only when {@code users.registration_shared_secret}
 * is set.
 */
public final class SharedSecretRoutes {

    private static final String PATH = "/_synapse/admin/v1/register";
    private static final Duration NONCE_LIFETIME = Duration.ofMinutes(1);
    private static final int MAX_NONCES = 10_000;

    private final Accounts accounts;
    private final String secret;
    private final Clock clock;
    private final Map<String, Long> nonces = new ConcurrentHashMap<>();

    /**
     * @param accounts account operations
     * @param secret   the shared secret, or null when this registration is off
     * @param clock    the clock nonce lifetimes are measured with
     */
    public SharedSecretRoutes(Accounts accounts, String secret, Clock clock) {
        this.accounts = accounts;
        this.secret = secret;
        this.clock = clock;
    }

    /**
     * @param routes where the routes go
     */
    public void register(Routes routes) {
        routes.client(Method.GET, PATH, this::nonce);
        routes.client(Method.POST, PATH, this::create);
    }

    private void nonce(ServerRequest req, ServerResponse res) {
        requireEnabled();
        long now = clock.millis();
        nonces.values().removeIf(created -> created < now - NONCE_LIFETIME.toMillis());
        if (nonces.size() >= MAX_NONCES) {
            throw new MatrixException(Status.TOO_MANY_REQUESTS_429, ErrorCode.M_LIMIT_EXCEEDED,
                    "Too many registration nonces are outstanding; try again later.", null,
                    Map.of("retry_after_ms", NONCE_LIFETIME.toMillis()));
        }
        String nonce = Secrets.opaque(24);
        nonces.put(nonce, now);
        Json.ok(res, Json.object().add("nonce", nonce).build());
    }

    private void create(ServerRequest req, ServerResponse res) {
        requireEnabled();
        JsonObject body = Json.readObject(req);
        String nonce = Fields.requiredString(body, "nonce");
        String username = Fields.requiredString(body, "username");
        String password = Fields.requiredString(body, "password");
        String mac = Fields.requiredString(body, "mac");
        boolean admin = Fields.bool(body, "admin", false);
        String displayname = Fields.string(body, "displayname");
        if (Fields.string(body, "user_type") != null) {
            throw MatrixException.invalidParam("This server has no user types.");
        }

        // A nonce is good for one attempt, right or wrong, so that a mac cannot be guessed against it.
        Long created = nonces.remove(nonce);
        if (created == null || created < clock.millis() - NONCE_LIFETIME.toMillis()) {
            throw MatrixException.invalidParam("Unrecognised or expired nonce.");
        }
        String expected = hmac(nonce + "\0" + username + "\0" + password + "\0" + (admin ? "admin" : "notadmin"));
        if (!Secrets.equal(expected, mac.toLowerCase(java.util.Locale.ROOT))) {
            throw MatrixException.forbidden("HMAC incorrect.");
        }
        String localpart = accounts.checkLocalpart(username);
        Accounts.Login login = accounts.register(localpart, displayname, password, admin, null, null, false, false,
                Clients.ip(req));
        JsonObjectBuilder out = Json.object().add("user_id", login.userId());
        LoginRoutes.addTokens(out, login);
        out.add("home_server", accounts.serverName());
        Json.ok(res, out.build());
    }

    private void requireEnabled() {
        if (secret == null) {
            throw MatrixException.forbidden("Shared-secret registration is not enabled on this server.");
        }
    }

    private String hmac(String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every Java runtime", e);
        }
    }
}
