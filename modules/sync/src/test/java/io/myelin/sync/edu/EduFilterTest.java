package io.myelin.sync.edu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

class EduFilterTest {

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text.replace('\'', '"'))).readObject();
    }

    @Test
    void noFilterLetsEverythingThrough() {
        JsonObject none = JsonValue.EMPTY_JSON_OBJECT;
        assertTrue(EduFilter.globalAccountData(none, "m.direct"));
        assertTrue(EduFilter.roomAccountData(none, "!r:x", "m.tag"));
        assertTrue(EduFilter.ephemeral(none, "!r:x", "m.typing"));
        assertTrue(EduFilter.presence(none, "@a:x"));
        assertTrue(EduFilter.presence(null, "@a:x"));
    }

    @Test
    void typesAcceptWildcardsAndExclusionsWin() {
        JsonObject filter = json("{'account_data':{'types':['m.*','org.example.a'],'not_types':['m.push_rules']}}");
        assertTrue(EduFilter.globalAccountData(filter, "m.direct"));
        assertTrue(EduFilter.globalAccountData(filter, "org.example.a"));
        assertFalse(EduFilter.globalAccountData(filter, "org.example.b"));
        assertFalse(EduFilter.globalAccountData(filter, "m.push_rules"));
        assertFalse(EduFilter.globalAccountData(json("{'account_data':{'types':[]}}"), "m.direct"),
                "an empty list of types lets nothing through");
    }

    @Test
    void roomsAreFilteredByTheRoomFilterAndTheSection() {
        JsonObject filter = json("{'room':{'not_rooms':['!gone:x'],'ephemeral':{'rooms':['!a:x','!gone:x'],"
                + "'not_types':['m.typing']},'account_data':{'not_rooms':['!a:x']}}}");
        assertTrue(EduFilter.ephemeral(filter, "!a:x", "m.receipt"));
        assertFalse(EduFilter.ephemeral(filter, "!a:x", "m.typing"));
        assertFalse(EduFilter.ephemeral(filter, "!b:x", "m.receipt"));
        assertFalse(EduFilter.ephemeral(filter, "!gone:x", "m.receipt"));
        assertFalse(EduFilter.roomAccountData(filter, "!a:x", "m.tag"));
        assertTrue(EduFilter.roomAccountData(filter, "!b:x", "m.tag"));
    }

    @Test
    void presenceIsFilteredBySender() {
        JsonObject filter = json("{'presence':{'senders':['@a:x','@b:x'],'not_senders':['@b:x']}}");
        assertTrue(EduFilter.presence(filter, "@a:x"));
        assertFalse(EduFilter.presence(filter, "@b:x"));
        assertFalse(EduFilter.presence(filter, "@c:x"));
        assertFalse(EduFilter.presence(json("{'presence':{'not_types':['m.presence']}}"), "@a:x"));
    }
}
