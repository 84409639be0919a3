package io.myelin.sync.push;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.myelin.api.bus.Message;
import io.myelin.api.roomserver.OutputRoomEvent;
import io.myelin.api.roomserver.RoomEvent;
import io.myelin.api.roomserver.RoomRequest;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.roomserver.StateRequest;
import io.myelin.api.roomserver.StateTuple;
import io.myelin.api.users.UserData;
import io.myelin.api.users.UserRequest;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.auth.PowerLevels;
import io.myelin.protocol.event.EventIds;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.sync.stream.Memberships;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

/**
 * Counts notifications as new events arrive on {@code OutputRoomEvent}: each local member of the room other than
 * the sender has the event evaluated against their push rules, and an event whose rule says {@code notify} is
 * recorded as unread for them. Push rules are cached per user until {@code OutputClientData} announces a change
 * of {@code m.push_rules}.
 */
public final class NotificationCounter {

    private static final System.Logger LOG = System.getLogger(NotificationCounter.class.getName());
    private static final int MAX_CACHED_RULES = 10_000;

    private final RoomserverApi rooms;
    private final UserData userData;
    private final Memberships memberships;
    private final Recorder recorder;
    private final Map<String, JsonObject> rules = new ConcurrentHashMap<>();

    /** Where notifications go, beside the read receipts that clear them. */
    public interface Recorder {
        /**
         * @param userId  the user
         * @param roomId  the room
         * @param eventId the event
         * @return whether the user's current read receipt in the room is for that event, which then counts as read
         */
        boolean readAt(String userId, String roomId, String eventId);

        /**
         * Records an event's notifications and tells the notified users their counts changed.
         *
         * @param roomId        the room
         * @param eventId       the event
         * @param threadId      its thread root, or {@link Unread#MAIN_TIMELINE}
         * @param seq           the event's order in the room
         * @param depth         the event's depth
         * @param notifications who it notified; not empty
         */
        void notified(String roomId, String eventId, String threadId, long seq, long depth,
                      List<Unread.Notification> notifications);
    }

    /**
     * @param rooms       the roomserver, for the room's state and member count
     * @param userData    the users' push rules
     * @param memberships the room's local members
     * @param recorder    where notifications are recorded, and the users' current read receipts
     */
    public NotificationCounter(RoomserverApi rooms, UserData userData, Memberships memberships,
                               Recorder recorder) {
        this.rooms = rooms;
        this.userData = userData;
        this.memberships = memberships;
        this.recorder = recorder;
    }

    /**
     * Forgets a user's cached push rules.
     *
     * @param userId the user whose rules changed
     */
    public void pushRulesChanged(String userId) {
        rules.remove(userId);
    }

    /**
     * Handles one {@code OutputRoomEvent} record.
     *
     * @param message the message
     */
    public void handle(Message message) {
        JsonObject output;
        try (JsonReader reader = JsonSupport.provider().createReader(new ByteArrayInputStream(message.payload()))) {
            output = reader.readObject();
        }
        if (OutputRoomEvent.NEW_ROOM_EVENT.equals(output.getString("type", null))) {
            count(output.getString("roomId"), output.getString("roomVersion"), output.getJsonObject("event"),
                    message.sequence());
        }
        message.ack();
    }

    /**
     * Evaluates a new event for the room's local members and records whom it notified.
     *
     * @param roomId      the room
     * @param versionId   the room version
     * @param pdu         the event as the roomserver published it
     * @param seq         the event's order in its stream
     */
    void count(String roomId, String versionId, JsonObject pdu, long seq) {
        RoomVersion version = RoomVersion.of(versionId).orElse(null);
        if (version == null) {
            LOG.log(System.Logger.Level.WARNING, "sync: room " + roomId + " has unknown version " + versionId);
            return;
        }
        String sender = pdu.getString("sender", "");
        List<String> users = memberships.localJoined(roomId).stream().filter(u -> !u.equals(sender)).sorted()
                .toList();
        if (users.isEmpty()) {
            return;
        }
        String eventId = EventIds.eventId(pdu, version);
        JsonObject event = JsonSupport.provider().createObjectBuilder(pdu).add("event_id", eventId).build();

        List<StateTuple> keys = new ArrayList<>(List.of(new StateTuple("m.room.create", ""),
                new StateTuple("m.room.power_levels", "")));
        users.forEach(u -> keys.add(new StateTuple("m.room.member", u)));
        Map<String, JsonObject> state = new HashMap<>();
        for (RoomEvent e : rooms.state(new StateRequest(roomId, null, false, keys)).events()) {
            state.put(e.json().getString("type") + "\u0000" + e.json().getString("state_key", ""), e.json());
        }
        JsonObject create = state.get("m.room.create\u0000");
        JsonObject powerLevels = state.get("m.room.power_levels\u0000");
        long senderLevel = PowerLevels.of(version, create == null ? null : new StateView(create),
                powerLevels == null ? null : new StateView(powerLevels)).user(sender);
        Map<String, Long> notificationLevels = notificationLevels(powerLevels);
        long memberCount = rooms.joined(new RoomRequest(roomId)).users().size();

        List<Unread.Notification> notified = new ArrayList<>();
        for (String userId : users) {
            JsonObject member = state.get("m.room.member\u0000" + userId);
            String displayName = member == null ? null
                    : member.getJsonObject("content").getString("displayname", null);
            PushEvaluator.Outcome outcome = PushEvaluator.evaluate(ruleset(userId), event,
                    new PushEvaluator.Context(userId, displayName, memberCount, senderLevel, notificationLevels));
            if (outcome.notifies() && !recorder.readAt(userId, roomId, eventId)) {
                notified.add(new Unread.Notification(userId, outcome.highlighted()));
            }
        }
        if (!notified.isEmpty()) {
            recorder.notified(roomId, eventId, Unread.threadOf(pdu), seq, pdu.getJsonNumber("depth").longValue(),
                    notified);
        }
    }

    private JsonObject ruleset(String userId) {
        if (rules.size() > MAX_CACHED_RULES) {
            rules.clear();
        }
        return rules.computeIfAbsent(userId, id -> {
            JsonObject all = userData.pushRules(new UserRequest(id)).rules();
            return all.get("global") instanceof JsonObject global ? global : JsonValue.EMPTY_JSON_OBJECT;
        });
    }

    private static Map<String, Long> notificationLevels(JsonObject powerLevels) {
        Map<String, Long> levels = new HashMap<>();
        levels.put("room", 50L);
        if (powerLevels != null && powerLevels.get("content") instanceof JsonObject content
                && content.get("notifications") instanceof JsonObject notifications) {
            notifications.forEach((key, value) -> {
                if (value instanceof JsonNumber n) {
                    levels.put(key, n.longValue());
                }
            });
        }
        return levels;
    }
}
