package io.myelin.server.keys;

import static io.myelin.server.keys.KeysServer.assertError;
import static io.myelin.server.keys.KeysServer.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.myelin.server.TestHomeserver.Reply;
import io.myelin.server.keys.KeysServer.Session;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.junit.jupiter.api.Test;

/**
 * Server-side key backups over real HTTP: versions, keys per room and session with the replacement rules, etag and
 * count, run once per database by the subclasses.
 */
abstract class BackupTestBase extends E2eTestBase {

    private static final String ALGORITHM = "m.megolm_backup.v1.curve25519-aes-sha2";
    private static final String ROOM = "!room:test.local";

    static JsonObject version(String publicKey) {
        return Json.createObjectBuilder().add("algorithm", ALGORITHM)
                .add("auth_data", Json.createObjectBuilder().add("public_key", publicKey)).build();
    }

    static JsonObject key(int firstIndex, int forwarded, boolean verified, String ciphertext) {
        return Json.createObjectBuilder().add("first_message_index", firstIndex).add("forwarded_count", forwarded)
                .add("is_verified", verified).add("session_data", Json.createObjectBuilder()
                        .add("ephemeral", "eph").add("ciphertext", ciphertext).add("mac", "mac")).build();
    }

    static String sessionPath(String session, String version) {
        return "/room_keys/keys/" + enc(ROOM) + "/" + session + "?version=" + version;
    }

    @Test
    void versionsAreCreatedReadUpdatedAndDeleted() throws Exception {
        Session alice = server.newUser("BACKUP1", "b");
        assertError(server.get("/room_keys/version", alice), 404, "M_NOT_FOUND");

        Reply created = server.post("/room_keys/version", alice, version("pk1"));
        assertEquals(200, created.status(), created.raw());
        String v1 = created.string("version");
        Reply latest = server.get("/room_keys/version", alice);
        assertEquals(v1, latest.string("version"));
        assertEquals(ALGORITHM, latest.string("algorithm"));
        assertEquals("pk1", latest.json().getJsonObject("auth_data").getString("public_key"));
        assertEquals(0, latest.json().getInt("count"));
        latest.string("etag");

        String v2 = server.post("/room_keys/version", alice, version("pk2")).string("version");
        assertNotEquals(v1, v2);
        assertEquals(v2, server.get("/room_keys/version", alice).string("version"));
        assertEquals("pk1", server.get("/room_keys/version/" + v1, alice).json().getJsonObject("auth_data")
                .getString("public_key"));

        // Only auth_data changes; the algorithm and the version in the body must match.
        assertEquals(200, server.put("/room_keys/version/" + v2, alice, version("pk2b")).status());
        assertEquals("pk2b", server.get("/room_keys/version/" + v2, alice).json().getJsonObject("auth_data")
                .getString("public_key"));
        assertError(server.put("/room_keys/version/" + v2, alice, Json.createObjectBuilder(version("x"))
                .add("algorithm", "org.example.other").build()), 400, "M_INVALID_PARAM");
        assertError(server.put("/room_keys/version/" + v2, alice, Json.createObjectBuilder(version("x"))
                .add("version", v1).build()), 400, "M_INVALID_PARAM");
        assertError(server.put("/room_keys/version/999", alice, version("x")), 404, "M_NOT_FOUND");

        // Deleting the newest makes the previous one current; deleting again succeeds; unknown is 404.
        assertEquals(200, server.delete("/room_keys/version/" + v2, alice).status());
        assertEquals(200, server.delete("/room_keys/version/" + v2, alice).status());
        assertError(server.delete("/room_keys/version/999", alice), 404, "M_NOT_FOUND");
        assertError(server.get("/room_keys/version/" + v2, alice), 404, "M_NOT_FOUND");
        assertEquals(v1, server.get("/room_keys/version", alice).string("version"));
        // A deleted version's number is not given out again.
        String v3 = server.post("/room_keys/version", alice, version("pk3")).string("version");
        assertNotEquals(v2, v3);
        assertNotEquals(v1, v3);

        // Versions are per user.
        Session bob = server.newUser("BACKUP2", "b");
        assertError(server.get("/room_keys/version/" + v1, bob), 404, "M_NOT_FOUND");
        assertError(server.post("/room_keys/version", alice, Json.createObjectBuilder().add("algorithm", ALGORITHM)
                .build()), 400, "M_MISSING_PARAM");
    }

