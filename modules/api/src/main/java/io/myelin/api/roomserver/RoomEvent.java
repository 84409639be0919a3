package io.myelin.api.roomserver;

import jakarta.json.JsonObject;

/**
 * An event as the roomserver stored it.
 *
 * @param eventId     the event id
 * @param roomId      the room id
 * @param roomVersion the room's version
 * @param json        the event JSON, redacted when a valid redaction names it
 * @param outlier     whether it is outside the room's graph
 * @param rejected    whether it failed the authorization rules
 * @param softFailed  whether it failed against the room's current state
 * @param redactedBy  the id of the redaction that applies to it, or null
 */
public record RoomEvent(String eventId, String roomId, String roomVersion, JsonObject json, boolean outlier,
                        boolean rejected, boolean softFailed, String redactedBy) {
}
