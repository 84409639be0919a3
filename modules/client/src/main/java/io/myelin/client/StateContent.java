package io.myelin.client;

import java.util.Map;
import java.util.Set;

import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.Fields;
import io.myelin.api.http.MatrixException;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * Shape checks of the content of well-known state events, so that a malformed event is refused with
 * {@code M_BAD_JSON} before it reaches a room where it would confuse every client.
 */
final class StateContent {

    private static final Set<String> JOIN_RULES = Set.of("public", "knock", "invite", "private", "restricted",
            "knock_restricted");
    private static final Set<String> VISIBILITIES = Set.of("world_readable", "shared", "invited", "joined");
    private static final Set<String> LEVEL_KEYS = Set.of("ban", "events_default", "invite", "kick", "redact",
            "state_default", "users_default");

    private StateContent() {
    }

    static void check(String type, JsonObject content) {
        switch (type) {
            case "m.room.name" -> string(content, "name");
            case "m.room.topic" -> string(content, "topic");
            case "m.room.join_rules" -> oneOf(content, "join_rule", JOIN_RULES);
            case "m.room.history_visibility" -> oneOf(content, "history_visibility", VISIBILITIES);
            case "m.room.power_levels" -> powerLevels(content);
            case "m.room.member" -> string(content, "membership");
            default -> {
            }
        }
    }

    private static String string(JsonObject content, String key) {
        return Fields.requiredString(content, key, ErrorCode.M_BAD_JSON);
    }

    private static void oneOf(JsonObject content, String key, Set<String> allowed) {
        if (!allowed.contains(string(content, key))) {
            throw MatrixException.badJson("'" + key + "' must be one of " + allowed + ".");
        }
    }

    private static void powerLevels(JsonObject content) {
        for (String key : LEVEL_KEYS) {
            JsonValue value = content.get(key);
            if (value != null && !integral(value)) {
                throw MatrixException.badJson("'" + key + "' must be an integer.");
            }
        }
        for (String key : Set.of("users", "events", "notifications")) {
            JsonValue value = content.get(key);
            if (value == null) {
                continue;
            }
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw MatrixException.badJson("'" + key + "' must be an object.");
            }
            for (Map.Entry<String, JsonValue> entry : value.asJsonObject().entrySet()) {
                if (!integral(entry.getValue())) {
                    throw MatrixException.badJson("'" + key + "." + entry.getKey() + "' must be an integer.");
                }
            }
        }
    }

    private static boolean integral(JsonValue value) {
        return value.getValueType() == JsonValue.ValueType.NUMBER
                && ((jakarta.json.JsonNumber) value).isIntegral();
    }
}
