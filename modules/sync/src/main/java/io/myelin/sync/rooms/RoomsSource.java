package io.myelin.sync.rooms;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.myelin.api.cache.Cache;
import io.myelin.api.cache.CacheSpec;
import io.myelin.api.cache.Caches;
import io.myelin.api.roomserver.Membership;
import io.myelin.api.roomserver.MembershipsRequest;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.sync.stream.SyncQuery;
import io.myelin.sync.stream.SyncResult;
import io.myelin.sync.stream.SyncSource;
import io.myelin.sync.stream.SyncToken;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * The rooms part of {@code /sync}: joined rooms with their timeline, the state the client lacks and the summary;
 * invites and knocks with stripped state; rooms left (on an initial sync only with {@code include_leave}).
 *
 * <p>A room the user joined after {@code since}, even one left again since (or every room on an initial or
 * {@code full_state} sync) gets its latest events and the full state before them; otherwise the events after
 * {@code since}, and when more came than the limit, {@code limited} with the state changes the gap hid. Every
 * timeline passes the user's history visibility. {@code prev_batch} tokens are {@code t<position>}, which
 * {@code /messages} reads.
 */
public final class RoomsSource implements SyncSource {

    private static final int DEFAULT_LIMIT = 10;
    private static final List<String> STRIPPED = List.of("m.room.create", "m.room.join_rules", "m.room.name",
            "m.room.avatar", "m.room.canonical_alias", "m.room.encryption", "m.room.topic");

    private final RoomStream stream;
    private final RoomStore store;
    private final Clock clock;
    private final Cache<String, SentMembers> sentMembers;
    private final RoomserverApi roomserver;

    /**
     * @param stream the rooms stream
     * @param clock  the clock, for {@code age}
     * @param caches     where to remember which members each device was sent
     * @param roomserver the roomserver, which knows the rooms a user forgot
     */
    public RoomsSource(RoomStream stream, Clock clock, Caches caches, RoomserverApi roomserver) {
        this.roomserver = roomserver;
        this.stream = stream;
        this.store = stream.store();
        this.clock = clock;
        this.sentMembers = caches.cache(CacheSpec.of("sync_lazy_members", String.class, SentMembers.class,
                sent -> 64L + sent.eventIds().size() * 96L));
    }

    @Override
    public String key() {
        return SyncToken.ROOMS;
    }

    @Override
    public long position() {
        return stream.position();
    }

    /**
     * A user's memberships at a position: the last change of each room.
     *
     * @param userId the user
     * @param upTo   the position
     * @return the last change by room
     */
    public Map<String, RoomStore.Change> membershipsAt(String userId, long upTo) {
        Map<String, RoomStore.Change> latest = new LinkedHashMap<>();
        for (RoomStore.Change change : store.membershipHistory(userId, upTo)) {
            latest.put(change.roomId(), change);
        }
        return latest;
    }

    /**
     * The rooms a user is joined to at {@code upTo}, and those of them joined after {@code since}.
     *
     * @param userId the user
     * @param since  the client's position, 0 for none
     * @param upTo   the response's position
     * @return the joined rooms, then the newly joined ones
     */
    public List<Set<String>> joinedRooms(String userId, long since, long upTo) {
        List<RoomStore.Change> history = store.membershipHistory(userId, upTo);
        Set<String> joined = new HashSet<>();
        Map<String, RoomStore.Change> latest = new HashMap<>();
        history.forEach(change -> latest.put(change.roomId(), change));
        latest.forEach((room, change) -> {
            if ("join".equals(change.membership())) {
                joined.add(room);
            }
        });
        Set<String> newly = new HashSet<>();
        for (String room : joined) {
            if (since == 0 || rejoinedAfter(history, room, since)) {
                newly.add(room);
            }
        }
        return List.of(joined, newly);
    }

    /** Whether the user was not joined at {@code since}, or left and came back after it. */
    private static boolean rejoinedAfter(List<RoomStore.Change> history, String roomId, long since) {
        String at = "leave";
        boolean away = false;
        for (RoomStore.Change change : history) {
            if (!change.roomId().equals(roomId)) {
                continue;
            }
            if (change.pos() <= since) {
                at = change.membership();
            } else if (!"join".equals(change.membership())) {
                away = true;
            }
        }
        return !"join".equals(at) || away;
    }

