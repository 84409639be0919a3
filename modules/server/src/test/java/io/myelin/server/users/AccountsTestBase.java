package io.myelin.server.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.myelin.server.users.UsersServer.Backend;
import io.myelin.server.users.UsersServer.Reply;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Registration, login, logout, whoami, devices, password change and deactivation over real HTTP, run once per
 * database by the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AccountsTestBase {

    static final String CONFIG = """
            enable_registration: true
            registration_shared_secret: "shared-secret-for-tests"
            password_hashing:
              memory: 64kb
              iterations: 1
            rate_limits:
              enabled: false
            """;
    private static final AtomicInteger NAMES = new AtomicInteger();

    private Path dir;
    UsersServer server;

    abstract Backend backend();

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("myelin-users-");
        server = UsersServer.start(dir, backend(), CONFIG);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String name() {
        return "user" + NAMES.incrementAndGet() + "_" + ProcessHandle.current().pid();
    }

    /** Registers through the dummy stage and returns the 200 reply. */
    static Reply register(UsersServer server, String username, String password) throws Exception {
        Reply challenge = server.post("/_matrix/client/v3/register", null,
                "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
        assertEquals(401, challenge.status(), challenge.raw().body());
        String session = challenge.string("session");
        Reply done = server.post("/_matrix/client/v3/register", null,
                "{\"username\":\"" + username + "\",\"password\":\"" + password
                        + "\",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}}");
        assertEquals(200, done.status(), done.raw().body());
        return done;
    }

    static Reply login(UsersServer server, String user, String password) throws Exception {
        return server.post("/_matrix/client/v3/login", null, """
                {"type":"m.login.password","identifier":{"type":"m.id.user","user":"%s"},"password":"%s"}
                """.formatted(user, password));
    }

    static void assertError(Reply reply, int status, String errcode) {
        assertEquals(status, reply.status(), reply.raw().body());
        assertEquals(errcode, reply.string("errcode"), reply.raw().body());
        assertFalse(reply.string("error").isBlank());
    }

    static String passwordAuth(String user, String password, String session) {
        return "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"" + user
                + "\"},\"password\":\"" + password + "\"" + (session == null ? "" : ",\"session\":\"" + session + "\"")
                + "}";
    }

    @Test
    void registrationAsksForTheDummyStageThenCreatesTheAccount() throws Exception {
        String name = name();
        Reply challenge = server.post("/_matrix/client/v3/register", null,
                "{\"username\":\"" + name + "\",\"password\":\"pw-" + name + "\"}");
        assertEquals(401, challenge.status());
        assertEquals("m.login.dummy", challenge.json().getJsonArray("flows").getJsonObject(0)
                .getJsonArray("stages").getString(0));
        assertNotNull(challenge.json().getJsonObject("params"));
        assertFalse(challenge.json().containsKey("errcode"));

        Reply done = server.post("/_matrix/client/v3/register", null, """
                {"username":"%s","password":"pw","device_id":"MYPHONE","initial_device_display_name":"Phone",
                 "auth":{"type":"m.login.dummy","session":"%s"}}
                """.formatted(name, challenge.string("session")));
        assertEquals(200, done.status(), done.raw().body());
        assertEquals("@" + name + ":test.local", done.string("user_id"));
        assertEquals("MYPHONE", done.string("device_id"));
        assertTrue(done.string("access_token").length() >= 43);
        assertFalse(done.json().containsKey("refresh_token"));

        Reply devices = server.get("/_matrix/client/v3/devices", done.string("access_token"));
        JsonObject device = devices.json().getJsonArray("devices").getJsonObject(0);
        assertEquals("MYPHONE", device.getString("device_id"));
        assertEquals("Phone", device.getString("display_name"));
    }

    @Test
    void replayedRegistrationSessionIsRefused() throws Exception {
        String name = name();
        Reply challenge = server.post("/_matrix/client/v3/register", null, "{\"username\":\"" + name + "\"}");
        String auth = ",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + challenge.string("session") + "\"}}";
        assertEquals(200, server.post("/_matrix/client/v3/register", null,
                "{\"username\":\"" + name + "\"" + auth).status());
        Reply replay = server.post("/_matrix/client/v3/register", null,
                "{\"username\":\"" + name() + "\"" + auth);
        assertError(replay, 400, "M_UNKNOWN");
    }

    @Test
    void sessionOfAnotherPurposeIsRefused() throws Exception {
        Reply user = register(server, name(), "pw");
        Reply challenge = server.post("/_matrix/client/v3/delete_devices", user.string("access_token"),
                "{\"devices\":[]}");
        assertEquals(401, challenge.status());
        Reply misuse = server.post("/_matrix/client/v3/register", null, "{\"username\":\"" + name()
                + "\",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + challenge.string("session") + "\"}}");
        assertError(misuse, 400, "M_UNKNOWN");
    }

    @Test
    void takenAndInvalidNamesAreRefused() throws Exception {
        String name = name();
        register(server, name, "pw");
        assertError(server.post("/_matrix/client/v3/register", null, "{\"username\":\"" + name + "\"}"),
                400, "M_USER_IN_USE");
        assertError(server.post("/_matrix/client/r0/register", null, "{\"username\":\"Capital\"}"),
                400, "M_INVALID_USERNAME");
        assertError(server.post("/_matrix/client/v3/register", null, "{\"username\":\"a:b\"}"),
                400, "M_INVALID_USERNAME");
        assertError(server.post("/_matrix/client/v3/register", null, "{\"username\":\"" + "x".repeat(250) + "\"}"),
                400, "M_INVALID_USERNAME");
        assertError(server.post("/_matrix/client/v3/register?kind=guest", null, "{}"), 403, "M_FORBIDDEN");
    }

    @Test
    void concurrentRegistrationsOfOneNameLetExactlyOneWin() throws Exception {
        String name = name();
        String body = "{\"username\":\"" + name + "\",\"password\":\"pw\",\"auth\":{\"type\":\"m.login.dummy\"}}";
        List<Future<Reply>> replies = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                replies.add(pool.submit(() -> server.post("/_matrix/client/v3/register", null, body)));
            }
        }
        int won = 0;
        for (Future<Reply> reply : replies) {
            Reply r = reply.get();
            if (r.status() == 200) {
                won++;
            } else {
                assertError(r, 400, "M_USER_IN_USE");
            }
        }
        assertEquals(1, won);
    }

    @Test
    void availabilityFollowsRegistrations() throws Exception {
        String name = name();
        Reply free = server.get("/_matrix/client/v3/register/available?username=" + name, null);
        assertEquals(200, free.status());
        assertTrue(free.json().getBoolean("available"));
        register(server, name, "pw");
        assertError(server.get("/_matrix/client/v3/register/available?username=" + name, null), 400, "M_USER_IN_USE");
        assertError(server.get("/_matrix/client/v3/register/available?username=N%21", null), 400,
                "M_INVALID_USERNAME");
    }

    @Test
    void inhibitLoginCreatesNoDevice() throws Exception {
        String name = name();
        Reply challenge = server.post("/_matrix/client/v3/register", null, "{}");
        Reply done = server.post("/_matrix/client/v3/register", null, """
                {"username":"%s","password":"pw","inhibit_login":true,
                 "auth":{"type":"m.login.dummy","session":"%s"}}""".formatted(name, challenge.string("session")));
        assertEquals(200, done.status());
        assertFalse(done.json().containsKey("access_token"));
        assertFalse(done.json().containsKey("device_id"));
        Reply login = login(server, name, "pw");
        assertEquals(200, login.status());
        Reply devices = server.get("/_matrix/client/v3/devices", login.string("access_token"));
        assertEquals(1, devices.json().getJsonArray("devices").size());
    }

    @Test
    void loginWithPasswordWorksByLocalpartFullIdAndLegacyUser() throws Exception {
        String name = name();
        register(server, name, "correct horse");
        assertEquals(200, login(server, name, "correct horse").status());
        assertEquals(200, login(server, "@" + name + ":test.local", "correct horse").status());
        Reply legacy = server.post("/_matrix/client/r0/login", null,
                "{\"type\":\"m.login.password\",\"user\":\"" + name + "\",\"password\":\"correct horse\"}");
        assertEquals(200, legacy.status(), legacy.raw().body());
        assertEquals("@" + name + ":test.local", legacy.string("user_id"));
        assertEquals("test.local", legacy.string("home_server"));
    }

    @Test
    void loginFailsWithWrongPasswordUnknownUserOrBadRequest() throws Exception {
        String name = name();
        register(server, name, "right");
        assertError(login(server, name, "wrong"), 403, "M_FORBIDDEN");
        assertError(login(server, "nobody" + name, "right"), 403, "M_FORBIDDEN");
        assertError(login(server, "@" + name + ":elsewhere.example", "right"), 403, "M_FORBIDDEN");
        assertError(server.post("/_matrix/client/v3/login", null, "{\"type\":\"m.login.fancy\",\"token\":\"x\"}"),
                400, "M_UNKNOWN");
        assertError(server.post("/_matrix/client/v3/login", null, "{\"type\":\"m.login.token\",\"token\":\"x\"}"),
                403, "M_FORBIDDEN");
        assertError(server.post("/_matrix/client/v3/login", null, "{\"type\":\"m.login.password\"}"),
                400, "M_MISSING_PARAM");
    }

    @Test
    void loginFlowsOfferPassword() throws Exception {
        Reply flows = server.get("/_matrix/client/v3/login", null);
        assertEquals(200, flows.status());
        assertEquals("m.login.password", flows.json().getJsonArray("flows").getJsonObject(0).getString("type"));
    }

    @Test
    void whoamiAcceptsTheTokenInHeaderOrQuery() throws Exception {
        String name = name();
        Reply user = register(server, name, "pw");
        String token = user.string("access_token");
        Reply header = server.get("/_matrix/client/v3/account/whoami", token);
        assertEquals(200, header.status());
        assertEquals("@" + name + ":test.local", header.string("user_id"));
        assertEquals(user.string("device_id"), header.string("device_id"));
        assertFalse(header.json().getBoolean("is_guest"));
        Reply query = server.get("/_matrix/client/v3/account/whoami?access_token="
                + URLEncoder.encode(token, StandardCharsets.UTF_8), null);
        assertEquals(200, query.status());
        assertEquals("@" + name + ":test.local", query.string("user_id"));
    }

    @Test
    void missingOrUnknownTokenIs401() throws Exception {
        assertError(server.get("/_matrix/client/v3/account/whoami", null), 401, "M_MISSING_TOKEN");
        Reply unknown = server.get("/_matrix/client/v3/account/whoami", "myat_not-a-real-token");
        assertError(unknown, 401, "M_UNKNOWN_TOKEN");
        assertFalse(unknown.json().getBoolean("soft_logout"));
    }

    @Test
    void logoutRevokesTheTokenAndDeletesTheDevice() throws Exception {
        String name = name();
        Reply first = register(server, name, "pw");
        Reply second = login(server, name, "pw");
        String token = second.string("access_token");
        assertEquals(200, server.get("/_matrix/client/v3/account/whoami", token).status());
        assertEquals(200, server.post("/_matrix/client/v3/logout", token, "{}").status());
        assertError(server.get("/_matrix/client/v3/account/whoami", token), 401, "M_UNKNOWN_TOKEN");
        Reply devices = server.get("/_matrix/client/v3/devices", first.string("access_token"));
        assertEquals(1, devices.json().getJsonArray("devices").size());
        assertEquals(first.string("device_id"),
                devices.json().getJsonArray("devices").getJsonObject(0).getString("device_id"));
    }

    @Test
    void logoutAllRevokesEveryToken() throws Exception {
        String name = name();
        String a = register(server, name, "pw").string("access_token");
        String b = login(server, name, "pw").string("access_token");
        assertEquals(200, server.post("/_matrix/client/v3/logout/all", a, "{}").status());
        assertError(server.get("/_matrix/client/v3/account/whoami", a), 401, "M_UNKNOWN_TOKEN");
        assertError(server.get("/_matrix/client/v3/account/whoami", b), 401, "M_UNKNOWN_TOKEN");
    }

    @Test
    void loginWithAKnownDeviceIdKeepsTheDevice() throws Exception {
        String name = name();
        String token = register(server, name, "pw").string("access_token");
        Reply again = server.post("/_matrix/client/v3/login", null, """
                {"type":"m.login.password","identifier":{"type":"m.id.user","user":"%s"},"password":"pw",
                 "device_id":"LAPTOP"}""".formatted(name));
        assertEquals("LAPTOP", again.string("device_id"));
        Reply once = login(server, name, "pw");
        assertNotEquals("LAPTOP", once.string("device_id"));
        Reply third = server.post("/_matrix/client/v3/login", null, """
                {"type":"m.login.password","identifier":{"type":"m.id.user","user":"%s"},"password":"pw",
                 "device_id":"LAPTOP"}""".formatted(name));
        assertEquals(200, third.status());
        assertEquals(3, server.get("/_matrix/client/v3/devices", token).json().getJsonArray("devices").size());
    }

    @Test
    void devicesCanBeReadAndRenamed() throws Exception {
        Reply user = register(server, name(), "pw");
        String token = user.string("access_token");
        String path = "/_matrix/client/v3/devices/" + user.string("device_id");
        assertEquals(200, server.call("PUT", path, token, "{\"display_name\":\"Kitchen\"}").status());
        Reply device = server.get(path, token);
        assertEquals(200, device.status());
        assertEquals("Kitchen", device.string("display_name"));
        assertEquals(user.string("device_id"), device.string("device_id"));
        assertError(server.get("/_matrix/client/v3/devices/NOSUCH", token), 404, "M_NOT_FOUND");
        assertError(server.call("PUT", "/_matrix/client/v3/devices/NOSUCH", token, "{\"display_name\":\"x\"}"),
                404, "M_NOT_FOUND");
    }

    @Test
    void deletingADeviceNeedsThePasswordAndRevokesItsTokens() throws Exception {
        String name = name();
        String keep = register(server, name, "pw").string("access_token");
        Reply other = login(server, name, "pw");
        String path = "/_matrix/client/v3/devices/" + other.string("device_id");

        Reply challenge = server.call("DELETE", path, keep, "{}");
        assertEquals(401, challenge.status());
        assertEquals("m.login.password", challenge.json().getJsonArray("flows").getJsonObject(0)
                .getJsonArray("stages").getString(0));
        String session = challenge.string("session");

        Reply wrong = server.call("DELETE", path, keep, "{\"auth\":" + passwordAuth(name, "bad", session) + "}");
        assertEquals(401, wrong.status());
        assertEquals("M_FORBIDDEN", wrong.string("errcode"));
        assertEquals(200, server.get("/_matrix/client/v3/account/whoami", other.string("access_token")).status());

        Reply right = server.call("DELETE", path, keep, "{\"auth\":" + passwordAuth(name, "pw", session) + "}");
        assertEquals(200, right.status(), right.raw().body());
        assertError(server.get("/_matrix/client/v3/account/whoami", other.string("access_token")), 401,
                "M_UNKNOWN_TOKEN");
        assertError(server.get(path, keep), 404, "M_NOT_FOUND");
    }

    @Test
    void anotherUsersPasswordDoesNotAuthenticate() throws Exception {
        String mallory = name();
        register(server, mallory, "mallory-pw");
        String name = name();
        String token = register(server, name, "pw").string("access_token");
        Reply attempt = server.post("/_matrix/client/v3/delete_devices", token,
                "{\"devices\":[],\"auth\":" + passwordAuth(mallory, "mallory-pw", null) + "}");
        assertEquals(401, attempt.status());
        assertEquals("M_FORBIDDEN", attempt.string("errcode"));
    }

    @Test
    void bulkDeleteRemovesTheListedDevices() throws Exception {
        String name = name();
        String keep = register(server, name, "pw").string("access_token");
        String a = login(server, name, "pw").string("device_id");
        String b = login(server, name, "pw").string("device_id");
        Reply done = server.post("/_matrix/client/v3/delete_devices", keep,
                "{\"devices\":[\"" + a + "\",\"" + b + "\"],\"auth\":" + passwordAuth(name, "pw", null) + "}");
        assertEquals(200, done.status(), done.raw().body());
        assertEquals(1, server.get("/_matrix/client/v3/devices", keep).json().getJsonArray("devices").size());
    }

    @Test
    void passwordChangeLogsOutOtherDevicesAndReplacesThePassword() throws Exception {
        String name = name();
        String keep = register(server, name, "old").string("access_token");
        String other = login(server, name, "old").string("access_token");
        Reply changed = server.post("/_matrix/client/v3/account/password", keep,
                "{\"new_password\":\"new\",\"auth\":" + passwordAuth(name, "old", null) + "}");
        assertEquals(200, changed.status(), changed.raw().body());
        assertEquals(200, server.get("/_matrix/client/v3/account/whoami", keep).status());
        assertError(server.get("/_matrix/client/v3/account/whoami", other), 401, "M_UNKNOWN_TOKEN");
        assertError(login(server, name, "old"), 403, "M_FORBIDDEN");
        assertEquals(200, login(server, name, "new").status());
    }

    @Test
    void deactivationRevokesEverythingAndKeepsTheNameTaken() throws Exception {
        String name = name();
        String token = register(server, name, "pw").string("access_token");
        Reply wrong = server.post("/_matrix/client/v3/account/deactivate", token,
                "{\"auth\":" + passwordAuth(name, "nope", null) + "}");
        assertEquals(401, wrong.status());
        Reply done = server.post("/_matrix/client/v3/account/deactivate", token,
                "{\"auth\":" + passwordAuth(name, "pw", null) + "}");
        assertEquals(200, done.status(), done.raw().body());
        assertEquals("no-support", done.string("id_server_unbind_result"));
        assertError(server.get("/_matrix/client/v3/account/whoami", token), 401, "M_UNKNOWN_TOKEN");
        assertError(login(server, name, "pw"), 403, "M_FORBIDDEN");
        assertError(server.get("/_matrix/client/v3/register/available?username=" + name, null), 400,
                "M_USER_IN_USE");
    }

    @Test
    void refreshTokensRotateAndCannotBeReused() throws Exception {
        String name = name();
        register(server, name, "pw");
        Reply login = server.post("/_matrix/client/v3/login", null, """
                {"type":"m.login.password","identifier":{"type":"m.id.user","user":"%s"},"password":"pw",
                 "refresh_token":true}""".formatted(name));
        assertEquals(200, login.status());
        assertTrue(login.json().getJsonNumber("expires_in_ms").longValue() > 0);
        String refresh = login.string("refresh_token");
        Reply fresh = server.post("/_matrix/client/v3/refresh", null, "{\"refresh_token\":\"" + refresh + "\"}");
        assertEquals(200, fresh.status(), fresh.raw().body());
        assertNotEquals(refresh, fresh.string("refresh_token"));
        assertEquals(200, server.get("/_matrix/client/v3/account/whoami", fresh.string("access_token")).status());
        assertError(server.get("/_matrix/client/v3/account/whoami", login.string("access_token")), 401,
                "M_UNKNOWN_TOKEN");
        Reply reused = server.post("/_matrix/client/v3/refresh", null, "{\"refresh_token\":\"" + refresh + "\"}");
        assertError(reused, 401, "M_UNKNOWN_TOKEN");
        assertFalse(reused.json().getBoolean("soft_logout"));
    }
}
