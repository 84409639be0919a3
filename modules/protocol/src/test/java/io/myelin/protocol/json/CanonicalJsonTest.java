package io.myelin.protocol.json;

import java.nio.charset.StandardCharsets;

import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import io.myelin.protocol.ProtocolException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CanonicalJsonTest {

    private static String canonical(String json, boolean strict) {
        JsonValue value = JsonParser.create().parse(json.getBytes(StandardCharsets.UTF_8));
        return new String(CanonicalJson.encode(value, strict), StandardCharsets.UTF_8);
    }

    @Test
    void specExamplesEncodeAsTheAppendixShows() {
        assertEquals("{}", canonical("{}", true));
        assertEquals("{\"one\":1,\"two\":\"Two\"}", canonical("{\n \"one\": 1,\n \"two\": \"Two\"\n}", true));
        assertEquals("{\"a\":\"1\",\"b\":\"2\"}", canonical("{\"b\":\"2\",\"a\":\"1\"}", true));
        assertEquals("{\"auth\":{\"mxid\":\"@john.doe:example.com\",\"profile\":{\"display_name\":\"John Doe\","
                        + "\"three_pids\":[{\"address\":\"john.doe@example.org\",\"medium\":\"email\"},"
                        + "{\"address\":\"123456789\",\"medium\":\"msisdn\"}]},\"success\":true}}",
                canonical("""
                        {"auth": {"success": true, "mxid": "@john.doe:example.com",
                          "profile": {"display_name": "John Doe", "three_pids": [
                            {"medium": "email", "address": "john.doe@example.org"},
                            {"medium": "msisdn", "address": "123456789"}]}}}""", true));
        assertEquals("{\"a\":\"日本語\"}", canonical("{\"a\": \"日本語\"}", true));
        assertEquals("{\"日\":1,\"本\":2}", canonical("{\"本\": 2, \"日\": 1}", true));
        assertEquals("{\"a\":\"日\"}", canonical("{\"a\": \"\\u65E5\"}", true));
        assertEquals("{\"a\":null}", canonical("{\"a\": null}", true));
        assertEquals("{\"a\":0,\"b\":10000000000}", canonical("{\"a\": -0, \"b\": 1e10}", true));
    }

    @Test
    void keysAreSortedByCodePointNotByUtf16Unit() {
        // U+1F600 is a surrogate pair in UTF-16 (0xD83D...) which String.compareTo puts before U+FF01.
        String out = canonical("{\"\\uD83D\\uDE00\": 1, \"\\uFF01\": 2, \"a\": 3}", true);
        assertEquals("{\"a\":3,\"！\":2,\"😀\":1}", out);
    }

    @Test
    void controlCharactersUseShortOrLowerCaseHexEscapes() {
        String out = canonical("[\"\\u0000\\u0008\\u0009\\u000a\\u000C\\u000d\\u001F\\u007f\\\"\\\\\\/\"]", true);
        assertEquals("[\"\\u0000\\b\\t\\n\\f\\r\\u001f\u007f\\\"\\\\/\"]", out);
    }

    @Test
    void strictModeRefusesFloatsAndUnsafeIntegers() {
        assertEquals("[9007199254740991,-9007199254740991]", canonical("[9007199254740991,-9007199254740991]", true));
        assertThrows(ProtocolException.class, () -> canonical("[9007199254740992]", true));
        assertThrows(ProtocolException.class, () -> canonical("[-9007199254740992]", true));
        assertThrows(ProtocolException.class, () -> canonical("[1.5]", true));
        assertThrows(ProtocolException.class, () -> canonical("[1.0]", true));
        assertThrows(ProtocolException.class, () -> canonical("[1e300]", true));
    }

    @Test
    void lenientModeWritesLargeIntegersInFullAndFloatsLikePython() {
        assertEquals("[123456789012345678901234567890]", canonical("[123456789012345678901234567890]", false));
        assertEquals("[1.5,1.0,1e-05,1.25e-07,0.0001,-2.5,1e+16]",
                canonical("[1.5,1.0,0.00001,1.25e-7,0.0001,-2.5,10000000000000000.5]", false));
    }

    @Test
    void hugeExponentIsRefusedQuickly() {
        long start = System.nanoTime();
        assertThrows(ProtocolException.class, () -> canonical("[1e999999999]", false));
        assertTrue(System.nanoTime() - start < 5_000_000_000L);
    }

    @Test
    void loneSurrogateInBuiltStringIsRefused() {
        JsonValue value = JsonSupport.string("a\uD800b");
        assertThrows(ProtocolException.class, () -> CanonicalJson.encode(value));
    }

    @Test
    void deeplyNestedBuiltValueIsRefusedWithoutStackOverflow() {
        JsonValue value = JsonValue.EMPTY_JSON_ARRAY;
        for (int i = 0; i < 5000; i++) {
            value = JsonSupport.arrayBuilder().add(value).build();
        }
        JsonValue deep = value;
        assertThrows(ProtocolException.class, () -> CanonicalJson.encode(deep));
    }
}
