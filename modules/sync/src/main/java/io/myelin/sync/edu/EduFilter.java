package io.myelin.sync.edu;

import io.myelin.api.http.MatrixException;
import io.myelin.sync.rooms.EventFilter;
import io.myelin.sync.stream.SyncResult;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * What a sync filter (client-server API, "Filtering") lets through of account data, ephemeral events and
 * presence: the {@code account_data}, {@code presence}, {@code room.account_data} and {@code room.ephemeral}
 * sections with their {@code types}, {@code not_types}, {@code senders}, {@code not_senders}, {@code rooms} and
 * {@code not_rooms}, and the room filter's own {@code rooms} and {@code not_rooms}. A missing list lets
 * everything through; an exclusion wins over an inclusion; a type may end in {@code *}. Each section's
 * {@code limit} caps its events (per room for the room sections).
 */
public final class EduFilter {

    private EduFilter() {
    }

    /**
     * Checks the sections as the room filters are checked.
     *
     * @param filter the sync filter
     * @throws MatrixException {@code M_BAD_JSON} when a section is not an object, a list is not an array of
     *                         strings or a limit is not a non-negative integer
     */
    public static void check(JsonObject filter) {
        EventFilter.of(filter.get("account_data"));
        EventFilter.of(filter.get("presence"));
        if (filter.get("room") instanceof JsonObject room) {
            EventFilter.of(room.get("ephemeral"));
            EventFilter.of(room.get("account_data"));
        }
    }

    /**
     * Applies the sections' limits to a collected response.
     *
     * @param filter the sync filter, already {@linkplain #check checked}
     * @param result the response
     */
    public static void limit(JsonObject filter, SyncResult result) {
        JsonObject room = section(filter, "room");
        result.limit(limitOf(filter, "account_data"), limitOf(filter, "presence"), limitOf(room, "ephemeral"),
                limitOf(room, "account_data"));
    }

    private static int limitOf(JsonObject parent, String name) {
        return EventFilter.of(parent.get(name)).limit();
    }

    /**
     * @param filter the sync filter
     * @param type   a global account data type
     * @return whether it is sent
     */
    static boolean globalAccountData(JsonObject filter, String type) {
        return event(section(filter, "account_data"), type, null);
    }

    /**
     * @param filter the sync filter
     * @param roomId the room
     * @param type   a room account data type
     * @return whether it is sent
     */
    static boolean roomAccountData(JsonObject filter, String roomId, String type) {
        JsonObject room = section(filter, "room");
        JsonObject accountData = section(room, "account_data");
        return room(room, roomId) && room(accountData, roomId) && event(accountData, type, null);
    }

    /**
     * @param filter the sync filter
     * @param roomId the room
     * @param type   {@code m.typing} or {@code m.receipt}
     * @return whether the room's ephemeral events of that type are sent
     */
    static boolean ephemeral(JsonObject filter, String roomId, String type) {
        JsonObject room = section(filter, "room");
        JsonObject ephemeral = section(room, "ephemeral");
        return room(room, roomId) && room(ephemeral, roomId) && event(ephemeral, type, null);
    }

    /**
     * @param filter the sync filter
     * @param sender whose presence
     * @return whether it is sent
     */
    static boolean presence(JsonObject filter, String sender) {
        return event(section(filter, "presence"), "m.presence", sender);
    }

    private static JsonObject section(JsonObject filter, String name) {
        return filter != null && filter.get(name) instanceof JsonObject section ? section
                : JsonValue.EMPTY_JSON_OBJECT;
    }

    private static boolean room(JsonObject section, String roomId) {
        return !listed(section, "not_rooms", roomId, false) && (!(section.get("rooms") instanceof JsonArray)
                || listed(section, "rooms", roomId, false));
    }

    private static boolean event(JsonObject section, String type, String sender) {
        if (listed(section, "not_types", type, true)
                || (section.get("types") instanceof JsonArray && !listed(section, "types", type, true))) {
            return false;
        }
        if (sender == null) {
            return true;
        }
        return !listed(section, "not_senders", sender, false) && (!(section.get("senders") instanceof JsonArray)
                || listed(section, "senders", sender, false));
    }

    private static boolean listed(JsonObject section, String key, String value, boolean wildcard) {
        if (!(section.get(key) instanceof JsonArray list)) {
            return false;
        }
        for (JsonValue item : list) {
            if (item instanceof JsonString text) {
                String entry = text.getString();
                if (entry.equals(value) || (wildcard && entry.endsWith("*")
                        && value.startsWith(entry.substring(0, entry.length() - 1)))) {
                    return true;
                }
            }
        }
        return false;
    }
}