    @Test
    void keysAreReplacedOnlyByBetterKeys() throws Exception {
        Session alice = server.newUser("BACKUP3", "b");
        String v = server.post("/room_keys/version", alice, version("pk")).string("version");
        Reply first = server.put(sessionPath("s1", v), alice, key(5, 1, false, "first"));
        assertEquals(200, first.status(), first.raw());
        assertEquals(1, first.json().getInt("count"));
        String etag = first.string("etag");

        // Worse keys leave the stored one and the etag alone.
        Reply worse = server.put(sessionPath("s1", v), alice, key(6, 0, false, "later index"));
        assertEquals(etag, worse.string("etag"));
        worse = server.put(sessionPath("s1", v), alice, key(5, 2, false, "more forwarded"));
        assertEquals(etag, worse.string("etag"));
        assertEquals("first", stored(alice, v, "s1"));

        // A lower first index wins at equal verification; then a lower forwarded count at equal index.
        Reply better = server.put(sessionPath("s1", v), alice, key(3, 4, false, "lower index"));
        assertNotEquals(etag, better.string("etag"));
        assertEquals("lower index", stored(alice, v, "s1"));
        server.put(sessionPath("s1", v), alice, key(3, 0, false, "fewer forwards"));
        assertEquals("fewer forwards", stored(alice, v, "s1"));
        String before = server.get("/room_keys/version/" + v, alice).string("etag");
        assertEquals(before, server.put(sessionPath("s1", v), alice, key(3, 0, false, "just as good"))
                .string("etag"));
        assertEquals("fewer forwards", stored(alice, v, "s1"));

        // A verified key beats an unverified one whatever its index, and is not replaced by an unverified one.
        server.put(sessionPath("s1", v), alice, key(9, 9, true, "verified"));
        assertEquals("verified", stored(alice, v, "s1"));
        server.put(sessionPath("s1", v), alice, key(0, 0, false, "unverified but earlier"));
        assertEquals("verified", stored(alice, v, "s1"));
        assertEquals(1, server.get("/room_keys/version/" + v, alice).json().getInt("count"));
    }