    @Override
    public void collect(SyncQuery query, long since, long upTo, SyncResult result) {
        SyncFilter filter = SyncFilter.of(query.filter());
        EventFormat.Reader reader = new EventFormat.Reader(query.userId(), query.deviceId(), clock.millis(), store);
        Map<String, RoomStore.Change> now = membershipsAt(query.userId(), upTo);
        Map<String, RoomStore.Change> before = since == 0 ? Map.of() : membershipsAt(query.userId(), since);
        Set<String> forgotten = since == 0 && filter.includeLeave() ? forgotten(query.userId()) : Set.of();
        // An incremental sync looks only at the rooms that had events since; the others have nothing to add.
        Set<String> active = since == 0 || query.fullState() ? null : store.activeRooms(since, upTo);
        List<RoomBatch.Room> joined = new ArrayList<>();
        for (var entry : now.entrySet()) {
            String roomId = entry.getKey();
            RoomStore.Change change = entry.getValue();
            if (!filter.allowsRoom(roomId)) {
                continue;
            }
            RoomStore.Change was = before.get(roomId);
            boolean changed = since == 0 || was == null || was.pos() != change.pos();
            String membership = change.membership() == null ? "leave" : change.membership();
            switch (membership) {
                case "join" -> {
                    // full_state sends all state but keeps the timeline after since.
                    boolean newly = query.newlyJoinedRooms().contains(roomId);
                    if (active != null && !newly && !active.contains(roomId)) {
                        continue;
                    }
                    joined.add(new RoomBatch.Room(roomId, newly ? 0 : since, newly || query.fullState(),
                            filter.timeline().allowsRoom(roomId)));
                }
                case "invite" -> {
                    if (changed) {
                        result.invited(roomId, stripped(roomId, change.eventId(), "invite_room_state"));
                    }
                }
                case "knock" -> {
                    if (changed) {
                        result.knocked(roomId, stripped(roomId, change.eventId(), "knock_room_state"));
                    }
                }
                default -> {
                    if (since == 0 ? filter.includeLeave() && !forgotten.contains(roomId) : changed) {
                        // Joined and left since the last sync: the client has none of the room's state.
                        boolean newly = since != 0 && (was == null || !"join".equals(was.membership()))
                                && joinedBetween(query.userId(), roomId, since, change.pos());
                        left(query, filter, reader, roomId, newly ? 0 : since, change.pos(), result);
                    }
                }
            }
        }
        joined(query, filter, reader, upTo, joined, result);
    }

    /**
     * The joined rooms' parts: what each room needs is read for all of them together, then their state events
     * in one go, then each room is answered in the order given.
     */
    private void joined(SyncQuery query, SyncFilter filter, EventFormat.Reader reader, long upTo,
                        List<RoomBatch.Room> rooms, SyncResult result) {
        RoomBatch batch = RoomBatch.read(store, query.userId(), upTo, filter.timeline().limitOr(DEFAULT_LIMIT),
                filter.timeline(), rooms);
        List<Pending> pending = new ArrayList<>();
        List<String> stateIds = new ArrayList<>();
        for (RoomBatch.Room room : rooms) {
            Pending one = prepare(query, filter, batch, room, upTo);
            pending.add(one);
            stateIds.addAll(one.keys().values());
        }
        Map<String, StreamEvent> events = store.events(stateIds);
        for (Pending one : pending) {
            answer(query, filter, reader, batch, one, events, result);
        }
    }

    private boolean joinedBetween(String userId, String roomId, long since, long upTo) {
        return store.membershipHistory(userId, upTo).stream().anyMatch(change -> change.pos() > since
                && change.roomId().equals(roomId) && "join".equals(change.membership()));
    }

    private Set<String> forgotten(String userId) {
        Set<String> rooms = new HashSet<>();
        for (Membership membership : roomserver.memberships(new MembershipsRequest(null, userId, null))
                .memberships()) {
            if (membership.forgotten()) {
                rooms.add(membership.roomId());
            }
        }
        return rooms;
    }

    /**
     * A joined room read up to the keys of its state, which wait for the events that all rooms read together.
     *
     * @param roomId   the room
     * @param full     whether it gets all of its state
     * @param run      its timeline's run, newest first
     * @param timeline the timeline, oldest first
     * @param start    the position of the timeline's first event
     * @param summary  the summary made before the state, or null
     * @param keys     the state to send, event id by key
     */
    private record Pending(String roomId, boolean full, Timelines.Run run, List<StreamEvent> timeline, long start,
                           Summary summary, Map<RoomStore.StateKey, String> keys) {
    }

