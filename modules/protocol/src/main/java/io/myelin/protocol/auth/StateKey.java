package io.myelin.protocol.auth;

import java.util.Objects;

/**
 * The key of one entry of room state: an event type and a state key, as in the spec's
 * {@code (event_type, state_key)} tuple.
 *
 * @param type the event type
 * @param stateKey the state key, never null (the empty string for room-wide state)
 */
public record StateKey(String type, String stateKey) {

    /** The key of the room's {@code m.room.create} event. */
    public static final StateKey CREATE = new StateKey(EventTypes.CREATE, "");
    /** The key of the room's {@code m.room.power_levels} event. */
    public static final StateKey POWER_LEVELS = new StateKey(EventTypes.POWER_LEVELS, "");
    /** The key of the room's {@code m.room.join_rules} event. */
    public static final StateKey JOIN_RULES = new StateKey(EventTypes.JOIN_RULES, "");

    /**
     * Creates a key.
     *
     * @param type the event type
     * @param stateKey the state key
     */
    public StateKey {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(stateKey, "stateKey");
    }

    /**
     * The key of a user's membership event.
     *
     * @param userId the user
     * @return {@code (m.room.member, userId)}
     */
    public static StateKey member(String userId) {
        return new StateKey(EventTypes.MEMBER, userId);
    }

    @Override
    public String toString() {
        return "(" + type + ", " + stateKey + ")";
    }
}
