package io.myelin.protocol.crypto;

import java.util.Optional;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.json.JsonSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class XMatrixAuthorizationTest {

    private static final SigningKey KEY = SigningKey.generate("k1");
    private static final KeyLookup KEYS = (server, keyId) -> server.equals("origin.test") && keyId.equals(KEY.keyId())
            ? Optional.of(new ServerKey(KEY.verifyKey(), 10_000)) : Optional.empty();
    private static final JsonObject BODY = JsonSupport.objectBuilder().add("pdus", JsonSupport.arrayBuilder()).build();

    @Test
    void signedRequestVerifiesAfterAHeaderRoundTrip() {
        XMatrixAuthorization auth = XMatrixAuthorization.sign("PUT", "/_matrix/federation/v1/send/1",
                "origin.test", "dest.test", BODY, KEY);
        XMatrixAuthorization parsed = XMatrixAuthorization.parse(auth.toHeader());
        assertEquals(auth, parsed);
        parsed.verify("PUT", "/_matrix/federation/v1/send/1", "dest.test", BODY, KEYS, 5_000);
        assertThrows(ProtocolException.class, () -> parsed.verify("PUT", "/_matrix/federation/v1/send/2",
                "dest.test", BODY, KEYS, 5_000));
        assertThrows(ProtocolException.class, () -> parsed.verify("PUT", "/_matrix/federation/v1/send/1",
                "other.test", BODY, KEYS, 5_000));
        assertThrows(ProtocolException.class, () -> parsed.verify("PUT", "/_matrix/federation/v1/send/1",
                "dest.test", BODY, KEYS, 20_000));
    }

    @Test
    void headerParsingFollowsRfc9110Leniently() {
        XMatrixAuthorization a = XMatrixAuthorization.parse(
                "X-Matrix  ORIGIN=origin.test:8448 , Key=\"ed25519:k1\",\tsig=\"a\\\"b\",unknown=1");
        assertEquals("origin.test:8448", a.origin());
        assertEquals("ed25519:k1", a.keyId());
        assertEquals("a\"b", a.signature());
        assertNull(a.destination());
        for (String bad : new String[] {"Bearer x", "X-Matrix", "X-Matrix origin=a", "X-Matrix origin=\"a",
                "X-Matrix origin=a key=b sig=c"}) {
            assertThrows(ProtocolException.class, () -> XMatrixAuthorization.parse(bad), bad);
        }
    }
}
