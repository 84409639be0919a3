package io.myelin.sync.rooms;

import java.util.List;

import io.myelin.api.http.Fields;
import io.myelin.api.http.MatrixException;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * A {@code RoomEventFilter} (client-server API, "Filtering"): event types and senders to keep or drop (types
 * may end in {@code *}), rooms, {@code contains_url}, a limit, and lazy loading of members.
 *
 * @param limit                   the most events to return, or -1 when the filter sets none
 * @param types                   types to keep, or null for all
 * @param notTypes                types to drop
 * @param senders                 senders to keep, or null for all
 * @param notSenders              senders to drop
 * @param rooms                   rooms to keep, or null for all
 * @param notRooms                rooms to drop
 * @param containsUrl             keep only events with (true) or without (false) a {@code content.url}, or null
 * @param lazyLoadMembers         whether to send only the members of the events' senders
 * @param includeRedundantMembers whether lazy loading may send members the client already has
 */
public record EventFilter(int limit, List<String> types, List<String> notTypes, List<String> senders,
                          List<String> notSenders, List<String> rooms, List<String> notRooms, Boolean containsUrl,
                          boolean lazyLoadMembers, boolean includeRedundantMembers) {

    /** The filter that keeps everything. */
    public static final EventFilter ALL = new EventFilter(-1, null, List.of(), null, List.of(), null, List.of(),
            null, false, false);

    /**
     * Reads a filter object.
     *
     * @param json the object, or null for {@link #ALL}
     * @return the filter
     * @throws MatrixException {@code M_BAD_JSON} when a field has the wrong type
     */
    public static EventFilter of(JsonValue json) {
        if (json == null || json == JsonValue.NULL) {
            return ALL;
        }
        if (!(json instanceof JsonObject object)) {
            throw MatrixException.badJson("A filter must be an object.");
        }
        int limit = -1;
        if (object.containsKey("limit")) {
            if (!(object.get("limit") instanceof JsonNumber number) || !number.isIntegral()
                    || number.longValue() < 0) {
                throw MatrixException.badJson("'limit' must be a non-negative integer.");
            }
            limit = (int) Math.min(number.longValue(), Integer.MAX_VALUE);
        }
        Boolean containsUrl = null;
        if (object.containsKey("contains_url")) {
            containsUrl = Fields.bool(object, "contains_url", false);
        }
        return new EventFilter(limit,
                Fields.strings(object, "types"), orEmpty(Fields.strings(object, "not_types")),
                Fields.strings(object, "senders"), orEmpty(Fields.strings(object, "not_senders")),
                Fields.strings(object, "rooms"), orEmpty(Fields.strings(object, "not_rooms")),
                containsUrl, Fields.bool(object, "lazy_load_members", false),
                Fields.bool(object, "include_redundant_members", false));
    }

    private static List<String> orEmpty(List<String> list) {
        return list == null ? List.of() : list;
    }

    /**
     * @param otherwise the limit when the filter sets none
     * @return the limit to apply, at most 1000
     */
    public int limitOr(int otherwise) {
        return Math.min(limit < 0 ? otherwise : limit, 1000);
    }

    /**
     * @param roomId a room
     * @return whether the filter keeps events of it
     */
    public boolean allowsRoom(String roomId) {
        return (rooms == null || rooms.contains(roomId)) && !notRooms.contains(roomId);
    }

    /**
     * @param event an event
     * @return whether the filter keeps it
     */
    public boolean matches(StreamEvent event) {
        if (!allowsRoom(event.roomId())) {
            return false;
        }
        if (notTypes.stream().anyMatch(t -> typeMatches(t, event.type()))) {
            return false;
        }
        if (types != null && types.stream().noneMatch(t -> typeMatches(t, event.type()))) {
            return false;
        }
        if (notSenders.contains(event.sender()) || senders != null && !senders.contains(event.sender())) {
            return false;
        }
        if (containsUrl != null) {
            JsonObject content = event.json().getJsonObject("content");
            boolean hasUrl = content != null && content.get("url") instanceof JsonString;
            return hasUrl == containsUrl;
        }
        return true;
    }

    private static boolean typeMatches(String pattern, String type) {
        if (pattern.endsWith("*")) {
            return type.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return pattern.equals(type);
    }
}
