package io.myelin.sync.rooms;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@code /sync} reads of the joined rooms it answers for, read for all of them together rather than room
 * by room: the reader's history visibility in each, the first page of each timeline, and for the rooms that
 * get their full state, the state changes, the members and the name and alias. An initial sync of an account in
 * hundreds of rooms so costs a handful of statements per hundred rooms instead of several per room. Whatever
 * was not read ahead (a second page, a room outside the batch, a position past the one read up to) is read
 * from the store as before, so each answer is the one the store would give.
 */
final class RoomBatch implements Timelines.Ranges {

    private static final List<String> NAMING = List.of("m.room.name", "m.room.canonical_alias");

    /**
     * A joined room to read ahead for.
     *
     * @param roomId   the room
     * @param since    the position its timeline starts after
     * @param full     whether it gets all of its state
     * @param timeline whether the timeline filter lets its events through
     */
    record Room(String roomId, long since, boolean full, boolean timeline) {
    }

    private final RoomStore store;
    private final String userId;
    private final long upTo;
    private final int page;
    private final Map<String, HistoryVisibility> visibility = new HashMap<>();
    private final Map<String, Long> pageAfter = new HashMap<>();
    private final Map<String, List<StreamEvent>> pages = new HashMap<>();
    private final Set<String> full = new HashSet<>();
    private final Map<String, List<RoomStore.KeyChange>> changes = new HashMap<>();
    private final Map<String, Map<String, String>> members = new HashMap<>();
    private final Map<String, List<StreamEvent>> naming = new HashMap<>();

    private RoomBatch(RoomStore store, String userId, long upTo, int limit) {
        this.store = store;
        this.userId = userId;
        this.upTo = upTo;
        this.page = Timelines.batch(limit);
    }

    /**
     * Reads ahead for some rooms.
     *
     * @param store  the tables
     * @param userId the reader
     * @param upTo   the response's position
     * @param limit  the timeline limit
     * @param filter the timeline filter
     * @param rooms  the rooms
     * @return what was read, which reads the rest from the store when asked
     */
    static RoomBatch read(RoomStore store, String userId, long upTo, int limit, EventFilter filter,
                          List<Room> rooms) {
        RoomBatch batch = new RoomBatch(store, userId, upTo, limit);
        if (rooms.isEmpty()) {
            return batch;
        }
        List<String> all = rooms.stream().map(Room::roomId).toList();
        rooms.stream().filter(Room::full).forEach(room -> batch.full.add(room.roomId()));

        Map<String, List<RoomStore.Change>> memberships = store.histories(all, RoomStore.MEMBER, userId);
        Map<String, List<RoomStore.Change>> settings = store.histories(all, HistoryVisibility.TYPE, "");
        Map<String, Map<RoomStore.StateKey, String>> names = store.currentOfTypes(batch.full, NAMING);
        List<String> ids = new ArrayList<>();
        settings.values().forEach(changes -> ids.addAll(HistoryVisibility.settingEvents(changes)));
        names.values().forEach(keys -> ids.addAll(keys.values()));
        Map<String, StreamEvent> events = store.events(ids);
        for (String roomId : all) {
            batch.visibility.put(roomId, HistoryVisibility.of(userId, memberships.getOrDefault(roomId, List.of()),
                    settings.getOrDefault(roomId, List.of()), events));
        }
        for (String roomId : batch.full) {
            batch.naming.put(roomId, namingEvents(names.getOrDefault(roomId, Map.of()), events));
        }

        // A timeline's first page holds a batch of events, but the run stops at the first event past the limit
        // that it keeps; so only that many are read ahead, and kept where they are all the run reads.
        List<RoomStore.Range> ranges = new ArrayList<>();
        for (Room room : rooms) {
            if (room.timeline()) {
                ranges.add(new RoomStore.Range(room.roomId(), room.since(), upTo, limit + 1));
            }
        }
        Map<String, Long> after = new HashMap<>();
        rooms.forEach(room -> after.put(room.roomId(), room.since()));
        store.latest(ranges).forEach((roomId, firstPage) -> {
            HistoryVisibility rules = batch.visibility.get(roomId);
            if (firstPage.size() <= limit || firstPage.stream().allMatch(e -> filter.matches(e) && rules.canSee(e))) {
                batch.pages.put(roomId, firstPage);
                batch.pageAfter.put(roomId, after.get(roomId));
            }
        });
        batch.changes.putAll(store.stateChanges(batch.full, upTo));
        batch.members.putAll(store.members(batch.full));
        return batch;
    }

    /** The events of a room's current name and alias, in that order, those sync has. */
    private static List<StreamEvent> namingEvents(Map<RoomStore.StateKey, String> current,
                                                  Map<String, StreamEvent> events) {
        List<StreamEvent> out = new ArrayList<>();
        for (String type : NAMING) {
            String id = current.get(new RoomStore.StateKey(type, ""));
            if (id != null && events.containsKey(id)) {
                out.add(events.get(id));
            }
        }
        return out;
    }

    /** @return the tables */
    RoomStore store() {
        return store;
    }

    /**
     * @param roomId a room
     * @return the reader's history visibility in it
     */
    HistoryVisibility visibility(String roomId) {
        return visibility.computeIfAbsent(roomId, room -> HistoryVisibility.of(store, room, userId));
    }

    /**
     * A room's first page read ahead is shorter than the run asks for, but it is all the run reads of it: either
     * the room has no more events in the range, or the run keeps every event of it and stops at its last.
     */
    @Override
    public List<StreamEvent> range(String roomId, long after, long until, boolean descending, int limit) {
        Long read = pageAfter.get(roomId);
        if (descending && read != null && read == after && until == upTo && limit == page) {
            return pages.get(roomId);
        }
        return store.range(roomId, after, until, descending, limit);
    }

    /**
     * @param roomId a room
     * @param before a position
     * @return the room's state just before it, as {@link RoomStore#stateBefore(String, long)} gives it
     */
    Map<RoomStore.StateKey, String> stateBefore(String roomId, long before) {
        if (full.contains(roomId) && before <= upTo + 1) {
            return RoomStore.stateBefore(changes.getOrDefault(roomId, List.of()), before);
        }
        return store.stateBefore(roomId, before);
    }

    /**
     * @param roomId a room
     * @return its members, as {@link RoomStore#members(String)} gives them
     */
    Map<String, String> members(String roomId) {
        return full.contains(roomId) ? members.getOrDefault(roomId, Map.of()) : store.members(roomId);
    }

    /**
     * @param roomId a room
     * @return the events of its current {@code m.room.name} and {@code m.room.canonical_alias}, those sync has
     */
    Collection<StreamEvent> naming(String roomId) {
        if (full.contains(roomId)) {
            return naming.get(roomId);
        }
        Map<RoomStore.StateKey, String> current = store.currentState(roomId);
        List<String> ids = new ArrayList<>();
        for (String type : NAMING) {
            String id = current.get(new RoomStore.StateKey(type, ""));
            if (id != null) {
                ids.add(id);
            }
        }
        return ids.isEmpty() ? List.of() : store.events(ids).values();
    }
}
