package io.myelin.server.users;

import static io.myelin.server.users.AccountsTestBase.assertError;
import static io.myelin.server.users.AccountsTestBase.login;
import static io.myelin.server.users.AccountsTestBase.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.myelin.server.config.ConfigException;
import io.myelin.server.users.UsersServer.Backend;
import io.myelin.server.users.UsersServer.Reply;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the {@code users} configuration switches on and off: open registration, registration tokens,
 * shared-secret registration, token lifetimes, rate limits, and the verification of the section.
 */
class UsersPolicyTest {

    private static final String CHEAP_HASHING = """
            password_hashing:
              memory: 64kb
              iterations: 1
            """;

    @TempDir
    Path dir;

    @Test
    void registrationIsClosedUnlessEnabled() throws Exception {
        try (UsersServer server = UsersServer.start(dir, Backend.SQLITE, CHEAP_HASHING)) {
            Reply refused = server.post("/_matrix/client/v3/register", null, "{\"username\":\"alice\"}");
            assertError(refused, 403, "M_FORBIDDEN");
            assertTrue(refused.string("error").contains("disabled"));
            assertError(server.get("/_matrix/client/v1/register/m.login.registration_token/validity?token=x",
                    null), 403, "M_FORBIDDEN");
            assertError(server.get("/_synapse/admin/v1/register", null), 403, "M_FORBIDDEN");
        }
    }

    @Test
    void registrationTokenStageIsRequiredWhenTokensAreConfigured() throws Exception {
        try (UsersServer server = UsersServer.start(dir, Backend.SQLITE, CHEAP_HASHING + """
                enable_registration: true
                registration_tokens: [letmein]
                rate_limits:
                  enabled: false
                """)) {
            Reply challenge = server.post("/_matrix/client/v3/register", null, "{\"username\":\"tina\"}");
            assertEquals(401, challenge.status());
            assertEquals("m.login.registration_token", challenge.json().getJsonArray("flows").getJsonObject(0)
                    .getJsonArray("stages").getString(0));
            String session = challenge.string("session");

            Reply dummy = server.post("/_matrix/client/v3/register", null, "{\"username\":\"tina\",\"auth\":"
                    + "{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}}");
            assertEquals(401, dummy.status());
            assertEquals("M_UNRECOGNIZED", dummy.string("errcode"));

            Reply wrong = server.post("/_matrix/client/v3/register", null, "{\"username\":\"tina\",\"auth\":"
                    + "{\"type\":\"m.login.registration_token\",\"token\":\"nope\",\"session\":\"" + session + "\"}}");
            assertEquals(401, wrong.status());
            assertEquals("M_FORBIDDEN", wrong.string("errcode"));

            Reply right = server.post("/_matrix/client/v3/register", null, "{\"username\":\"tina\",\"auth\":"
                    + "{\"type\":\"m.login.registration_token\",\"token\":\"letmein\",\"session\":\"" + session
                    + "\"}}");
            assertEquals(200, right.status(), right.raw().body());

            String validity = "/_matrix/client/v1/register/m.login.registration_token/validity?token=";
            assertTrue(server.get(validity + "letmein", null).json().getBoolean("valid"));
            assertFalse(server.get(validity + "other", null).json().getBoolean("valid"));
        }
    }

    @Test
    void sharedSecretRegistrationCreatesAnAdminWithACorrectMac() throws Exception {
        String secret = "a-long-shared-secret";
        try (UsersServer server = UsersServer.start(dir, Backend.SQLITE, CHEAP_HASHING
                + "registration_shared_secret: " + secret + "\n")) {
            String nonce = server.get("/_synapse/admin/v1/register", null).string("nonce");
            String mac = hmac(secret, nonce + "\0root\0pw\0admin");
            Reply badMac = server.post("/_synapse/admin/v1/register", null, """
                    {"nonce":"%s","username":"root","password":"pw","admin":true,"mac":"%s"}"""
                    .formatted(nonce, hmac(secret, nonce + "\0root\0pw\0notadmin")));
            assertError(badMac, 403, "M_FORBIDDEN");

            Reply spentNonce = server.post("/_synapse/admin/v1/register", null, """
                    {"nonce":"%s","username":"root","password":"pw","admin":true,"mac":"%s"}"""
                    .formatted(nonce, mac));
            assertError(spentNonce, 400, "M_INVALID_PARAM");

            String fresh = server.get("/_synapse/admin/v1/register", null).string("nonce");
            Reply created = server.post("/_synapse/admin/v1/register", null, """
                    {"nonce":"%s","username":"root","password":"pw","admin":true,"mac":"%s"}"""
                    .formatted(fresh, hmac(secret, fresh + "\0root\0pw\0admin")));
            assertEquals(200, created.status(), created.raw().body());
            assertEquals("@root:test.local", created.string("user_id"));
            assertEquals(200, server.get("/_matrix/client/v3/account/whoami", created.string("access_token"))
                    .status());
            assertEquals(200, login(server, "root", "pw").status());
        }
    }

