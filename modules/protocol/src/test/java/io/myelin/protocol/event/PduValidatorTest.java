package io.myelin.protocol.event;

import java.util.Map;
import java.util.Optional;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.crypto.KeyLookup;
import io.myelin.protocol.crypto.ServerKey;
import io.myelin.protocol.crypto.SigningKey;
import io.myelin.protocol.json.JsonSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PduValidatorTest {

    static final SigningKey ORIGIN_KEY = SigningKey.generate("origin1");
    static final SigningKey OTHER_KEY = SigningKey.generate("other1");
    static final long TS = 1_700_000_000_000L;

    /** Keys of origin.test and resident.test, valid until {@code validUntil}. */
    static KeyLookup keys(long validUntil) {
        Map<String, SigningKey> byServer = Map.of("origin.test", ORIGIN_KEY, "resident.test", OTHER_KEY);
        return (server, keyId) -> Optional.ofNullable(byServer.get(server))
                .filter(k -> k.keyId().equals(keyId))
                .map(k -> new ServerKey(k.verifyKey(), validUntil));
    }

    static JsonObject unsignedEvent(RoomVersion version, String type, JsonObject content) {
        var builder = JsonSupport.objectBuilder()
                .add("room_id", version.v12Rules() ? "!" + "A".repeat(43) : "!room:origin.test")
                .add("sender", "@alice:origin.test")
                .add("type", type)
                .add("content", content)
                .add("depth", 5)
                .add("origin_server_ts", TS)
                .add("signatures", JsonSupport.objectBuilder());
        if (version.eventFormat() == RoomVersion.EventFormat.V1) {
            builder.add("event_id", "$e1:origin.test")
                    .add("prev_events", JsonSupport.arrayBuilder().add(JsonSupport.arrayBuilder()
                            .add("$p:origin.test").add(JsonSupport.objectBuilder().add("sha256", "x"))))
                    .add("auth_events", JsonSupport.arrayBuilder());
        } else {
            builder.add("prev_events", JsonSupport.arrayBuilder().add("$" + "B".repeat(43)))
                    .add("auth_events", JsonSupport.arrayBuilder());
        }
        return builder.build();
    }

    static JsonObject message(RoomVersion version) {
        return EventSigning.hashAndSign(unsignedEvent(version, "m.room.message",
                JsonSupport.objectBuilder().add("body", "hello").build()), version, "origin.test", ORIGIN_KEY);
    }

    @Test
    void correctlySignedEventIsAcceptedInEveryVersion() {
        for (RoomVersion version : RoomVersion.values()) {
            PduCheck check = PduValidator.check(version, message(version), keys(Long.MAX_VALUE));
            assertEquals(PduCheck.Outcome.ACCEPT, check.outcome(), version + ": " + check.reason());
            assertNull(check.reason());
        }
    }

    @Test
    void contentChangedAfterSigningIsRedacted() {
        JsonObject event = message(RoomVersion.V10);
        JsonObject changed = JsonSupport.objectBuilder(event)
                .add("content", JsonSupport.objectBuilder().add("body", "forged")).build();
        PduCheck check = PduValidator.check(RoomVersion.V10, changed, keys(Long.MAX_VALUE));
        assertEquals(PduCheck.Outcome.REDACT, check.outcome());
        assertTrue(check.pdu().content().isEmpty());
    }

    @Test
    void withoutSignaturesTheFormatHashAndLimitsAreStillChecked() {
        JsonObject event = message(RoomVersion.V10);
        assertEquals(PduCheck.Outcome.ACCEPT, PduValidator.checkWithoutSignatures(RoomVersion.V10, event).outcome());
        // A signature no key could verify: left for whoever has the keys.
        JsonObject badlySigned = JsonSupport.objectBuilder(event).add("signatures", JsonSupport.objectBuilder()
                .add("origin.test", JsonSupport.objectBuilder().add("ed25519:gone", "AAAA"))).build();
        assertEquals(PduCheck.Outcome.DROP, PduValidator.check(RoomVersion.V10, badlySigned, keys(Long.MAX_VALUE))
                .outcome());
        assertEquals(PduCheck.Outcome.ACCEPT, PduValidator.checkWithoutSignatures(RoomVersion.V10, badlySigned)
                .outcome());

        JsonObject changed = JsonSupport.objectBuilder(event)
                .add("content", JsonSupport.objectBuilder().add("body", "forged")).build();
        PduCheck redacted = PduValidator.checkWithoutSignatures(RoomVersion.V10, changed);
        assertEquals(PduCheck.Outcome.REDACT, redacted.outcome());
        assertTrue(redacted.pdu().content().isEmpty());

        JsonObject big = EventSigning.hashAndSign(unsignedEvent(RoomVersion.V10, "m.room.message",
                JsonSupport.objectBuilder().add("body", "x".repeat(70_000)).build()), RoomVersion.V10,
                "origin.test", ORIGIN_KEY);
        assertEquals(PduCheck.Outcome.REJECT, PduValidator.checkWithoutSignatures(RoomVersion.V10, big).outcome());
        assertEquals(PduCheck.Outcome.DROP, PduValidator.checkWithoutSignatures(RoomVersion.V10,
                JsonSupport.objectBuilder(event).remove("sender").build()).outcome());
    }

    @Test
    void protectedFieldChangedAfterSigningIsDropped() {
        JsonObject changed = JsonSupport.objectBuilder(message(RoomVersion.V10)).add("depth", 6).build();
        PduCheck check = PduValidator.check(RoomVersion.V10, changed, keys(Long.MAX_VALUE));
        assertEquals(PduCheck.Outcome.DROP, check.outcome());
        assertNull(check.pdu());
    }

    @Test
    void unsignedOrUnknownKeyEventIsDropped() {
        JsonObject unsigned = EventHashes.withContentHash(unsignedEvent(RoomVersion.V10, "m.room.message",
                JsonSupport.objectBuilder().build()), RoomVersion.V10);
        assertEquals(PduCheck.Outcome.DROP, PduValidator.check(RoomVersion.V10, unsigned, keys(Long.MAX_VALUE))
                .outcome());
        assertEquals(PduCheck.Outcome.DROP, PduValidator.check(RoomVersion.V10, message(RoomVersion.V10),
                (s, k) -> Optional.empty()).outcome());
    }

    @Test
    void keyExpiredBeforeTheEventCountsFromRoomVersionFive() {
        KeyLookup expired = keys(TS - 1);
        assertEquals(PduCheck.Outcome.ACCEPT, PduValidator.check(RoomVersion.V4, message(RoomVersion.V4), expired)
                .outcome());
        assertEquals(PduCheck.Outcome.DROP, PduValidator.check(RoomVersion.V5, message(RoomVersion.V5), expired)
                .outcome());
        assertEquals(PduCheck.Outcome.ACCEPT, PduValidator.check(RoomVersion.V5, message(RoomVersion.V5), keys(TS))
                .outcome());
    }

    @Test
    void floatsAndUnsafeIntegersAreDroppedFromVersionSix() {
        JsonObject content = JsonSupport.objectBuilder().add("n", 1.5).add("big", 1L << 60).build();
        JsonObject v5 = EventSigning.hashAndSign(unsignedEvent(RoomVersion.V5, "m.room.message", content),
                RoomVersion.V5, "origin.test", ORIGIN_KEY);
        assertEquals(PduCheck.Outcome.ACCEPT, PduValidator.check(RoomVersion.V5, v5, keys(Long.MAX_VALUE)).outcome());
        assertEquals(PduCheck.Outcome.DROP, PduValidator.check(RoomVersion.V6, v5, keys(Long.MAX_VALUE)).outcome());
    }

    @Test
    void tooManyReferencesOrTooLargeEventIsRejected() {
        JsonArrayBuilder prev = JsonSupport.arrayBuilder();
        for (int i = 0; i < 21; i++) {
            prev.add("$" + String.format("%043d", i));
        }
        JsonObject manyPrev = EventSigning.hashAndSign(JsonSupport.objectBuilder(unsignedEvent(RoomVersion.V10,
                "m.room.message", JsonValueOf.empty())).add("prev_events", prev).build(), RoomVersion.V10,
                "origin.test", ORIGIN_KEY);
        PduCheck check = PduValidator.check(RoomVersion.V10, manyPrev, keys(Long.MAX_VALUE));
        assertEquals(PduCheck.Outcome.REJECT, check.outcome());
        assertTrue(check.reason().contains("prev_events"));

        JsonObject big = EventSigning.hashAndSign(unsignedEvent(RoomVersion.V10, "m.room.message",
                JsonSupport.objectBuilder().add("body", "x".repeat(70_000)).build()), RoomVersion.V10,
                "origin.test", ORIGIN_KEY);
        assertEquals(PduCheck.Outcome.REJECT, PduValidator.check(RoomVersion.V10, big, keys(Long.MAX_VALUE))
                .outcome());

        JsonObject longStateKey = EventSigning.hashAndSign(JsonSupport.objectBuilder(unsignedEvent(RoomVersion.V10,
                "m.room.topic", JsonValueOf.empty())).add("state_key", "k".repeat(256)).build(), RoomVersion.V10,
                "origin.test", ORIGIN_KEY);
        assertEquals(PduCheck.Outcome.REJECT, PduValidator.check(RoomVersion.V10, longStateKey,
                keys(Long.MAX_VALUE)).outcome());
    }

    @Test
    void versionOneNeedsTheEventIdServersSignatureToo() {
        JsonObject event = JsonSupport.objectBuilder(unsignedEvent(RoomVersion.V1, "m.room.message",
                JsonValueOf.empty())).add("event_id", "$e1:resident.test").build();
        JsonObject signedByOrigin = EventSigning.hashAndSign(event, RoomVersion.V1, "origin.test", ORIGIN_KEY);
        assertEquals(PduCheck.Outcome.DROP, PduValidator.check(RoomVersion.V1, signedByOrigin,
                keys(Long.MAX_VALUE)).outcome());
        JsonObject both = EventSigning.addSignature(signedByOrigin, RoomVersion.V1, "resident.test", OTHER_KEY);
        assertEquals(PduCheck.Outcome.ACCEPT, PduValidator.check(RoomVersion.V1, both, keys(Long.MAX_VALUE))
                .outcome());
    }

    @Test
    void restrictedJoinNeedsTheAuthorisingServersSignature() {
        JsonObject content = JsonSupport.objectBuilder().add("membership", "join")
                .add("join_authorised_via_users_server", "@bob:resident.test").build();
        JsonObject join = EventSigning.hashAndSign(JsonSupport.objectBuilder(unsignedEvent(RoomVersion.V9,
                "m.room.member", content)).add("state_key", "@alice:origin.test").build(), RoomVersion.V9,
                "origin.test", ORIGIN_KEY);
        assertEquals(PduCheck.Outcome.DROP, PduValidator.check(RoomVersion.V9, join, keys(Long.MAX_VALUE))
                .outcome());
        JsonObject coSigned = EventSigning.addSignature(join, RoomVersion.V9, "resident.test", OTHER_KEY);
        assertEquals(PduCheck.Outcome.ACCEPT, PduValidator.check(RoomVersion.V9, coSigned, keys(Long.MAX_VALUE))
                .outcome());
        Pdu pdu = Pdu.parse(RoomVersion.V9, coSigned);
        assertTrue(PduValidator.isSignedBy(pdu, "resident.test", keys(Long.MAX_VALUE)));
    }

    /** Tiny helper so test lines stay short. */
    static final class JsonValueOf {
        static JsonObject empty() {
            return JsonSupport.objectBuilder().build();
        }
    }
}