    @Test
    void keysAreStoredReadAndDeletedByRoomAndSession() throws Exception {
        Session alice = server.newUser("BACKUP4", "b");
        String v = server.post("/room_keys/version", alice, version("pk")).string("version");
        JsonObject rooms = Json.createObjectBuilder().add("rooms", Json.createObjectBuilder()
                .add(ROOM, Json.createObjectBuilder().add("sessions", Json.createObjectBuilder()
                        .add("a", key(0, 0, true, "a")).add("b", key(0, 0, true, "b"))))
                .add("!other:test.local", Json.createObjectBuilder().add("sessions", Json.createObjectBuilder()
                        .add("c", key(0, 0, true, "c"))))).build();
        Reply all = server.put("/room_keys/keys?version=" + v, alice, rooms);
        assertEquals(3, all.json().getInt("count"), all.raw());
        JsonObject roomBody = Json.createObjectBuilder().add("sessions", Json.createObjectBuilder()
                .add("d", key(0, 0, false, "d"))).build();
        assertEquals(4, server.put("/room_keys/keys/" + enc(ROOM) + "?version=" + v, alice, roomBody).json()
                .getInt("count"));

        JsonObject everything = server.get("/room_keys/keys?version=" + v, alice).json().getJsonObject("rooms");
        assertEquals(3, everything.getJsonObject(ROOM).getJsonObject("sessions").size());
        assertEquals("c", everything.getJsonObject("!other:test.local").getJsonObject("sessions").getJsonObject("c")
                .getJsonObject("session_data").getString("ciphertext"));
        assertEquals(3, server.get("/room_keys/keys/" + enc(ROOM) + "?version=" + v, alice).json()
                .getJsonObject("sessions").size());
        assertEquals(Json.createObjectBuilder().add("sessions", Json.createObjectBuilder()).build(),
                server.get("/room_keys/keys/" + enc("!empty:test.local") + "?version=" + v, alice).json());
        assertError(server.get(sessionPath("nope", v), alice), 404, "M_NOT_FOUND");
        JsonObject one = server.get(sessionPath("a", v), alice).json();
        assertEquals(key(0, 0, true, "a"), one);

        assertEquals(3, server.delete(sessionPath("a", v), alice).json().getInt("count"));
        assertEquals(1, server.delete("/room_keys/keys/" + enc(ROOM) + "?version=" + v, alice).json().getInt("count"));
        Reply cleared = server.delete("/room_keys/keys?version=" + v, alice);
        assertEquals(0, cleared.json().getInt("count"));
        assertEquals(cleared.string("etag"), server.get("/room_keys/version", alice).string("etag"));
        assertEquals(Json.createObjectBuilder().build(), server.get("/room_keys/keys?version=" + v, alice).json()
                .getJsonObject("rooms"));
    }

    @Test
    void keysGoOnlyToTheCurrentVersion() throws Exception {
        Session alice = server.newUser("BACKUP5", "b");
        String v1 = server.post("/room_keys/version", alice, version("pk1")).string("version");
        server.put(sessionPath("s", v1), alice, key(0, 0, false, "old"));
        String v2 = server.post("/room_keys/version", alice, version("pk2")).string("version");

        Reply wrong = server.put(sessionPath("s", v1), alice, key(0, 0, true, "late"));
        assertError(wrong, 403, "M_WRONG_ROOM_KEYS_VERSION");
        assertEquals(v2, wrong.string("current_version"));
        assertError(server.put(sessionPath("s", "999"), alice, key(0, 0, false, "x")), 404, "M_NOT_FOUND");
        assertError(server.put("/room_keys/keys/" + enc(ROOM) + "/s", alice, key(0, 0, false, "x")), 400,
                "M_MISSING_PARAM");
        assertError(server.put(sessionPath("s", v2), alice, Json.createObjectBuilder().add("first_message_index", 0)
                .build()), 400, "M_MISSING_PARAM");
        assertError(server.put(sessionPath("s", v2), alice, Json.createObjectBuilder(key(0, 0, false, "x"))
                .add("is_verified", "yes").build()), 400, "M_BAD_JSON");

        // The old version is still readable, and the new one starts empty.
        assertEquals("old", stored(alice, v1, "s"));
        assertEquals(0, server.get("/room_keys/version/" + v2, alice).json().getInt("count"));
        assertEquals(1, server.get("/room_keys/version/" + v1, alice).json().getInt("count"));
    }

    @Test
    void keysForADeletedVersionAreRefusedWithTheCurrentVersion() throws Exception {
        Session alice = server.newUser("BACKUP8", "b");
        String v1 = server.post("/room_keys/version", alice, version("pk1")).string("version");
        String v2 = server.post("/room_keys/version", alice, version("pk2")).string("version");
        assertEquals(200, server.delete("/room_keys/version/" + v1, alice).status());

        Reply wrong = server.put(sessionPath("s", v1), alice, key(0, 0, false, "late"));
        assertError(wrong, 403, "M_WRONG_ROOM_KEYS_VERSION");
        assertEquals(v2, wrong.string("current_version"));

        // With no version left there is no backup to name: not found.
        assertEquals(200, server.delete("/room_keys/version/" + v2, alice).status());
        assertError(server.put(sessionPath("s", v2), alice, key(0, 0, false, "late")), 404, "M_NOT_FOUND");
    }

