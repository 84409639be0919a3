package io.myelin.protocol.auth;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.OptionalLong;
import java.util.Set;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.event.EventView;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * The power levels of a room as the authorization rules read them: the {@code m.room.power_levels}
 * content with the spec's defaults filled in, and the room creators from {@code m.room.create}. From
 * room version 12 the creators have an infinitely high level, written here as {@link #INFINITE}.
 */
public final class PowerLevels {

    /** The level of a v12 room creator: above any level a power levels event can grant. */
    public static final long INFINITE = Long.MAX_VALUE;

    private final RoomVersion version;
    private final boolean present;
    private final Set<String> creators;
    // Kept as JSON and read per lookup: power levels of large rooms list thousands of users, and an auth
    // check reads two or three of them.
    private final JsonObject users;
    private final JsonObject events;
    private final long usersDefault;
    private final long eventsDefault;
    private final long stateDefault;
    private final long ban;
    private final long kick;
    private final long redact;
    private final long invite;

    private PowerLevels(RoomVersion version, EventView create, EventView powerLevels) {
        this.version = version;
        this.present = powerLevels != null;
        this.creators = creators(version, create);
        JsonObject content = present ? powerLevels.content() : JsonValue.EMPTY_JSON_OBJECT;
        this.users = object(content.get("users"));
        this.events = object(content.get("events"));
        this.usersDefault = level(version, content, "users_default", 0);
        this.eventsDefault = level(version, content, "events_default", 0);
        // Without a power levels event the spec makes state events sendable by anyone (level 0).
        this.stateDefault = level(version, content, "state_default", present ? 50 : 0);
        this.ban = level(version, content, "ban", 50);
        this.kick = level(version, content, "kick", 50);
        this.redact = level(version, content, "redact", 50);
        this.invite = level(version, content, "invite", 0);
    }

    /**
     * Reads the power levels of a room.
     *
     * @param version the room version
     * @param create the room's {@code m.room.create} event, may be null
     * @param powerLevels the room's {@code m.room.power_levels} event, may be null
     * @return the power levels
     */
    public static PowerLevels of(RoomVersion version, EventView create, EventView powerLevels) {
        return new PowerLevels(version, create, powerLevels);
    }

    /**
     * The room creators: before v11 the {@code creator} of the create content, from v11 its sender,
     * and from v12 the sender plus {@code additional_creators}.
     *
     * @param version the room version
     * @param create the create event, may be null
     * @return the creators, possibly empty
     */
    public static Set<String> creators(RoomVersion version, EventView create) {
        if (create == null) {
            return Set.of();
        }
        if (!version.v11Rules()) {
            JsonValue creator = create.content().get("creator");
            return creator instanceof JsonString s ? Set.of(s.getString()) : Set.of();
        }
        Set<String> result = new LinkedHashSet<>();
        result.add(create.sender());
        if (version.v12Rules() && create.content().get("additional_creators") instanceof JsonArray extra) {
            for (JsonValue value : extra) {
                if (value instanceof JsonString s) {
                    result.add(s.getString());
                }
            }
        }
        return Collections.unmodifiableSet(result);
    }

    /** @return whether the room has an {@code m.room.power_levels} event */
    public boolean present() {
        return present;
    }

    /** @return the room creators */
    public Set<String> creators() {
        return creators;
    }

    /**
     * A user's power level.
     *
     * @param userId the user
     * @return the level; {@link #INFINITE} for a v12 creator
     */
    public long user(String userId) {
        if (version.v12Rules() && creators.contains(userId)) {
            return INFINITE;
        }
        if (!present) {
            // Before v12, a room without power levels gives its creator 100 and everyone else 0.
            return creators.contains(userId) ? 100 : 0;
        }
        OptionalLong level = PowerLevelValues.parse(version, users.get(userId));
        return level.isPresent() ? level.getAsLong() : usersDefault;
    }

    /**
     * The level needed to send an event of a type.
     *
     * @param type the event type
     * @param state whether the event is a state event
     * @return the required level
     */
    public long required(String type, boolean state) {
        OptionalLong level = PowerLevelValues.parse(version, events.get(type));
        if (level.isPresent()) {
            return level.getAsLong();
        }
        return state ? stateDefault : eventsDefault;
    }

    /** @return the ban level */
    public long ban() {
        return ban;
    }

    /** @return the kick level */
    public long kick() {
        return kick;
    }

    /** @return the redact level */
    public long redact() {
        return redact;
    }

    /** @return the invite level */
    public long invite() {
        return invite;
    }

    private static long level(RoomVersion version, JsonObject content, String name, long fallback) {
        OptionalLong parsed = PowerLevelValues.parse(version, content.get(name));
        return parsed.isPresent() ? parsed.getAsLong() : fallback;
    }

    private static JsonObject object(JsonValue value) {
        return value instanceof JsonObject object ? object : JsonValue.EMPTY_JSON_OBJECT;
    }
}
