package io.myelin.server.keys;

import static io.myelin.server.keys.KeysServer.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.myelin.protocol.crypto.SigningKey;
import io.myelin.server.TestHomeserver.Reply;
import io.myelin.server.keys.KeysServer.Session;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import org.junit.jupiter.api.Test;

/**
 * Key changes and key counts as {@code GET /sync} shows them, over real HTTP with keys made and signed by the
 * test; run once per database by the subclasses.
 */
abstract class KeySyncTestBase extends E2eTestBase {

    private static final long WAIT_NANOS = 15_000_000_000L;

    private JsonObject sync(Session who, String since) throws Exception {
        Reply reply = server.get("/sync?timeout=0" + (since == null ? "" : "&since=" + enc(since)), who);
        assertEquals(200, reply.status(), reply.raw());
        return reply.json();
    }

    /** Syncs from {@code since} until the response satisfies {@code condition}, and returns that response. */
    private JsonObject syncUntil(Session who, String since, String what, Predicate<JsonObject> condition)
            throws Exception {
        long deadline = System.nanoTime() + WAIT_NANOS;
        JsonObject last = null;
        while (System.nanoTime() < deadline) {
            last = sync(who, since);
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(20);
        }
        return fail("timed out waiting for " + what + "; last sync " + last);
    }

    private static Set<String> changed(JsonObject sync) {
        if (!(sync.get("device_lists") instanceof JsonObject lists) || !lists.containsKey("changed")) {
            return Set.of();
        }
        return lists.getJsonArray("changed").getValuesAs(JsonString.class).stream().map(JsonString::getString)
                .collect(Collectors.toSet());
    }

    private void post(String path, Session who, Object body) throws Exception {
        Reply reply = server.post(path, who, body);
        assertEquals(200, reply.status(), reply.raw());
    }

    @Test
    void deviceListsNameARoomMateAfterTheirDeviceKeysAndCrossSigningKeys() throws Exception {
        Session alice = server.newUser("SYNCALICE", "alice");
        Session bob = server.newUser("SYNCBOB", "bob");
        Reply created = server.post("/createRoom", alice, Json.createObjectBuilder().add("preset", "public_chat")
                .build());
        assertEquals(200, created.status(), created.raw());
        String initial = sync(alice, null).getString("next_batch");
        post("/rooms/" + enc(created.string("room_id")) + "/join", bob, Json.createObjectBuilder().build());
        // Bob joining is itself a change for Alice; what follows must be seen after it.
        String joined = syncUntil(alice, initial, "Bob's join", s -> changed(s).contains(bob.userId()))
                .getString("next_batch");
        assertFalse(changed(sync(alice, joined)).contains(bob.userId()));

        SigningKey device = TestKeys.newKey();
        post("/keys/upload", bob, upload(TestKeys.deviceKeys(bob.userId(), bob.deviceId(), device), null, null));
        String uploaded = syncUntil(alice, joined, "Bob's device keys", s -> changed(s).contains(bob.userId()))
                .getString("next_batch");
        assertFalse(changed(sync(alice, uploaded)).contains(bob.userId()));

        SigningKey master = TestKeys.newKey();
        post("/keys/device_signing/upload", bob, Json.createObjectBuilder()
                .add("master_key", TestKeys.crossSigningKey(bob.userId(), "master", master))
                .add("self_signing_key", TestKeys.signedByMaster(bob.userId(), "self_signing", TestKeys.newKey(),
                        master)).build());
        syncUntil(alice, uploaded, "Bob's cross-signing keys", s -> changed(s).contains(bob.userId()));
    }

    @Test
    void syncCountsOneTimeKeysDownAsTheyAreClaimedAndNamesUnusedFallbackKeys() throws Exception {
        Session alice = server.newUser("SYNCOTK", "alice");
        Session bob = server.newUser("SYNCCLAIMER", "bob");
        SigningKey key = TestKeys.newKey();
        JsonObjectBuilder otks = Json.createObjectBuilder();
        for (int i = 0; i < 2; i++) {
            otks.add("signed_curve25519:OTK" + i, TestKeys.oneTimeKey(alice.userId(), alice.deviceId(), key, false));
        }
        JsonObject fallback = Json.createObjectBuilder().add("signed_curve25519:FALLBACK",
                TestKeys.oneTimeKey(alice.userId(), alice.deviceId(), key, true)).build();
        post("/keys/upload", alice, upload(TestKeys.deviceKeys(alice.userId(), alice.deviceId(), key), otks.build(),
                fallback));

        JsonObject first = sync(alice, null);
        assertEquals(2, first.getJsonObject("device_one_time_keys_count").getInt("signed_curve25519"),
                first.toString());
        assertEquals(List.of("signed_curve25519"), fallbackTypes(first));

        JsonObject claim = Json.createObjectBuilder().add("one_time_keys", Json.createObjectBuilder()
                .add(alice.userId(), Json.createObjectBuilder().add(alice.deviceId(), "signed_curve25519"))).build();
        post("/keys/claim", bob, claim);
        JsonObject afterOne = sync(alice, first.getString("next_batch"));
        assertEquals(1, afterOne.getJsonObject("device_one_time_keys_count").getInt("signed_curve25519"),
                afterOne.toString());
        assertEquals(List.of("signed_curve25519"), fallbackTypes(afterOne));

        // With the one-time keys gone a claim hands out the fallback key, which then is used.
        post("/keys/claim", bob, claim);
        post("/keys/claim", bob, claim);
        JsonObject afterAll = sync(alice, afterOne.getString("next_batch"));
        assertEquals(0, afterAll.getJsonObject("device_one_time_keys_count").getInt("signed_curve25519"));
        assertEquals(List.of(), fallbackTypes(afterAll));
    }

    private static List<String> fallbackTypes(JsonObject sync) {
        return sync.getJsonArray("device_unused_fallback_key_types").getValuesAs(JsonString.class).stream()
                .map(JsonString::getString).toList();
    }
}
