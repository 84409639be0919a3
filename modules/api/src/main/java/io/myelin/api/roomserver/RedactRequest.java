package io.myelin.api.roomserver;

/**
 * A redaction to send.
 *
 * @param roomId  the room
 * @param sender  the local user redacting
 * @param eventId the event to redact
 * @param reason  the reason, or null
 * @param txnId   the client's transaction id, or null
 */
public record RedactRequest(String roomId, String sender, String eventId, String reason, String txnId) {
}
