package io.myelin.sync.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;

import io.myelin.api.http.MatrixException;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

class EventFilterTest {

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static StreamEvent event(String type, String sender, String content) {
        return new StreamEvent(1, "!r:x", "$e", type, null, sender,
                json("{\"type\":\"" + type + "\",\"sender\":\"" + sender + "\",\"content\":" + content + "}"),
                null, null);
    }

    @Test
    void typesMatchExactlyOrByTrailingWildcardAndNotTypesWin() {
        EventFilter filter = EventFilter.of(json("{\"types\":[\"m.room.*\"],\"not_types\":[\"m.room.topic\"]}"));
        assertTrue(filter.matches(event("m.room.message", "@a:x", "{}")));
        assertFalse(filter.matches(event("m.room.topic", "@a:x", "{}")));
        assertFalse(filter.matches(event("org.example", "@a:x", "{}")));
    }

    @Test
    void sendersAndUrlsAreFiltered() {
        EventFilter filter = EventFilter.of(json("{\"senders\":[\"@a:x\"],\"contains_url\":true}"));
        assertTrue(filter.matches(event("m.room.message", "@a:x", "{\"url\":\"mxc://x/y\"}")));
        assertFalse(filter.matches(event("m.room.message", "@a:x", "{}")));
        assertFalse(filter.matches(event("m.room.message", "@b:x", "{\"url\":\"mxc://x/y\"}")));
        assertFalse(EventFilter.of(json("{\"not_senders\":[\"@a:x\"]}")).matches(event("t", "@a:x", "{}")));
    }

    @Test
    void limitsDefaultAndAreCapped() {
        assertEquals(10, EventFilter.ALL.limitOr(10));
        assertEquals(3, EventFilter.of(json("{\"limit\":3}")).limitOr(10));
        assertEquals(1000, EventFilter.of(json("{\"limit\":99999}")).limitOr(10));
    }

    @Test
    void malformedFiltersAreRefused() {
        assertThrows(MatrixException.class, () -> EventFilter.of(json("{\"limit\":\"ten\"}")));
        assertThrows(MatrixException.class, () -> EventFilter.of(json("{\"types\":[1]}")));
        assertThrows(MatrixException.class, () -> EventFilter.of(json("{\"lazy_load_members\":\"yes\"}")));
        assertThrows(MatrixException.class, () -> SyncFilter.of(json("{\"event_format\":\"xml\"}")));
        assertThrows(MatrixException.class, () -> SyncFilter.of(json("{\"room\":[]}")));
    }
}
