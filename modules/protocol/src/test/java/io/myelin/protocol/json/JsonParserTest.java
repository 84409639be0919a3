package io.myelin.protocol.json;

import java.nio.charset.StandardCharsets;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import org.junit.jupiter.api.Test;

import io.myelin.protocol.ProtocolException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonParserTest {

    private static ProtocolException refuses(byte[] input) {
        return assertThrows(ProtocolException.class, () -> JsonParser.create().parse(input));
    }

    private static ProtocolException refuses(String input) {
        return refuses(input.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesNestedValues() {
        JsonObject o = JsonParser.create().parseObject(
                "{\"a\":[1,-2,3.5,true,false,null,\"x\\u00e9\\ud83d\\ude00\"],\"b\":{}}"
                        .getBytes(StandardCharsets.UTF_8));
        assertEquals(7, o.getJsonArray("a").size());
        assertEquals("xé😀", o.getJsonArray("a").getString(6));
    }

    @Test
    void duplicateKeysAreRefused() {
        assertTrue(refuses("{\"a\":1,\"a\":2}").getMessage().contains("duplicate key"));
    }

    @Test
    void loneSurrogateEscapesAreRefused() {
        refuses("[\"\\ud800\"]");
        refuses("[\"\\udc00\"]");
        refuses("[\"\\ud800\\u0041\"]");
        assertThrows(ProtocolException.class, () -> JsonParser.create().parse("[\"\uD800\"]"));
    }

    @Test
    void malformedUtf8IsRefused() {
        refuses(new byte[] {'"', (byte) 0xC3, '"'});
        refuses(new byte[] {'"', (byte) 0xC0, (byte) 0x80, '"'});
        refuses(new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'});
        refuses(new byte[] {'"', (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"'});
        refuses(new byte[] {'"', (byte) 0xFF, '"'});
        refuses(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'});
    }

    @Test
    void validMultiByteUtf8IsDecoded() {
        byte[] input = "[\"é日😀\"]".getBytes(StandardCharsets.UTF_8);
        assertEquals("é日😀", ((JsonString) JsonParser.create().parse(input).asJsonArray().get(0)).getString());
    }

    @Test
    void deepNestingIsRefusedWithoutStackOverflow() {
        String deep = "[".repeat(1_000_000) + "]".repeat(1_000_000);
        assertTrue(refuses(deep).getMessage().contains("nesting"));
    }

    @Test
    void hugeNumbersAreRefusedQuickly() {
        refuses("[" + "9".repeat(100_000) + "]");
        refuses("[1e99999999999999999999]");
    }

    @Test
    void syntaxErrorsAreRefused() {
        for (String bad : new String[] {"", " ", "{", "}", "[1,]", "{\"a\"}", "{\"a\":1,}", "01", "-", "1.",
                "1e", "tru", "nul", "[1] x", "\"\t\"", "\"\\x\"", "\"\\u12\"", "{a:1}", "[1 2]", "+1", ".5"}) {
            refuses(bad);
        }
    }

    @Test
    void sizeBoundIsEnforced() {
        assertThrows(ProtocolException.class, () -> JsonParser.create(10, 4).parse("[1,2]".getBytes()));
    }
}
