package io.myelin.sync.rooms;

import java.util.ArrayList;
import java.util.List;

import io.myelin.api.http.MatrixException;

import jakarta.json.JsonArray;
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
            containsUrl = flag(object, "contains_url", false);
        }
        return new EventFilter(limit, list(object, "types"), orEmpty(list(object, "not_types")),
                list(object, "senders"), orEmpty(list(object, "not_senders")), list(object, "rooms"),
                orEmpty(list(object, "not_rooms")), containsUrl, flag(object, "lazy_load_members", false),
                flag(object, "include_redundant_members", false));
    }

    static boolean flag(JsonObject object, String key, boolean otherwise) {
        JsonValue value = object.get(key);
        if (value == null || value == JsonValue.NULL) {
            return otherwise;
        }
        if (value == JsonValue.TRUE || value == JsonValue.FALSE) {
            return value == JsonValue.TRUE;
        }
        throw MatrixException.badJson("'" + key + "' must be a boolean.");
    }

    static List<String> list(JsonObject object, String key) {
        JsonValue value = object.get(key);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonArray array)) {
            throw MatrixException.badJson("'" + key + "' must be an array of strings.");
        }
        List<String> out = new ArrayList<>();
        for (JsonValue item : array) {
            if (!(item instanceof JsonString text)) {
                throw MatrixException.badJson("'" + key + "' must be an array of strings.");
            }
            out.add(text.getString());
        }
        return out;
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