    @Test
    void concurrentCreatesAndUploadsAllSucceed() throws Exception {
        Session alice = server.newUser("BACKUP6", "b");
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Reply>> created = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
            for (int i = 0; i < 6; i++) {
                created.add(pool.submit(() -> {
                    go.await();
                    return server.post("/room_keys/version", alice, version("pk"));
                }));
            }
            go.countDown();
        }
        Set<String> versions = new HashSet<>();
        for (Future<Reply> reply : created) {
            assertEquals(200, reply.get().status(), reply.get().raw());
            versions.add(reply.get().string("version"));
        }
        assertEquals(6, versions.size(), versions.toString());

        // Two devices back up the same sessions at once, listed in opposite orders.
        String v = server.get("/room_keys/version", alice).string("version");
        JsonObjectBuilder forward = Json.createObjectBuilder();
        JsonObjectBuilder backward = Json.createObjectBuilder();
        for (int i = 0; i < 20; i++) {
            forward.add("s" + i, key(0, 0, true, "f"));
            backward.add("s" + (19 - i), key(0, 0, true, "b"));
        }
        JsonObject one = Json.createObjectBuilder().add("sessions", forward).build();
        JsonObject two = Json.createObjectBuilder().add("sessions", backward).build();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Reply>> uploads = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
                JsonObject body = i % 2 == 0 ? one : two;
                uploads.add(pool.submit(() -> {
                    start.await();
                    return server.put("/room_keys/keys/" + enc(ROOM) + "?version=" + v, alice, body);
                }));
            }
            start.countDown();
        }
        for (Future<Reply> reply : uploads) {
            assertEquals(200, reply.get().status(), reply.get().raw());
            assertEquals(20, reply.get().json().getInt("count"));
        }
    }

    @Test
    void theBestOfConcurrentUploadsOfTheSameSessionsIsKept() throws Exception {
        Session alice = server.newUser("BACKUP7", "b");
        String v = server.post("/room_keys/version", alice, version("pk")).string("version");
        // The best first: a worse upload that read the sessions before it committed must not overwrite it.
        List<JsonObject> qualities = List.of(key(0, 0, true, "best"), key(5, 0, true, "verified lower index"),
                key(9, 9, true, "verified"), key(1, 0, false, "best unverified"), key(1, 9, false, "lower index"),
                key(9, 0, false, "fewer forwards"), key(9, 9, false, "worst"));
        int sessions = 30;
        for (int round = 0; round < 3; round++) {
            List<JsonObject> bodies = new ArrayList<>();
            for (JsonObject quality : qualities) {
                JsonObjectBuilder all = Json.createObjectBuilder();
                for (int i = 0; i < sessions; i++) {
                    all.add("race" + round + "_" + i, quality);
                }
                bodies.add(Json.createObjectBuilder().add("sessions", all).build());
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Reply>> uploads = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(bodies.size())) {
                for (JsonObject body : bodies) {
                    uploads.add(pool.submit(() -> {
                        go.await();
                        return server.put("/room_keys/keys/" + enc(ROOM) + "?version=" + v, alice, body);
                    }));
                }
                go.countDown();
            }
            for (Future<Reply> reply : uploads) {
                assertEquals(200, reply.get().status(), reply.get().raw());
            }
            for (int i = 0; i < sessions; i++) {
                assertEquals("best", stored(alice, v, "race" + round + "_" + i), "round " + round + ", session " + i);
            }
        }
    }

    private String stored(Session who, String version, String session) throws Exception {
        Reply reply = server.get(sessionPath(session, version), who);
        assertEquals(200, reply.status(), reply.raw());
        return reply.json().getJsonObject("session_data").getString("ciphertext");
    }
}
