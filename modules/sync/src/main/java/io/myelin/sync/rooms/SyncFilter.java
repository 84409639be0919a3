package io.myelin.sync.rooms;

import java.util.List;

import io.myelin.api.http.Fields;
import io.myelin.api.http.MatrixException;

import jakarta.json.JsonObject;

/**
 * The parts of a {@code Filter} (client-server API, "Filtering") the rooms stream applies: the room filter's
 * {@code rooms}, {@code not_rooms}, {@code include_leave}, {@code timeline} and {@code state}, and the
 * top-level {@code event_fields} and {@code event_format}.
 *
 * @param rooms        rooms to include, or null for all
 * @param notRooms     rooms to leave out
 * @param includeLeave whether an initial sync lists rooms the user left
 * @param timeline     the timeline filter
 * @param state        the state filter
 * @param format       how to render events
 */
public record SyncFilter(List<String> rooms, List<String> notRooms, boolean includeLeave, EventFilter timeline,
                         EventFilter state, EventFormat format) {

    /**
     * Reads a filter.
     *
     * @param json the filter, the empty object when none
     * @return the filter
     * @throws MatrixException {@code M_BAD_JSON} when a field has the wrong type
     */
    public static SyncFilter of(JsonObject json) {
        JsonObject room = json == null ? null : Fields.object(json, "room");
        List<String> rooms = room == null ? null : Fields.strings(room, "rooms");
        List<String> notRooms = room == null ? null : Fields.strings(room, "not_rooms");
        boolean includeLeave = room != null && Fields.bool(room, "include_leave", false);
        EventFilter timeline = EventFilter.of(room == null ? null : room.get("timeline"));
        EventFilter state = EventFilter.of(room == null ? null : room.get("state"));
        return new SyncFilter(rooms, notRooms == null ? List.of() : notRooms, includeLeave, timeline, state,
                EventFormat.of(json));
    }

    /**
     * @param roomId a room
     * @return whether the room filter includes it
     */
    public boolean allowsRoom(String roomId) {
        return (rooms == null || rooms.contains(roomId)) && !notRooms.contains(roomId);
    }

    /**
     * @param json a filter's {@code event_format}, checked
     * @return whether it asks for the federation format
     */
    static boolean federationFormat(JsonObject json) {
        String format = json == null ? null : Fields.string(json, "event_format");
        if (format != null && !List.of("client", "federation").contains(format)) {
            throw MatrixException.badJson("'event_format' must be 'client' or 'federation'.");
        }
        return "federation".equals(format);
    }
}
