package io.myelin.api.roomserver;

import java.util.List;

import jakarta.json.JsonObject;

/**
 * A record on the bus stream {@code OutputRoomEvent}, one subject per room, in the order the roomserver
 * decided. Consumers read {@code type} first.
 *
 * @param type                  {@code new_room_event}, {@code old_room_event}, {@code new_invite},
 *                              {@code retire_invite}, {@code redacted_event} or {@code purge}
 * @param roomId                the room
 * @param roomVersion           the room's version
 * @param event                 the event JSON (for {@code retire_invite}, the event that ended the invite). An
 *                              invite to a room this server is not in arrives as a {@code new_invite} alone,
 *                              with the room's stripped state in {@code unsigned.invite_room_state}; a local
 *                              user's rejection of it is a {@code retire_invite} alone, whose leave this server
 *                              made and stored but sent to no other server. For {@code purge}, an empty
 *                              object
 * @param addsStateEventIds     for a new event: state event ids current state gained
 * @param removesStateEventIds  for a new event: state event ids current state lost
 * @param redactedEventId       for a redaction: the event it redacts
 * @param targetUserId          for an invite or a retired invite: the invited user
 * @param transactionId         for a new event a local client sent with a transaction id: the id as the sender's
 *                              send recorded it (the client component puts the device id in it), else null
 */
public record OutputRoomEvent(String type, String roomId, String roomVersion, JsonObject event,
                              List<String> addsStateEventIds, List<String> removesStateEventIds,
                              String redactedEventId, String targetUserId,
                              String transactionId) {

    /** A new event extending the room. */
    public static final String NEW_ROOM_EVENT = "new_room_event";
    /** An earlier event from backfill. */
    public static final String OLD_ROOM_EVENT = "old_room_event";
    /** A user was invited. */
    public static final String NEW_INVITE = "new_invite";
    /** An invite ended: joined, rejected, withdrawn. */
    public static final String RETIRE_INVITE = "retire_invite";
    /** An event was redacted. */
    public static final String REDACTED_EVENT = "redacted_event";
    /** The room was purged: the roomserver holds nothing of it any more, and consumers drop what they hold. */
    public static final String PURGE = "purge";
}
