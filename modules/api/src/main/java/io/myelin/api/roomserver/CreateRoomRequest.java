package io.myelin.api.roomserver;

import java.util.List;
import java.util.Map;

import io.myelin.api.users.ProfileResponse;

import jakarta.json.JsonObject;

/**
 * A room to create, with the fields of the client-server API's {@code POST /createRoom} body.
 *
 * @param creator                    the local user who creates it
 * @param preset                     {@code private_chat}, {@code trusted_private_chat} or {@code public_chat};
 *                                   null to choose by visibility
 * @param visibility                 {@code public} or {@code private}; null is private
 * @param name                       the room name, or null
 * @param topic                      the topic, or null
 * @param roomAliasName              the local part of a canonical alias to create, or null
 * @param invite                     users to invite
 * @param initialState               state events ({@code type}, {@code state_key}, {@code content}) to add
 * @param powerLevelContentOverride  keys that replace those of the default power levels, or null
 * @param creationContent            extra content of the create event, or null
 * @param roomVersion                the version, or null for the configured default
 * @param isDirect                   whether invites are flagged {@code is_direct}
 * @param profiles                   the global profiles of the creator and of local invitees, by user id, for
 *                                   their member events; users absent here get none
 */
public record CreateRoomRequest(String creator, String preset, String visibility, String name, String topic,
                                String roomAliasName, List<String> invite, List<JsonObject> initialState,
                                JsonObject powerLevelContentOverride, JsonObject creationContent,
                                String roomVersion, boolean isDirect, Map<String, ProfileResponse> profiles) {

    /**
     * Replaces absent lists and maps with empty ones.
     */
    public CreateRoomRequest {
        invite = invite == null ? List.of() : List.copyOf(invite);
        initialState = initialState == null ? List.of() : List.copyOf(initialState);
        profiles = profiles == null ? Map.of() : Map.copyOf(profiles);
    }

    /**
     * A room whose member events carry no profile.
     *
     * @param creator                   the creator
     * @param preset                    the preset, or null
     * @param visibility                the visibility, or null
     * @param name                      the name, or null
     * @param topic                     the topic, or null
     * @param roomAliasName             the alias local part, or null
     * @param invite                    users to invite
     * @param initialState              initial state events
     * @param powerLevelContentOverride power level keys to replace, or null
     * @param creationContent           extra create event content, or null
     * @param roomVersion               the version, or null
     * @param isDirect                  whether invites are flagged {@code is_direct}
     */
    public CreateRoomRequest(String creator, String preset, String visibility, String name, String topic,
                             String roomAliasName, List<String> invite, List<JsonObject> initialState,
                             JsonObject powerLevelContentOverride, JsonObject creationContent, String roomVersion,
                             boolean isDirect) {
        this(creator, preset, visibility, name, topic, roomAliasName, invite, initialState, powerLevelContentOverride,
                creationContent, roomVersion, isDirect, Map.of());
    }

    /**
     * A plain private room with defaults for everything else.
     *
     * @param creator the creator
     * @return the request
     */
    public static CreateRoomRequest simple(String creator) {
        return new CreateRoomRequest(creator, null, null, null, null, null, List.of(), List.of(), null, null,
                null, false);
    }
}
