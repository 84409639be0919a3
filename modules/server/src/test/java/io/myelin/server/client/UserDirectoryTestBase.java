package io.myelin.server.client;

import static io.myelin.server.client.ClientServer.assertError;
import static io.myelin.server.client.ClientServer.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.myelin.server.TestHomeserver.Reply;
import io.myelin.server.client.ClientServer.User;

import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The user directory over real HTTP: who a searcher finds (room mates, members of public and world-readable
 * rooms) and who not, matching on ids and display names, and the limit; run once per database by the
 * subclasses. The index follows the roomserver's output stream, so each search waits, within a bound, for it to
 * catch up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class UserDirectoryTestBase {

    private static final AtomicInteger TAGS = new AtomicInteger();
    private static final long WAIT_MS = 15_000;

    private ClientServer server;

    abstract ClientServer.Backend backend();

    @BeforeAll
    void start() throws Exception {
        server = ClientServer.start(Files.createTempDirectory("myelin-userdir-"), backend());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    // One word, unique to a test, that every user of the test has in their id.
    private static String tag() {
        return "t" + TAGS.incrementAndGet() + "x" + ProcessHandle.current().pid();
    }

    private String createRoom(User creator, String body) throws Exception {
        Reply reply = server.post("/createRoom", creator.token(), body);
        assertEquals(200, reply.status(), reply.raw());
        return reply.string("room_id");
    }

    private void join(User user, String roomId) throws Exception {
        Reply reply = server.post("/join/" + enc(roomId), user.token(), "{}");
        assertEquals(200, reply.status(), reply.raw());
    }

    private Reply search(User searcher, String body) throws Exception {
        return server.post("/user_directory/search", searcher.token(), body);
    }

    private List<String> found(User searcher, String term) throws Exception {
        Reply reply = search(searcher, "{\"search_term\":\"" + term + "\",\"limit\":50}");
        assertEquals(200, reply.status(), reply.raw());
        List<String> ids = new ArrayList<>();
        for (JsonValue result : reply.json().getJsonArray("results")) {
            ids.add(result.asJsonObject().getString("user_id"));
        }
        return ids;
    }

    // Searches until the condition holds, within a bound, and returns the last answer.
    private List<String> awaitFound(User searcher, String term, Predicate<List<String>> condition) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        List<String> ids = found(searcher, term);
        while (!condition.test(ids) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            ids = found(searcher, term);
        }
        assertTrue(condition.test(ids), "directory never reached the expected answer; last: " + ids);
        return ids;
    }

    @Test
    void searchersFindRoomMatesAndMembersOfPublicRoomsOnly() throws Exception {
        String tag = tag();
        User alice = server.register(tag + "_alice");
        User bob = server.register(tag + "_bob");
        User carol = server.register(tag + "_carol");
        User dave = server.register(tag + "_dave");
        User erin = server.register(tag + "_erin");
        String shared = createRoom(alice, "{\"preset\":\"private_chat\",\"invite\":[\"" + bob.userId() + "\"]}");
        join(bob, shared);
        String open = createRoom(carol, "{\"preset\":\"public_chat\"}");
        createRoom(dave, "{\"preset\":\"private_chat\"}");
        createRoom(erin, "{\"preset\":\"private_chat\",\"initial_state\":[{\"type\":\"m.room.history_visibility\","
                + "\"content\":{\"history_visibility\":\"world_readable\"}}]}");

        awaitFound(alice, tag, ids -> ids.containsAll(List.of(alice.userId(), bob.userId(), carol.userId(),
                erin.userId())));
        // Dave sees himself once his room is indexed; nobody else shares it or can see into it.
        awaitFound(dave, tag, ids -> ids.contains(dave.userId()));
        assertFalse(found(alice, tag).contains(dave.userId()));
        assertFalse(found(carol, tag).contains(bob.userId()));
        // Room mates (here only Dave himself) come before members of public rooms.
        assertEquals(List.of(dave.userId(), carol.userId(), erin.userId()), found(dave, tag));

        // Leaving the only shared room and closing a public room hide their members again.
        assertEquals(200, server.post("/rooms/" + enc(shared) + "/leave", bob.token(), "{}").status());
        awaitFound(alice, tag, ids -> !ids.contains(bob.userId()));
        Reply closed = server.put("/rooms/" + enc(open) + "/state/m.room.join_rules", carol.token(),
                "{\"join_rule\":\"invite\"}");
        assertEquals(200, closed.status(), closed.raw());
        awaitFound(alice, tag, ids -> !ids.contains(carol.userId()));
        assertTrue(found(alice, tag).contains(erin.userId()));
    }

    @Test
    void displayNamesAndIdsMatchByWordPrefixIgnoringCaseAndAccents() throws Exception {
        String tag = tag();
        User alice = server.register(tag + "_alice");
        User bob = server.register(tag + "_bob");
        String roomId = createRoom(alice, "{\"preset\":\"public_chat\"}");
        join(bob, roomId);
        Reply named = server.put("/rooms/" + enc(roomId) + "/state/m.room.member/" + enc(bob.userId()),
                bob.token(), "{\"membership\":\"join\",\"displayname\":\"Zoë Quintessa\","
                        + "\"avatar_url\":\"mxc://test.local/zq\"}");
        assertEquals(200, named.status(), named.raw());

        awaitFound(alice, "ZOE quint", ids -> ids.equals(List.of(bob.userId())));
        Reply reply = search(alice, "{\"search_term\":\"quintessa zoë\"}");
        var result = reply.json().getJsonArray("results").getJsonObject(0);
        assertEquals(bob.userId(), result.getString("user_id"));
        assertEquals("Zoë Quintessa", result.getString("display_name"));
        assertEquals("mxc://test.local/zq", result.getString("avatar_url"));
        assertFalse(reply.json().getBoolean("limited"));

        assertEquals(List.of(), found(alice, "uintessa"));
        assertEquals(List.of(), found(alice, "zoe nobody"));
        assertEquals(List.of(bob.userId()), found(alice, tag + "_b"));
        assertEquals(List.of(bob.userId()), found(alice, "@" + tag + "_bob:test.local"));
        assertEquals(List.of(), found(alice, "  "));
        // Among results with a display name, those with an avatar come first.
        assertEquals(List.of(bob.userId(), alice.userId()), found(alice, tag));

        // A join carries the joiner's global profile, so a new member is found by the name they chose.
        User dan = server.register(tag + "_dan");
        Reply renamed = server.put("/profile/" + enc(dan.userId()) + "/displayname", dan.token(),
                "{\"displayname\":\"Dan Daring\"}");
        assertEquals(200, renamed.status(), renamed.raw());
        join(dan, roomId);
        awaitFound(alice, "daring", ids -> ids.equals(List.of(dan.userId())));
        assertEquals("Dan Daring", search(alice, "{\"search_term\":\"daring\"}").json().getJsonArray("results")
                .getJsonObject(0).getString("display_name"));

        // A profile change in a room replaces the known profile.
        assertEquals(List.of(bob.userId()), found(alice, "zoe"));
        Reply cleared = server.put("/rooms/" + enc(roomId) + "/state/m.room.member/" + enc(bob.userId()),
                bob.token(), "{\"membership\":\"join\"}");
        assertEquals(200, cleared.status(), cleared.raw());
        awaitFound(alice, "zoe", List::isEmpty);
        assertEquals(List.of(bob.userId()), found(alice, tag + "_bob"));
    }

    @Test
    void theLimitCutsTheResultsAndSaysSo() throws Exception {
        String tag = tag();
        User alice = server.register(tag + "_alice");
        String roomId = createRoom(alice, "{\"preset\":\"public_chat\"}");
        List<String> everyone = new ArrayList<>(List.of(alice.userId()));
        for (int i = 0; i < 11; i++) {
            User member = server.register(tag + "_m" + i);
            join(member, roomId);
            everyone.add(member.userId());
        }
        awaitFound(alice, tag, ids -> ids.size() == everyone.size());

        Reply some = search(alice, "{\"search_term\":\"" + tag + "\",\"limit\":3}");
        assertEquals(3, some.json().getJsonArray("results").size(), some.raw());
        assertTrue(some.json().getBoolean("limited"));
        Reply byDefault = search(alice, "{\"search_term\":\"" + tag + "\"}");
        assertEquals(10, byDefault.json().getJsonArray("results").size(), byDefault.raw());
        assertTrue(byDefault.json().getBoolean("limited"));
        Reply all = search(alice, "{\"search_term\":\"" + tag + "\",\"limit\":12}");
        assertEquals(12, all.json().getJsonArray("results").size(), all.raw());
        assertFalse(all.json().getBoolean("limited"));
        Reply r0 = server.call("POST", "/_matrix/client/r0/user_directory/search", alice.token(),
                "{\"search_term\":\"" + tag + "\",\"limit\":1}");
        assertEquals(200, r0.status(), r0.raw());
        assertTrue(r0.json().getBoolean("limited"));
    }

    @Test
    void malformedSearchesAreRefused() throws Exception {
        User alice = server.register(tag() + "_alice");
        assertError(search(alice, "{}"), 400, "M_MISSING_PARAM");
        assertError(search(alice, "{\"search_term\":7}"), 400, "M_BAD_JSON");
        assertError(search(alice, "{\"search_term\":\"a\",\"limit\":\"ten\"}"), 400, "M_BAD_JSON");
        assertError(search(alice, "{\"search_term\":\"a\",\"limit\":-1}"), 400, "M_INVALID_PARAM");
        assertError(search(alice, "{nope"), 400, "M_NOT_JSON");
        assertError(server.post("/user_directory/search", null, "{\"search_term\":\"a\"}"), 401, "M_MISSING_TOKEN");
    }
}