    private Pending prepare(SyncQuery query, SyncFilter filter, RoomBatch batch, RoomBatch.Room room, long upTo) {
        String roomId = room.roomId();
        long since = room.since();
        boolean full = room.full();
        HistoryVisibility visibility = batch.visibility(roomId);
        Timelines.Run run = room.timeline()
                ? Timelines.backward(batch, roomId, since, upTo, filter.timeline().limitOr(DEFAULT_LIMIT),
                        filter.timeline(), visibility)
                : new Timelines.Run(List.of(), false, upTo);
        List<StreamEvent> timeline = Timelines.oldestFirst(run);
        long start = timeline.isEmpty() ? upTo + 1 : timeline.getFirst().pos();
        boolean timelineMembers = timeline.stream().anyMatch(e -> RoomStore.MEMBER.equals(e.type()));
        // With lazy loading the heroes' members go into the state, so the summary is made before it whenever
        // the state may change the members: a full sync, members in the timeline, or a gap.
        Summary summary = full || timelineMembers || filter.state().lazyLoadMembers() && run.more()
                ? summary(batch, roomId, query.userId()) : null;
        Map<RoomStore.StateKey, String> keys = stateKeys(query, filter, batch, roomId, new Window(since, start,
                upTo, full, run.more(), query.useStateAfter()), timeline,
                summary == null ? List.of() : summary.heroes());
        return new Pending(roomId, full, run, timeline, start, summary, keys);
    }

    private void answer(SyncQuery query, SyncFilter filter, EventFormat.Reader reader, RoomBatch batch,
                        Pending room, Map<String, StreamEvent> events, SyncResult result) {
        List<StreamEvent> state = stateEvents(filter.state(), room.keys(), events);
        Summary summary = room.summary();
        if (summary == null && state.stream().anyMatch(e -> RoomStore.MEMBER.equals(e.type()))) {
            summary = summary(batch, room.roomId(), query.userId());
        }
        List<StreamEvent> timeline = room.timeline();
        if (!room.full() && timeline.isEmpty() && state.isEmpty()) {
            return;
        }
        SyncResult.JoinedRoom joined = result.joined(room.roomId());
        timeline.forEach(e -> joined.timeline().add(filter.format().render(e, reader)));
        state.forEach(e -> joined.state().add(filter.format().render(e, reader)));
        joined.timelineBounds(room.run().more(), "t" + (room.start() - 1));
        if (summary != null) {
            joined.summary(summary.json());
        }
    }

    private void left(SyncQuery query, SyncFilter filter, EventFormat.Reader reader, String roomId, long since,
                      long leftAt, SyncResult result) {
        HistoryVisibility visibility = HistoryVisibility.of(store, roomId, query.userId());
        Timelines.Run run = Timelines.backward(store, roomId, since, leftAt,
                filter.timeline().limitOr(DEFAULT_LIMIT), filter.timeline(), visibility);
        List<StreamEvent> timeline = Timelines.oldestFirst(run);
        long start = timeline.isEmpty() ? leftAt + 1 : timeline.getFirst().pos();
        RoomBatch none = RoomBatch.read(store, query.userId(), leftAt, filter.timeline().limitOr(DEFAULT_LIMIT),
                filter.timeline(), List.of());
        Map<RoomStore.StateKey, String> keys = stateKeys(query, filter, none, roomId, new Window(since, start,
                leftAt, since == 0, run.more(), query.useStateAfter()), timeline, List.of());
        List<StreamEvent> state = stateEvents(filter.state(), keys, store.events(keys.values()));
        SyncResult.LeftRoom room = result.left(roomId);
        timeline.forEach(e -> room.timeline().add(filter.format().render(e, reader)));
        state.forEach(e -> room.state().add(filter.format().render(e, reader)));
        room.timelineBounds(run.more(), "t" + (start - 1));
    }

    /**
     * Where a room's state is taken in a response.
     *
     * @param since   the client's position, 0 for none
     * @param start   the position of the timeline's first event
     * @param end     the position the timeline runs to
     * @param full    whether the client gets all state rather than changes
     * @param limited whether the timeline left a gap after {@code since}
     * @param after   {@code use_state_after}: the state at {@code end}, timeline included, not before {@code start}
     */
    private record Window(long since, long start, long end, boolean full, boolean limited, boolean after) {

