package io.myelin.server.users;

import static io.myelin.server.users.AccountsTestBase.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;

import io.myelin.server.users.UsersServer.Backend;
import io.myelin.server.users.UsersServer.Reply;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Guest accounts over real HTTP with {@code allow_guest_access: true}: registration without authentication, the
 * endpoints the specification opens to guests, and {@code M_GUEST_ACCESS_FORBIDDEN} on the others. Run once per
 * database by the subclasses, since whether a token is a guest's is read from the accounts table.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GuestAccessTestBase {

    private static final String V3 = "/_matrix/client/v3";

    private UsersServer server;

    abstract Backend backend();

    @BeforeAll
    void start() throws Exception {
        server = UsersServer.start(Files.createTempDirectory("myelin-guests-"), backend(),
                AccountsTestBase.CONFIG + "allow_guest_access: true\nlogin_token:\n  enabled: true\n");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Reply guest() throws Exception {
        Reply reg = server.post(V3 + "/register?kind=guest", null,
                "{\"username\":\"ignored\",\"password\":\"ignored\",\"initial_device_display_name\":\"Kiosk\"}");
        assertEquals(200, reg.status(), reg.raw().body());
        return reg;
    }

    @Test
    void guestRegistrationNeedsNoAuthenticationAndIgnoresTheUsername() throws Exception {
        Reply reg = guest();
        assertFalse(reg.string("user_id").startsWith("@ignored:"));
        assertTrue(reg.string("access_token").length() >= 43);
        Reply whoami = server.get(V3 + "/account/whoami", reg.string("access_token"));
        assertEquals(200, whoami.status(), whoami.raw().body());
        assertEquals(reg.string("user_id"), whoami.string("user_id"));
        assertTrue(whoami.json().getBoolean("is_guest"));
    }

    @Test
    void fullAccountsAreNotGuests() throws Exception {
        String token = AccountsTestBase.register(server, AccountsTestBase.name(), "pw").string("access_token");
        assertFalse(server.get(V3 + "/account/whoami", token).json().getBoolean("is_guest"));
    }

    @Test
    void guestsMayReadAndRenameTheirDevicesAndSetTheirDisplayname() throws Exception {
        Reply reg = guest();
        String token = reg.string("access_token");
        String device = reg.string("device_id");
        JsonObject listed = server.get(V3 + "/devices", token).json().getJsonArray("devices").getJsonObject(0);
        assertEquals("Kiosk", listed.getString("display_name"));
        assertEquals(200, server.get(V3 + "/devices/" + device, token).status());
        assertEquals(200, server.call("PUT", V3 + "/devices/" + device, token,
                "{\"display_name\":\"Lobby\"}").status());
        String profile = V3 + "/profile/" + reg.string("user_id");
        assertEquals(200, server.call("PUT", profile + "/displayname", token,
                "{\"displayname\":\"Visitor\"}").status());
        assertEquals("Visitor", server.get(profile, null).string("displayname"));
        assertEquals(200, server.get(V3 + "/capabilities", token).status());
    }

    @Test
    void guestsAreRefusedEverythingElse() throws Exception {
        Reply reg = guest();
        String token = reg.string("access_token");
        String user = reg.string("user_id");
        String device = reg.string("device_id");
        String forbidden = "M_GUEST_ACCESS_FORBIDDEN";
        assertError(server.post(V3 + "/account/password", token, "{\"new_password\":\"x\"}"), 403, forbidden);
        assertError(server.call("DELETE", V3 + "/devices/" + device, token, "{}"), 403, forbidden);
        assertError(server.post(V3 + "/delete_devices", token, "{\"devices\":[]}"), 403, forbidden);
        assertError(server.post(V3 + "/account/deactivate", token, "{}"), 403, forbidden);
        assertError(server.call("PUT", V3 + "/profile/" + user + "/avatar_url", token,
                "{\"avatar_url\":\"mxc://test.local/a\"}"), 403, forbidden);
        assertError(server.call("PUT", V3 + "/user/" + user + "/account_data/org.example.x", token, "{}"),
                403, forbidden);
        assertError(server.get(V3 + "/pushrules/", token), 403, forbidden);
        assertError(server.post(V3 + "/user/" + user + "/filter", token, "{}"), 403, forbidden);
        assertError(server.post("/_matrix/client/v1/login/get_token", token, "{}"), 403, forbidden);
        assertError(server.post(V3 + "/logout", token, null), 403, forbidden);
        // The refusals did not cost the guest its token.
        assertEquals(200, server.get(V3 + "/account/whoami", token).status());
    }

    @Test
    void guestCapabilitiesSayWhatIsClosed() throws Exception {
        JsonObject caps = server.get(V3 + "/capabilities", guest().string("access_token")).json()
                .getJsonObject("capabilities");
        assertFalse(caps.getJsonObject("m.change_password").getBoolean("enabled"));
        assertFalse(caps.getJsonObject("m.set_avatar_url").getBoolean("enabled"));
        assertFalse(caps.getJsonObject("m.get_login_token").getBoolean("enabled"));
        assertTrue(caps.getJsonObject("m.set_displayname").getBoolean("enabled"));
    }
}
