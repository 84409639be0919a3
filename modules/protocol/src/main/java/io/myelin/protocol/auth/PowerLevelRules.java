package io.myelin.protocol.auth;

import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.event.EventView;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * The authorization rules for {@code m.room.power_levels} events: the shape of the content, then what
 * the sender may change compared with the current power levels.
 */
final class PowerLevelRules {

    private static final String[] LEVEL_FIELDS = {
        "users_default", "events_default", "state_default", "ban", "redact", "kick", "invite"
    };

    private PowerLevelRules() {
    }

    static AuthResult check(RoomVersion version, EventView event, AuthState state, PowerLevels levels) {
        JsonObject content = event.content();
        AuthResult shape = checkShape(version, content, levels);
        if (!shape.allowed()) {
            return shape;
        }
        EventView current = state.event(EventTypes.POWER_LEVELS, "");
        if (current == null) {
            return AuthResult.ALLOWED;
        }
        JsonObject old = current.content();
        String sender = event.sender();
        long senderLevel = levels.user(sender);

        for (String field : LEVEL_FIELDS) {
            AuthResult result = checkChange(version, field, old.get(field), content.get(field), senderLevel);
            if (!result.allowed()) {
                return result;
            }
        }
        AuthResult events = checkMap(version, "events", old, content, senderLevel, null);
        if (!events.allowed()) {
            return events;
        }
        if (version.limitsNotificationsPowerLevels()) {
            AuthResult notifications = checkMap(version, "notifications", old, content, senderLevel, null);
            if (!notifications.allowed()) {
                return notifications;
            }
        }
        return checkMap(version, "users", old, content, senderLevel, sender);
    }

    private static AuthResult checkShape(RoomVersion version, JsonObject content, PowerLevels levels) {
        // Values nobody could read as a level are refused in every version, not only in users: they
        // would otherwise silently fall back to defaults and servers could read them differently.
        for (String field : LEVEL_FIELDS) {
            JsonValue value = content.get(field);
            if (value != null && PowerLevelValues.parse(version, value).isEmpty()) {
                return AuthResult.reject("power_levels.shape", field + " is not a valid level: " + value);
            }
        }
        for (String field : new String[] {"events", "notifications"}) {
            AuthResult result = checkLevelObject(version, content, field, false);
            if (!result.allowed()) {
                return result;
            }
        }
        AuthResult users = checkLevelObject(version, content, "users", true);
        if (!users.allowed()) {
            return users;
        }
        if (version.v12Rules() && content.get("users") instanceof JsonObject userLevels) {
            for (String creator : levels.creators()) {
                if (userLevels.containsKey(creator)) {
                    return AuthResult.reject("power_levels.creators", "users lists room creator " + creator);
                }
            }
        }
        return AuthResult.ALLOWED;
    }

    private static AuthResult checkLevelObject(RoomVersion version, JsonObject content, String field,
                                               boolean userKeys) {
        JsonValue value = content.get(field);
        if (value == null) {
            return AuthResult.ALLOWED;
        }
        if (!(value instanceof JsonObject object)) {
            return AuthResult.reject("power_levels.shape", field + " is not an object");
        }
        for (Map.Entry<String, JsonValue> entry : object.entrySet()) {
            if (userKeys && !AuthRules.isUserId(entry.getKey())) {
                return AuthResult.reject("power_levels.shape", "users key " + entry.getKey() + " is not a user id");
            }
            if (PowerLevelValues.parse(version, entry.getValue()).isEmpty()) {
                return AuthResult.reject("power_levels.shape", field + "." + entry.getKey()
                        + " is not a valid level: " + entry.getValue());
            }
        }
        return AuthResult.ALLOWED;
    }

    private static AuthResult checkChange(RoomVersion version, String name, JsonValue oldValue,
                                          JsonValue newValue, long senderLevel) {
        OptionalLong oldLevel = PowerLevelValues.parse(version, oldValue);
        OptionalLong newLevel = PowerLevelValues.parse(version, newValue);
        if (oldLevel.equals(newLevel)) {
            return AuthResult.ALLOWED;
        }
        if (oldLevel.isPresent() && oldLevel.getAsLong() > senderLevel) {
            return AuthResult.reject("power_levels.change", name + " is " + oldLevel.getAsLong()
                    + ", above the sender's level " + senderLevel);
        }
        if (newLevel.isPresent() && newLevel.getAsLong() > senderLevel) {
            return AuthResult.reject("power_levels.change", name + " would become " + newLevel.getAsLong()
                    + ", above the sender's level " + senderLevel);
        }
        return AuthResult.ALLOWED;
    }

    /**
     * Checks the entries of {@code events}, {@code notifications} or {@code users}; for users, a user
     * other than the sender may only be changed or removed while below the sender's level.
     */
    private static AuthResult checkMap(RoomVersion version, String field, JsonObject oldContent,
                                       JsonObject newContent, long senderLevel, String sender) {
        JsonObject oldMap = object(oldContent.get(field));
        JsonObject newMap = object(newContent.get(field));
        Set<String> keys = new HashSet<>(oldMap.keySet());
        keys.addAll(newMap.keySet());
        for (String key : keys) {
            OptionalLong oldLevel = PowerLevelValues.parse(version, oldMap.get(key));
            OptionalLong newLevel = PowerLevelValues.parse(version, newMap.get(key));
            if (oldLevel.equals(newLevel)) {
                continue;
            }
            boolean users = sender != null;
            if (oldLevel.isPresent()) {
                long level = oldLevel.getAsLong();
                boolean tooHigh = users ? !key.equals(sender) && level >= senderLevel : level > senderLevel;
                if (tooHigh) {
                    return AuthResult.reject("power_levels.change", field + "." + key + " is " + level
                            + ", not below the sender's level " + senderLevel);
                }
            }
            if (newLevel.isPresent() && newLevel.getAsLong() > senderLevel) {
                return AuthResult.reject("power_levels.change", field + "." + key + " would become "
                        + newLevel.getAsLong() + ", above the sender's level " + senderLevel);
            }
        }
        return AuthResult.ALLOWED;
    }

    private static JsonObject object(JsonValue value) {
        return value instanceof JsonObject object ? object : JsonValue.EMPTY_JSON_OBJECT;
    }
}