        /** @return the position the state is taken just before */
        long bound() {
            return after ? end + 1 : start;
        }
    }

    /**
     * The state the client lacks before the timeline (or at its end, with {@code use_state_after}): all of it
     * when {@code full}, else what changed after {@code since} (before the timeline, only in the gap a limited
     * timeline left); with lazy loading, of the members unchanged since then only the timeline's senders and the
     * summary's heroes, which the client needs to name the room.
     */
    private Map<RoomStore.StateKey, String> stateKeys(SyncQuery query, SyncFilter filter, RoomBatch batch,
                                                      String roomId, Window window, List<StreamEvent> timeline,
                                                      List<String> heroes) {
        boolean full = window.full();
        long since = window.since();
        long start = window.bound();
        Map<RoomStore.StateKey, String> keys;
        if (full) {
            keys = batch.stateBefore(roomId, start);
        } else if (window.limited() || window.after()) {
            keys = new HashMap<>(store.changesBetween(roomId, since, start));
            keys.values().removeIf(id -> id == null);
        } else {
            keys = new HashMap<>();
        }
        EventFilter stateFilter = filter.state();
        // Membership changes after since are sent whoever they concern, redundant or not, so that joins, leaves
        // and profile changes in a gap are not lost; lazy loading leaves out only members unchanged since then.
        Set<String> changedMembers = new HashSet<>();
        if (!full) {
            keys.forEach((key, id) -> {
                if (key.type().equals(RoomStore.MEMBER)) {
                    changedMembers.add(id);
                }
            });
        }
        if (stateFilter.lazyLoadMembers()) {
            Set<String> senders = new HashSet<>();
            timeline.forEach(e -> senders.add(e.sender()));
            if (full) {
                senders.add(query.userId());
            }
            senders.addAll(heroes);
            keys.entrySet().removeIf(entry -> entry.getKey().type().equals(RoomStore.MEMBER)
                    && !senders.contains(entry.getKey().stateKey()) && !changedMembers.contains(entry.getValue()));
            if (!senders.isEmpty() && (!timeline.isEmpty() || !heroes.isEmpty())) {
                // The client may lack the members of senders whose membership did not change in the gap.
                Map<RoomStore.StateKey, String> at = full ? keys : batch.stateBefore(roomId, start);
                for (String sender : senders) {
                    RoomStore.StateKey key = new RoomStore.StateKey(RoomStore.MEMBER, sender);
                    if (at.containsKey(key)) {
                        keys.put(key, at.get(key));
                    }
                }
            }
        }
        if (!window.after()) {
            // The timeline's own state events come after the state before it; state_after holds them too.
            Set<String> inTimeline = new HashSet<>();
            timeline.forEach(e -> inTimeline.add(e.eventId()));
            keys.values().removeIf(inTimeline::contains);
        }
        if (stateFilter.lazyLoadMembers() && !stateFilter.includeRedundantMembers()) {
            leaveOutSentMembers(query, roomId, full, keys, timeline, changedMembers);
        }
        return keys;
    }

    /** The state events of some keys that pass the state filter, in stream order. */
    private static List<StreamEvent> stateEvents(EventFilter stateFilter, Map<RoomStore.StateKey, String> keys,
                                                 Map<String, StreamEvent> events) {
        List<StreamEvent> state = new ArrayList<>();
        for (String id : keys.values()) {
            StreamEvent event = events.get(id);
            if (event != null && stateFilter.matches(event)) {
                state.add(event);
            }
        }
        state.sort((a, b) -> Long.compare(a.pos(), b.pos()));
        return state;
    }

