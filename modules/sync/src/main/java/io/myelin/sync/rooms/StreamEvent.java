package io.myelin.sync.rooms;

import jakarta.json.JsonObject;

/**
 * A room event as the rooms stream stored it.
 *
 * @param pos        its stream position
 * @param roomId     the room
 * @param eventId    the event id
 * @param type       the event type
 * @param stateKey   the state key, or null for a message event
 * @param sender     the sender
 * @param json       the event as the roomserver published it (redacted once a redaction applies), with
 *                   {@code unsigned.prev_content} for state events that replaced others
 * @param txnId      the transaction id of a local send as the roomserver recorded it, or null
 * @param redactedBy the redaction that applies to it, or null
 */
public record StreamEvent(long pos, String roomId, String eventId, String type, String stateKey, String sender,
                          JsonObject json, String txnId, String redactedBy) {

    /** @return whether it is a state event */
    public boolean isState() {
        return stateKey != null;
    }

    /** @return for a membership event, its membership, else null */
    public String membership() {
        if (!RoomStore.MEMBER.equals(type)) {
            return null;
        }
        JsonObject content = json.getJsonObject("content");
        return content == null ? "leave" : content.getString("membership", "leave");
    }
}
