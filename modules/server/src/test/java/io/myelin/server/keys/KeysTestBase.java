package io.myelin.server.keys;

import static io.myelin.server.keys.KeysServer.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.myelin.api.keys.DeviceKeysRequest;
import io.myelin.api.keys.DeviceListChange;
import io.myelin.api.keys.OneTimeKeyCounts;
import io.myelin.protocol.crypto.SigningKey;
import io.myelin.server.TestHomeserver.Reply;
import io.myelin.server.keys.KeysServer.Session;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.junit.jupiter.api.Test;

/**
 * Device keys, one-time and fallback keys over real HTTP with keys made and signed by the test, run once per
 * database by the subclasses.
 */
abstract class KeysTestBase extends E2eTestBase {

    @Test
    void uploadedDeviceKeysAreQueriedWithTheDisplayName() throws Exception {
        Session alice = server.newUser("ALICEPHONE", "Alice's phone");
        Session bob = server.newUser("BOBLAPTOP", "Bob's laptop");
        SigningKey key = TestKeys.newKey();
        JsonObject deviceKeys = TestKeys.deviceKeys(alice.userId(), alice.deviceId(), key);

        Reply uploaded = server.post("/keys/upload", alice, upload(deviceKeys, null, null));
        assertEquals(200, uploaded.status(), uploaded.raw());
        assertEquals(Json.createObjectBuilder().add("signed_curve25519", 0).build(),
                uploaded.json().getJsonObject("one_time_key_counts"));
        await("the device key change", () -> changes.contains(new DeviceListChange(alice.userId(),
                alice.deviceId(), DeviceListChange.DEVICE_KEYS)));

        for (String prefix : List.of("/_matrix/client/v3", "/_matrix/client/r0")) {
            Reply reply = server.call("POST", prefix + "/keys/query", bob.token(), query(alice.userId()).toString());
            assertEquals(200, reply.status(), reply.raw());
            JsonObject device = reply.json().getJsonObject("device_keys").getJsonObject(alice.userId())
                    .getJsonObject("ALICEPHONE");
            assertEquals(deviceKeys.getJsonObject("keys"), device.getJsonObject("keys"));
            assertEquals(deviceKeys.getJsonObject("signatures"), device.getJsonObject("signatures"));
            assertEquals("Alice's phone", device.getJsonObject("unsigned").getString("device_display_name"));
            assertEquals(Json.createObjectBuilder().build(), reply.json().getJsonObject("failures"));
        }

        // A device that uploaded no keys, and a device not asked for, are absent.
        Session second = server.login(alice, "ALICETABLET", "Tablet");
        JsonObject onlyTablet = Json.createObjectBuilder().add("device_keys", Json.createObjectBuilder()
                .add(alice.userId(), Json.createArrayBuilder().add("ALICETABLET"))).build();
        Reply reply = server.post("/keys/query", bob, onlyTablet);
        assertEquals(Json.createObjectBuilder().build(),
                reply.json().getJsonObject("device_keys").getJsonObject(alice.userId()));
        assertNotNull(second);

        // Remote users are reported as a failure of their server.
        Reply remote = server.post("/keys/query", bob, query("@someone:elsewhere.example"));
        assertTrue(remote.json().getJsonObject("failures").containsKey("elsewhere.example"), remote.raw());
    }

