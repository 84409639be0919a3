package io.myelin.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

class PowerLevelsTest {

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    @Test
    void userLevelComesFromUsersThenUsersDefault() {
        JsonObject levels = json("{\"users\":{\"@a:x\":100},\"users_default\":5,\"redact\":20}");
        assertEquals(100, PowerLevels.userLevel(levels, "@a:x"));
        assertEquals(5, PowerLevels.userLevel(levels, "@b:x"));
        assertEquals(20, PowerLevels.level(levels, "redact", 50));
        assertEquals(50, PowerLevels.level(json("{}"), "redact", 50));
        assertEquals(0, PowerLevels.userLevel(null, "@b:x"));
    }

    @Test
    void creatorsArePrivilegedInVersion12OrWithoutPowerLevels() {
        JsonObject v11 = json("{\"sender\":\"@a:x\",\"content\":{\"room_version\":\"11\"}}");
        JsonObject v12 = json("{\"sender\":\"@a:x\",\"content\":{\"room_version\":\"12\","
                + "\"additional_creators\":[\"@c:x\"]}}");
        assertFalse(PowerLevels.creator(v11, "@a:x", json("{}")));
        assertTrue(PowerLevels.creator(v11, "@a:x", null));
        assertTrue(PowerLevels.creator(v12, "@a:x", json("{}")));
        assertTrue(PowerLevels.creator(v12, "@c:x", json("{}")));
        assertFalse(PowerLevels.creator(v12, "@b:x", json("{}")));
    }
}