    /**
     * Drops the membership events this device already has from {@code keys}, but for those that changed since
     * the client's position, and remembers the rest; a full sync of the room starts the record afresh. Members
     * in the timeline count as sent.
     */
    private void leaveOutSentMembers(SyncQuery query, String roomId, boolean full,
                                     Map<RoomStore.StateKey, String> keys, List<StreamEvent> timeline,
                                     Set<String> changed) {
        String cacheKey = query.userId() + '\u0000' + query.deviceId() + '\u0000' + roomId;
        SentMembers before = full ? null : sentMembers.get(cacheKey);
        Set<String> sent = new HashSet<>(before == null ? Set.of() : before.eventIds());
        keys.entrySet().removeIf(entry -> entry.getKey().type().equals(RoomStore.MEMBER)
                && sent.contains(entry.getValue()) && !changed.contains(entry.getValue()));
        keys.forEach((key, id) -> {
            if (key.type().equals(RoomStore.MEMBER)) {
                sent.add(id);
            }
        });
        timeline.stream().filter(e -> RoomStore.MEMBER.equals(e.type())).forEach(e -> sent.add(e.eventId()));
        sentMembers.put(cacheKey, new SentMembers(sent));
    }

    /**
     * A room summary.
     *
     * @param json   the {@code summary} object
     * @param heroes the users in {@code m.heroes}, empty when the room has a name or an alias
     */
    record Summary(JsonObject json, List<String> heroes) {
    }

    /**
     * The room summary: joined and invited counts, and when the room has no name and no alias (an empty one
     * counts as none), its heroes: the first five other joined or invited members by the order of their
     * membership events, else the first five who left.
     */
    private static Summary summary(RoomBatch batch, String roomId, String userId) {
        Map<String, String> members = batch.members(roomId);
        long joined = members.values().stream().filter("join"::equals).count();
        long invited = members.values().stream().filter("invite"::equals).count();
        JsonObjectBuilder summary = JsonSupport.objectBuilder().add("m.joined_member_count", joined)
                .add("m.invited_member_count", invited);
        if (named(batch.naming(roomId))) {
            return new Summary(summary.build(), List.of());
        }
        List<String> heroes = new ArrayList<>();
        members.forEach((user, membership) -> {
            if (!user.equals(userId) && (membership.equals("join") || membership.equals("invite"))) {
                heroes.add(user);
            }
        });
        if (heroes.isEmpty()) {
            members.forEach((user, membership) -> {
                if (!user.equals(userId)) {
                    heroes.add(user);
                }
            });
        }
        List<String> first = List.copyOf(heroes.subList(0, Math.min(5, heroes.size())));
        summary.add("m.heroes", JsonSupport.provider().createArrayBuilder(first));
        return new Summary(summary.build(), first);
    }

    /** Whether the room's current {@code m.room.name} or {@code m.room.canonical_alias} is non-empty. */
    private static boolean named(Collection<StreamEvent> naming) {
        for (StreamEvent event : naming) {
            JsonObject content = event.json().get("content") instanceof JsonObject c ? c
                    : JsonValue.EMPTY_JSON_OBJECT;
            String key = event.type().equals("m.room.name") ? "name" : "alias";
            if (content.get(key) instanceof JsonString text && !text.getString().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Stripped state for an invite or a knock: what the membership event brought along, else the room's
     * current name, avatar, join rules, create, alias, encryption and topic, then the membership event itself.
     */
    List<JsonObject> stripped(String roomId, String membershipEventId, String unsignedKey) {
        List<JsonObject> out = new ArrayList<>();
        StreamEvent membership = store.event(membershipEventId).orElse(null);
        if (membership != null && membership.json().get("unsigned") instanceof JsonObject unsigned
                && unsigned.get(unsignedKey) instanceof jakarta.json.JsonArray given && !given.isEmpty()) {
            // Another server may send whole events; clients get the stripped form only.
            given.stream().filter(JsonObject.class::isInstance).forEach(v -> out.add(strip(v.asJsonObject())));
        } else {
            Map<RoomStore.StateKey, String> current = store.currentState(roomId);
            List<String> ids = new ArrayList<>();
            for (String type : STRIPPED) {
                String id = current.get(new RoomStore.StateKey(type, ""));
                if (id != null) {
                    ids.add(id);
                }
            }
            Map<String, StreamEvent> events = store.events(ids);
            for (String id : ids) {
                if (events.containsKey(id)) {
                    out.add(strip(events.get(id).json()));
                }
            }
        }
        if (membership != null) {
            out.add(strip(membership.json()));
        }
        return out;
    }

    private static JsonObject strip(JsonObject event) {
        JsonObjectBuilder out = JsonSupport.objectBuilder();
        for (String key : List.of("type", "state_key", "sender", "content")) {
            if (event.containsKey(key)) {
                out.add(key, event.get(key));
            }
        }
        return out.build();
    }
}