    @Test
    void deviceKeysMustBeTheRequestersAndSelfSigned() throws Exception {
        Session alice = server.newUser("DEV1", "one");
        SigningKey key = TestKeys.newKey();

        assertError(server.post("/keys/upload", alice,
                upload(TestKeys.deviceKeys("@mallory:test.local", alice.deviceId(), key), null, null)),
                400, "M_INVALID_PARAM");
        assertError(server.post("/keys/upload", alice,
                upload(TestKeys.deviceKeys(alice.userId(), "OTHERDEVICE", key), null, null)), 400, "M_INVALID_PARAM");

        // Signed by a key other than the one it publishes.
        JsonObject unsigned = Json.createObjectBuilder(TestKeys.deviceKeys(alice.userId(), alice.deviceId(), key))
                .remove("signatures").build();
        JsonObject forged = TestKeys.sign(unsigned, alice.userId(), "ed25519:" + alice.deviceId(), TestKeys.newKey());
        assertError(server.post("/keys/upload", alice, upload(forged, null, null)), 400, "M_INVALID_SIGNATURE");

        // Changed after signing.
        JsonObject good = TestKeys.deviceKeys(alice.userId(), alice.deviceId(), key);
        JsonObject tampered = Json.createObjectBuilder(good).add("algorithms",
                Json.createArrayBuilder().add("m.olm.v1.curve25519-aes-sha2")).build();
        assertError(server.post("/keys/upload", alice, upload(tampered, null, null)), 400, "M_INVALID_SIGNATURE");
        assertError(server.post("/keys/upload", alice, upload(unsigned, null, null)), 400, "M_MISSING_PARAM");

        assertEquals(200, server.post("/keys/upload", alice, upload(good, null, null)).status());
        assertEquals(200, server.post("/keys/upload", alice, upload(good, null, null)).status());
        // Once uploaded, the device's keys may not change, even to keys it signs properly.
        assertError(server.post("/keys/upload", alice,
                upload(TestKeys.deviceKeys(alice.userId(), alice.deviceId(), TestKeys.newKey()), null, null)),
                400, "M_INVALID_PARAM");
        Reply reply = server.post("/keys/query", alice, query(alice.userId()));
        assertEquals(good.getJsonObject("keys"), reply.json().getJsonObject("device_keys")
                .getJsonObject(alice.userId()).getJsonObject(alice.deviceId()).getJsonObject("keys"));
    }

