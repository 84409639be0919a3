package io.myelin.api.roomserver;

import jakarta.json.JsonObject;

/**
 * A local event to build and send.
 *
 * @param roomId   the room
 * @param sender   the local user sending it
 * @param type     the event type
 * @param stateKey the state key, or null for a message event
 * @param content  the content
 * @param txnId    the client's transaction id, or null; a repeat with the same sender and id returns the
 *                 first event instead of sending another
 */
public record SendEventRequest(String roomId, String sender, String type, String stateKey, JsonObject content,
                               String txnId) {
}
