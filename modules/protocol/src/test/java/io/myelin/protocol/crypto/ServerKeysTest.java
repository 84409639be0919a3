package io.myelin.protocol.crypto;

import java.util.List;
import java.util.Map;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.json.JsonSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ServerKeysTest {

    private static final SigningKey CURRENT = SigningKey.generate("cur");
    private static final SigningKey FORMER = SigningKey.generate("old");

    @Test
    void ownDocumentParsesBackWithCappedValidity() {
        JsonObject doc = ServerKeys.document("example.org", List.of(CURRENT),
                List.of(new ServerKeys.OldKey(FORMER.verifyKey(), 500)), Long.MAX_VALUE);
        ServerKeys keys = ServerKeys.parse(doc, "example.org");
        assertEquals(Map.of(CURRENT.keyId(), CURRENT.verifyKey()), keys.verifyKeys());
        assertEquals(new ServerKey(FORMER.verifyKey(), 500), keys.oldVerifyKeys().get(FORMER.keyId()));
        Map<String, ServerKey> entries = keys.lookupEntries(1000);
        assertEquals(1000 + ServerKey.MAX_VALIDITY_MILLIS, entries.get(CURRENT.keyId()).validUntilTs());
        assertEquals(500, entries.get(FORMER.keyId()).validUntilTs());
    }

    @Test
    void documentForAnotherServerOrNotSelfSignedIsRefused() {
        JsonObject doc = ServerKeys.document("example.org", List.of(CURRENT), List.of(), 10);
        assertThrows(ProtocolException.class, () -> ServerKeys.parse(doc, "evil.org"));
        JsonObject unsigned = JsonSupport.objectBuilder(doc).remove("signatures").build();
        assertThrows(ProtocolException.class, () -> ServerKeys.parse(unsigned, "example.org"));
        JsonObject swapped = JsonSupport.objectBuilder(doc).add("valid_until_ts", 11).build();
        assertThrows(ProtocolException.class, () -> ServerKeys.parse(swapped, "example.org"));
        JsonObject foreignKey = ServerKeys.document("example.org", List.of(CURRENT), List.of(), 10);
        JsonObject extraKey = JsonSupport.objectBuilder(foreignKey).add("verify_keys", JsonSupport.objectBuilder()
                .add(CURRENT.keyId(), JsonSupport.objectBuilder().add("key", CURRENT.verifyKey().base64()))
                .add(FORMER.keyId(), JsonSupport.objectBuilder().add("key", FORMER.verifyKey().base64()))).build();
        assertThrows(ProtocolException.class, () -> ServerKeys.parse(extraKey, "example.org"));
    }
}
