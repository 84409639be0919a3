package io.myelin.sync.stream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * The parts of one {@code /sync} response as the sources collect them, turned into the response body by
 * {@link #toJson}. Used by one request's thread only.
 */
public final class SyncResult {

    /** A joined room's parts. */
    public static final class JoinedRoom {
        private final List<JsonObject> timeline = new ArrayList<>();
        private final List<JsonObject> state = new ArrayList<>();
        private final List<JsonObject> ephemeral = new ArrayList<>();
        private final List<JsonObject> accountData = new ArrayList<>();
        private boolean limited;
        private String prevBatch;
        private JsonObject summary;
        private JsonObject unread;
        private JsonObject unreadThreads;

        /** @return the timeline events, oldest first, to add to */
        public List<JsonObject> timeline() {
            return timeline;
        }

        /** @return the state events before the timeline (at its end with {@code use_state_after}), to add to */
        public List<JsonObject> state() {
            return state;
        }

        /**
         * @param limited   whether events were left out between since and the timeline
         * @param prevBatch the token to page back from the timeline's start with {@code /messages}
         */
        public void timelineBounds(boolean limited, String prevBatch) {
            this.limited = limited;
            this.prevBatch = prevBatch;
        }

        /** @param summary the room summary ({@code m.heroes}, member counts) */
        public void summary(JsonObject summary) {
            this.summary = summary;
        }

        private boolean isEmpty() {
            return timeline.isEmpty() && state.isEmpty() && ephemeral.isEmpty() && accountData.isEmpty()
                    && summary == null && unread == null && unreadThreads == null;
        }
    }

    /** A left room's parts. */
    public static final class LeftRoom {
        private final List<JsonObject> timeline = new ArrayList<>();
        private final List<JsonObject> state = new ArrayList<>();
        private final List<JsonObject> accountData = new ArrayList<>();
        private boolean limited;
        private String prevBatch;

        /** @return the timeline events up to the leave, oldest first, to add to */
        public List<JsonObject> timeline() {
            return timeline;
        }

        /** @return the state events before the timeline (at its end with {@code use_state_after}), to add to */
        public List<JsonObject> state() {
            return state;
        }

        /**
         * @param limited   whether events were left out
         * @param prevBatch the token to page back from the timeline's start
         */
        public void timelineBounds(boolean limited, String prevBatch) {
            this.limited = limited;
            this.prevBatch = prevBatch;
        }
    }

    private final Map<String, JoinedRoom> joined = new LinkedHashMap<>();
    private final Map<String, List<JsonObject>> invited = new LinkedHashMap<>();
    private final Map<String, List<JsonObject>> knocked = new LinkedHashMap<>();
    private final Map<String, LeftRoom> left = new LinkedHashMap<>();
    private final List<JsonObject> globalAccountData = new ArrayList<>();
    private final List<JsonObject> presence = new ArrayList<>();
    private final List<JsonObject> toDevice = new ArrayList<>();
    private final Set<String> devicesChanged = new LinkedHashSet<>();
    private final Set<String> devicesLeft = new LinkedHashSet<>();
    private Map<String, Integer> oneTimeKeyCounts;
    private List<String> unusedFallbackKeyTypes;
    private final String stateKey;

    /** A result whose rooms carry the state before their timeline as {@code state}. */
    public SyncResult() {
        this(false);
    }

    /**
     * @param stateAfter whether rooms carry the state at the end of their timeline as {@code state_after}
     *                   ({@code use_state_after}) instead of {@code state}
     */
    public SyncResult(boolean stateAfter) {
        this.stateKey = stateAfter ? "state_after" : "state";
    }

    /**
     * @param roomId a room the user is joined to
     * @return its parts, created on first use
     */
    public JoinedRoom joined(String roomId) {
        return joined.computeIfAbsent(roomId, id -> new JoinedRoom());
    }

    /** @return the joined rooms that have parts so far */
    public Set<String> joinedRoomIds() {
        return joined.keySet();
    }

    /**
     * @param roomId        a room the user is invited to
     * @param strippedState the invite's stripped state events, the invite itself included
     */
    public void invited(String roomId, List<JsonObject> strippedState) {
        invited.put(roomId, strippedState);
    }

    /**
     * @param roomId        a room the user knocked on
     * @param strippedState the knock's stripped state events, the knock itself included
     */
    public void knocked(String roomId, List<JsonObject> strippedState) {
        knocked.put(roomId, strippedState);
    }

    /**
     * @param roomId a room the user left or was removed from
     * @return its parts, created on first use
     */
    public LeftRoom left(String roomId) {
        return left.computeIfAbsent(roomId, id -> new LeftRoom());
    }

    /**
     * @param roomId a room
     * @return whether the response carries it in the {@code leave} section
     */
    public boolean hasLeft(String roomId) {
        return left.containsKey(roomId);
    }

    /** @param event a global account data event ({@code type}, {@code content}) */
    public void globalAccountData(JsonObject event) {
        globalAccountData.add(event);
    }

    /**
     * @param roomId the room, which must be one the user is joined to or has left
     * @param event  a room account data event ({@code type}, {@code content})
     */
    public void roomAccountData(String roomId, JsonObject event) {
        LeftRoom leftRoom = left.get(roomId);
        if (leftRoom != null) {
            leftRoom.accountData.add(event);
        } else {
            joined(roomId).accountData.add(event);
        }
    }

    /**
     * @param roomId a joined room
     * @param event  an ephemeral event ({@code m.typing}, {@code m.receipt})
     */
    public void ephemeral(String roomId, JsonObject event) {
        joined(roomId).ephemeral.add(event);
    }

    /**
     * @param roomId            a joined room
     * @param notificationCount unread notifying events
     * @param highlightCount    unread highlighting events
     */
    public void unreadNotifications(String roomId, long notificationCount, long highlightCount) {
        joined(roomId).unread = JsonSupport.objectBuilder().add("notification_count", notificationCount)
                .add("highlight_count", highlightCount).build();
    }

    /**
     * @param roomId  a joined room
     * @param threads {@code unread_thread_notifications}: the counts of each thread by its root
     */
    public void unreadThreadNotifications(String roomId, JsonObject threads) {
        joined(roomId).unreadThreads = threads;
    }

    /** @param event a presence event */
    public void presence(JsonObject event) {
        presence.add(event);
    }

    /** @param event a to-device event ({@code sender}, {@code type}, {@code content}) */
    public void toDevice(JsonObject event) {
        toDevice.add(event);
    }

    /** @param userId a user whose devices or keys changed */
    public void deviceListChanged(String userId) {
        devicesLeft.remove(userId);
        devicesChanged.add(userId);
    }

    /** @param userId a user who no longer shares a room with the syncing user */
    public void deviceListLeft(String userId) {
        if (!devicesChanged.contains(userId)) {
            devicesLeft.add(userId);
        }
    }

    /**
     * @param counts          the device's unclaimed one-time keys by algorithm
     * @param fallbackKeyTypes the algorithms of its unused fallback keys
     */
    public void keyCounts(Map<String, Integer> counts, List<String> fallbackKeyTypes) {
        this.oneTimeKeyCounts = counts;
        this.unusedFallbackKeyTypes = fallbackKeyTypes;
    }

    /**
     * Cuts the account data, presence and ephemeral events to a filter's limits, keeping the first collected.
     *
     * @param globalAccountData the most global account data events, or -1 for no limit
     * @param presence          the most presence events, or -1
     * @param ephemeral         the most ephemeral events of each joined room, or -1
     * @param roomAccountData   the most account data events of each room, joined or left, or -1
     */
    public void limit(int globalAccountData, int presence, int ephemeral, int roomAccountData) {
        cut(this.globalAccountData, globalAccountData);
        cut(this.presence, presence);
        joined.values().forEach(room -> {
            cut(room.ephemeral, ephemeral);
            cut(room.accountData, roomAccountData);
        });
        left.values().forEach(room -> cut(room.accountData, roomAccountData));
    }

    private static void cut(List<JsonObject> events, int limit) {
        if (limit >= 0 && events.size() > limit) {
            events.subList(limit, events.size()).clear();
        }
    }

    /**
     * @return whether nothing was collected that the client has not seen, so a long poll may wait (key counts,
     *         which every response carries, do not count)
     */
    public boolean isEmpty() {
        return joined.values().stream().allMatch(JoinedRoom::isEmpty) && invited.isEmpty() && knocked.isEmpty()
                && left.isEmpty() && globalAccountData.isEmpty() && presence.isEmpty() && toDevice.isEmpty()
                && devicesChanged.isEmpty() && devicesLeft.isEmpty();
    }

    /**
     * @param nextBatch the token of this response
     * @return the response body
     */
    public JsonObject toJson(String nextBatch) {
        JsonObjectBuilder body = JsonSupport.objectBuilder().add("next_batch", nextBatch);
        JsonObjectBuilder rooms = JsonSupport.objectBuilder();
        if (!joined.isEmpty()) {
            JsonObjectBuilder join = JsonSupport.objectBuilder();
            joined.forEach((roomId, room) -> {
                JsonObjectBuilder json = JsonSupport.objectBuilder()
                        .add("timeline", timeline(room.timeline, room.limited, room.prevBatch))
                        .add(stateKey, events(room.state))
                        .add("ephemeral", events(room.ephemeral))
                        .add("account_data", events(room.accountData));
                json.add("unread_notifications", room.unread != null ? room.unread
                        : JsonSupport.objectBuilder().add("notification_count", 0).add("highlight_count", 0)
                        .build());
                if (room.unreadThreads != null) {
                    json.add("unread_thread_notifications", room.unreadThreads);
                }
                if (room.summary != null) {
                    json.add("summary", room.summary);
                }
                join.add(roomId, json);
            });
            rooms.add("join", join);
        }
        if (!invited.isEmpty()) {
            JsonObjectBuilder invite = JsonSupport.objectBuilder();
            invited.forEach((roomId, stripped) -> invite.add(roomId,
                    JsonSupport.objectBuilder().add("invite_state", events(stripped))));
            rooms.add("invite", invite);
        }
        if (!knocked.isEmpty()) {
            JsonObjectBuilder knock = JsonSupport.objectBuilder();
            knocked.forEach((roomId, stripped) -> knock.add(roomId,
                    JsonSupport.objectBuilder().add("knock_state", events(stripped))));
            rooms.add("knock", knock);
        }
        if (!left.isEmpty()) {
            JsonObjectBuilder leave = JsonSupport.objectBuilder();
            left.forEach((roomId, room) -> leave.add(roomId, JsonSupport.objectBuilder()
                    .add("timeline", timeline(room.timeline, room.limited, room.prevBatch))
                    .add(stateKey, events(room.state))
                    .add("account_data", events(room.accountData))));
            rooms.add("leave", leave);
        }
        body.add("rooms", rooms);
        body.add("account_data", events(globalAccountData));
        body.add("presence", events(presence));
        body.add("to_device", events(toDevice));
        body.add("device_lists", JsonSupport.objectBuilder()
                .add("changed", JsonSupport.provider().createArrayBuilder(List.copyOf(devicesChanged)))
                .add("left", JsonSupport.provider().createArrayBuilder(List.copyOf(devicesLeft))));
        if (oneTimeKeyCounts != null) {
            JsonObjectBuilder counts = JsonSupport.objectBuilder();
            oneTimeKeyCounts.forEach(counts::add);
            body.add("device_one_time_keys_count", counts);
            body.add("device_unused_fallback_key_types",
                    JsonSupport.provider().createArrayBuilder(unusedFallbackKeyTypes));
        }
        return body.build();
    }

    private static JsonObject timeline(List<JsonObject> events, boolean limited, String prevBatch) {
        JsonObjectBuilder json = JsonSupport.objectBuilder().add("events", array(events)).add("limited", limited);
        if (prevBatch != null) {
            json.add("prev_batch", prevBatch);
        }
        return json.build();
    }

    private static JsonObject events(List<JsonObject> events) {
        return JsonSupport.objectBuilder().add("events", array(events)).build();
    }

    private static JsonArrayBuilder array(List<JsonObject> events) {
        JsonArrayBuilder array = JsonSupport.arrayBuilder();
        events.forEach(array::add);
        return array;
    }

    private final Map<String, Long> heldBack = new LinkedHashMap<>();

    /**
     * Lowers the position the response's {@code next_batch} gives a source: the source delivered only part of
     * what lies up to the position read before collecting (for example the first 100 to-device messages), and
     * the client must come back for the rest.
     *
     * @param key      the source's key, one of {@link SyncToken#KEYS}
     * @param position the last position the response fully delivered
     */
    public void holdBack(String key, long position) {
        heldBack.merge(key, position, Math::min);
    }

    /**
     * @param key      a source's key
     * @param position the position read for it before collecting
     * @return the position {@code next_batch} must give it: {@code position}, or less when the source held back
     */
    public long nextPosition(String key, long position) {
        Long held = heldBack.get(key);
        return held == null ? position : Math.min(held, position);
    }
}
