package io.myelin.protocol.crypto;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.event.EventSigning;
import io.myelin.protocol.json.CanonicalJson;
import io.myelin.protocol.json.JsonParser;
import io.myelin.protocol.json.UnpaddedBase64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SigningTest {

    static final SigningKey SPEC_KEY = SigningKey.parse("ed25519 1 YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1");

    static JsonObject json(String text) {
        return JsonParser.create().parseObject(text.getBytes(StandardCharsets.UTF_8));
    }

    static String canonical(JsonObject o) {
        return new String(CanonicalJson.encode(o), StandardCharsets.UTF_8);
    }

    static KeyLookup only(String server, VerifyKey key, long validUntil) {
        return (name, keyId) -> name.equals(server) && keyId.equals(key.keyId())
                ? Optional.of(new ServerKey(key, validUntil)) : Optional.empty();
    }

    @Test
    void appendixJsonSigningVectorsMatchByteForByte() {
        assertEquals("{\"signatures\":{\"domain\":{\"ed25519:1\":\"K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7"
                        + "Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ\"}}}",
                canonical(JsonSignatures.sign(json("{}"), "domain", SPEC_KEY, true)));
        assertEquals("{\"one\":1,\"signatures\":{\"domain\":{\"ed25519:1\":"
                        + "\"KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL5"
                        + "3+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw\"}},\"two\":\"Two\"}",
                canonical(JsonSignatures.sign(json("{\"one\": 1, \"two\": \"Two\"}"), "domain", SPEC_KEY, true)));
    }

    @Test
    void appendixEventSigningVectorsMatchByteForByte() {
        JsonObject minimal = json("""
                {"room_id": "!x:domain", "sender": "@a:domain", "origin": "domain", "origin_server_ts": 1000000,
                 "signatures": {}, "hashes": {}, "type": "X", "content": {}, "prev_events": [], "auth_events": [],
                 "depth": 3, "unsigned": {"age_ts": 1000000}}""");
        assertEquals(canonical(json("""
                {"auth_events": [], "content": {}, "depth": 3,
                 "hashes": {"sha256": "5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos"}, "origin": "domain",
                 "origin_server_ts": 1000000, "prev_events": [], "room_id": "!x:domain", "sender": "@a:domain",
                 "signatures": {"domain": {"ed25519:1": "KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIRe\
                FGZlHi5KLjAWbOoMszkwsQma+lYAg"}}, "type": "X", "unsigned": {"age_ts": 1000000}}""")),
                canonical(EventSigning.hashAndSign(minimal, RoomVersion.V1, "domain", SPEC_KEY)));
        JsonObject message = json("""
                {"content": {"body": "Here is the message content"}, "event_id": "$0:domain", "origin": "domain",
                 "origin_server_ts": 1000000, "type": "m.room.message", "room_id": "!r:domain",
                 "sender": "@u:domain", "signatures": {}, "unsigned": {"age_ts": 1000000}}""");
        assertEquals(canonical(json("""
                {"content": {"body": "Here is the message content"}, "event_id": "$0:domain",
                 "hashes": {"sha256": "onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g"}, "origin": "domain",
                 "origin_server_ts": 1000000, "type": "m.room.message", "room_id": "!r:domain",
                 "sender": "@u:domain", "signatures": {"domain": {"ed25519:1": "Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikke\
                Rxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA"}}, "unsigned": {"age_ts": 1000000}}""")),
                canonical(EventSigning.hashAndSign(message, RoomVersion.V1, "domain", SPEC_KEY)));
    }

    @Test
    void keyFileRoundTripsAndNeverPrintsTheSeed() {
        SigningKey key = SigningKey.generate();
        SigningKey again = SigningKey.parse(key.format());
        assertEquals(key.keyId(), again.keyId());
        assertEquals(key.verifyKey(), again.verifyKey());
        assertTrue(key.keyId().startsWith("ed25519:a_"));
        assertFalse(key.toString().contains(key.format().split(" ")[2].strip()));
        List<SigningKey> keys = SigningKey.parseFile("# comment\n" + key.format() + "\n" + SPEC_KEY.format());
        assertEquals(2, keys.size());
        assertEquals("ed25519:1", keys.get(1).keyId());
    }

    @Test
    void malformedKeyFilesAreRefused() {
        for (String bad : new String[] {"", "ed25519 1", "rsa 1 YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1",
                "ed25519 bad-version YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1", "ed25519 1 Zm9v", "ed25519 1 !!"}) {
            assertThrows(ProtocolException.class, () -> SigningKey.parseFile(bad), bad);
        }
    }

    @Test
    void signaturesVerifyAndTamperingIsDetected() {
        JsonObject signed = JsonSignatures.sign(json("{\"a\": 1, \"unsigned\": {\"x\": 1}}"), "domain", SPEC_KEY,
                true);
        KeyLookup lookup = only("domain", SPEC_KEY.verifyKey(), Long.MAX_VALUE);
        JsonSignatures.verify(signed, "domain", lookup, JsonSignatures.ANY_TIME, true);
        JsonObject tampered = json(canonical(signed).replace("\"a\":1", "\"a\":2"));
        assertThrows(ProtocolException.class,
                () -> JsonSignatures.verify(tampered, "domain", lookup, JsonSignatures.ANY_TIME, true));
        JsonObject unsignedChanged = json(canonical(signed).replace("\"x\":1", "\"x\":2"));
        JsonSignatures.verify(unsignedChanged, "domain", lookup, JsonSignatures.ANY_TIME, true);
        assertThrows(ProtocolException.class,
                () -> JsonSignatures.verify(signed, "other", lookup, JsonSignatures.ANY_TIME, true));
        assertThrows(ProtocolException.class, () -> JsonSignatures.verify(signed, "domain",
                (s, k) -> Optional.empty(), JsonSignatures.ANY_TIME, true));
    }

    @Test
    void expiredKeysDoNotCountWhenValidityIsEnforced() {
        JsonObject signed = JsonSignatures.sign(json("{}"), "domain", SPEC_KEY, true);
        KeyLookup lookup = only("domain", SPEC_KEY.verifyKey(), 1000);
        JsonSignatures.verify(signed, "domain", lookup, 1000, true);
        assertThrows(ProtocolException.class, () -> JsonSignatures.verify(signed, "domain", lookup, 1001, true));
        JsonSignatures.verify(signed, "domain", lookup, JsonSignatures.ANY_TIME, true);
        assertEquals(1000 + ServerKey.MAX_VALIDITY_MILLIS, ServerKey.cappedValidity(Long.MAX_VALUE, 1000));
    }

    @Test
    void publicKeyOfTheSpecSeedMatchesLibsodium() {
        // Public key of the appendix seed as computed by libsodium (PyNaCl), see fixtures-gen.
        assertEquals("XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI", SPEC_KEY.verifyKey().base64());
        byte[] sig = SPEC_KEY.sign("x".getBytes());
        assertEquals(64, sig.length);
        assertTrue(SPEC_KEY.verifyKey().verify("x".getBytes(), sig));
        sig[0] ^= 1;
        assertFalse(SPEC_KEY.verifyKey().verify("x".getBytes(), sig));
        assertFalse(SPEC_KEY.verifyKey().verify("x".getBytes(), new byte[3]));
        assertNotEquals(SigningKey.generate().verifyKey(), SPEC_KEY.verifyKey());
        assertArrayEquals(SPEC_KEY.verifyKey().bytes(), VerifyKey.fromBase64("ed25519:1",
                SPEC_KEY.verifyKey().base64()).bytes());
    }
}