    @Test
    void expiredAccessTokenIsASoftLogoutAndRefreshRecovers() throws Exception {
        try (UsersServer server = UsersServer.start(dir, Backend.SQLITE, CHEAP_HASHING + """
                enable_registration: true
                access_token_lifetime: 1ms
                rate_limits:
                  enabled: false
                """)) {
            register(server, "eve", "pw");
            Reply login = server.post("/_matrix/client/v3/login", null, """
                    {"type":"m.login.password","identifier":{"type":"m.id.user","user":"eve"},"password":"pw",
                     "refresh_token":true}""");
            assertEquals(1, login.json().getJsonNumber("expires_in_ms").longValue());
            Reply expired = waitForStatus(server, login.string("access_token"), 401);
            assertEquals("M_UNKNOWN_TOKEN", expired.string("errcode"));
            assertTrue(expired.json().getBoolean("soft_logout"));

            Reply refreshed = server.post("/_matrix/client/v3/refresh", null,
                    "{\"refresh_token\":\"" + login.string("refresh_token") + "\"}");
            assertEquals(200, refreshed.status());
            assertTrue(refreshed.json().containsKey("refresh_token"));
        }
    }

    @Test
    void loginAttemptsAreLimitedPerAccount() throws Exception {
        try (UsersServer server = UsersServer.start(dir, Backend.SQLITE, CHEAP_HASHING + """
                enable_registration: true
                rate_limits:
                  login:
                    per_second: 0.01
                    burst: 3
                  login_ip:
                    per_second: 100
                    burst: 100
                  registration:
                    per_second: 100
                    burst: 100
                """)) {
            register(server, "bob", "pw");
            // However the account is spelled, the attempts count against one bucket.
            String[] spellings = {"bob", "@bob:test.local", "Bob"};
            for (int i = 0; i < 3; i++) {
                assertError(login(server, spellings[i], "guess" + i), 403, "M_FORBIDDEN");
            }
            Reply limited = login(server, "bob", "pw");
            assertError(limited, 429, "M_LIMIT_EXCEEDED");
            // Another account from the same address is not limited: wrong password, not 429.
            assertError(login(server, "nobody", "pw"), 403, "M_FORBIDDEN");
            assertTrue(limited.json().getJsonNumber("retry_after_ms").longValue() > 0);
            assertTrue(Long.parseLong(limited.raw().headers().firstValue("Retry-After").orElseThrow()) > 0);
        }
    }

    @Test
    void unknownAndInvalidKeysStopStartUp() {
        ConfigException e = assertThrows(ConfigException.class, () -> UsersServer.start(dir, Backend.SQLITE, """
                enable_registraton: true
                enable_registration: maybe
                registration_shared_secret: short
                password_hashing:
                  memory: 1kb
                  iterations: zero
                  lanes: 2
                access_token_lifetime: soon
                rate_limits:
                  login:
                    per_second: -1
                """));
        String text = String.join("\n", e.problems());
        for (String key : new String[] {"users.enable_registraton", "users.enable_registration",
            "users.registration_shared_secret", "users.password_hashing.memory",
            "users.password_hashing.iterations", "users.password_hashing.lanes", "users.access_token_lifetime",
            "users.rate_limits.login.per_second"}) {
            assertTrue(text.contains(key + ":"), key + " in " + text);
        }
    }

    private static Reply waitForStatus(UsersServer server, String token, int status) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            Reply reply = server.get("/_matrix/client/v3/account/whoami", token);
            if (reply.status() == status || System.nanoTime() > deadline) {
                return reply;
            }
            Thread.onSpinWait();
        }
    }

    private static String hmac(String secret, String message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }
}
