package io.myelin.protocol.event;

import java.util.List;

import jakarta.json.JsonObject;

/**
 * The fields of a room event (PDU) that authorization and state resolution read, whatever the event's
 * format. Parsed events implement it; tests may implement it directly.
 */
public interface EventView {

    /** @return the event id */
    String eventId();

    /** @return the room id; for a v12 create event, the id derived from it */
    String roomId();

    /** @return the event type */
    String type();

    /** @return the state key, or null for a message event */
    String stateKey();

    /** @return the sender's user id */
    String sender();

    /** @return the content */
    JsonObject content();

    /** @return the ids of the previous events */
    List<String> prevEventIds();

    /** @return the ids of the auth events */
    List<String> authEventIds();

    /** @return the depth */
    long depth();

    /** @return the origin server timestamp in milliseconds */
    long originServerTs();

    /** @return the redacted event id for an {@code m.room.redaction}, wherever the version keeps it; else null */
    String redacts();

    /** @return whether this is a state event */
    default boolean isState() {
        return stateKey() != null;
    }
}
