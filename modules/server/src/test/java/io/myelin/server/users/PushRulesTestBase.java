package io.myelin.server.users;

import static io.myelin.server.users.AccountsTestBase.assertError;
import static io.myelin.server.users.AccountsTestBase.name;
import static io.myelin.server.users.AccountsTestBase.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;

import io.myelin.server.users.UsersServer.Backend;
import io.myelin.server.users.UsersServer.Reply;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The push rules API over real HTTP, run once per database by the subclasses. Each test uses a new user so
 * that rule changes do not meet.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PushRulesTestBase {

    private static final String BASE = "/_matrix/client/v3/pushrules/global/";

    UsersServer server;

    abstract Backend backend();

    @BeforeAll
    void start() throws Exception {
        server = UsersServer.start(Files.createTempDirectory("myelin-users-"), backend(), AccountsTestBase.CONFIG);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static List<String> ids(JsonObject ruleset, String kind) {
        return ruleset.getJsonArray(kind).stream().map(v -> v.asJsonObject().getString("rule_id")).toList();
    }

    @Test
    void defaultsFollowTheSpecAndNameTheUser() throws Exception {
        String name = name();
        String token = register(server, name, "pw").string("access_token");
        Reply all = server.get("/_matrix/client/v3/pushrules/", token);
        assertEquals(200, all.status(), all.raw().body());
        JsonObject global = all.json().getJsonObject("global");
        assertEquals(List.of(".m.rule.master", ".m.rule.suppress_notices", ".m.rule.invite_for_me",
                ".m.rule.member_event", ".m.rule.is_user_mention", ".m.rule.is_room_mention", ".m.rule.tombstone",
                ".m.rule.reaction", ".m.rule.room.server_acl", ".m.rule.suppress_edits"), ids(global, "override"));
        assertEquals(List.of(".m.rule.call", ".m.rule.encrypted_room_one_to_one", ".m.rule.room_one_to_one",
                ".m.rule.message", ".m.rule.encrypted"), ids(global, "underride"));
        assertEquals(List.of(), ids(global, "content"));
        JsonObject invite = server.get(BASE + "override/.m.rule.invite_for_me", token).json();
        assertEquals("@" + name + ":test.local", invite.getJsonArray("conditions").getJsonObject(2)
                .getString("pattern"));
        assertFalse(server.get(BASE + "override/.m.rule.master/enabled", token).json().getBoolean("enabled"));
        assertEquals(global, server.get("/_matrix/client/v3/pushrules/global/", token).json());
    }

    @Test
    void userRulesGoBeforeDefaultsButAfterMasterAndHonourBeforeAndAfter() throws Exception {
        String token = register(server, name(), "pw").string("access_token");
        String body = "{\"actions\":[\"notify\"],\"conditions\":[{\"kind\":\"event_match\",\"key\":\"type\","
                + "\"pattern\":\"org.example\"}]}";
        assertEquals(200, server.call("PUT", BASE + "override/first", token, body).status());
        assertEquals(200, server.call("PUT", BASE + "override/second", token, body).status());
        assertEquals(200, server.call("PUT", BASE + "override/third?after=first", token, body).status());
        assertEquals(200, server.call("PUT", BASE + "override/zeroth?before=second", token, body).status());
        JsonObject ruleset = server.get("/_matrix/client/v3/pushrules/global/", token).json();
        assertEquals(List.of(".m.rule.master", "zeroth", "second", "first", "third", ".m.rule.suppress_notices"),
                ids(ruleset, "override").subList(0, 6));
        JsonObject rule = server.get(BASE + "override/first", token).json();
        assertFalse(rule.getBoolean("default"));
        assertTrue(rule.getBoolean("enabled"));
        assertError(server.call("PUT", BASE + "override/x?before=missing", token, body), 400, "M_UNKNOWN");
    }

    @Test
    void contentRoomAndSenderRulesAreValidated() throws Exception {
        String token = register(server, name(), "pw").string("access_token");
        assertEquals(200, server.call("PUT", BASE + "content/cake", token,
                "{\"pattern\":\"cake*lie\",\"actions\":[\"notify\"]}").status());
        assertEquals("cake*lie", server.get(BASE + "content/cake", token).json().getString("pattern"));
        assertError(server.call("PUT", BASE + "content/nopattern", token, "{\"actions\":[]}"), 400,
                "M_MISSING_PARAM");
        assertEquals(200, server.call("PUT", BASE + "room/%21room%3Atest.local", token,
                "{\"actions\":[]}").status());
        assertEquals("!room:test.local", server.get(BASE + "room/%21room%3Atest.local", token).json()
                .getString("rule_id"));
        assertError(server.call("PUT", BASE + "room/not-a-room", token, "{\"actions\":[]}"), 400, "M_INVALID_PARAM");
        assertError(server.call("PUT", BASE + "sender/nobody", token, "{\"actions\":[]}"), 400, "M_INVALID_PARAM");
        assertError(server.call("PUT", BASE + "override/.mine", token, "{\"actions\":[]}"), 400, "M_INVALID_PARAM");
        assertError(server.call("PUT", BASE + "sideways/x", token, "{\"actions\":[]}"), 400, "M_INVALID_PARAM");
        assertError(server.call("PUT", BASE + "override/x", token, "{\"actions\":[\"explode\"]}"), 400,
                "M_INVALID_PARAM");
        assertError(server.call("PUT", "/_matrix/client/v3/pushrules/device/override/x", token,
                "{\"actions\":[]}"), 400, "M_INVALID_PARAM");
    }

    @Test
    void defaultRulesCanBeDisabledAndGivenActionsButNotDeleted() throws Exception {
        String token = register(server, name(), "pw").string("access_token");
        assertEquals(200, server.call("PUT", BASE + "override/.m.rule.master/enabled", token,
                "{\"enabled\":true}").status());
        assertTrue(server.get(BASE + "override/.m.rule.master/enabled", token).json().getBoolean("enabled"));
        assertEquals(200, server.call("PUT", BASE + "underride/.m.rule.message/actions", token,
                "{\"actions\":[]}").status());
        JsonArray actions = server.get(BASE + "underride/.m.rule.message/actions", token).json()
                .getJsonArray("actions");
        assertEquals(JsonValue.EMPTY_JSON_ARRAY, actions);
        assertError(server.call("DELETE", BASE + "underride/.m.rule.message", token, null), 400, "M_INVALID_PARAM");
        assertError(server.call("PUT", BASE + "override/.m.rule.master/enabled", token, "{\"enabled\":1}"), 400,
                "M_BAD_JSON");
    }

    @Test
    void userRulesCanBeDisabledAndDeleted() throws Exception {
        String token = register(server, name(), "pw").string("access_token");
        assertEquals(200, server.call("PUT", BASE + "sender/%40spam%3Aexample.org", token,
                "{\"actions\":[\"notify\"]}").status());
        String rule = BASE + "sender/%40spam%3Aexample.org";
        assertEquals(200, server.call("PUT", rule + "/enabled", token, "{\"enabled\":false}").status());
        assertFalse(server.get(rule, token).json().getBoolean("enabled"));
        assertEquals(200, server.call("DELETE", rule, token, null).status());
        assertError(server.get(rule, token), 404, "M_NOT_FOUND");
        assertError(server.call("DELETE", rule, token, null), 404, "M_NOT_FOUND");
        assertError(server.call("PUT", BASE + "override/missing/actions", token, "{\"actions\":[]}"), 404,
                "M_NOT_FOUND");
    }

    @Test
    void pushRulesNeedAToken() throws Exception {
        assertError(server.get("/_matrix/client/v3/pushrules/", null), 401, "M_MISSING_TOKEN");
    }
}
