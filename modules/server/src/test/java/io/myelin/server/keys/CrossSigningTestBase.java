package io.myelin.server.keys;

import static io.myelin.server.keys.KeysServer.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.myelin.api.keys.DeviceListChange;
import io.myelin.protocol.crypto.SigningKey;
import io.myelin.server.TestHomeserver.Reply;
import io.myelin.server.keys.KeysServer.Session;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * Cross-signing keys and signatures over real HTTP with keys made and signed by the test, run once per database by
 * the subclasses.
 */
abstract class CrossSigningTestBase extends E2eTestBase {

    /** A user with a device that uploaded keys, and the user's three cross-signing keys, not yet uploaded. */
    record Person(Session session, SigningKey device, SigningKey master, SigningKey selfSigning,
                  SigningKey userSigning) {
        String userId() {
            return session.userId();
        }

        JsonObject allKeys() {
            return Json.createObjectBuilder()
                    .add("master_key", TestKeys.crossSigningKey(userId(), "master", master))
                    .add("self_signing_key", TestKeys.signedByMaster(userId(), "self_signing", selfSigning, master))
                    .add("user_signing_key", TestKeys.signedByMaster(userId(), "user_signing", userSigning, master))
                    .build();
        }
    }

    Person person(String deviceId) throws Exception {
        Session session = server.newUser(deviceId, deviceId + " name");
        SigningKey device = TestKeys.newKey();
        Reply reply = server.post("/keys/upload", session,
                upload(TestKeys.deviceKeys(session.userId(), session.deviceId(), device), null, null));
        assertEquals(200, reply.status(), reply.raw());
        return new Person(session, device, TestKeys.newKey(), TestKeys.newKey(), TestKeys.newKey());
    }

    Reply uploadSigning(Person p, JsonObject body) throws Exception {
        return server.post("/keys/device_signing/upload", p.session(), body);
    }

    static String pub(SigningKey key) {
        return TestKeys.publicKey(key);
    }

    @Test
    void firstUploadNeedsNoAuthAndQueryShowsTheKeys() throws Exception {
        Person alice = person("XALICE");
        Session bob = server.newUser("XBOB", "bob");
        Reply reply = uploadSigning(alice, alice.allKeys());
        assertEquals(200, reply.status(), reply.raw());
        await("the cross-signing change", () -> changes.contains(new DeviceListChange(alice.userId(), null,
                DeviceListChange.CROSS_SIGNING)));

        Reply own = server.post("/keys/query", alice.session(), query(alice.userId()));
        assertEquals(pub(alice.master()), keyOf(own, "master_keys", alice.userId()));
        assertEquals(pub(alice.selfSigning()), keyOf(own, "self_signing_keys", alice.userId()));
        assertEquals(pub(alice.userSigning()), keyOf(own, "user_signing_keys", alice.userId()));

        Reply theirs = server.post("/keys/query", bob, query(alice.userId()));
        assertEquals(pub(alice.master()), keyOf(theirs, "master_keys", alice.userId()));
        assertEquals(pub(alice.selfSigning()), keyOf(theirs, "self_signing_keys", alice.userId()));
        assertFalse(theirs.json().getJsonObject("user_signing_keys").containsKey(alice.userId()), theirs.raw());

        // The same keys again are an idempotent retry, not a replacement.
        assertEquals(200, uploadSigning(alice, alice.allKeys()).status());
    }

    @Test
    void replacingTheMasterKeyNeedsThePassword() throws Exception {
        Person alice = person("RALICE");
        assertEquals(200, uploadSigning(alice, alice.allKeys()).status());
        SigningKey newMaster = TestKeys.newKey();
        SigningKey newSelf = TestKeys.newKey();
        JsonObject replacement = Json.createObjectBuilder()
                .add("master_key", TestKeys.crossSigningKey(alice.userId(), "master", newMaster))
                .add("self_signing_key", TestKeys.signedByMaster(alice.userId(), "self_signing", newSelf, newMaster))
                .build();

        Reply challenge = uploadSigning(alice, replacement);
        assertEquals(401, challenge.status(), challenge.raw());
        assertEquals("m.login.password", challenge.json().getJsonArray("flows").getJsonObject(0)
                .getJsonArray("stages").getString(0));
        Reply query = server.post("/keys/query", alice.session(), query(alice.userId()));
        assertEquals(pub(alice.master()), keyOf(query, "master_keys", alice.userId()));

        JsonObject withAuth = Json.createObjectBuilder(replacement).add("auth", Json.createObjectBuilder()
                .add("type", "m.login.password").add("identifier", Json.createObjectBuilder()
                        .add("type", "m.id.user").add("user", alice.session().localpart()))
                .add("password", alice.session().password()).add("session", challenge.string("session"))).build();
        Reply done = uploadSigning(alice, withAuth);
        assertEquals(200, done.status(), done.raw());
        query = server.post("/keys/query", alice.session(), query(alice.userId()));
        assertEquals(pub(newMaster), keyOf(query, "master_keys", alice.userId()));
        assertEquals(pub(newSelf), keyOf(query, "self_signing_keys", alice.userId()));
        // The old user-signing key was signed by the old master key and is gone with it.
        assertFalse(query.json().getJsonObject("user_signing_keys").containsKey(alice.userId()), query.raw());
    }

