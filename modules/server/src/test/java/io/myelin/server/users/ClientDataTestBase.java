package io.myelin.server.users;

import static io.myelin.server.users.AccountsTestBase.assertError;
import static io.myelin.server.users.AccountsTestBase.name;
import static io.myelin.server.users.AccountsTestBase.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import io.myelin.server.users.UsersServer.Backend;
import io.myelin.server.users.UsersServer.Reply;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Profiles, account data, tags, filters, capabilities and the third-party id endpoints over real HTTP, run
 * once per database by the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ClientDataTestBase {

    private static final String ROOM = "!abc:test.local";
    private static final String ROOM_PATH = "%21abc%3Atest.local";

    UsersServer server;
    private String name;
    private String userPath;
    private String token;

    abstract Backend backend();

    @BeforeAll
    void start() throws Exception {
        server = UsersServer.start(Files.createTempDirectory("myelin-users-"), backend(), AccountsTestBase.CONFIG);
        name = name();
        userPath = "%40" + name + "%3Atest.local";
        token = register(server, name, "pw").string("access_token");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String other() throws Exception {
        return register(server, name(), "pw").string("access_token");
    }

    @Test
    void profileStartsWithTheLocalpartAndFollowsChanges() throws Exception {
        String base = "/_matrix/client/v3/profile/" + userPath;
        assertEquals(name, server.get(base, null).string("displayname"));
        assertEquals(200, server.call("PUT", base + "/displayname", token, "{\"displayname\":\"Alice A.\"}")
                .status());
        assertEquals(200, server.call("PUT", base + "/avatar_url", token,
                "{\"avatar_url\":\"mxc://test.local/abc\"}").status());
        Reply profile = server.get(base, null);
        assertEquals("Alice A.", profile.string("displayname"));
        assertEquals("mxc://test.local/abc", profile.string("avatar_url"));
        assertEquals("Alice A.", server.get(base + "/displayname", null).string("displayname"));
        assertEquals("mxc://test.local/abc", server.get(base + "/avatar_url", token).string("avatar_url"));
    }

    @Test
    void profileChangesNeedTheOwnerAndValidValues() throws Exception {
        String base = "/_matrix/client/v3/profile/" + userPath;
        assertError(server.call("PUT", base + "/displayname", other(), "{\"displayname\":\"x\"}"), 403,
                "M_FORBIDDEN");
        assertError(server.call("PUT", base + "/displayname", null, "{\"displayname\":\"x\"}"), 401,
                "M_MISSING_TOKEN");
        assertError(server.call("PUT", base + "/avatar_url", token, "{\"avatar_url\":\"https://x/y\"}"), 400,
                "M_INVALID_PARAM");
        assertError(server.call("PUT", base + "/displayname", token, "{\"displayname\":5}"), 400, "M_BAD_JSON");
    }

    @Test
    void unknownProfilesAreNotFound() throws Exception {
        assertError(server.get("/_matrix/client/v3/profile/%40nobody%3Atest.local", null), 404, "M_NOT_FOUND");
        assertError(server.get("/_matrix/client/v3/profile/%40someone%3Aelsewhere.example", null), 404,
                "M_NOT_FOUND");
    }

    @Test
    void globalAndRoomAccountDataAreKeptApart() throws Exception {
        String global = "/_matrix/client/v3/user/" + userPath + "/account_data/org.example.settings";
        String room = "/_matrix/client/v3/user/" + userPath + "/rooms/" + ROOM_PATH
                + "/account_data/org.example.settings";
        assertError(server.get(global, token), 404, "M_NOT_FOUND");
        assertEquals(200, server.call("PUT", global, token, "{\"theme\":\"dark\"}").status());
        assertEquals(200, server.call("PUT", global, token, "{\"theme\":\"light\"}").status());
        assertEquals("light", server.get(global, token).string("theme"));
        assertError(server.get(room, token), 404, "M_NOT_FOUND");
        assertEquals(200, server.call("PUT", room, token, "{\"pinned\":true}").status());
        assertTrue(server.get(room, token).json().getBoolean("pinned"));
        assertEquals("light", server.get(global, token).string("theme"));
    }

    @Test
    void accountDataIsPrivateAndGuarded() throws Exception {
        String global = "/_matrix/client/v3/user/" + userPath + "/account_data/org.example.private";
        assertEquals(200, server.call("PUT", global, token, "{\"a\":1}").status());
        assertError(server.get(global, other()), 403, "M_FORBIDDEN");
        String pushRules = "/_matrix/client/v3/user/" + userPath + "/account_data/m.push_rules";
        assertError(server.call("PUT", pushRules, token, "{}"), 405, "M_BAD_JSON");
        String badRoom = "/_matrix/client/v3/user/" + userPath + "/rooms/not-a-room/account_data/x.y";
        assertError(server.call("PUT", badRoom, token, "{}"), 400, "M_INVALID_PARAM");
        assertError(server.call("PUT", global, token, "[1]"), 400, "M_BAD_JSON");
    }

    @Test
    void tagsCanBeAddedListedAndRemoved() throws Exception {
        String tags = "/_matrix/client/v3/user/" + userPath + "/rooms/" + ROOM_PATH + "/tags";
        assertEquals(0, server.get(tags, token).json().getJsonObject("tags").size());
        assertEquals(200, server.call("PUT", tags + "/m.favourite", token, "{\"order\":0.25}").status());
        assertEquals(200, server.call("PUT", tags + "/u.work", token, "{}").status());
        JsonObject listed = server.get(tags, token).json().getJsonObject("tags");
        assertEquals(0.25, listed.getJsonObject("m.favourite").getJsonNumber("order").doubleValue());
        assertTrue(listed.containsKey("u.work"));
        assertEquals(200, server.call("DELETE", tags + "/m.favourite", token, null).status());
        assertFalse(server.get(tags, token).json().getJsonObject("tags").containsKey("m.favourite"));
        String tagData = "/_matrix/client/v3/user/" + userPath + "/rooms/" + ROOM_PATH + "/account_data/m.tag";
        assertTrue(server.get(tagData, token).json().getJsonObject("tags").containsKey("u.work"));
        assertError(server.call("PUT", tags + "/x", token, "{\"order\":\"first\"}"), 400, "M_BAD_JSON");
    }

    @Test
    void filtersAreStoredAndNumberedPerUser() throws Exception {
        String base = "/_matrix/client/v3/user/" + userPath + "/filter";
        Reply first = server.post(base, token, "{\"room\":{\"timeline\":{\"limit\":10}}}");
        assertEquals(200, first.status());
        Reply second = server.post(base, token, "{\"presence\":{\"not_types\":[\"*\"]}}");
        assertFalse(first.string("filter_id").equals(second.string("filter_id")));
        Reply read = server.get(base + "/" + first.string("filter_id"), token);
        assertEquals(10, read.json().getJsonObject("room").getJsonObject("timeline").getInt("limit"));
        assertError(server.get(base + "/999", token), 404, "M_NOT_FOUND");
        assertError(server.get(base + "/" + first.string("filter_id"), other()), 403, "M_FORBIDDEN");
    }

    @Test
    void capabilitiesDescribeThisServer() throws Exception {
        assertError(server.get("/_matrix/client/v3/capabilities", null), 401, "M_MISSING_TOKEN");
        JsonObject caps = server.get("/_matrix/client/v3/capabilities", token).json().getJsonObject("capabilities");
        assertTrue(caps.getJsonObject("m.change_password").getBoolean("enabled"));
        assertFalse(caps.getJsonObject("m.3pid_changes").getBoolean("enabled"));
        JsonObject versions = caps.getJsonObject("m.room_versions");
        assertEquals("12", versions.getString("default"));
        for (int v = 1; v <= 12; v++) {
            assertEquals("stable", versions.getJsonObject("available").getString(Integer.toString(v)));
        }
    }

    @Test
    void thirdPartyIdsAreEmptyAndCannotBeAdded() throws Exception {
        assertEquals(0, server.get("/_matrix/client/v3/account/3pid", token).json().getJsonArray("threepids").size());
        assertError(server.post("/_matrix/client/v3/account/3pid/add", token, "{}"), 403, "M_FORBIDDEN");
        assertError(server.post("/_matrix/client/v3/account/3pid/bind", token, "{}"), 403, "M_FORBIDDEN");
        assertEquals("no-support", server.post("/_matrix/client/v3/account/3pid/delete", token,
                "{\"medium\":\"email\",\"address\":\"a@b.c\"}").string("id_server_unbind_result"));
    }
}
