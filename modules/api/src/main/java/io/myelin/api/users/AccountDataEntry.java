package io.myelin.api.users;

import jakarta.json.JsonObject;

/**
 * One account data entry.
 *
 * @param roomId  the room, or {@link #GLOBAL} for global data
 * @param type    the event type, for example {@code m.direct} or {@code m.fully_read}
 * @param content the content
 */
public record AccountDataEntry(String roomId, String type, JsonObject content) {

    /** The room id of global account data. */
    public static final String GLOBAL = "";
}