    @Test
    void ofConcurrentFirstUploadsExactlyOneSucceedsWithoutAuthentication() throws Exception {
        for (int round = 0; round < 3; round++) {
            Person alice = person("CALICE" + round);
            List<Person> rivals = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                rivals.add(new Person(alice.session(), alice.device(), TestKeys.newKey(), TestKeys.newKey(),
                        TestKeys.newKey()));
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Reply>> replies = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(rivals.size())) {
                for (Person rival : rivals) {
                    replies.add(pool.submit(() -> {
                        go.await();
                        return uploadSigning(rival, rival.allKeys());
                    }));
                }
                go.countDown();
            }
            List<Person> stored = new ArrayList<>();
            for (int i = 0; i < rivals.size(); i++) {
                Reply reply = replies.get(i).get();
                if (reply.status() == 200) {
                    stored.add(rivals.get(i));
                } else {
                    // Later uploads replace keys, so they need authentication; one that raced the first is told
                    // to try again.
                    assertTrue(reply.status() == 401 || reply.status() == 409, reply.raw());
                }
            }
            assertEquals(1, stored.size(), "round " + round + ": uploads that succeeded");
            Reply query = server.post("/keys/query", alice.session(), query(alice.userId()));
            assertEquals(pub(stored.getFirst().master()), keyOf(query, "master_keys", alice.userId()));
            assertEquals(pub(stored.getFirst().selfSigning()), keyOf(query, "self_signing_keys", alice.userId()));
        }
    }

    @Test
    void subkeysMustBeSignedByTheMasterKeyAndWellFormed() throws Exception {
        Person alice = person("BALICE");
        SigningKey stranger = TestKeys.newKey();
        JsonObject badSelf = Json.createObjectBuilder()
                .add("master_key", TestKeys.crossSigningKey(alice.userId(), "master", alice.master()))
                .add("self_signing_key", TestKeys.sign(TestKeys.crossSigningKey(alice.userId(), "self_signing",
                        alice.selfSigning()), alice.userId(), "ed25519:" + pub(alice.master()), stranger)).build();
        assertError(uploadSigning(alice, badSelf), 400, "M_INVALID_SIGNATURE");

        JsonObject noMaster = Json.createObjectBuilder().add("self_signing_key",
                TestKeys.signedByMaster(alice.userId(), "self_signing", alice.selfSigning(), alice.master())).build();
        assertError(uploadSigning(alice, noMaster), 400, "M_MISSING_PARAM");

        JsonObject wrongUsage = Json.createObjectBuilder().add("master_key",
                TestKeys.crossSigningKey(alice.userId(), "self_signing", alice.master())).build();
        assertError(uploadSigning(alice, wrongUsage), 400, "M_INVALID_PARAM");
        JsonObject wrongUser = Json.createObjectBuilder().add("master_key",
                TestKeys.crossSigningKey("@bob:test.local", "master", alice.master())).build();
        assertError(uploadSigning(alice, wrongUser), 400, "M_INVALID_PARAM");

        // Nothing of the refused uploads was stored, so a good first upload still needs no password.
        assertEquals(200, uploadSigning(alice, alice.allKeys()).status());
    }

    @Test
    void signaturesAreCheckedAndMergedIntoQueries() throws Exception {
        Person alice = person("SALICE");
        Person bob = person("SBOB");
        Person carol = person("SCAROL");
        assertEquals(200, uploadSigning(alice, alice.allKeys()).status());
        assertEquals(200, uploadSigning(bob, bob.allKeys()).status());

        // Alice's self-signing key signs her device; a forged signature fails alone.
        JsonObject device = server.post("/keys/query", alice.session(), query(alice.userId())).json()
                .getJsonObject("device_keys").getJsonObject(alice.userId()).getJsonObject("SALICE");
        JsonObject deviceOnly = Json.createObjectBuilder(device).remove("unsigned").remove("signatures").build();
        JsonObject signedDevice = TestKeys.sign(deviceOnly, alice.userId(), "ed25519:" + pub(alice.selfSigning()),
                alice.selfSigning());
        JsonObject masterOnly = TestKeys.crossSigningKey(alice.userId(), "master", alice.master());
        JsonObject forgedMaster = TestKeys.sign(masterOnly, alice.userId(), "ed25519:SALICE", TestKeys.newKey());
        JsonObject body = Json.createObjectBuilder().add(alice.userId(), Json.createObjectBuilder()
                .add("SALICE", signedDevice).add(pub(alice.master()), forgedMaster)).build();
        Reply reply = server.post("/keys/signatures/upload", alice.session(), body);
        assertEquals(200, reply.status(), reply.raw());
        JsonObject failures = reply.json().getJsonObject("failures").getJsonObject(alice.userId());
        assertEquals("M_INVALID_SIGNATURE", failures.getJsonObject(pub(alice.master())).getString("errcode"));
        assertFalse(failures.containsKey("SALICE"), reply.raw());

        JsonObject queried = server.post("/keys/query", carol.session(), query(alice.userId())).json()
                .getJsonObject("device_keys").getJsonObject(alice.userId()).getJsonObject("SALICE");
        JsonObject sigs = queried.getJsonObject("signatures").getJsonObject(alice.userId());
        assertTrue(sigs.containsKey("ed25519:SALICE"), queried.toString());
        String selfSigningId = "ed25519:" + pub(alice.selfSigning());
        assertEquals(signedDevice.getJsonObject("signatures").getJsonObject(alice.userId()).getString(selfSigningId),
                sigs.getString(selfSigningId));

        // The device signs the master key for real.
        JsonObject realMaster = TestKeys.sign(masterOnly, alice.userId(), "ed25519:SALICE", alice.device());
        reply = server.post("/keys/signatures/upload", alice.session(), Json.createObjectBuilder()
                .add(alice.userId(), Json.createObjectBuilder().add(pub(alice.master()), realMaster)).build());
        assertEquals(Json.createObjectBuilder().build(), reply.json().getJsonObject("failures"), reply.raw());

        // Bob's user-signing key signs Alice's master key: Bob sees the signature, Carol does not.
        JsonObject bobSigns = TestKeys.sign(masterOnly, bob.userId(), "ed25519:" + pub(bob.userSigning()),
                bob.userSigning());
        JsonObject forgedByBob = TestKeys.sign(masterOnly, bob.userId(), "ed25519:" + pub(bob.userSigning()),
                bob.selfSigning());
        reply = server.post("/keys/signatures/upload", bob.session(), Json.createObjectBuilder()
                .add(alice.userId(), Json.createObjectBuilder().add(pub(alice.master()), forgedByBob)).build());
        assertEquals("M_INVALID_SIGNATURE", reply.json().getJsonObject("failures").getJsonObject(alice.userId())
                .getJsonObject(pub(alice.master())).getString("errcode"), reply.raw());
        reply = server.post("/keys/signatures/upload", bob.session(), Json.createObjectBuilder()
                .add(alice.userId(), Json.createObjectBuilder().add(pub(alice.master()), bobSigns)).build());
        assertEquals(Json.createObjectBuilder().build(), reply.json().getJsonObject("failures"), reply.raw());

        JsonObject seenByBob = server.post("/keys/query", bob.session(), query(alice.userId())).json()
                .getJsonObject("master_keys").getJsonObject(alice.userId()).getJsonObject("signatures");
        assertTrue(seenByBob.getJsonObject(bob.userId()).containsKey("ed25519:" + pub(bob.userSigning())));
        assertTrue(seenByBob.getJsonObject(alice.userId()).containsKey("ed25519:SALICE"), seenByBob.toString());
        JsonObject seenByCarol = server.post("/keys/query", carol.session(), query(alice.userId())).json()
                .getJsonObject("master_keys").getJsonObject(alice.userId()).getJsonObject("signatures");
        assertFalse(seenByCarol.containsKey(bob.userId()), seenByCarol.toString());
        JsonObject seenByAlice = server.post("/keys/query", alice.session(), query(alice.userId())).json()
                .getJsonObject("master_keys").getJsonObject(alice.userId()).getJsonObject("signatures");
        assertFalse(seenByAlice.containsKey(bob.userId()), seenByAlice.toString());

        // Signing content that is not the stored key, or an unknown key, fails.
        JsonObject otherContent = TestKeys.sign(TestKeys.crossSigningKey(alice.userId(), "master", TestKeys.newKey()),
                bob.userId(), "ed25519:" + pub(bob.userSigning()), bob.userSigning());
        reply = server.post("/keys/signatures/upload", bob.session(), Json.createObjectBuilder()
                .add(alice.userId(), Json.createObjectBuilder().add(pub(alice.master()), otherContent)
                        .add("nosuchkey", bobSigns)).build());
        JsonObject bobFailures = reply.json().getJsonObject("failures").getJsonObject(alice.userId());
        assertEquals("M_INVALID_PARAM", bobFailures.getJsonObject(pub(alice.master())).getString("errcode"));
        assertEquals("M_NOT_FOUND", bobFailures.getJsonObject("nosuchkey").getString("errcode"));
    }

    @Test
    void reUploadingTheMasterKeyWithSignaturesOfDeletedDevicesSucceeds() throws Exception {
        Person alice = person("MALICE");
        assertEquals(200, uploadSigning(alice, alice.allKeys()).status());
        Session tablet = server.login(alice.session(), "MTABLET", "tablet");
        SigningKey tabletKey = TestKeys.newKey();
        assertEquals(200, server.post("/keys/upload", tablet,
                upload(TestKeys.deviceKeys(alice.userId(), "MTABLET", tabletKey), null, null)).status());
        JsonObject masterOnly = TestKeys.crossSigningKey(alice.userId(), "master", alice.master());
        Reply reply = server.post("/keys/signatures/upload", tablet, signaturesOf(alice, TestKeys.sign(masterOnly,
                alice.userId(), "ed25519:MTABLET", tabletKey)));
        assertEquals(Json.createObjectBuilder().build(), reply.json().getJsonObject("failures"), reply.raw());

        assertTrue(ownMasterSignatures(alice).containsKey("ed25519:MTABLET"));

        // The tablet is deleted; its device keys go and so does its signature of the master key.
        deleteDevice(alice, "MTABLET");
        await("the tablet's keys to go", () -> !deviceKeysOf(alice).containsKey("MTABLET"));
        await("the tablet's signature to go", () -> !ownMasterSignatures(alice).containsKey("ed25519:MTABLET"));

        // The phone signs the master key as it queried it before, which carries the tablet's signature, and one of
        // a device this server never knew.
        JsonObject cached = TestKeys.sign(masterKeyOf(alice), alice.userId(), "ed25519:MTABLET", tabletKey);
        JsonObject resigned = TestKeys.sign(TestKeys.sign(cached, alice.userId(), "ed25519:MALICE", alice.device()),
                alice.userId(), "ed25519:NEVERSEEN", TestKeys.newKey());
        reply = server.post("/keys/signatures/upload", alice.session(), signaturesOf(alice, resigned));
        assertEquals(Json.createObjectBuilder().build(), reply.json().getJsonObject("failures"), reply.raw());
        JsonObject signatures = masterKeyOf(alice).getJsonObject("signatures").getJsonObject(alice.userId());
        assertTrue(signatures.containsKey("ed25519:MALICE"), signatures.toString());
        assertFalse(signatures.containsKey("ed25519:NEVERSEEN"), signatures.toString());
        assertFalse(signatures.containsKey("ed25519:MTABLET"), signatures.toString());

        // The same upload again holds nothing new and succeeds; the phone's own signature is still checked.
        reply = server.post("/keys/signatures/upload", alice.session(), signaturesOf(alice, resigned));
        assertEquals(Json.createObjectBuilder().build(), reply.json().getJsonObject("failures"), reply.raw());
        JsonObject forged = TestKeys.sign(masterOnly, alice.userId(), "ed25519:MALICE", TestKeys.newKey());
        reply = server.post("/keys/signatures/upload", alice.session(), signaturesOf(alice, forged));
        assertEquals("M_INVALID_SIGNATURE", reply.json().getJsonObject("failures").getJsonObject(alice.userId())
                .getJsonObject(pub(alice.master())).getString("errcode"), reply.raw());
    }

    @Test
    void aDeletedDevicesSignatureUploadedWithTheMasterKeyGoes() throws Exception {
        Person alice = person("WALICE");
        Session tablet = server.login(alice.session(), "WTABLET", "tablet");
        SigningKey tabletKey = TestKeys.newKey();
        assertEquals(200, server.post("/keys/upload", tablet,
                upload(TestKeys.deviceKeys(alice.userId(), "WTABLET", tabletKey), null, null)).status());
        JsonObject master = TestKeys.sign(TestKeys.sign(TestKeys.crossSigningKey(alice.userId(), "master",
                alice.master()), alice.userId(), "ed25519:WTABLET", tabletKey), alice.userId(), "ed25519:WALICE",
                alice.device());
        assertEquals(200, uploadSigning(alice, Json.createObjectBuilder(alice.allKeys()).add("master_key", master)
                .build()).status());
        assertTrue(ownMasterSignatures(alice).containsKey("ed25519:WTABLET"));

        deleteDevice(alice, "WTABLET");
        await("the tablet's signature to go", () -> !ownMasterSignatures(alice).containsKey("ed25519:WTABLET"));
        assertTrue(ownMasterSignatures(alice).containsKey("ed25519:WALICE"), ownMasterSignatures(alice).toString());

        // The key is the same key: uploading it again is still an idempotent retry, needing no password.
        assertEquals(200, uploadSigning(alice, alice.allKeys()).status());
    }

    private void deleteDevice(Person owner, String deviceId) throws Exception {
        String path = KeysServer.V3 + "/devices/" + deviceId;
        Reply challenge = server.call("DELETE", path, owner.session().token(), "{}");
        String auth = "{\"auth\":{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\","
                + "\"user\":\"" + owner.session().localpart() + "\"},\"password\":\"" + owner.session().password()
                + "\",\"session\":\"" + challenge.string("session") + "\"}}";
        assertEquals(200, server.call("DELETE", path, owner.session().token(), auth).status());
    }

    private static JsonObject signaturesOf(Person owner, JsonObject signedMaster) {
        return Json.createObjectBuilder().add(owner.userId(), Json.createObjectBuilder()
                .add(pub(owner.master()), signedMaster)).build();
    }

    private JsonObject masterKeyOf(Person owner) throws Exception {
        return server.post("/keys/query", owner.session(), query(owner.userId())).json().getJsonObject("master_keys")
                .getJsonObject(owner.userId());
    }

    /** The owner's own signatures of their master key as they query it. */
    private JsonObject ownMasterSignatures(Person owner) {
        try {
            JsonObject master = masterKeyOf(owner);
            return master.containsKey("signatures") && master.getJsonObject("signatures").containsKey(owner.userId())
                    ? master.getJsonObject("signatures").getJsonObject(owner.userId())
                    : Json.createObjectBuilder().build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonObject deviceKeysOf(Person owner) {
        try {
            return server.post("/keys/query", owner.session(), query(owner.userId())).json()
                    .getJsonObject("device_keys").getJsonObject(owner.userId());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aUserSigningSignatureIsAnnouncedForTheSignerOnly() throws Exception {
        Person alice = person("UALICE");
        Person bob = person("UBOB");
        assertEquals(200, uploadSigning(alice, alice.allKeys()).status());
        assertEquals(200, uploadSigning(bob, bob.allKeys()).status());
        DeviceListChange bobs = new DeviceListChange(bob.userId(), null, DeviceListChange.CROSS_SIGNING);
        DeviceListChange alices = new DeviceListChange(alice.userId(), null, DeviceListChange.CROSS_SIGNING);
        await("the uploads' changes", () -> changes.contains(bobs) && changes.contains(alices));
        long bobsBefore = changes.stream().filter(bobs::equals).count();
        long alicesBefore = changes.stream().filter(alices::equals).count();

        JsonObject masterOnly = TestKeys.crossSigningKey(alice.userId(), "master", alice.master());
        JsonObject bobSigns = TestKeys.sign(masterOnly, bob.userId(), "ed25519:" + pub(bob.userSigning()),
                bob.userSigning());
        Reply reply = server.post("/keys/signatures/upload", bob.session(), Json.createObjectBuilder()
                .add(alice.userId(), Json.createObjectBuilder().add(pub(alice.master()), bobSigns)).build());
        assertEquals(Json.createObjectBuilder().build(), reply.json().getJsonObject("failures"), reply.raw());
        await("a change of the signer", () -> changes.stream().filter(bobs::equals).count() > bobsBefore);

        // Alice sees nothing new on her key, so she is not told; a later change of hers arrives alone.
        Session tablet = server.login(alice.session(), "UTABLET", "tablet");
        assertEquals(200, server.post("/keys/upload", tablet,
                upload(TestKeys.deviceKeys(alice.userId(), "UTABLET", TestKeys.newKey()), null, null)).status());
        DeviceListChange marker = new DeviceListChange(alice.userId(), "UTABLET", DeviceListChange.DEVICE_KEYS);
        await("the later change", () -> changes.contains(marker));
        assertEquals(alicesBefore, changes.stream().filter(alices::equals).count());
    }

    @Test
    void signaturesOfAReplacedKeyAreDropped() throws Exception {
        Person alice = person("OALICE");
        Person bob = person("OBOB");
        assertEquals(200, uploadSigning(alice, alice.allKeys()).status());
        assertEquals(200, uploadSigning(bob, bob.allKeys()).status());
        String oldSelfSigning = "ed25519:" + pub(alice.selfSigning());
        String oldUserSigning = "ed25519:" + pub(bob.userSigning());

        // Alice's self-signing key signs her device; Bob's user-signing key signs Alice's master key.
        JsonObject device = server.post("/keys/query", alice.session(), query(alice.userId())).json()
                .getJsonObject("device_keys").getJsonObject(alice.userId()).getJsonObject("OALICE");
        JsonObject deviceOnly = Json.createObjectBuilder(device).remove("unsigned").remove("signatures").build();
        JsonObject masterOnly = TestKeys.crossSigningKey(alice.userId(), "master", alice.master());
        Reply reply = server.post("/keys/signatures/upload", alice.session(), Json.createObjectBuilder()
                .add(alice.userId(), Json.createObjectBuilder().add("OALICE", TestKeys.sign(deviceOnly,
                        alice.userId(), oldSelfSigning, alice.selfSigning()))).build());
        assertEquals(Json.createObjectBuilder().build(), reply.json().getJsonObject("failures"), reply.raw());
        reply = server.post("/keys/signatures/upload", bob.session(), Json.createObjectBuilder()
                .add(alice.userId(), Json.createObjectBuilder().add(pub(alice.master()), TestKeys.sign(masterOnly,
                        bob.userId(), oldUserSigning, bob.userSigning()))).build());
        assertEquals(Json.createObjectBuilder().build(), reply.json().getJsonObject("failures"), reply.raw());
        assertTrue(deviceSignatures(alice, alice).containsKey(oldSelfSigning));
        assertTrue(masterSignatures(bob, alice).getJsonObject(bob.userId()).containsKey(oldUserSigning));

        // Each replaces that key; what the old one signed is no longer signed.
        SigningKey newSelfSigning = TestKeys.newKey();
        assertEquals(200, uploadWithPassword(alice, Json.createObjectBuilder().add("self_signing_key",
                TestKeys.signedByMaster(alice.userId(), "self_signing", newSelfSigning, alice.master())).build())
                .status());
        assertFalse(deviceSignatures(alice, alice).containsKey(oldSelfSigning));
        SigningKey newUserSigning = TestKeys.newKey();
        assertEquals(200, uploadWithPassword(bob, Json.createObjectBuilder().add("user_signing_key",
                TestKeys.signedByMaster(bob.userId(), "user_signing", newUserSigning, bob.master())).build())
                .status());
        assertFalse(masterSignatures(bob, alice).containsKey(bob.userId()), masterSignatures(bob, alice).toString());
    }

    @Test
    void aSignatureByAReplacedKeyIsRefused() throws Exception {
        Person alice = person("KALICE");
        Person bob = person("KBOB");
        assertEquals(200, uploadSigning(alice, alice.allKeys()).status());
        assertEquals(200, uploadSigning(bob, bob.allKeys()).status());

        // Bob replaces his user-signing key; a signature by the old one is refused and not stored.
        SigningKey old = bob.userSigning();
        SigningKey current = TestKeys.newKey();
        assertEquals(200, uploadWithPassword(bob, userSigningKey(bob, current)).status());
        Reply reply = server.post("/keys/signatures/upload", bob.session(), signatureBy(bob, old, alice));
        assertEquals("M_INVALID_SIGNATURE", reply.json().getJsonObject("failures").getJsonObject(alice.userId())
                .getJsonObject(pub(alice.master())).getString("errcode"), reply.raw());
        assertFalse(masterSignatures(bob, alice).containsKey(bob.userId()), masterSignatures(bob, alice).toString());

        // A signature racing the replacement of the key that made it is either refused or deleted by the
        // replacement: it never outlives its key.
        for (int round = 0; round < 5; round++) {
            SigningKey next = TestKeys.newKey();
            JsonObject replacement = withPassword(bob, userSigningKey(bob, next));
            JsonObject signature = signatureBy(bob, current, alice);
            CountDownLatch go = new CountDownLatch(1);
            Future<Reply> signed;
            Future<Reply> replaced;
            try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
                signed = pool.submit(() -> {
                    go.await();
                    return server.post("/keys/signatures/upload", bob.session(), signature);
                });
                replaced = pool.submit(() -> {
                    go.await();
                    return uploadSigning(bob, replacement);
                });
                go.countDown();
            }
            assertEquals(200, signed.get().status(), signed.get().raw());
            assertEquals(200, replaced.get().status(), replaced.get().raw());
            JsonObject seen = masterSignatures(bob, alice);
            assertFalse(seen.containsKey(bob.userId()) && seen.getJsonObject(bob.userId())
                    .containsKey("ed25519:" + pub(current)), "round " + round + ": " + seen);
            current = next;
        }
    }

    private static JsonObject userSigningKey(Person p, SigningKey key) {
        return Json.createObjectBuilder().add("user_signing_key",
                TestKeys.signedByMaster(p.userId(), "user_signing", key, p.master())).build();
    }

    private static JsonObject signatureBy(Person signer, SigningKey userSigning, Person owner) {
        JsonObject signed = TestKeys.sign(TestKeys.crossSigningKey(owner.userId(), "master", owner.master()),
                signer.userId(), "ed25519:" + pub(userSigning), userSigning);
        return Json.createObjectBuilder().add(owner.userId(), Json.createObjectBuilder()
                .add(pub(owner.master()), signed)).build();
    }

    /** The body with the password stage of user-interactive authentication completed for it. */
    private JsonObject withPassword(Person p, JsonObject body) throws Exception {
        Reply challenge = uploadSigning(p, body);
        assertEquals(401, challenge.status(), challenge.raw());
        return Json.createObjectBuilder(body).add("auth", Json.createObjectBuilder()
                .add("type", "m.login.password").add("identifier", Json.createObjectBuilder()
                        .add("type", "m.id.user").add("user", p.session().localpart()))
                .add("password", p.session().password()).add("session", challenge.string("session"))).build();
    }

    private Reply uploadWithPassword(Person p, JsonObject body) throws Exception {
        return uploadSigning(p, withPassword(p, body));
    }

    private JsonObject deviceSignatures(Person asker, Person owner) throws Exception {
        return server.post("/keys/query", asker.session(), query(owner.userId())).json().getJsonObject("device_keys")
                .getJsonObject(owner.userId()).getJsonObject(owner.session().deviceId()).getJsonObject("signatures")
                .getJsonObject(owner.userId());
    }

    private JsonObject masterSignatures(Person asker, Person owner) throws Exception {
        JsonObject master = server.post("/keys/query", asker.session(), query(owner.userId())).json()
                .getJsonObject("master_keys").getJsonObject(owner.userId());
        return master.containsKey("signatures") ? master.getJsonObject("signatures") : Json.createObjectBuilder()
                .build();
    }

    @Test
    void aKeyMayNotUseADeviceIdAsItsPublicKey() throws Exception {
        Person alice = person("DALICE");
        SigningKey key = TestKeys.newKey();
        server.login(alice.session(), pub(key), "named like a key");
        JsonObject body = Json.createObjectBuilder().add("master_key",
                TestKeys.crossSigningKey(alice.userId(), "master", key)).build();
        assertError(uploadSigning(alice, body), 403, "M_FORBIDDEN");
    }

    static String keyOf(Reply reply, String field, String userId) {
        JsonObject keys = reply.json().getJsonObject(field).getJsonObject(userId).getJsonObject("keys");
        assertEquals(1, keys.size());
        return keys.getString(keys.keySet().iterator().next());
    }
}
