package io.myelin.api.roomserver;

import java.util.List;

import jakarta.json.JsonObject;

/**
 * An invite another server sent for a local user (server-server API, {@code PUT /_matrix/federation/v2/invite}),
 * as federation hands it over once it checked the request's and the event's signatures.
 *
 * @param roomVersion     the room's version, as the request names it
 * @param event           the invite event, signed by the inviting server
 * @param inviteRoomState the request's {@code invite_room_state}: state events that let the invited user identify
 *                        the room; may be empty
 */
public record InviteRequest(String roomVersion, JsonObject event, List<JsonObject> inviteRoomState) {

    /** Keeps the list immutable; null means none. */
    public InviteRequest {
        inviteRoomState = inviteRoomState == null ? List.of() : List.copyOf(inviteRoomState);
    }
}