    @Test
    void ofConcurrentFirstUploadsOfADevicesKeysExactlyOneIsStored() throws Exception {
        Session first = server.newUser("RACE0", "race");
        for (int round = 0; round < 3; round++) {
            Session device = round == 0 ? first : server.login(first, "RACE" + round, "race");
            List<JsonObject> bodies = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                SigningKey key = TestKeys.newKey();
                // One-time keys make each upload's transaction longer, and with it the time to race in.
                JsonObjectBuilder otks = Json.createObjectBuilder();
                for (int k = 0; k < 10; k++) {
                    otks.add("signed_curve25519:U" + i + "_" + k,
                            TestKeys.oneTimeKey(device.userId(), device.deviceId(), key, false));
                }
                bodies.add(upload(TestKeys.deviceKeys(device.userId(), device.deviceId(), key), otks.build(), null));
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Reply>> replies = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(bodies.size())) {
                for (JsonObject body : bodies) {
                    replies.add(pool.submit(() -> {
                        go.await();
                        return server.post("/keys/upload", device, body);
                    }));
                }
                go.countDown();
            }
            List<JsonObject> stored = new ArrayList<>();
            for (int i = 0; i < bodies.size(); i++) {
                Reply reply = replies.get(i).get();
                if (reply.status() == 200) {
                    stored.add(bodies.get(i).getJsonObject("device_keys").getJsonObject("keys"));
                } else {
                    assertError(reply, 400, "M_INVALID_PARAM");
                }
            }
            assertEquals(1, stored.size(), "round " + round + ": uploads that succeeded");
            Reply query = server.post("/keys/query", device, query(device.userId()));
            assertEquals(stored.getFirst(), query.json().getJsonObject("device_keys").getJsonObject(device.userId())
                    .getJsonObject(device.deviceId()).getJsonObject("keys"));
        }
    }

    @Test
    void oneTimeKeysAreCheckedAndCounted() throws Exception {
        Session alice = server.newUser("OTKDEV", "otk");
        SigningKey key = TestKeys.newKey();
        JsonObjectBuilder otks = Json.createObjectBuilder();
        for (int i = 0; i < 5; i++) {
            otks.add("signed_curve25519:AAAA" + i, TestKeys.oneTimeKey(alice.userId(), alice.deviceId(), key, false));
        }
        JsonObject five = otks.build();
        Reply reply = server.post("/keys/upload", alice,
                upload(TestKeys.deviceKeys(alice.userId(), alice.deviceId(), key), five, null));
        assertEquals(200, reply.status(), reply.raw());
        assertEquals(5, reply.json().getJsonObject("one_time_key_counts").getInt("signed_curve25519"));

        // The same keys again change nothing; the same id with other content is refused.
        assertEquals(5, server.post("/keys/upload", alice, upload(null, five, null)).json()
                .getJsonObject("one_time_key_counts").getInt("signed_curve25519"));
        JsonObject clash = Json.createObjectBuilder().add("signed_curve25519:AAAA0",
                TestKeys.oneTimeKey(alice.userId(), alice.deviceId(), key, false)).build();
        assertError(server.post("/keys/upload", alice, upload(null, clash, null)), 400, "M_INVALID_PARAM");

        // A key signed by another key, or not signed, is refused and nothing of the upload is stored.
        JsonObject forged = Json.createObjectBuilder()
                .add("signed_curve25519:BBBB1", TestKeys.oneTimeKey(alice.userId(), alice.deviceId(), key, false))
                .add("signed_curve25519:BBBB2",
                        TestKeys.oneTimeKey(alice.userId(), alice.deviceId(), TestKeys.newKey(), false)).build();
        assertError(server.post("/keys/upload", alice, upload(null, forged, null)), 400, "M_INVALID_SIGNATURE");
        JsonObject bare = Json.createObjectBuilder().add("signed_curve25519:CCCC1",
                Json.createObjectBuilder().add("key", TestKeys.curve25519())).build();
        assertError(server.post("/keys/upload", alice, upload(null, bare, null)), 400, "M_INVALID_SIGNATURE");

        JsonObject fallback = Json.createObjectBuilder().add("signed_curve25519:FFFF1",
                TestKeys.oneTimeKey(alice.userId(), alice.deviceId(), key, true)).build();
        assertEquals(200, server.post("/keys/upload", alice, upload(null, null, fallback)).status());
        OneTimeKeyCounts counts = keysApi.oneTimeKeyCounts(new DeviceKeysRequest(alice.userId(), alice.deviceId()));
        assertEquals(Map.of("signed_curve25519", 5), counts.oneTimeKeyCounts());
        assertEquals(List.of("signed_curve25519"), counts.unusedFallbackKeyTypes());
    }

    @Test
    void eachOneTimeKeyIsClaimedExactlyOnceUnderConcurrentClaims() throws Exception {
        Session alice = server.newUser("CLAIMDEV", "claims");
        Session bob = server.newUser("BOBDEV", "bob");
        SigningKey key = TestKeys.newKey();
        int keys = 30;
        int claims = 45;
        JsonObjectBuilder otks = Json.createObjectBuilder();
        for (int i = 0; i < keys; i++) {
            otks.add("signed_curve25519:K" + i, TestKeys.oneTimeKey(alice.userId(), alice.deviceId(), key, false));
        }
        JsonObject fallback = Json.createObjectBuilder().add("signed_curve25519:FB",
                TestKeys.oneTimeKey(alice.userId(), alice.deviceId(), key, true)).build();
        assertEquals(200, server.post("/keys/upload", alice,
                upload(TestKeys.deviceKeys(alice.userId(), alice.deviceId(), key), otks.build(), fallback)).status());

        String body = Json.createObjectBuilder().add("one_time_keys", Json.createObjectBuilder()
                .add(alice.userId(), Json.createObjectBuilder().add(alice.deviceId(), "signed_curve25519")))
                .build().toString();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Reply>> replies = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(15)) {
            for (int i = 0; i < claims; i++) {
                replies.add(pool.submit(() -> {
                    go.await();
                    return server.call("POST", KeysServer.V3 + "/keys/claim", bob.token(), body);
                }));
            }
            go.countDown();
        }
        List<String> oneTime = new ArrayList<>();
        int fallbacks = 0;
        for (Future<Reply> future : replies) {
            Reply reply = future.get();
            assertEquals(200, reply.status(), reply.raw());
            JsonObject claimed = reply.json().getJsonObject("one_time_keys").getJsonObject(alice.userId())
                    .getJsonObject(alice.deviceId());
            assertEquals(1, claimed.size(), reply.raw());
            String id = claimed.keySet().iterator().next();
            if (id.equals("signed_curve25519:FB")) {
                assertTrue(claimed.getJsonObject(id).getBoolean("fallback"));
                fallbacks++;
            } else {
                oneTime.add(id);
            }
        }
        assertEquals(keys, oneTime.size(), "one-time keys handed out: " + oneTime);
        assertEquals(keys, new HashSet<>(oneTime).size(), "a key was handed out twice: " + oneTime);
        assertEquals(claims - keys, fallbacks);
        OneTimeKeyCounts counts = keysApi.oneTimeKeyCounts(new DeviceKeysRequest(alice.userId(), alice.deviceId()));
        assertEquals(Map.of(), counts.oneTimeKeyCounts());
        assertEquals(List.of(), counts.unusedFallbackKeyTypes());

        // Uploading the same fallback key again keeps it used; a new one is unused.
        server.post("/keys/upload", alice, upload(null, null, fallback));
        assertEquals(List.of(), keysApi.oneTimeKeyCounts(new DeviceKeysRequest(alice.userId(), alice.deviceId()))
                .unusedFallbackKeyTypes());
        JsonObject newFallback = Json.createObjectBuilder().add("signed_curve25519:FB2",
                TestKeys.oneTimeKey(alice.userId(), alice.deviceId(), key, true)).build();
        server.post("/keys/upload", alice, upload(null, null, newFallback));
        assertEquals(List.of("signed_curve25519"), keysApi.oneTimeKeyCounts(
                new DeviceKeysRequest(alice.userId(), alice.deviceId())).unusedFallbackKeyTypes());
    }

    @Test
    void concurrentClaimsOfSeveralDevicesInEitherOrderHandOutEachKeyOnce() throws Exception {
        Session bob = server.newUser("BOBCLAIMS", "bob");
        List<Session> devices = new ArrayList<>();
        Session first = server.newUser("MULTI1", "one");
        devices.add(first);
        devices.add(server.login(first, "MULTI2", "two"));
        int keys = 12;
        for (Session device : devices) {
            SigningKey key = TestKeys.newKey();
            JsonObjectBuilder otks = Json.createObjectBuilder();
            for (int i = 0; i < keys; i++) {
                otks.add("signed_curve25519:" + device.deviceId() + "_" + i,
                        TestKeys.oneTimeKey(device.userId(), device.deviceId(), key, false));
            }
            assertEquals(200, server.post("/keys/upload", device, upload(TestKeys.deviceKeys(device.userId(),
                    device.deviceId(), key), otks.build(), null)).status());
        }
        String forward = Json.createObjectBuilder().add("one_time_keys", Json.createObjectBuilder()
                .add(first.userId(), Json.createObjectBuilder().add("MULTI1", "signed_curve25519")
                        .add("MULTI2", "signed_curve25519"))).build().toString();
        String backward = Json.createObjectBuilder().add("one_time_keys", Json.createObjectBuilder()
                .add(first.userId(), Json.createObjectBuilder().add("MULTI2", "signed_curve25519")
                        .add("MULTI1", "signed_curve25519"))).build().toString();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Reply>> replies = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(12)) {
            for (int i = 0; i < keys; i++) {
                String body = i % 2 == 0 ? forward : backward;
                replies.add(pool.submit(() -> {
                    go.await();
                    return server.call("POST", KeysServer.V3 + "/keys/claim", bob.token(), body);
                }));
            }
            go.countDown();
        }
        Set<String> handedOut = new HashSet<>();
        for (Future<Reply> future : replies) {
            Reply reply = future.get();
            assertEquals(200, reply.status(), reply.raw());
            JsonObject byDevice = reply.json().getJsonObject("one_time_keys").getJsonObject(first.userId());
            assertEquals(2, byDevice.size(), reply.raw());
            for (String device : byDevice.keySet()) {
                assertTrue(handedOut.addAll(byDevice.getJsonObject(device).keySet()),
                        "handed out twice: " + reply.raw());
            }
        }
        assertEquals(2 * keys, handedOut.size());
    }

    @Test
    void claimsGoInUploadOrderAndSkipUnknownDevices() throws Exception {
        Session alice = server.newUser("ORDERDEV", "order");
        SigningKey key = TestKeys.newKey();
        server.post("/keys/upload", alice, upload(TestKeys.deviceKeys(alice.userId(), alice.deviceId(), key),
                Json.createObjectBuilder().add("signed_curve25519:first",
                        TestKeys.oneTimeKey(alice.userId(), alice.deviceId(), key, false)).build(), null));
        server.post("/keys/upload", alice, upload(null, Json.createObjectBuilder().add("signed_curve25519:second",
                TestKeys.oneTimeKey(alice.userId(), alice.deviceId(), key, false)).build(), null));
        JsonObject body = Json.createObjectBuilder().add("one_time_keys", Json.createObjectBuilder()
                .add(alice.userId(), Json.createObjectBuilder().add(alice.deviceId(), "signed_curve25519")
                        .add("NOSUCHDEVICE", "signed_curve25519"))).build();
        Reply first = server.post("/keys/claim", alice, body);
        JsonObject devices = first.json().getJsonObject("one_time_keys").getJsonObject(alice.userId());
        assertTrue(devices.getJsonObject(alice.deviceId()).containsKey("signed_curve25519:first"), first.raw());
        assertFalse(devices.containsKey("NOSUCHDEVICE"));
        Reply second = server.post("/keys/claim", alice, body);
        assertTrue(second.json().getJsonObject("one_time_keys").getJsonObject(alice.userId())
                .getJsonObject(alice.deviceId()).containsKey("signed_curve25519:second"), second.raw());
        Reply none = server.post("/keys/claim", alice, body);
        assertEquals(Json.createObjectBuilder().build(), none.json().getJsonObject("one_time_keys"), none.raw());
        assertNull(none.json().getJsonObject("failures").get("test.local"));
    }

    @Test
    void malformedUserIdsAreLeftOutOfQueriesAndClaims() throws Exception {
        Session alice = server.newUser("BADIDS", "bad ids");
        SigningKey key = TestKeys.newKey();
        server.post("/keys/upload", alice, upload(TestKeys.deviceKeys(alice.userId(), alice.deviceId(), key),
                Json.createObjectBuilder().add("signed_curve25519:k",
                        TestKeys.oneTimeKey(alice.userId(), alice.deviceId(), key, false)).build(), null));
        List<String> bad = List.of("not-a-user", "@nocolon", "@trailing:", "@:test.local");

        JsonObjectBuilder wanted = Json.createObjectBuilder().add(alice.userId(), Json.createArrayBuilder());
        bad.forEach(id -> wanted.add(id, Json.createArrayBuilder()));
        Reply query = server.post("/keys/query", alice, Json.createObjectBuilder().add("device_keys", wanted).build());
        assertEquals(200, query.status(), query.raw());
        assertEquals(Set.of(alice.userId()), query.json().getJsonObject("device_keys").keySet(), query.raw());
        assertTrue(query.json().getJsonObject("device_keys").getJsonObject(alice.userId())
                .containsKey(alice.deviceId()), query.raw());
        assertEquals(Json.createObjectBuilder().build(), query.json().getJsonObject("failures"), query.raw());

        JsonObjectBuilder claims = Json.createObjectBuilder().add(alice.userId(), Json.createObjectBuilder()
                .add(alice.deviceId(), "signed_curve25519"));
        bad.forEach(id -> claims.add(id, Json.createObjectBuilder().add("D", "signed_curve25519")));
        Reply claim = server.post("/keys/claim", alice, Json.createObjectBuilder().add("one_time_keys", claims)
                .build());
        assertEquals(200, claim.status(), claim.raw());
        assertEquals(Set.of(alice.userId()), claim.json().getJsonObject("one_time_keys").keySet(), claim.raw());
        assertEquals(Json.createObjectBuilder().build(), claim.json().getJsonObject("failures"), claim.raw());
    }

    @Test
    void deletingADeviceDeletesItsKeys() throws Exception {
        Session alice = server.newUser("GONE", "soon gone");
        Session other = server.login(alice, "STAYS", "stays");
        SigningKey key = TestKeys.newKey();
        server.post("/keys/upload", alice, upload(TestKeys.deviceKeys(alice.userId(), alice.deviceId(), key),
                Json.createObjectBuilder().add("signed_curve25519:x",
                        TestKeys.oneTimeKey(alice.userId(), alice.deviceId(), key, false)).build(), null));

        Reply challenge = server.call("DELETE", KeysServer.V3 + "/devices/GONE", other.token(), "{}");
        assertEquals(401, challenge.status(), challenge.raw());
        String auth = "{\"auth\":{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\""
                + alice.localpart() + "\"},\"password\":\"" + alice.password() + "\",\"session\":\""
                + challenge.string("session") + "\"}}";
        assertEquals(200, server.call("DELETE", KeysServer.V3 + "/devices/GONE", other.token(), auth).status());

        DeviceKeysRequest gone = new DeviceKeysRequest(alice.userId(), "GONE");
        await("the deleted device's one-time keys to go", () -> keysApi.oneTimeKeyCounts(gone).oneTimeKeyCounts()
                .isEmpty());
        Reply reply = server.post("/keys/query", other, query(alice.userId()));
        assertFalse(reply.json().getJsonObject("device_keys").getJsonObject(alice.userId()).containsKey("GONE"));
    }
}
