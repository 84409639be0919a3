package io.myelin.client;

import java.util.Set;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * Reading power levels for the checks the client makes before asking the roomserver, such as redacting another
 * user's event.
 */
final class PowerLevels {

    // Room versions whose creators stand above every power level.
    private static final Set<String> CREATOR_VERSIONS = Set.of("12");

    private PowerLevels() {
    }

    /**
     * Whether the user created the room and so has every power: in room versions where creators are privileged,
     * or in any room that has no power levels yet.
     */
    static boolean creator(JsonObject create, String userId, JsonObject levels) {
        if (create == null) {
            return false;
        }
        JsonObject content = create.getJsonObject("content");
        String version = content == null ? "1" : content.getString("room_version", "1");
        boolean privileged = CREATOR_VERSIONS.contains(version) || levels == null;
        if (!privileged) {
            return false;
        }
        if (userId.equals(create.getString("sender", ""))) {
            return true;
        }
        if (content != null && content.get("additional_creators") instanceof jakarta.json.JsonArray more) {
            return more.stream().anyMatch(v -> v instanceof JsonString s && s.getString().equals(userId));
        }
        return false;
    }

    /** A user's level: from {@code users}, else {@code users_default}, else 0. */
    static long userLevel(JsonObject levels, String userId) {
        if (levels == null) {
            return 0;
        }
        if (levels.get("users") instanceof JsonObject users && users.get(userId) instanceof JsonNumber n) {
            return n.longValue();
        }
        return level(levels, "users_default", 0);
    }

    /** A top-level level such as {@code redact}, with the spec's default when absent. */
    static long level(JsonObject levels, String key, long fallback) {
        if (levels == null) {
            return fallback;
        }
        JsonValue value = levels.get(key);
        return value instanceof JsonNumber n ? n.longValue() : fallback;
    }
}
