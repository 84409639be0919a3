package io.myelin.server.client;

import static io.myelin.server.client.ClientServer.assertError;
import static io.myelin.server.client.ClientServer.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.myelin.server.TestHomeserver.Reply;
import io.myelin.server.client.ClientServer.User;

import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The room endpoints of the client-server API over real HTTP: creation, memberships, sending, state, redaction,
 * reading events and members, and history visibility; run once per database by the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RoomsTestBase {

    private static final AtomicInteger NAMES = new AtomicInteger();

    private ClientServer server;

    abstract ClientServer.Backend backend();

    @BeforeAll
    void start() throws Exception {
        server = ClientServer.start(Files.createTempDirectory("myelin-client-"), backend());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private User user() throws Exception {
        return server.register("u" + NAMES.incrementAndGet() + "_" + ProcessHandle.current().pid());
    }

    private String createRoom(User creator, String body) throws Exception {
        Reply reply = server.post("/createRoom", creator.token(), body);
        assertEquals(200, reply.status(), reply.raw());
        return reply.string("room_id");
    }

    private String send(User sender, String roomId, String body) throws Exception {
        Reply reply = server.put("/rooms/" + enc(roomId) + "/send/m.room.message/t" + NAMES.incrementAndGet(),
                sender.token(), body);
        assertEquals(200, reply.status(), reply.raw());
        return reply.string("event_id");
    }

    private static String message(String text) {
        return "{\"msgtype\":\"m.text\",\"body\":\"" + text + "\"}";
    }

    private Reply membership(User actor, String roomId, String action, User target) throws Exception {
        return server.post("/rooms/" + enc(roomId) + "/" + action, actor.token(),
                target == null ? "{}" : "{\"user_id\":\"" + target.userId() + "\"}");
    }

    private Reply event(User reader, String roomId, String eventId) throws Exception {
        return server.get("/rooms/" + enc(roomId) + "/event/" + enc(eventId), reader.token());
    }

    private List<String> members(User reader, String roomId, String query) throws Exception {
        Reply reply = server.get("/rooms/" + enc(roomId) + "/members" + query, reader.token());
        assertEquals(200, reply.status(), reply.raw());
        List<String> out = new ArrayList<>();
        for (JsonValue event : reply.json().getJsonArray("chunk")) {
            out.add(event.asJsonObject().getString("state_key") + "="
                    + event.asJsonObject().getJsonObject("content").getString("membership"));
        }
        return out;
    }

    private void setProfile(User user, String displayname, String avatarUrl) throws Exception {
        String path = "/profile/" + enc(user.userId());
        Reply named = server.put(path + "/displayname", user.token(), "{\"displayname\":\"" + displayname + "\"}");
        assertEquals(200, named.status(), named.raw());
        Reply pictured = server.put(path + "/avatar_url", user.token(), "{\"avatar_url\":\"" + avatarUrl + "\"}");
        assertEquals(200, pictured.status(), pictured.raw());
    }

    private jakarta.json.JsonObject member(User reader, String roomId, User member) throws Exception {
        Reply reply = server.get("/rooms/" + enc(roomId) + "/state/m.room.member/" + enc(member.userId()),
                reader.token());
        assertEquals(200, reply.status(), reply.raw());
        return reply.json();
    }

    @Test
    void concurrentIdenticalCreatesMakeSeparateRooms() throws Exception {
        User alice = user();
        int creates = 8;
        List<java.util.concurrent.Future<String>> started = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(creates)) {
            var go = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < creates; i++) {
                started.add(pool.submit(() -> {
                    go.await();
                    return createRoom(alice, "{\"preset\":\"private_chat\",\"name\":\"Twin\"}");
                }));
            }
            go.countDown();
            List<String> roomIds = new ArrayList<>();
            for (var f : started) {
                roomIds.add(f.get());
            }
            assertEquals(creates, roomIds.stream().distinct().count(), roomIds.toString());
            for (String roomId : roomIds) {
                assertEquals(List.of(alice.userId() + "=join"), members(alice, roomId, ""));
            }
        }
    }

    @Test
    void membershipEventsCarryTheGlobalProfile() throws Exception {
        User alice = user();
        User bob = user();
        User carol = user();
        User dave = user();
        setProfile(alice, "Alice Liddell", "mxc://test.local/alice");
        setProfile(bob, "Bob Builder", "mxc://test.local/bob");
        setProfile(carol, "Carol Singer", "mxc://test.local/carol");
        setProfile(dave, "Dave Knocker", "mxc://test.local/dave");

        String roomId = createRoom(alice, "{\"preset\":\"public_chat\"}");
        var creator = member(alice, roomId, alice);
        assertEquals("join", creator.getString("membership"));
        assertEquals("Alice Liddell", creator.getString("displayname"));
        assertEquals("mxc://test.local/alice", creator.getString("avatar_url"));

        assertEquals(200, server.post("/rooms/" + enc(roomId) + "/join", bob.token(), "{}").status());
        var joined = member(alice, roomId, bob);
        assertEquals("join", joined.getString("membership"));
        assertEquals("Bob Builder", joined.getString("displayname"));
        assertEquals("mxc://test.local/bob", joined.getString("avatar_url"));

        // An invite carries the invitee's profile, and so does the join by room id that follows it.
        assertEquals(200, membership(alice, roomId, "invite", carol).status());
        var invited = member(alice, roomId, carol);
        assertEquals("invite", invited.getString("membership"));
        assertEquals("Carol Singer", invited.getString("displayname"));
        assertEquals(200, server.post("/join/" + enc(roomId), carol.token(), "{}").status());
        assertEquals("mxc://test.local/carol", member(alice, roomId, carol).getString("avatar_url"));

        // Invitees named at creation get their profile too.
        String invitedAtCreation = createRoom(alice, "{\"preset\":\"private_chat\",\"is_direct\":true,"
                + "\"invite\":[\"" + bob.userId() + "\"]}");
        var early = member(alice, invitedAtCreation, bob);
        assertEquals("invite", early.getString("membership"));
        assertEquals("Bob Builder", early.getString("displayname"));
        assertEquals("mxc://test.local/bob", early.getString("avatar_url"));
        assertEquals(true, early.getBoolean("is_direct"));
        assertEquals("Alice Liddell", member(alice, invitedAtCreation, alice).getString("displayname"));

        String knockRoom = createRoom(alice, """
                {"preset":"private_chat","initial_state":[{"type":"m.room.join_rules","content":{"join_rule":"knock"}}]}
                """);
        Reply knocked = server.post("/knock/" + enc(knockRoom), dave.token(), "{\"reason\":\"let me in\"}");
        assertEquals(200, knocked.status(), knocked.raw());
        var knock = member(alice, knockRoom, dave);
        assertEquals("knock", knock.getString("membership"));
        assertEquals("Dave Knocker", knock.getString("displayname"));
        assertEquals("let me in", knock.getString("reason"));

        // Leaving says no profile.
        assertEquals(200, server.post("/rooms/" + enc(roomId) + "/leave", bob.token(), "{}").status());
        var left = member(alice, roomId, bob);
        assertEquals("leave", left.getString("membership"));
        assertTrue(!left.containsKey("displayname") && !left.containsKey("avatar_url"), left.toString());
    }

    @Test
    void createRoomAppliesItsParametersAndJoinsTheCreator() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = createRoom(alice, """
                {"name":"Garden","topic":"Plants","preset":"private_chat","invite":["%s"],
                 "initial_state":[{"type":"m.room.history_visibility","content":{"history_visibility":"joined"}}],
                 "power_level_content_override":{"state_default":60},"creation_content":{"m.federate":false}}
                """.formatted(bob.userId()));
        String path = "/rooms/" + enc(roomId) + "/state/";
        assertEquals("Garden", server.get(path + "m.room.name/", alice.token()).string("name"));
        var topic = server.get(path + "m.room.topic", alice.token()).json();
        assertEquals("Plants", topic.getString("topic"));
        var text = topic.getJsonObject("m.topic").getJsonArray("m.text");
        assertEquals(1, text.size(), topic.toString());
        assertEquals("Plants", text.getJsonObject(0).getString("body"));
        assertEquals("text/plain", text.getJsonObject(0).getString("mimetype"));
        assertEquals("joined", server.get(path + "m.room.history_visibility", alice.token())
                .string("history_visibility"));
        assertEquals(60, server.get(path + "m.room.power_levels", alice.token()).json().getInt("state_default"));
        assertEquals(false, server.get(path + "m.room.create", alice.token()).json().getBoolean("m.federate"));
        Reply event = server.get(path + "m.room.name?format=event", alice.token());
        assertEquals(roomId, event.string("room_id"));
        assertEquals(alice.userId(), event.string("sender"));
        assertTrue(server.get("/joined_rooms", alice.token()).json().getJsonArray("joined_rooms")
                .contains(jakarta.json.Json.createValue(roomId)));
        assertEquals(List.of(alice.userId() + "=join", bob.userId() + "=invite").stream().sorted().toList(),
                members(alice, roomId, "").stream().sorted().toList());
        Reply joined = server.get("/rooms/" + enc(roomId) + "/joined_members", alice.token());
        assertEquals(200, joined.status(), joined.raw());
        assertEquals(List.of(alice.userId()), List.copyOf(joined.json().getJsonObject("joined").keySet()));
        assertError(server.get("/rooms/" + enc(roomId) + "/joined_members", bob.token()), 403, "M_FORBIDDEN");
    }

    private jakarta.json.JsonObject stateContent(User reader, String roomId, String type) throws Exception {
        Reply reply = server.get("/rooms/" + enc(roomId) + "/state/" + type, reader.token());
        assertEquals(200, reply.status(), reply.raw());
        return reply.json();
    }

    /** The join rule, history visibility and guest access of a room, and whether it is published. */
    private List<String> presetState(User reader, String roomId) throws Exception {
        return List.of(stateContent(reader, roomId, "m.room.join_rules").getString("join_rule"),
                stateContent(reader, roomId, "m.room.history_visibility").getString("history_visibility"),
                stateContent(reader, roomId, "m.room.guest_access").getString("guest_access"),
                server.get("/directory/list/room/" + enc(roomId), null).string("visibility"));
    }

    @Test
    void presetsSetTheRulesTheSpecGivesThem() throws Exception {
        User alice = user();
        List<String> invite = List.of("invite", "shared", "can_join", "private");
        List<String> open = List.of("public", "shared", "forbidden", "private");
        assertEquals(invite, presetState(alice, createRoom(alice, "{\"preset\":\"private_chat\"}")));
        assertEquals(invite, presetState(alice, createRoom(alice, "{\"preset\":\"trusted_private_chat\"}")));
        assertEquals(open, presetState(alice, createRoom(alice, "{\"preset\":\"public_chat\"}")));
        // Without a preset, the visibility chooses it: public is public_chat, private or none is private_chat.
        assertEquals(List.of("public", "shared", "forbidden", "public"),
                presetState(alice, createRoom(alice, "{\"visibility\":\"public\"}")));
        assertEquals(invite, presetState(alice, createRoom(alice, "{\"visibility\":\"private\"}")));
        assertEquals(invite, presetState(alice, createRoom(alice, "{}")));
        // A preset given wins over the visibility's, which then only publishes.
        assertEquals(List.of("invite", "shared", "can_join", "public"), presetState(alice,
                createRoom(alice, "{\"visibility\":\"public\",\"preset\":\"private_chat\"}")));
        assertEquals(open, presetState(alice,
                createRoom(alice, "{\"visibility\":\"private\",\"preset\":\"public_chat\"}")));
    }

    @Test
    void trustedPrivateChatGivesInviteesTheCreatorsPower() throws Exception {
        User alice = user();
        User bob = user();
        User carol = user();
        String before12 = createRoom(alice, "{\"preset\":\"trusted_private_chat\",\"room_version\":\"10\","
                + "\"invite\":[\"" + bob.userId() + "\"]}");
        var users = stateContent(alice, before12, "m.room.power_levels").getJsonObject("users");
        assertEquals(100, users.getInt(alice.userId()), users.toString());
        assertEquals(100, users.getInt(bob.userId()), users.toString());
        String plain = createRoom(alice, "{\"preset\":\"private_chat\",\"room_version\":\"10\","
                + "\"invite\":[\"" + bob.userId() + "\"]}");
        assertTrue(!stateContent(alice, plain, "m.room.power_levels").getJsonObject("users")
                .containsKey(bob.userId()));

        // From v12 creators cannot be named in power levels: invitees join the additional creators the request
        // gave, each once.
        String v12 = createRoom(alice, "{\"preset\":\"trusted_private_chat\",\"room_version\":\"12\","
                + "\"invite\":[\"" + bob.userId() + "\"],\"creation_content\":{\"additional_creators\":[\""
                + carol.userId() + "\",\"" + bob.userId() + "\"]}}");
        var create = stateContent(alice, v12, "m.room.create");
        assertEquals(List.of(carol.userId(), bob.userId()),
                create.getJsonArray("additional_creators").getValuesAs(jakarta.json.JsonString::getString));
        assertTrue(!stateContent(alice, v12, "m.room.power_levels").getJsonObject("users")
                .containsKey(bob.userId()));
        assertEquals(200, server.post("/rooms/" + enc(v12) + "/join", bob.token(), "{}").status());
        // A creator may change what needs the highest power.
        Reply raised = server.put("/rooms/" + enc(v12) + "/state/m.room.power_levels", bob.token(),
                stateContent(bob, v12, "m.room.power_levels").toString());
        assertEquals(200, raised.status(), raised.raw());

        String onlyInvited = createRoom(alice, "{\"preset\":\"trusted_private_chat\",\"room_version\":\"12\","
                + "\"invite\":[\"" + bob.userId() + "\"]}");
        assertEquals(List.of(bob.userId()), stateContent(alice, onlyInvited, "m.room.create")
                .getJsonArray("additional_creators").getValuesAs(jakarta.json.JsonString::getString));
    }

    @Test
    void createRoomRefusesMalformedBodies() throws Exception {
        User alice = user();
        assertError(server.post("/createRoom", alice.token(), "{\"preset\":\"party\"}"), 400, "M_BAD_JSON");
        assertError(server.post("/createRoom", alice.token(), "{\"name\":7}"), 400, "M_BAD_JSON");
        assertError(server.post("/createRoom", alice.token(), "{\"invite\":[1]}"), 400, "M_BAD_JSON");
        assertError(server.post("/createRoom", alice.token(), "[]"), 400, "M_BAD_JSON");
        assertError(server.post("/createRoom", alice.token(), "{nope"), 400, "M_NOT_JSON");
        assertError(server.post("/createRoom", null, "{}"), 401, "M_MISSING_TOKEN");
    }

    private List<String> joinedRooms(User user) throws Exception {
        Reply reply = server.get("/joined_rooms", user.token());
        assertEquals(200, reply.status(), reply.raw());
        return reply.json().getJsonArray("joined_rooms").getValuesAs(jakarta.json.JsonString::getString);
    }

    @Test
    void createRoomWithATakenAliasLeavesNoRoomBehind() throws Exception {
        User alice = user();
        String local = "taken" + NAMES.incrementAndGet() + "_" + ProcessHandle.current().pid();
        String first = createRoom(alice, "{\"room_alias_name\":\"" + local + "\"}");
        List<String> before = joinedRooms(alice);
        assertError(server.post("/createRoom", alice.token(), "{\"room_alias_name\":\"" + local + "\"}"), 400,
                "M_ROOM_IN_USE");
        assertEquals(before, joinedRooms(alice));
        assertEquals(first, server.get("/directory/room/" + enc("#" + local + ":" + ClientServer.SERVER_NAME), null)
                .string("room_id"));

        // An alias mapped in the directory is taken for createRoom too.
        String mapped = alias();
        assertEquals(200, putAlias(alice, mapped, first).status());
        String mappedLocal = mapped.substring(1, mapped.indexOf(':'));
        assertError(server.post("/createRoom", alice.token(), "{\"room_alias_name\":\"" + mappedLocal + "\"}"),
                400, "M_ROOM_IN_USE");
        assertEquals(before, joinedRooms(alice));
    }

    @Test
    void createRoomChecksTheAliasItMakesLikeAnyOtherAlias() throws Exception {
        User alice = user();
        List<String> before = joinedRooms(alice);
        // "#" + local part + ":test.local" is 256 bytes: one too many.
        String tooLong = "a".repeat(256 - 2 - ClientServer.SERVER_NAME.length());
        assertError(server.post("/createRoom", alice.token(), "{\"room_alias_name\":\"" + tooLong + "\"}"), 400,
                "M_INVALID_PARAM");
        assertError(server.post("/createRoom", alice.token(), "{\"room_alias_name\":\"nul\\u0000here\"}"), 400,
                "M_INVALID_PARAM");
        assertError(server.post("/createRoom", alice.token(), "{\"room_alias_name\":\"a:b\"}"), 400,
                "M_INVALID_PARAM");
        // A blank local part names no alias: refused, not taken as "no alias".
        assertError(server.post("/createRoom", alice.token(), "{\"room_alias_name\":\"\"}"), 400,
                "M_INVALID_PARAM");
        assertError(server.post("/createRoom", alice.token(), "{\"room_alias_name\":\" \\t \"}"), 400,
                "M_INVALID_PARAM");
        assertEquals(before, joinedRooms(alice));
        String longest = tooLong.substring(1) + NAMES.incrementAndGet();
        longest = longest.substring(longest.length() - tooLong.length() + 1);
        createRoom(alice, "{\"room_alias_name\":\"" + longest + "\"}");
    }

    @Test
    void createRoomRefusesUnknownRoomVersionsAndRefusedInitialState() throws Exception {
        User alice = user();
        User bob = user();
        List<String> before = joinedRooms(alice);
        assertError(server.post("/createRoom", alice.token(), "{\"room_version\":\"nonsense-99\"}"), 400,
                "M_UNSUPPORTED_ROOM_VERSION");
        assertEquals(before, joinedRooms(alice));

        // A state key naming another user is refused before the room exists.
        assertError(server.post("/createRoom", alice.token(), """
                {"initial_state":[{"type":"org.example.mine","state_key":"%s","content":{}}]}
                """.formatted(bob.userId())), 400, "M_INVALID_ROOM_STATE");
        assertEquals(before, joinedRooms(alice));

        // An event the room's own power levels refuse is reported as invalid room state, not as forbidden.
        assertError(server.post("/createRoom", alice.token(), """
                {"room_version":"10","power_level_content_override":{"events":{"org.example.locked":101}},
                 "initial_state":[{"type":"org.example.locked","content":{}}]}
                """), 400, "M_INVALID_ROOM_STATE");
    }

    @Test
    void membershipActionsFollowTheRoomsRules() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = createRoom(alice, "{\"preset\":\"public_chat\"}");
        Reply joined = server.post("/join/" + enc(roomId), bob.token(), "{}");
        assertEquals(200, joined.status(), joined.raw());
        assertEquals(roomId, joined.string("room_id"));
        assertTrue(members(alice, roomId, "").contains(bob.userId() + "=join"));

        assertEquals(200, membership(alice, roomId, "kick", bob).status());
        assertTrue(members(alice, roomId, "").contains(bob.userId() + "=leave"));
        assertEquals(200, server.post("/rooms/" + enc(roomId) + "/join", bob.token(), null).status());
        assertEquals(200, membership(alice, roomId, "ban", bob).status());
        assertError(server.post("/join/" + enc(roomId), bob.token(), "{}"), 403, "M_FORBIDDEN");
        assertError(membership(bob, roomId, "kick", alice), 403, "M_FORBIDDEN");
        assertEquals(200, membership(alice, roomId, "unban", bob).status());
        assertEquals(200, server.post("/rooms/" + enc(roomId) + "/join", bob.token(), "{}").status());
        assertEquals(200, membership(bob, roomId, "leave", null).status());
        assertEquals(List.of(bob.userId() + "=leave"), members(alice, roomId, "?membership=leave"));
        assertEquals(List.of(alice.userId() + "=join"), members(alice, roomId, "?not_membership=leave"));

        assertError(server.post("/rooms/" + enc(roomId) + "/invite", alice.token(), "{}"), 400, "M_BAD_JSON");
        assertError(server.get("/rooms/" + enc(roomId) + "/members?membership=gone", alice.token()), 400,
                "M_INVALID_PARAM");
    }

    @Test
    void unbanNeedsABanAndKickNeedsAMember() throws Exception {
        User alice = user();
        User bob = user();
        User carol = user();
        String roomId = createRoom(alice, "{\"preset\":\"public_chat\"}");
        assertEquals(200, server.post("/join/" + enc(roomId), bob.token(), "{}").status());
        assertError(membership(alice, roomId, "unban", bob), 403, "M_FORBIDDEN");
        assertTrue(members(alice, roomId, "").contains(bob.userId() + "=join"));

        assertEquals(200, membership(alice, roomId, "ban", bob).status());
        assertError(membership(alice, roomId, "kick", bob), 403, "M_FORBIDDEN");
        assertTrue(members(alice, roomId, "").contains(bob.userId() + "=ban"));
        assertError(membership(alice, roomId, "kick", carol), 403, "M_FORBIDDEN");
        assertError(membership(alice, roomId, "unban", carol), 403, "M_FORBIDDEN");

        assertEquals(200, membership(alice, roomId, "invite", carol).status());
        assertEquals(200, membership(alice, roomId, "kick", carol).status());
        assertTrue(members(alice, roomId, "").contains(carol.userId() + "=leave"));
        assertEquals(200, membership(alice, roomId, "unban", bob).status());
        assertTrue(members(alice, roomId, "").contains(bob.userId() + "=leave"));
    }

    @Test
    void kickAndBanReasonsLandInTheMemberEvent() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = createRoom(alice, "{\"preset\":\"public_chat\"}");
        assertEquals(200, server.post("/join/" + enc(roomId), bob.token(), "{}").status());
        String base = "/rooms/" + enc(roomId) + "/";
        Reply kicked = server.post(base + "kick", alice.token(), "{\"user_id\":\"" + bob.userId()
                + "\",\"reason\":\"too loud\"}");
        assertEquals(200, kicked.status(), kicked.raw());
        var kick = member(alice, roomId, bob);
        assertEquals("leave", kick.getString("membership"));
        assertEquals("too loud", kick.getString("reason"));

        Reply banned = server.post(base + "ban", alice.token(), "{\"user_id\":\"" + bob.userId()
                + "\",\"reason\":\"still too loud\"}");
        assertEquals(200, banned.status(), banned.raw());
        var ban = member(alice, roomId, bob);
        assertEquals("ban", ban.getString("membership"));
        assertEquals("still too loud", ban.getString("reason"));
    }

    @Test
    void inviteLetsAUserJoinAnInviteOnlyRoom() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = createRoom(alice, "{}");
        assertError(server.post("/rooms/" + enc(roomId) + "/join", bob.token(), "{}"), 403, "M_FORBIDDEN");
        assertEquals(200, membership(alice, roomId, "invite", bob).status());
        assertEquals(200, server.post("/rooms/" + enc(roomId) + "/join", bob.token(), "{}").status());
        assertTrue(server.get("/joined_rooms", bob.token()).json().getJsonArray("joined_rooms")
                .contains(jakarta.json.Json.createValue(roomId)));
    }

    @Test
    void unknownRoomsAreNotFoundForJoinsAndForbiddenForReads() throws Exception {
        User alice = user();
        String unknown = "!nowhere:" + ClientServer.SERVER_NAME;
        assertError(server.post("/join/" + enc(unknown), alice.token(), "{}"), 404, "M_NOT_FOUND");
        assertError(server.post("/join/" + enc("#nowhere:test.local"), alice.token(), "{}"), 404, "M_NOT_FOUND");
        assertError(server.post("/join/" + enc("#far:other.example"), alice.token(), "{}"), 404, "M_NOT_FOUND");
        assertError(server.get("/rooms/" + enc(unknown) + "/state", alice.token()), 403, "M_FORBIDDEN");
        assertError(server.get("/rooms/" + enc(unknown) + "/members", alice.token()), 403, "M_FORBIDDEN");
        assertError(server.put("/rooms/" + enc(unknown) + "/send/m.room.message/x1", alice.token(),
                message("hi")), 404, "M_NOT_FOUND");
    }

    @Test
    void changesToAnUnknownRoomAreNotFound() throws Exception {
        User alice = user();
        User bob = user();
        String unknown = "!nowhere" + NAMES.incrementAndGet() + ":" + ClientServer.SERVER_NAME;
        String room = "/rooms/" + enc(unknown);
        assertError(server.put(room + "/state/m.room.name", alice.token(), "{\"name\":\"x\"}"), 404,
                "M_NOT_FOUND");
        assertError(server.put(room + "/state/org.example.thing/" + enc(alice.userId()), alice.token(), "{}"), 404,
                "M_NOT_FOUND");
        // The canonical alias is checked against the room's members, which an unknown room has none of.
        assertError(server.put(room + "/state/m.room.canonical_alias", alice.token(), "{}"), 404, "M_NOT_FOUND");
        assertError(server.post(room + "/leave", alice.token(), "{}"), 404, "M_NOT_FOUND");
        assertError(server.post(room + "/join", alice.token(), "{}"), 404, "M_NOT_FOUND");
        for (String action : List.of("invite", "kick", "ban", "unban")) {
            assertError(membership(alice, unknown, action, bob), 404, "M_NOT_FOUND");
        }
        assertError(server.post("/knock/" + enc(unknown), alice.token(), "{}"), 404, "M_NOT_FOUND");
        assertError(server.post("/join/" + enc(unknown), alice.token(), "{}"), 404, "M_NOT_FOUND");
        assertTrue(!joinedRooms(alice).contains(unknown));
    }

    @Test
    void everyRoomEndpointIsServedUnderR0Too() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = createRoom(alice, "{\"preset\":\"public_chat\"}");
        String eventId = send(alice, roomId, message("hello"));
        String room = "/rooms/" + enc(roomId);
        String ev = enc(eventId);
        String alias = enc(alias());
        String bobId = "{\"user_id\":\"" + bob.userId() + "\"}";
        String account = "/user/" + enc(alice.userId()) + room;
        // Every room endpoint of the v3 API, each once; the order keeps most of them successful.
        List<String[]> calls = List.of(
                new String[] {"POST", "/createRoom", "{}"},
                new String[] {"POST", "/join/" + enc(roomId), "{}"},
                new String[] {"POST", "/knock/" + enc(roomId), "{}"},
                new String[] {"POST", room + "/join", "{}"},
                new String[] {"PUT", room + "/send/m.room.message/r0txn", message("legacy")},
                new String[] {"PUT", room + "/state/org.example.r0/" + enc(alice.userId()), "{}"},
                new String[] {"PUT", room + "/state/org.example.r0/", "{}"},
                new String[] {"PUT", room + "/state/org.example.r0", "{}"},
                new String[] {"GET", room + "/state/org.example.r0/" + enc(alice.userId()), null},
                new String[] {"GET", room + "/state/m.room.create/", null},
                new String[] {"GET", room + "/state/m.room.create", null},
                new String[] {"GET", room + "/state", null},
                new String[] {"GET", room + "/event/" + ev, null},
                new String[] {"GET", room + "/members", null},
                new String[] {"GET", room + "/joined_members", null},
                new String[] {"GET", "/joined_rooms", null},
                new String[] {"GET", room + "/messages?dir=b", null},
                new String[] {"GET", room + "/context/" + ev, null},
                new String[] {"GET", room + "/initialSync", null},
                new String[] {"PUT", room + "/typing/" + enc(alice.userId()), "{\"typing\":false}"},
                new String[] {"POST", room + "/receipt/m.read/" + ev, "{}"},
                new String[] {"POST", room + "/read_markers", "{\"m.fully_read\":\"" + eventId + "\"}"},
                new String[] {"PUT", account + "/account_data/org.example.r0", "{}"},
                new String[] {"GET", account + "/account_data/org.example.r0", null},
                new String[] {"PUT", account + "/tags/u.r0", "{}"},
                new String[] {"GET", account + "/tags", null},
                new String[] {"DELETE", account + "/tags/u.r0", null},
                new String[] {"PUT", "/directory/room/" + alias, "{\"room_id\":\"" + roomId + "\"}"},
                new String[] {"GET", "/directory/room/" + alias, null},
                new String[] {"GET", room + "/aliases", null},
                new String[] {"DELETE", "/directory/room/" + alias, null},
                new String[] {"PUT", "/directory/list/room/" + enc(roomId), "{\"visibility\":\"public\"}"},
                new String[] {"GET", "/directory/list/room/" + enc(roomId), null},
                new String[] {"GET", "/publicRooms", null},
                new String[] {"POST", "/publicRooms", "{}"},
                new String[] {"PUT", room + "/redact/" + ev + "/r0redact", "{}"},
                new String[] {"POST", room + "/report/" + ev, "{\"reason\":\"r0\"}"},
                new String[] {"POST", room + "/report", "{\"reason\":\"r0\"}"},
                new String[] {"POST", room + "/invite", bobId},
                new String[] {"POST", room + "/kick", bobId},
                new String[] {"POST", room + "/ban", bobId},
                new String[] {"POST", room + "/unban", bobId},
                new String[] {"POST", room + "/upgrade", "{\"new_version\":\"10\"}"},
                new String[] {"POST", room + "/leave", "{}"},
                new String[] {"POST", room + "/forget", "{}"});
        for (String[] call : calls) {
            Reply reply = server.call(call[0], "/_matrix/client/r0" + call[1], alice.token(), call[2]);
            String errcode = reply.body() instanceof jakarta.json.JsonObject o ? o.getString("errcode", "") : "";
            assertTrue(!errcode.equals("M_UNRECOGNIZED") && reply.status() < 500,
                    call[0] + " " + call[1] + ": " + reply.status() + " " + reply.raw());
        }
        // The check above can fail: a path the server does not know is unrecognised under r0.
        assertError(server.call("POST", "/_matrix/client/r0" + room + "/nonsense", alice.token(), "{}"), 404,
                "M_UNRECOGNIZED");
    }

    @Test
    void knockAndForgetWork() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = createRoom(alice, "{\"initial_state\":[{\"type\":\"m.room.join_rules\","
                + "\"content\":{\"join_rule\":\"knock\"}}]}");
        Reply knock = server.post("/knock/" + enc(roomId), bob.token(), "{\"reason\":\"let me in\"}");
        assertEquals(200, knock.status(), knock.raw());
        assertEquals(roomId, knock.string("room_id"));
        assertTrue(members(alice, roomId, "?membership=knock").contains(bob.userId() + "=knock"));

        assertError(server.post("/rooms/" + enc(roomId) + "/forget", alice.token(), "{}"), 400, "M_UNKNOWN");
        assertEquals(200, membership(alice, roomId, "leave", null).status());
        Reply forget = server.post("/rooms/" + enc(roomId) + "/forget", alice.token(), "{}");
        assertEquals(200, forget.status(), forget.raw());
    }

    @Test
    void sendNeedsMembershipAndRetriesReturnTheFirstEvent() throws Exception {
        User alice = user();
        User mallory = user();
        String roomId = createRoom(alice, "{\"preset\":\"public_chat\"}");
        String path = "/rooms/" + enc(roomId) + "/send/m.room.message/txn-1";
        Reply first = server.put(path, alice.token(), message("one"));
        assertEquals(200, first.status(), first.raw());
        assertEquals(first.string("event_id"), server.put(path, alice.token(), message("one")).string("event_id"));
        User aliceElsewhere = server.login(alice);
        assertNotEquals(first.string("event_id"), server.put(path, aliceElsewhere.token(), message("one"))
                .string("event_id"));

        assertError(server.put(path, mallory.token(), message("spam")), 403, "M_FORBIDDEN");
        assertError(server.put("/rooms/" + enc(roomId) + "/send/m.room.message/big", alice.token(),
                message("x".repeat(70_000))), 413, "M_TOO_LARGE");
        assertError(server.put("/rooms/" + enc(roomId) + "/send/m.room.message/big2", alice.token(),
                message("x".repeat(65_480))), 413, "M_TOO_LARGE");
        assertEquals(200, server.put("/rooms/" + enc(roomId) + "/send/m.room.message/fits", alice.token(),
                message("x".repeat(60_000))).status());
        assertError(server.put("/rooms/" + enc(roomId) + "/state/org.example.big", alice.token(),
                "{\"v\":\"" + "x".repeat(65_530) + "\"}"), 413, "M_TOO_LARGE");
        assertError(server.put("/rooms/" + enc(roomId) + "/send/m.room.message/arr", alice.token(), "[1]"), 400,
                "M_BAD_JSON");
    }

    @Test
    void theSignedEventMustFitTheSizeLimit() throws Exception {
        User alice = user();
        String roomId = createRoom(alice, "{}");
        // The content and the event's own strings come 100 bytes under the limit; hashes, signatures and the
        // auth and previous events take the whole event over it.
        int body = 65_536 - 100 - "{\"body\":\"\",\"msgtype\":\"m.text\"}".length() - roomId.length()
                - alice.userId().length() - "m.room.message".length();
        Reply sent = server.put("/rooms/" + enc(roomId) + "/send/m.room.message/near", alice.token(),
                message("x".repeat(body)));
        assertError(sent, 413, "M_TOO_LARGE");
        Reply state = server.put("/rooms/" + enc(roomId) + "/state/org.example.near", alice.token(),
                "{\"v\":\"" + "x".repeat(65_536 - 120 - roomId.length() - alice.userId().length()
                        - "org.example.near".length()) + "\"}");
        assertError(state, 413, "M_TOO_LARGE");
        assertEquals(200, server.put("/rooms/" + enc(roomId) + "/send/m.room.message/after", alice.token(),
                message("still fine")).status());
    }

    @Test
    void stateChangesNeedPowerAndWellFormedContent() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = createRoom(alice, "{\"preset\":\"public_chat\"}");
        assertEquals(200, server.post("/join/" + enc(roomId), bob.token(), "{}").status());
        String path = "/rooms/" + enc(roomId) + "/state/m.room.name";
        assertError(server.put(path, bob.token(), "{\"name\":\"Mine\"}"), 403, "M_FORBIDDEN");
        assertError(server.put(path, alice.token(), "{\"name\":5}"), 400, "M_BAD_JSON");
        assertError(server.put(path, alice.token(), "[]"), 400, "M_BAD_JSON");
        Reply put = server.put(path + "/", alice.token(), "{\"name\":\"Ours\"}");
        assertEquals(200, put.status(), put.raw());
        assertEquals("Ours", server.get(path, bob.token()).string("name"));

        Reply custom = server.put("/rooms/" + enc(roomId) + "/state/org.example.thing/" + enc(alice.userId()),
                alice.token(), "{\"v\":1}");
        assertEquals(200, custom.status(), custom.raw());
        assertEquals(1, server.get("/rooms/" + enc(roomId) + "/state/org.example.thing/" + enc(alice.userId()),
                bob.token()).json().getInt("v"));
        assertError(server.get("/rooms/" + enc(roomId) + "/state/org.example.none/", bob.token()), 404,
                "M_NOT_FOUND");
        Reply all = server.get("/rooms/" + enc(roomId) + "/state", bob.token());
        assertEquals(200, all.status(), all.raw());
        assertTrue(all.body().asJsonArray().stream().anyMatch(e -> e.asJsonObject().getString("type")
                .equals("org.example.thing")));
    }

    @Test
    void redactionStripsTheEventAndIsIdempotent() throws Exception {
        User alice = user();
        String roomId = createRoom(alice, "{}");
        String eventId = send(alice, roomId, message("secret"));
        String path = "/rooms/" + enc(roomId) + "/redact/" + enc(eventId) + "/r1";
        Reply redaction = server.put(path, alice.token(), "{\"reason\":\"oops\"}");
        assertEquals(200, redaction.status(), redaction.raw());
        assertEquals(redaction.string("event_id"), server.put(path, alice.token(), "{}").string("event_id"));
        Reply event = event(alice, roomId, eventId);
        assertEquals(200, event.status(), event.raw());
        assertTrue(event.json().getJsonObject("content").isEmpty(), event.raw());
        assertError(event(alice, roomId, "$unknown"), 404, "M_NOT_FOUND");
        User bob = user();
        assertEquals(200, membership(alice, roomId, "invite", bob).status());
        assertError(server.get("/rooms/" + enc(roomId) + "/state", bob.token()), 403, "M_FORBIDDEN");
        assertEquals(200, server.post("/rooms/" + enc(roomId) + "/join", bob.token(), "{}").status());
        String other = send(alice, roomId, message("mine"));
        assertError(server.put("/rooms/" + enc(roomId) + "/redact/" + enc(other) + "/r2", bob.token(), "{}"), 403,
                "M_FORBIDDEN");
        String own = send(bob, roomId, message("bob's"));
        assertEquals(200, server.put("/rooms/" + enc(roomId) + "/redact/" + enc(own) + "/r3", bob.token(), "{}")
                .status());
        Reply legacy = server.call("GET", "/_matrix/client/r0/rooms/" + enc(roomId) + "/event/" + enc(other),
                bob.token(), null);
        assertEquals(200, legacy.status(), legacy.raw());
        assertEquals("mine", legacy.json().getJsonObject("content").getString("body"));
    }

    @Test
    void aSendAndARedactionMayUseTheSameTransactionId() throws Exception {
        User alice = user();
        String roomId = createRoom(alice, "{}");
        Reply sent = server.put("/rooms/" + enc(roomId) + "/send/m.room.message/same", alice.token(),
                message("to be redacted"));
        assertEquals(200, sent.status(), sent.raw());
        String messageId = sent.string("event_id");
        String path = "/rooms/" + enc(roomId) + "/redact/" + enc(messageId) + "/same";
        Reply redaction = server.put(path, alice.token(), "{}");
        assertEquals(200, redaction.status(), redaction.raw());
        assertNotEquals(messageId, redaction.string("event_id"));
        assertTrue(event(alice, roomId, messageId).json().getJsonObject("content").isEmpty());
        assertEquals(redaction.string("event_id"), server.put(path, alice.token(), "{}").string("event_id"));
        assertEquals(messageId, server.put("/rooms/" + enc(roomId) + "/send/m.room.message/same", alice.token(),
                message("to be redacted")).string("event_id"));
    }

    @Test
    void membersAtAnEventAreTheMembersThen() throws Exception {
        User alice = user();
        User bob = user();
        User stranger = user();
        String roomId = createRoom(alice, "{\"preset\":\"public_chat\",\"initial_state\":[{\"type\":"
                + "\"m.room.history_visibility\",\"content\":{\"history_visibility\":\"joined\"}}]}");
        String before = send(alice, roomId, message("before bob"));
        assertEquals(200, server.post("/join/" + enc(roomId), bob.token(), "{}").status());
        String after = send(alice, roomId, message("with bob"));

        assertEquals(List.of(alice.userId() + "=join"), members(alice, roomId, "?at=" + enc(before)));
        assertEquals(List.of(alice.userId() + "=join", bob.userId() + "=join").stream().sorted().toList(),
                members(alice, roomId, "?at=" + enc(after)).stream().sorted().toList());
        assertEquals(List.of(bob.userId() + "=join"), members(bob, roomId, "?at=" + enc(after)
                + "&membership=join").stream().filter(m -> m.startsWith(bob.userId())).toList());
        // Bob joined after the first event and the room's history is for joined members only.
        assertError(server.get("/rooms/" + enc(roomId) + "/members?at=" + enc(before), bob.token()), 403,
                "M_FORBIDDEN");
        assertError(server.get("/rooms/" + enc(roomId) + "/members?at=" + enc(after), stranger.token()), 403,
                "M_FORBIDDEN");
    }

    @Test
    void joinedHistoryIsHiddenBeforeJoiningAndAfterLeaving() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = createRoom(alice, "{\"preset\":\"public_chat\",\"name\":\"Before\",\"initial_state\":"
                + "[{\"type\":\"m.room.history_visibility\",\"content\":{\"history_visibility\":\"joined\"}}]}");
        String before = send(alice, roomId, message("before"));
        assertError(event(bob, roomId, before), 404, "M_NOT_FOUND");
        assertError(server.get("/rooms/" + enc(roomId) + "/state", bob.token()), 403, "M_FORBIDDEN");
        assertEquals(200, server.post("/join/" + enc(roomId), bob.token(), "{}").status());
        assertError(event(bob, roomId, before), 404, "M_NOT_FOUND");
        String during = send(alice, roomId, message("during"));
        assertEquals("during", event(bob, roomId, during).json().getJsonObject("content").getString("body"));
        assertEquals(200, membership(bob, roomId, "leave", null).status());
        String after = send(alice, roomId, message("after"));
        assertEquals(200, server.put("/rooms/" + enc(roomId) + "/state/m.room.name", alice.token(),
                "{\"name\":\"After\"}").status());
        assertError(event(bob, roomId, after), 404, "M_NOT_FOUND");
        assertEquals(200, event(bob, roomId, during).status());
        assertEquals("Before", server.get("/rooms/" + enc(roomId) + "/state/m.room.name", bob.token())
                .string("name"));
        assertEquals("After", server.get("/rooms/" + enc(roomId) + "/state/m.room.name", alice.token())
                .string("name"));
    }

    @Test
    void sharedHistoryIsVisibleToJoinedMembersAndInvitedHistoryFromTheInvite() throws Exception {
        User alice = user();
        User bob = user();
        String shared = createRoom(alice, "{\"preset\":\"public_chat\"}");
        String early = send(alice, shared, message("early"));
        assertError(event(bob, shared, early), 404, "M_NOT_FOUND");
        assertEquals(200, server.post("/join/" + enc(shared), bob.token(), "{}").status());
        assertEquals(200, event(bob, shared, early).status());
        assertEquals(200, membership(bob, shared, "leave", null).status());
        String late = send(alice, shared, message("late"));
        assertEquals(200, event(bob, shared, early).status());
        assertError(event(bob, shared, late), 404, "M_NOT_FOUND");

        User carol = user();
        String invited = createRoom(alice, "{\"initial_state\":[{\"type\":\"m.room.history_visibility\","
                + "\"content\":{\"history_visibility\":\"invited\"}}]}");
        String beforeInvite = send(alice, invited, message("before"));
        assertEquals(200, membership(alice, invited, "invite", carol).status());
        String whileInvited = send(alice, invited, message("while"));
        assertEquals(200, server.post("/join/" + enc(invited), carol.token(), "{}").status());
        assertEquals(200, event(carol, invited, whileInvited).status());
        assertError(event(carol, invited, beforeInvite), 404, "M_NOT_FOUND");
    }

    @Test
    void sharedHistoryStaysVisibleToAUserWhoJoinedOnceAndLeft() throws Exception {
        User alice = user();
        User bob = user();
        User carol = user();
        String roomId = createRoom(alice, "{\"preset\":\"public_chat\"}");
        String early = send(alice, roomId, message("before any join of bob"));
        assertEquals(200, server.post("/join/" + enc(roomId), bob.token(), "{}").status());
        String during = send(alice, roomId, message("while bob is here"));
        assertEquals(200, membership(bob, roomId, "leave", null).status());
        String gone = send(alice, roomId, message("after bob left"));
        assertEquals(200, membership(alice, roomId, "invite", bob).status());
        assertEquals(200, event(bob, roomId, early).status());
        assertEquals(200, event(bob, roomId, during).status());
        assertError(event(bob, roomId, gone), 404, "M_NOT_FOUND");

        assertEquals(200, membership(alice, roomId, "ban", bob).status());
        assertEquals(200, event(bob, roomId, early).status());
        assertError(event(bob, roomId, gone), 404, "M_NOT_FOUND");

        // An invite alone, with no join after the event, shows nothing before it.
        assertEquals(200, membership(alice, roomId, "invite", carol).status());
        assertError(event(carol, roomId, early), 404, "M_NOT_FOUND");
    }

    @Test
    void sharedHistoryStaysVisibleHoweverManyMembershipChangesFollowTheJoin() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = createRoom(alice, "{\"preset\":\"public_chat\"}");
        String early = send(alice, roomId, message("before bob joined"));
        assertEquals(200, server.post("/join/" + enc(roomId), bob.token(), "{}").status());
        assertEquals(200, membership(bob, roomId, "leave", null).status());
        // Eighty membership events of Bob's after his only join, none of them a join.
        for (int i = 0; i < 40; i++) {
            assertEquals(200, membership(alice, roomId, "ban", bob).status());
            assertEquals(200, membership(alice, roomId, "unban", bob).status());
        }
        String gone = send(alice, roomId, message("long after bob left"));
        assertEquals(200, event(bob, roomId, early).status());
        assertError(event(bob, roomId, gone), 404, "M_NOT_FOUND");
    }

    @Test
    void aForgottenRoomReadsAsOneNeverJoined() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = createRoom(alice, "{\"preset\":\"public_chat\"}");
        assertEquals(200, server.post("/join/" + enc(roomId), bob.token(), "{}").status());
        String seen = send(alice, roomId, message("bob was here"));
        assertEquals(200, membership(bob, roomId, "leave", null).status());
        assertEquals(200, event(bob, roomId, seen).status());
        assertEquals(200, server.get("/rooms/" + enc(roomId) + "/state", bob.token()).status());
        assertEquals(200, server.post("/rooms/" + enc(roomId) + "/forget", bob.token(), "{}").status());

        assertError(event(bob, roomId, seen), 404, "M_NOT_FOUND");
        assertError(server.get("/rooms/" + enc(roomId) + "/state", bob.token()), 403, "M_FORBIDDEN");
        assertError(server.get("/rooms/" + enc(roomId) + "/state/m.room.create", bob.token()), 403, "M_FORBIDDEN");
        assertError(server.get("/rooms/" + enc(roomId) + "/members", bob.token()), 403, "M_FORBIDDEN");
        assertError(server.get("/rooms/" + enc(roomId) + "/members?at=" + enc(seen), bob.token()), 403,
                "M_FORBIDDEN");

        // Joining again undoes the forgetting.
        assertEquals(200, server.post("/join/" + enc(roomId), bob.token(), "{}").status());
        assertEquals(200, event(bob, roomId, seen).status());
    }

    @Test
    void aWorldReadableRoomShowsItsCurrentStateToAnyone() throws Exception {
        User alice = user();
        User bob = user();
        User stranger = user();
        String roomId = createRoom(alice, "{\"preset\":\"public_chat\",\"name\":\"First\",\"initial_state\":"
                + "[{\"type\":\"m.room.history_visibility\",\"content\":"
                + "{\"history_visibility\":\"world_readable\"}}]}");
        assertEquals(200, server.post("/join/" + enc(roomId), bob.token(), "{}").status());
        assertEquals(200, membership(bob, roomId, "leave", null).status());
        assertEquals(200, server.put("/rooms/" + enc(roomId) + "/state/m.room.name", alice.token(),
                "{\"name\":\"Second\"}").status());
        for (User reader : List.of(bob, stranger)) {
            assertEquals("Second", server.get("/rooms/" + enc(roomId) + "/state/m.room.name", reader.token())
                    .string("name"));
            assertTrue(members(reader, roomId, "").contains(bob.userId() + "=leave"));
        }
    }

    @Test
    void worldReadableRoomsCanBeReadByOutsiders() throws Exception {
        User alice = user();
        User stranger = user();
        String roomId = createRoom(alice, "{\"name\":\"Open\",\"initial_state\":[{\"type\":"
                + "\"m.room.history_visibility\",\"content\":{\"history_visibility\":\"world_readable\"}}]}");
        String eventId = send(alice, roomId, message("public"));
        assertEquals(200, event(stranger, roomId, eventId).status());
        assertEquals("Open", server.get("/rooms/" + enc(roomId) + "/state/m.room.name", stranger.token())
                .string("name"));
        assertTrue(members(stranger, roomId, "").contains(alice.userId() + "=join"));
        assertError(server.put("/rooms/" + enc(roomId) + "/send/m.room.message/w1", stranger.token(),
                message("no")), 403, "M_FORBIDDEN");
    }

    @Test
    void upgradeNeedsPowerAndPointsTheOldRoomAtTheNewOne() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = createRoom(alice, "{\"preset\":\"public_chat\",\"room_version\":\"10\"}");
        assertEquals(200, server.post("/join/" + enc(roomId), bob.token(), "{}").status());
        String path = "/rooms/" + enc(roomId) + "/upgrade";
        assertError(server.post(path, bob.token(), "{\"new_version\":\"11\"}"), 403, "M_FORBIDDEN");
        assertError(server.post(path, alice.token(), "{}"), 400, "M_BAD_JSON");
        assertError(server.post(path, alice.token(), "{\"new_version\":\"no-such-version\"}"), 400,
                "M_UNSUPPORTED_ROOM_VERSION");
        Reply upgraded = server.post(path, alice.token(), "{\"new_version\":\"11\"}");
        assertEquals(200, upgraded.status(), upgraded.raw());
        String replacement = upgraded.string("replacement_room");
        assertEquals(replacement, server.get("/rooms/" + enc(roomId) + "/state/m.room.tombstone", alice.token())
                .string("replacement_room"));
        assertEquals("11", server.get("/rooms/" + enc(replacement) + "/state/m.room.create", alice.token())
                .string("room_version"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "2"})
    void roomsWhoseEventIdsTheServerChoosesWorkLikeAnyOther(String version) throws Exception {
        User alice = user();
        User bob = user();
        String roomId = createRoom(alice, "{\"preset\":\"public_chat\",\"room_version\":\"" + version + "\"}");
        assertEquals(version, server.get("/rooms/" + enc(roomId) + "/state/m.room.create", alice.token())
                .string("room_version"));
        assertEquals(200, server.post("/join/" + enc(roomId), bob.token(), "{}").status());

        String eventId = send(bob, roomId, message("from the past"));
        assertTrue(eventId.endsWith(":" + ClientServer.SERVER_NAME), eventId);
        Reply read = event(alice, roomId, eventId);
        assertEquals(200, read.status(), read.raw());
        assertEquals("from the past", read.json().getJsonObject("content").getString("body"));
        Reply topic = server.put("/rooms/" + enc(roomId) + "/state/m.room.topic", alice.token(),
                "{\"topic\":\"vintage\"}");
        assertEquals(200, topic.status(), topic.raw());
        assertEquals("vintage", server.get("/rooms/" + enc(roomId) + "/state/m.room.topic", bob.token())
                .string("topic"));

        Reply redaction = server.put("/rooms/" + enc(roomId) + "/redact/" + enc(eventId) + "/r1", alice.token(),
                "{}");
        assertEquals(200, redaction.status(), redaction.raw());
        assertTrue(event(bob, roomId, eventId).json().getJsonObject("content").isEmpty());
    }

    @Test
    void upgradeMovesTheAliasesToTheReplacement() throws Exception {
        User alice = user();
        String local = "moving" + NAMES.incrementAndGet() + "_" + ProcessHandle.current().pid();
        String alias = "#" + local + ":" + ClientServer.SERVER_NAME;
        String roomId = createRoom(alice, "{\"preset\":\"public_chat\",\"room_version\":\"10\","
                + "\"room_alias_name\":\"" + local + "\"}");

        Reply upgraded = server.post("/rooms/" + enc(roomId) + "/upgrade", alice.token(), "{\"new_version\":\"2\"}");
        assertEquals(200, upgraded.status(), upgraded.raw());
        String replacement = upgraded.string("replacement_room");

        assertEquals(replacement, server.get("/directory/room/" + enc(alias), null).string("room_id"));
        assertEquals(alias, server.get("/rooms/" + enc(replacement) + "/state/m.room.canonical_alias",
                alice.token()).string("alias"));
        Reply old = server.get("/rooms/" + enc(roomId) + "/state/m.room.canonical_alias", alice.token());
        assertEquals(200, old.status(), old.raw());
        assertFalse(old.json().containsKey("alias"), old.raw());
        Reply listed = server.get("/rooms/" + enc(replacement) + "/aliases", alice.token());
        assertEquals(List.of(alias), listed.json().getJsonArray("aliases").getValuesAs(jakarta.json.JsonString.class)
                .stream().map(jakarta.json.JsonString::getString).toList());
    }

    @Test
    void upgradeNamesTheAdditionalCreatorsWhereTheVersionHasThem() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = createRoom(alice, "{\"preset\":\"public_chat\",\"room_version\":\"10\"}");
        Reply eleven = server.post("/rooms/" + enc(roomId) + "/upgrade", alice.token(),
                "{\"new_version\":\"11\",\"additional_creators\":[\"" + bob.userId() + "\"]}");
        assertEquals(200, eleven.status(), eleven.raw());
        var oldStyle = server.get("/rooms/" + enc(eleven.string("replacement_room")) + "/state/m.room.create",
                alice.token()).json();
        assertTrue(!oldStyle.containsKey("additional_creators"), oldStyle.toString());

        Reply twelve = server.post("/rooms/" + enc(eleven.string("replacement_room")) + "/upgrade", alice.token(),
                "{\"new_version\":\"12\",\"additional_creators\":[\"" + bob.userId() + "\"]}");
        assertEquals(200, twelve.status(), twelve.raw());
        String replacement = twelve.string("replacement_room");
        var create = server.get("/rooms/" + enc(replacement) + "/state/m.room.create", alice.token()).json();
        assertEquals(List.of(bob.userId()), create.getJsonArray("additional_creators")
                .getValuesAs(jakarta.json.JsonString::getString));
        // As a creator Bob has power over the new room once he joins it.
        assertEquals(200, server.post("/join/" + enc(replacement), bob.token(), "{}").status());
        assertEquals(200, server.put("/rooms/" + enc(replacement) + "/state/m.room.name", bob.token(),
                "{\"name\":\"Bob's too\"}").status());
        assertError(server.post("/rooms/" + enc(replacement) + "/upgrade", alice.token(),
                "{\"new_version\":\"12\",\"additional_creators\":[\"nobody\"]}"), 400, "M_INVALID_PARAM");
    }

    @Test
    void reportsNeedAJoinedReporterAndAKnownEvent() throws Exception {
        User alice = user();
        User bob = user();
        User stranger = user();
        String roomId = createRoom(alice, "{\"preset\":\"public_chat\"}");
        assertEquals(200, server.post("/join/" + enc(roomId), bob.token(), "{}").status());
        String eventId = send(alice, roomId, message("rude"));
        String path = "/rooms/" + enc(roomId) + "/report/" + enc(eventId);
        Reply report = server.post(path, bob.token(), "{\"reason\":\"rude\"}");
        assertEquals(200, report.status(), report.raw());
        assertTrue(report.json().isEmpty());
        assertError(server.post(path, stranger.token(), "{\"reason\":\"rude\"}"), 404, "M_NOT_FOUND");
        assertError(server.post("/rooms/" + enc(roomId) + "/report/" + enc("$nothing"), bob.token(), "{}"), 404,
                "M_NOT_FOUND");
        assertEquals(200, server.post("/rooms/" + enc(roomId) + "/report", stranger.token(),
                "{\"reason\":\"spam room\"}").status());
        assertError(server.post("/rooms/" + enc(roomId) + "/report", stranger.token(), "{}"), 400, "M_BAD_JSON");
        assertError(server.post("/rooms/" + enc("!unknown:test.local") + "/report", stranger.token(),
                "{\"reason\":\"x\"}"), 404, "M_NOT_FOUND");
    }

    @Test
    void usersCanBeReportedWithAReason() throws Exception {
        User alice = user();
        User mallory = user();
        String path = "/users/" + enc(mallory.userId()) + "/report";
        Reply report = server.post(path, alice.token(), "{\"reason\":\"spam in my invites\"}");
        assertEquals(200, report.status(), report.raw());
        assertTrue(report.json().isEmpty());
        assertEquals(List.of(List.of(alice.userId(), "spam in my invites")), server.query(
                "SELECT reporter, reason FROM client_user_reports WHERE user_id = ?", mallory.userId()));
        // An unknown user is reported all the same, so that the answer does not tell who has an account.
        assertEquals(200, server.post("/users/" + enc("@nobody:" + ClientServer.SERVER_NAME) + "/report",
                alice.token(), "{\"reason\":\"\"}").status());
        assertError(server.post(path, alice.token(), "{}"), 400, "M_BAD_JSON");
        assertError(server.post("/users/" + enc("not-a-user") + "/report", alice.token(), "{\"reason\":\"x\"}"),
                400, "M_INVALID_PARAM");
        assertError(server.post(path, null, "{\"reason\":\"x\"}"), 401, "M_MISSING_TOKEN");
    }

    private String alias() {
        return "#a" + NAMES.incrementAndGet() + "_" + ProcessHandle.current().pid() + ":" + ClientServer.SERVER_NAME;
    }

    private Reply putAlias(User user, String alias, String roomId) throws Exception {
        return server.put("/directory/room/" + enc(alias), user.token(), "{\"room_id\":\"" + roomId + "\"}");
    }

    @Test
    void aliasesAreMappedResolvedWithoutAuthAndListedForMembers() throws Exception {
        User alice = user();
        User outsider = user();
        String local = "made" + NAMES.incrementAndGet();
        String roomId = createRoom(alice, "{\"preset\":\"public_chat\",\"room_alias_name\":\"" + local + "\"}");
        String alias = alias();
        Reply put = putAlias(alice, alias, roomId);
        assertEquals(200, put.status(), put.raw());

        Reply resolved = server.get("/directory/room/" + enc(alias), null);
        assertEquals(200, resolved.status(), resolved.raw());
        assertEquals(roomId, resolved.string("room_id"));
        assertTrue(resolved.json().getJsonArray("servers").contains(jakarta.json.Json.createValue(
                ClientServer.SERVER_NAME)), resolved.raw());
        Reply r0 = server.call("GET", "/_matrix/client/r0/directory/room/" + enc(alias), null, null);
        assertEquals(roomId, r0.string("room_id"), r0.raw());

        assertError(putAlias(alice, alias, roomId), 409, "M_UNKNOWN");
        assertError(putAlias(outsider, alias(), roomId), 403, "M_FORBIDDEN");
        assertError(putAlias(alice, "#elsewhere:other.example", roomId), 400, "M_INVALID_PARAM");
        assertError(putAlias(alice, "#nocolon", roomId), 400, "M_INVALID_PARAM");
        assertError(server.get("/directory/room/" + enc("#nocolon"), null), 400, "M_INVALID_PARAM");
        assertError(server.get("/directory/room/" + enc(alias()), null), 404, "M_NOT_FOUND");

        Reply list = server.get("/rooms/" + enc(roomId) + "/aliases", alice.token());
        assertEquals(200, list.status(), list.raw());
        var aliases = list.json().getJsonArray("aliases");
        assertTrue(aliases.contains(jakarta.json.Json.createValue(alias)), list.raw());
        assertTrue(aliases.contains(jakarta.json.Json.createValue("#" + local + ":" + ClientServer.SERVER_NAME)),
                list.raw());
        assertError(server.get("/rooms/" + enc(roomId) + "/aliases", outsider.token()), 403, "M_FORBIDDEN");
    }

    @Test
    void worldReadableRoomsListTheirAliasesToOutsiders() throws Exception {
        User alice = user();
        User outsider = user();
        String roomId = createRoom(alice, "{\"initial_state\":[{\"type\":\"m.room.history_visibility\","
                + "\"content\":{\"history_visibility\":\"world_readable\"}}]}");
        String alias = alias();
        assertEquals(200, putAlias(alice, alias, roomId).status());
        Reply list = server.get("/rooms/" + enc(roomId) + "/aliases", outsider.token());
        assertEquals(200, list.status(), list.raw());
        assertTrue(list.json().getJsonArray("aliases").contains(jakarta.json.Json.createValue(alias)));
    }

    @Test
    void joinAndKnockAcceptLocalAliases() throws Exception {
        User alice = user();
        User bob = user();
        String open = createRoom(alice, "{\"preset\":\"public_chat\"}");
        String openAlias = alias();
        assertEquals(200, putAlias(alice, openAlias, open).status());
        Reply join = server.post("/join/" + enc(openAlias), bob.token(), "{}");
        assertEquals(200, join.status(), join.raw());
        assertEquals(open, join.string("room_id"));
        assertTrue(members(alice, open, "").contains(bob.userId() + "=join"));

        String knockRoom = createRoom(alice, "{\"initial_state\":[{\"type\":\"m.room.join_rules\","
                + "\"content\":{\"join_rule\":\"knock\"}}]}");
        String knockAlias = alias();
        assertEquals(200, putAlias(alice, knockAlias, knockRoom).status());
        Reply knock = server.post("/knock/" + enc(knockAlias), bob.token(), "{}");
        assertEquals(200, knock.status(), knock.raw());
        assertEquals(knockRoom, knock.string("room_id"));
        assertTrue(members(alice, knockRoom, "?membership=knock").contains(bob.userId() + "=knock"));
        assertError(server.post("/join/" + enc("#bad"), bob.token(), "{}"), 400, "M_INVALID_PARAM");
    }

    @Test
    void aliasRemovalNeedsTheCreatorOrPowerOverTheCanonicalAlias() throws Exception {
        User alice = user();
        User bob = user();
        User carol = user();
        String roomId = createRoom(alice, "{\"preset\":\"public_chat\"}");
        assertEquals(200, server.post("/join/" + enc(roomId), bob.token(), "{}").status());
        assertEquals(200, server.post("/join/" + enc(roomId), carol.token(), "{}").status());
        String bobs = alias();
        String carols = alias();
        assertEquals(200, putAlias(bob, bobs, roomId).status());
        assertEquals(200, putAlias(carol, carols, roomId).status());

        assertError(server.call("DELETE", ClientServer.V3 + "/directory/room/" + enc(carols), bob.token(), null),
                403, "M_FORBIDDEN");
        Reply own = server.call("DELETE", ClientServer.V3 + "/directory/room/" + enc(bobs), bob.token(), null);
        assertEquals(200, own.status(), own.raw());
        assertError(server.get("/directory/room/" + enc(bobs), null), 404, "M_NOT_FOUND");
        Reply byAdmin = server.call("DELETE", ClientServer.V3 + "/directory/room/" + enc(carols), alice.token(),
                null);
        assertEquals(200, byAdmin.status(), byAdmin.raw());
        assertError(server.call("DELETE", ClientServer.V3 + "/directory/room/" + enc(carols), alice.token(), null),
                404, "M_NOT_FOUND");
    }

    private Reply putCanonical(User user, String roomId, String content) throws Exception {
        return server.put("/rooms/" + enc(roomId) + "/state/m.room.canonical_alias", user.token(), content);
    }

    @Test
    void canonicalAliasesMustBeAliasesThatNameTheRoom() throws Exception {
        User alice = user();
        User outsider = user();
        String roomId = createRoom(alice, "{\"preset\":\"public_chat\"}");
        String other = createRoom(alice, "{}");
        String ours = alias();
        String theirs = alias();
        assertEquals(200, putAlias(alice, ours, roomId).status());
        assertEquals(200, putAlias(alice, theirs, other).status());

        Reply set = putCanonical(alice, roomId, "{\"alias\":\"" + ours + "\",\"alt_aliases\":[\"" + ours
                + "\",\"#elsewhere:other.example\"]}");
        assertEquals(200, set.status(), set.raw());
        assertError(putCanonical(alice, roomId, "{\"alias\":\"" + theirs + "\"}"), 400, "M_BAD_ALIAS");
        assertError(putCanonical(alice, roomId, "{\"alias\":\"" + alias() + "\"}"), 400, "M_BAD_ALIAS");
        assertError(putCanonical(alice, roomId, "{\"alt_aliases\":[\"" + ours + "\",\"" + theirs + "\"]}"),
                400, "M_BAD_ALIAS");
        assertError(putCanonical(alice, roomId, "{\"alias\":\"nohash\"}"), 400, "M_INVALID_PARAM");
        assertError(putCanonical(alice, roomId, "{\"alias\":7}"), 400, "M_INVALID_PARAM");
        assertError(putCanonical(alice, roomId, "{\"alt_aliases\":\"" + ours + "\"}"), 400, "M_INVALID_PARAM");
        assertError(putCanonical(alice, roomId, "{\"alt_aliases\":[\"#nocolon\"]}"), 400, "M_INVALID_PARAM");
        assertError(putCanonical(outsider, roomId, "{\"alias\":\"" + ours + "\"}"), 403, "M_FORBIDDEN");

        Reply state = server.get("/rooms/" + enc(roomId) + "/state/m.room.canonical_alias", alice.token());
        assertEquals(ours, state.string("alias"), state.raw());
        assertEquals(200, putCanonical(alice, roomId, "{\"alias\":\"\"}").status());
        assertEquals(200, putCanonical(alice, roomId, "{}").status());
    }

    @Test
    void aliasesTheCanonicalAliasNamesAlreadyMayMoveBetweenItsFields() throws Exception {
        User alice = user();
        User bob = user();
        User carol = user();
        String roomId = createRoom(alice, "{\"preset\":\"public_chat\",\"room_version\":\"10\","
                + "\"power_level_content_override\":{\"users\":{\"" + alice.userId() + "\":100,\""
                + carol.userId() + "\":100}}}");
        assertEquals(200, server.post("/join/" + enc(roomId), bob.token(), "{}").status());
        assertEquals(200, server.post("/join/" + enc(roomId), carol.token(), "{}").status());
        String bobs = alias();
        assertEquals(200, putAlias(bob, bobs, roomId).status());
        assertEquals(200, putCanonical(carol, roomId, "{\"alias\":\"" + bobs + "\"}").status());
        // With the creator gone and Bob without power, removing Bob's alias leaves the event naming it.
        assertEquals(200, membership(alice, roomId, "leave", null).status());
        assertEquals(200, server.call("DELETE", ClientServer.V3 + "/directory/room/" + enc(bobs), bob.token(), null)
                .status());
        assertEquals(bobs, server.get("/rooms/" + enc(roomId) + "/state/m.room.canonical_alias", carol.token())
                .string("alias"));

        assertEquals(200, putCanonical(carol, roomId, "{\"alt_aliases\":[\"" + bobs + "\"]}").status());
        assertEquals(200, putCanonical(carol, roomId, "{\"alias\":\"" + bobs + "\"}").status());
        assertError(putCanonical(carol, roomId, "{\"alias\":\"" + bobs + "\",\"alt_aliases\":[\"" + alias()
                + "\"]}"), 400, "M_BAD_ALIAS");
    }

    @Test
    void createRoomChecksTheCanonicalAliasOfItsInitialState() throws Exception {
        User alice = user();
        String other = createRoom(alice, "{}");
        String elsewhere = alias();
        assertEquals(200, putAlias(alice, elsewhere, other).status());
        List<String> before = joinedRooms(alice);
        assertError(server.post("/createRoom", alice.token(), "{\"initial_state\":[{\"type\":"
                + "\"m.room.canonical_alias\",\"content\":{\"alias\":\"" + elsewhere + "\"}}]}"), 400,
                "M_BAD_ALIAS");
        assertError(server.post("/createRoom", alice.token(), "{\"initial_state\":[{\"type\":"
                + "\"m.room.canonical_alias\",\"content\":{\"alt_aliases\":[\"#nocolon\"]}}]}"), 400,
                "M_INVALID_PARAM");
        assertEquals(before, joinedRooms(alice));

        String local = "own" + NAMES.incrementAndGet() + "_" + ProcessHandle.current().pid();
        String own = "#" + local + ":" + ClientServer.SERVER_NAME;
        String roomId = createRoom(alice, "{\"room_alias_name\":\"" + local + "\",\"initial_state\":[{\"type\":"
                + "\"m.room.canonical_alias\",\"content\":{\"alias\":\"" + own + "\",\"alt_aliases\":"
                + "[\"#far:other.example\"]}}]}");
        assertEquals(own, server.get("/rooms/" + enc(roomId) + "/state/m.room.canonical_alias", alice.token())
                .string("alias"));
    }

    @Test
    void removingAnAliasTakesItOutOfTheCanonicalAlias() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = createRoom(alice, "{\"preset\":\"public_chat\"}");
        assertEquals(200, server.post("/join/" + enc(roomId), bob.token(), "{}").status());
        String alices = alias();
        String bobs = alias();
        assertEquals(200, putAlias(alice, alices, roomId).status());
        assertEquals(200, putAlias(bob, bobs, roomId).status());
        assertEquals(200, putCanonical(alice, roomId, "{\"alias\":\"" + bobs + "\",\"alt_aliases\":[\""
                + alices + "\",\"" + bobs + "\"]}").status());
        String path = "/rooms/" + enc(roomId) + "/state/m.room.canonical_alias?format=event";

        // Bob may remove his own alias but not change the room's state: the creator's name updates the event.
        Reply removed = server.call("DELETE", ClientServer.V3 + "/directory/room/" + enc(bobs), bob.token(), null);
        assertEquals(200, removed.status(), removed.raw());
        Reply after = server.get(path, alice.token());
        assertEquals(alice.userId(), after.string("sender"), after.raw());
        var content = after.json().getJsonObject("content");
        assertTrue(!content.containsKey("alias"), after.raw());
        assertEquals(List.of(alices), content.getJsonArray("alt_aliases").getValuesAs(
                jakarta.json.JsonString::getString));

        Reply gone = server.call("DELETE", ClientServer.V3 + "/directory/room/" + enc(alices), alice.token(), null);
        assertEquals(200, gone.status(), gone.raw());
        Reply last = server.get(path, alice.token());
        assertEquals(alice.userId(), last.string("sender"));
        assertTrue(last.json().getJsonObject("content").getJsonArray("alt_aliases").isEmpty(), last.raw());
    }

    private List<String> publicRoomIds(Reply reply) {
        assertEquals(200, reply.status(), reply.raw());
        return reply.json().getJsonArray("chunk").stream().map(v -> v.asJsonObject().getString("room_id"))
                .toList();
    }

    @Test
    void publicRoomsFilterByRoomType() throws Exception {
        User alice = user();
        String space = createRoom(alice, "{\"visibility\":\"public\",\"preset\":\"public_chat\","
                + "\"creation_content\":{\"type\":\"m.space\"}}");
        String plain = createRoom(alice, "{\"visibility\":\"public\",\"preset\":\"public_chat\"}");

        List<String> spaces = publicRoomIds(server.post("/publicRooms", alice.token(),
                "{\"limit\":1000,\"filter\":{\"room_types\":[\"m.space\"]}}"));
        assertTrue(spaces.contains(space) && !spaces.contains(plain), spaces.toString());
        List<String> untyped = publicRoomIds(server.post("/publicRooms", alice.token(),
                "{\"limit\":1000,\"filter\":{\"room_types\":[null]}}"));
        assertTrue(untyped.contains(plain) && !untyped.contains(space), untyped.toString());
        List<String> both = publicRoomIds(server.post("/publicRooms", alice.token(),
                "{\"limit\":1000,\"filter\":{\"room_types\":[null,\"m.space\"]}}"));
        assertTrue(both.contains(plain) && both.contains(space), both.toString());
        var listed = server.post("/publicRooms", alice.token(), "{\"limit\":1000}").json().getJsonArray("chunk")
                .stream().map(v -> v.asJsonObject()).filter(o -> o.getString("room_id").equals(space)).findFirst()
                .orElseThrow();
        assertEquals("m.space", listed.getString("room_type"));
        assertError(server.post("/publicRooms", alice.token(), "{\"filter\":{\"room_types\":[1]}}"), 400,
                "M_BAD_JSON");
    }

    @Test
    void publicRoomsRefuseALimitThatIsNotANumber() throws Exception {
        User alice = user();
        createRoom(alice, "{\"visibility\":\"public\"}");
        createRoom(alice, "{\"visibility\":\"public\"}");
        assertEquals(1, publicRoomIds(server.post("/publicRooms", alice.token(), "{\"limit\":1}")).size());
        for (String limit : List.of("\"abc\"", "\"5\"", "1.5", "true", "[1]", "{}", "99999999999")) {
            assertError(server.post("/publicRooms", alice.token(), "{\"limit\":" + limit + "}"), 400, "M_BAD_JSON");
        }
        assertError(server.get("/publicRooms?limit=abc", null), 400, "M_INVALID_PARAM");
        assertError(server.get("/publicRooms?limit=-1", null), 400, "M_INVALID_PARAM");
        assertEquals(1, publicRoomIds(server.get("/publicRooms?limit=1", null)).size());
    }

    @Test
    void publishedRoomsAreListedWithTheirSummaryAndCanBeHidden() throws Exception {
        User alice = user();
        User bob = user();
        String topic = "topic" + NAMES.incrementAndGet() + "_" + ProcessHandle.current().pid();
        String roomId = createRoom(alice, "{\"visibility\":\"public\",\"preset\":\"public_chat\","
                + "\"name\":\"Garden\",\"topic\":\"" + topic + "\"}");
        String hidden = createRoom(alice, "{\"preset\":\"public_chat\"}");
        assertEquals(200, server.post("/join/" + enc(roomId), bob.token(), "{}").status());

        Reply listed = server.get("/publicRooms", null);
        assertTrue(publicRoomIds(listed).contains(roomId), listed.raw());
        assertTrue(!publicRoomIds(listed).contains(hidden), listed.raw());
        var summary = listed.json().getJsonArray("chunk").stream().map(v -> v.asJsonObject())
                .filter(o -> o.getString("room_id").equals(roomId)).findFirst().orElseThrow();
        assertEquals("Garden", summary.getString("name"));
        assertEquals(2, summary.getInt("num_joined_members"));
        assertEquals("public", summary.getString("join_rule"));
        assertEquals("public", server.get("/directory/list/room/" + enc(roomId), null).string("visibility"));
        assertEquals("private", server.get("/directory/list/room/" + enc(hidden), null).string("visibility"));

        Reply searched = server.post("/publicRooms", alice.token(),
                "{\"filter\":{\"generic_search_term\":\"" + topic.toUpperCase(java.util.Locale.ROOT) + "\"}}");
        assertEquals(List.of(roomId), publicRoomIds(searched));

        String path = "/directory/list/room/" + enc(hidden);
        assertError(server.put(path, bob.token(), "{\"visibility\":\"public\"}"), 403, "M_FORBIDDEN");
        assertEquals(200, server.put(path, alice.token(), "{\"visibility\":\"public\"}").status());
        assertTrue(publicRoomIds(server.get("/publicRooms", null)).contains(hidden));
        Reply first = server.get("/publicRooms?limit=1", null);
        assertEquals(1, publicRoomIds(first).size());
        Reply next = server.get("/publicRooms?limit=1&since=" + first.string("next_batch"), null);
        assertNotEquals(publicRoomIds(first), publicRoomIds(next));
        assertEquals(200, server.put("/directory/list/room/" + enc(roomId), alice.token(),
                "{\"visibility\":\"private\"}").status());
        assertTrue(!publicRoomIds(server.get("/publicRooms", null)).contains(roomId));
        // Without a visibility the room is published: the spec's default is public.
        assertEquals(200, server.put("/directory/list/room/" + enc(roomId), alice.token(), "{}").status());
        assertEquals("public", server.get("/directory/list/room/" + enc(roomId), null).string("visibility"));
        assertTrue(publicRoomIds(server.get("/publicRooms", null)).contains(roomId));
        assertError(server.get("/directory/list/room/" + enc("!nowhere:test.local"), null), 404, "M_NOT_FOUND");
    }
}
