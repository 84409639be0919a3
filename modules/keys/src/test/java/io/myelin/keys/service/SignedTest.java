package io.myelin.keys.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.myelin.protocol.crypto.JsonSignatures;
import io.myelin.protocol.crypto.SigningKey;
import io.myelin.protocol.json.UnpaddedBase64;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

class SignedTest {

    private static final String USER = "@alice:example.org";

    private static JsonObject signed(JsonObject object, String keyId, SigningKey key) {
        String signature = UnpaddedBase64.encode(key.sign(JsonSignatures.signedBytes(object, false)));
        return Json.createObjectBuilder(object).add("signatures", Json.createObjectBuilder()
                .add(USER, Json.createObjectBuilder().add(keyId, signature))).build();
    }

    @Test
    void verifiesUnderAKeyIdThatIsAPublicKey() {
        SigningKey key = SigningKey.generate("k");
        String pub = key.verifyKey().base64();
        JsonObject object = signed(Json.createObjectBuilder().add("usage", Json.createArrayBuilder().add("master"))
                .build(), "ed25519:" + pub, key);
        assertTrue(Signed.verifies(object, USER, "ed25519:" + pub, pub));
        // Unsigned data does not count.
        assertTrue(Signed.verifies(Json.createObjectBuilder(object).add("unsigned", Json.createObjectBuilder()
                .add("device_display_name", "x")).build(), USER, "ed25519:" + pub, pub));
    }

    @Test
    void refusesOtherKeysChangedContentAndGarbage() {
        SigningKey key = SigningKey.generate("k");
        String pub = key.verifyKey().base64();
        JsonObject object = signed(Json.createObjectBuilder().add("key", "abc").build(), "ed25519:DEV", key);
        assertFalse(Signed.verifies(object, USER, "ed25519:DEV", SigningKey.generate("k").verifyKey().base64()));
        assertFalse(Signed.verifies(Json.createObjectBuilder(object).add("key", "abd").build(), USER, "ed25519:DEV",
                pub));
        assertFalse(Signed.verifies(object, "@bob:example.org", "ed25519:DEV", pub));
        assertFalse(Signed.verifies(object, USER, "ed25519:OTHER", pub));
        assertFalse(Signed.verifies(object, USER, "ed25519:DEV", "not base64!"));
        assertFalse(Signed.verifies(object, USER, "ed25519:DEV", "AAAA"));
    }

    @Test
    void publicKeysAreThirtyTwoBytesUnpadded() {
        String pub = SigningKey.generate("k").verifyKey().base64();
        assertTrue(Signed.isPublicKey(pub));
        assertFalse(Signed.isPublicKey(pub + "="));
        assertFalse(Signed.isPublicKey("AAAA"));
        assertFalse(Signed.isPublicKey("%%%"));
    }
}
