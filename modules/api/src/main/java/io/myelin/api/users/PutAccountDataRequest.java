package io.myelin.api.users;

import jakarta.json.JsonObject;

/**
 * An account data entry to store.
 *
 * @param userId  the owner
 * @param roomId  the room, or {@link AccountDataEntry#GLOBAL}
 * @param type    the event type
 * @param content the content
 */
public record PutAccountDataRequest(String userId, String roomId, String type, JsonObject content) {
}
