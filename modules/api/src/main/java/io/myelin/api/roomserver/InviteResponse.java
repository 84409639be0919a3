package io.myelin.api.roomserver;

import jakarta.json.JsonObject;

/**
 * A received invite, accepted.
 *
 * @param event the invite event with this server's signature added, every other field as it was received
 */
public record InviteResponse(JsonObject event) {
}
