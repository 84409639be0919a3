package io.myelin.sync.rooms;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.json.JsonObject;

/**
 * Which events of one room one user may read (client-server API, "Room History Visibility"), judged from the
 * rooms stream's record of state changes: the room's {@code m.room.history_visibility} just before the event
 * (the more permissive of before and after for a change of it) and the user's membership at the event. Users
 * always see their own membership events, so that a leave or a rejected invite reaches them.
 *
 * <p>{@code world_readable} events are visible to all; otherwise an event is visible when the user was joined at
 * it, when the room was {@code invited} and the user invited at it, or when the room was {@code shared} and the
 * user was joined at some later point. The stream's order stands in for the event graph's.
 */
public final class HistoryVisibility {

    static final String WORLD_READABLE = "world_readable";
    private static final String SHARED = "shared";
    static final String TYPE = "m.room.history_visibility";
    private static final List<String> ORDER = List.of("joined", "invited", SHARED, WORLD_READABLE);

    private final String userId;
    private final List<RoomStore.Change> memberships;
    private final List<long[]> settingChanges = new ArrayList<>();
    private final List<String> settings = new ArrayList<>();

    private HistoryVisibility(String userId, List<RoomStore.Change> memberships) {
        this.userId = userId;
        this.memberships = memberships;
    }

    /**
     * Loads what the rules need for one user in one room.
     *
     * @param store  the rooms stream's tables
     * @param roomId the room
     * @param userId the reader
     * @return the rules for that reader
     */
    public static HistoryVisibility of(RoomStore store, String roomId, String userId) {
        List<RoomStore.Change> changes = store.history(roomId, TYPE, "");
        return of(userId, store.history(roomId, RoomStore.MEMBER, userId), changes,
                store.events(settingEvents(changes)));
    }

    /**
     * The rules from what was read already, for reading many rooms at once.
     *
     * @param userId      the reader
     * @param memberships the reader's membership changes in the room, oldest first
     * @param changes     the changes of the room's {@code m.room.history_visibility}, oldest first
     * @param events      the events of those changes by id (others may be there too)
     * @return the rules for that reader
     */
    static HistoryVisibility of(String userId, List<RoomStore.Change> memberships, List<RoomStore.Change> changes,
                                Map<String, StreamEvent> events) {
        HistoryVisibility rules = new HistoryVisibility(userId, memberships);
        for (RoomStore.Change change : changes) {
            StreamEvent event = change.eventId() == null ? null : events.get(change.eventId());
            String value = event == null ? SHARED : setting(event.json());
            rules.settingChanges.add(new long[] {change.pos()});
            rules.settings.add(value);
        }
        return rules;
    }

    /** @return the ids of the events of some visibility changes */
    static List<String> settingEvents(List<RoomStore.Change> changes) {
        return changes.stream().map(RoomStore.Change::eventId).filter(id -> id != null).toList();
    }

    private static String setting(JsonObject json) {
        JsonObject content = json.getJsonObject("content");
        String value = content == null ? SHARED : content.getString("history_visibility", SHARED);
        return ORDER.contains(value) ? value : SHARED;
    }

    /**
     * @param event an event of the room
     * @return whether the user may read it
     */
    public boolean canSee(StreamEvent event) {
        if (RoomStore.MEMBER.equals(event.type()) && userId.equals(event.stateKey())) {
            // Users see their own membership changes, or a rejected invite would never leave their list.
            return true;
        }
        String visibility = settingBefore(event.pos());
        if (TYPE.equals(event.type()) && "".equals(event.stateKey())) {
            String after = setting(event.json());
            if (ORDER.indexOf(after) > ORDER.indexOf(visibility)) {
                visibility = after;
            }
        }
        if (visibility.equals(WORLD_READABLE)) {
            return true;
        }
        String membership = membershipBefore(event.pos());
        if ("join".equals(membership)) {
            return true;
        }
        if (visibility.equals("invited") && "invite".equals(membership)) {
            return true;
        }
        return visibility.equals(SHARED) && joinedFrom(event.pos());
    }

    /**
     * @return whether the room's history is world readable now
     */
    public boolean worldReadableNow() {
        return !settings.isEmpty() && settings.getLast().equals(WORLD_READABLE);
    }

    private String settingBefore(long pos) {
        String value = SHARED;
        for (int i = 0; i < settingChanges.size() && settingChanges.get(i)[0] < pos; i++) {
            value = settings.get(i);
        }
        return value;
    }

    private String membershipBefore(long pos) {
        String value = "leave";
        for (RoomStore.Change change : memberships) {
            if (change.pos() >= pos) {
                break;
            }
            value = change.membership() == null ? "leave" : change.membership();
        }
        return value;
    }

    private boolean joinedFrom(long pos) {
        for (RoomStore.Change change : memberships) {
            if (change.pos() >= pos && "join".equals(change.membership())) {
                return true;
            }
        }
        return false;
    }
}
