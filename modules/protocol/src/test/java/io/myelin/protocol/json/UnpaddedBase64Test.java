package io.myelin.protocol.json;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.myelin.protocol.ProtocolException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UnpaddedBase64Test {

    @Test
    void appendixExamplesEncode() {
        String[][] cases = {{"", ""}, {"f", "Zg"}, {"fo", "Zm8"}, {"foo", "Zm9v"}, {"foob", "Zm9vYg"},
            {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}};
        for (String[] c : cases) {
            byte[] raw = c[0].getBytes(StandardCharsets.US_ASCII);
            assertEquals(c[1], UnpaddedBase64.encode(raw));
            assertArrayEquals(raw, UnpaddedBase64.decode(c[1]));
        }
    }

    @Test
    void decodingAcceptsPaddingAndUrlSafeAlphabet() {
        assertArrayEquals("f".getBytes(), UnpaddedBase64.decode("Zg=="));
        byte[] raw = {(byte) 0xFB, (byte) 0xFF};
        assertEquals("-_8", UnpaddedBase64.encodeUrlSafe(raw));
        assertEquals("+/8", UnpaddedBase64.encode(raw));
        assertArrayEquals(raw, UnpaddedBase64.decodeUrlSafe("-_8"));
    }

    @Test
    void invalidInputIsRefused() {
        assertThrows(ProtocolException.class, () -> UnpaddedBase64.decode("Z"));
        assertThrows(ProtocolException.class, () -> UnpaddedBase64.decode("Zg=a"));
        assertThrows(ProtocolException.class, () -> UnpaddedBase64.decode("-_8"));
        assertThrows(ProtocolException.class, () -> UnpaddedBase64.decodeUrlSafe("+/8"));
    }
}
