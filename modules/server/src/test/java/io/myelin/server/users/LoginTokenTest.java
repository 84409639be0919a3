package io.myelin.server.users;

import static io.myelin.server.users.AccountsTestBase.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;

import io.myelin.server.users.UsersServer.Backend;
import io.myelin.server.users.UsersServer.Reply;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code POST /login/get_token} and {@code m.login.token} logins over real HTTP. The tokens live in memory, so one
 * database is enough.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginTokenTest {

    private static final String GET_TOKEN = "/_matrix/client/v1/login/get_token";

    private UsersServer enabled;
    private UsersServer disabled;

    @BeforeAll
    void start() throws Exception {
        enabled = UsersServer.start(Files.createTempDirectory("myelin-login-token-"), Backend.SQLITE,
                AccountsTestBase.CONFIG + "login_token:\n  enabled: true\n");
        disabled = UsersServer.start(Files.createTempDirectory("myelin-login-token-off-"), Backend.SQLITE,
                AccountsTestBase.CONFIG);
    }

    @AfterAll
    void stop() {
        for (UsersServer s : new UsersServer[] {enabled, disabled}) {
            if (s != null) {
                s.close();
            }
        }
    }

    /** Registers a user and returns its id and access token. */
    private static List<String> user(UsersServer server, String password) throws Exception {
        String name = AccountsTestBase.name();
        Reply reg = AccountsTestBase.register(server, name, password);
        return List.of(reg.string("user_id"), reg.string("access_token"), name);
    }

    /** Goes through the password stage and returns the login token reply. */
    private static Reply loginToken(UsersServer server, String name, String token, String password)
            throws Exception {
        Reply challenge = server.post(GET_TOKEN, token, "{}");
        assertEquals(401, challenge.status(), challenge.raw().body());
        assertEquals("m.login.password", challenge.json().getJsonArray("flows").getJsonObject(0)
                .getJsonArray("stages").getString(0));
        return server.post(GET_TOKEN, token, "{\"auth\":"
                + AccountsTestBase.passwordAuth(name, password, challenge.string("session")) + "}");
    }

    private static Reply tokenLogin(UsersServer server, String loginToken) throws Exception {
        return server.post("/_matrix/client/v3/login", null,
                "{\"type\":\"m.login.token\",\"token\":\"" + loginToken + "\"}");
    }

    @Test
    void loginTokenLogsInOnceAsTheUserWhoAskedForIt() throws Exception {
        List<String> alice = user(enabled, "pw-a");
        Reply issued = loginToken(enabled, alice.get(2), alice.get(1), "pw-a");
        assertEquals(200, issued.status(), issued.raw().body());
        assertEquals(120_000, issued.json().getJsonNumber("expires_in_ms").longValue());

        Reply first = tokenLogin(enabled, issued.string("login_token"));
        assertEquals(200, first.status(), first.raw().body());
        assertEquals(alice.get(0), first.string("user_id"));
        Reply whoami = enabled.get("/_matrix/client/v3/account/whoami", first.string("access_token"));
        assertEquals(alice.get(0), whoami.string("user_id"));
        assertFalse(first.string("device_id").isBlank());

        assertError(tokenLogin(enabled, issued.string("login_token")), 403, "M_FORBIDDEN");
    }

    @Test
    void wrongPasswordGetsNoToken() throws Exception {
        List<String> bob = user(enabled, "pw-b");
        Reply refused = loginToken(enabled, bob.get(2), bob.get(1), "not-the-password");
        assertEquals(401, refused.status());
        assertEquals("M_FORBIDDEN", refused.string("errcode"));
        assertFalse(refused.json().containsKey("login_token"));
    }

    @Test
    void unknownLoginTokenIsForbidden() throws Exception {
        assertError(tokenLogin(enabled, "mylt_this-token-was-never-issued"), 403, "M_FORBIDDEN");
    }

    @Test
    void tokenGenerationNeedsAnAccessToken() throws Exception {
        assertError(enabled.post(GET_TOKEN, null, "{}"), 401, "M_MISSING_TOKEN");
    }

    @Test
    void expiredLoginTokenIsForbidden() throws Exception {
        try (UsersServer shortLived = UsersServer.start(Files.createTempDirectory("myelin-login-token-short-"),
                Backend.SQLITE, AccountsTestBase.CONFIG + "login_token:\n  enabled: true\n  lifetime: 1ms\n")) {
            List<String> carol = user(shortLived, "pw-c");
            Reply issued = loginToken(shortLived, carol.get(2), carol.get(1), "pw-c");
            assertEquals(200, issued.status(), issued.raw().body());
            assertEquals(1, issued.json().getJsonNumber("expires_in_ms").longValue());
            // The server issued it before answering, so two milliseconds after the answer it has expired.
            long past = System.currentTimeMillis() + 2;
            while (System.currentTimeMillis() < past) {
                Thread.onSpinWait();
            }
            assertError(tokenLogin(shortLived, issued.string("login_token")), 403, "M_FORBIDDEN");
        }
    }

    @Test
    void loginFlowsAdvertiseTokenGenerationOnlyWhenEnabled() throws Exception {
        JsonObject on = tokenFlow(enabled.get("/_matrix/client/v3/login", null).json());
        assertTrue(on.getBoolean("get_login_token"));
        JsonObject off = tokenFlow(disabled.get("/_matrix/client/v3/login", null).json());
        assertFalse(off.containsKey("get_login_token"));
    }

    @Test
    void tokenGenerationIsNotOfferedWhenDisabled() throws Exception {
        List<String> dave = user(disabled, "pw-d");
        assertEquals(404, disabled.post(GET_TOKEN, dave.get(1), "{}").status());
        JsonObject caps = disabled.get("/_matrix/client/v3/capabilities", dave.get(1)).json()
                .getJsonObject("capabilities");
        assertFalse(caps.getJsonObject("m.get_login_token").getBoolean("enabled"));

        List<String> erin = user(enabled, "pw-e");
        assertTrue(enabled.get("/_matrix/client/v3/capabilities", erin.get(1)).json()
                .getJsonObject("capabilities").getJsonObject("m.get_login_token").getBoolean("enabled"));
    }

    private static JsonObject tokenFlow(JsonObject flows) {
        return flows.getJsonArray("flows").getValuesAs(JsonObject.class).stream()
                .filter(f -> f.getString("type").equals("m.login.token")).findFirst().orElseThrow();
    }
}
