package io.myelin.client;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.StringReader;

import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.MatrixException;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

class StateContentTest {

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static void refused(String type, String content) {
        MatrixException e = assertThrows(MatrixException.class, () -> StateContent.check(type, json(content)));
        assertEquals(ErrorCode.M_BAD_JSON, e.code());
    }

    @Test
    void wellFormedContentPasses() {
        assertDoesNotThrow(() -> StateContent.check("m.room.name", json("{\"name\":\"Garden\"}")));
        assertDoesNotThrow(() -> StateContent.check("m.room.power_levels",
                json("{\"ban\":50,\"users\":{\"@a:b\":100},\"events\":{\"m.room.name\":50}}")));
        assertDoesNotThrow(() -> StateContent.check("org.example.anything", json("{\"x\":[1,2]}")));
    }

    @Test
    void malformedWellKnownContentIsBadJson() {
        refused("m.room.name", "{\"name\":5}");
        refused("m.room.topic", "{}");
        refused("m.room.join_rules", "{\"join_rule\":\"everyone\"}");
        refused("m.room.history_visibility", "{\"history_visibility\":\"sometimes\"}");
        refused("m.room.power_levels", "{\"ban\":\"50\"}");
        refused("m.room.power_levels", "{\"users\":{\"@a:b\":1.5}}");
        refused("m.room.power_levels", "{\"events\":[]}");
    }
}
