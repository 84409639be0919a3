package io.myelin.sync.http;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.Routes;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.api.sync.PublishedRooms;
import io.myelin.api.users.AccessTokens;
import io.myelin.api.users.Authentication;
import io.myelin.api.users.Requester;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.sync.rooms.EventFilter;
import io.myelin.sync.rooms.EventFormat;
import io.myelin.sync.rooms.HistoryVisibility;
import io.myelin.sync.rooms.RoomStore;
import io.myelin.sync.rooms.RoomStream;
import io.myelin.sync.rooms.RoomsSource;
import io.myelin.sync.rooms.StreamEvent;
import io.myelin.sync.rooms.Timelines;
import io.myelin.sync.stream.Notifier;
import io.myelin.sync.stream.SyncQuery;
import io.myelin.sync.stream.SyncResult;
import io.myelin.sync.stream.SyncSource;
import io.myelin.sync.stream.SyncToken;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

/**
 * The deprecated {@code GET /events}, {@code GET /events/{eventId}}, {@code GET /initialSync} and
 * {@code GET /rooms/{roomId}/initialSync} that some clients and test suites still use: room events of rooms the
 * user is joined to, and on the initial syncs the account data and presence an initial {@code /sync} would
 * send. Their tokens are the same {@code t<n>} points {@code /messages} reads.
 */
final class LegacyRoutes {

    private static final long MAX_TIMEOUT_MS = Duration.ofMinutes(10).toMillis();
    private static final int PAGE = 100;

    private final AccessTokens tokens;
    private final RoomStream stream;
    private final RoomStore store;
    private final RoomsSource rooms;
    private final Notifier notifier;
    private final Clock clock;
    private final List<SyncSource> sources;
    private final PublishedRooms directory;

    LegacyRoutes(AccessTokens tokens, RoomStream stream, RoomsSource rooms, Notifier notifier, Clock clock,
                 List<SyncSource> sources, PublishedRooms directory) {
        this.sources = sources;
        this.directory = directory;
        this.tokens = tokens;
        this.stream = stream;
        this.store = stream.store();
        this.rooms = rooms;
        this.notifier = notifier;
        this.clock = clock;
    }

    void register(Routes routes) {
        routes.clientV3(Method.GET, "/events", this::events);
        routes.clientV3(Method.GET, "/initialSync", this::initialSync);
        routes.clientV3(Method.GET, "/rooms/{roomId}/initialSync", this::roomInitialSync);
        routes.clientV3(Method.GET, "/events/{eventId}", this::event);
    }

    private void events(ServerRequest req, ServerResponse res) throws InterruptedException {
        Requester who = Authentication.require(req, tokens);
        long from = req.query().first("from").asOptional().map(t -> HistoryRoutes.position(t, "from"))
                .orElse(stream.position());
        long timeout = req.query().first("timeout").asOptional().map(SyncRoutes::millis).orElse(0L);
        long deadline = System.nanoTime() + Duration.ofMillis(Math.min(timeout, MAX_TIMEOUT_MS)).toNanos();
        long scanFrom = from;
        while (true) {
            long seen = notifier.mark(who.userId());
            long upTo = stream.position();
            Page page = visibleEvents(who.userId(), scanFrom, upTo);
            long left = deadline - System.nanoTime();
            if (!page.chunk().isEmpty() || left <= 0) {
                EventFormat.Reader reader = new EventFormat.Reader(who.userId(), who.deviceId(), clock.millis(),
                        store);
                JsonArrayBuilder events = JsonSupport.arrayBuilder();
                page.chunk().forEach(e -> events.add(EventFormat.CLIENT.render(e, reader)));
                Json.ok(res, Json.object().add("start", "t" + from).add("end", "t" + page.end())
                        .add("chunk", events).build());
                return;
            }
            if (page.end() < upTo) {
                // A whole page the user may not see: the events behind it are read now, not after a wait.
                scanFrom = page.end();
                continue;
            }
            notifier.await(who.userId(), seen, Duration.ofNanos(left));
        }
    }

    /**
     * One scan of the rooms stream.
     *
     * @param chunk the events the user may see
     * @param end   the position the scan reached: the last event read when it read a full page, else its bound
     */
    private record Page(List<StreamEvent> chunk, long end) {
    }

    /**
     * Events after {@code from} in the rooms the user was joined to, as their visibility allows, out of at most a
     * page of events read; the next request goes on after the last one read, seen or not.
     */
    private Page visibleEvents(String userId, long from, long upTo) {
        Map<String, HistoryVisibility> rules = new HashMap<>();
        List<StreamEvent> out = new ArrayList<>();
        List<StreamEvent> scanned = store.allRooms(from, upTo, PAGE);
        for (StreamEvent event : scanned) {
            HistoryVisibility visibility = rules.computeIfAbsent(event.roomId(),
                    room -> HistoryVisibility.of(store, room, userId));
            if (visibility.canSee(event) && involved(userId, event, visibility)) {
                out.add(event);
            }
        }
        return new Page(out, scanned.size() >= PAGE ? scanned.getLast().pos() : upTo);
    }

    /** World-readable rooms are visible to all but stream only to their members. */
    private boolean involved(String userId, StreamEvent event, HistoryVisibility visibility) {
        return !visibility.worldReadableNow() || rooms.joinedRooms(userId, 0, event.pos()).getFirst()
                .contains(event.roomId()) || userId.equals(event.stateKey());
    }

    private void initialSync(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        int limit = HistoryRoutes.limit(req.query().first("limit").asOptional().orElse(null));
        boolean archived = req.query().first("archived").asOptional().map(LegacyRoutes::bool).orElse(false);
        long upTo = stream.position();
        EventFormat.Reader reader = new EventFormat.Reader(who.userId(), who.deviceId(), clock.millis(), store);
        Map<String, RoomStore.Change> memberships = rooms.membershipsAt(who.userId(), upTo);
        JsonObject edus = edus(who, memberships.keySet());
        JsonArrayBuilder list = JsonSupport.arrayBuilder();
        for (var entry : memberships.entrySet()) {
            String roomId = entry.getKey();
            RoomStore.Change change = entry.getValue();
            String membership = change.membership() == null ? "leave" : change.membership();
            boolean gone = "leave".equals(membership) || "ban".equals(membership);
            if (gone ? archived : "join".equals(membership) || "invite".equals(membership)) {
                String inviteId = "invite".equals(membership) ? change.eventId() : null;
                list.add(room(who, roomId, membership, gone ? change.pos() : upTo, inviteId, limit, reader, edus));
            }
        }
        Json.ok(res, Json.object().add("end", "t" + upTo).add("rooms", list)
                .add("presence", events(edus.getJsonObject("presence")))
                .add("account_data", events(edus.getJsonObject("account_data"))).build());
    }

    /** {@code GET /rooms/{roomId}/initialSync}: one room as {@code /initialSync} shows it, or to a peeker. */
    private void roomInitialSync(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        String roomId = req.path().pathParameters().get("roomId");
        int limit = HistoryRoutes.limit(req.query().first("limit").asOptional().orElse(null));
        HistoryVisibility visibility = HistoryVisibility.of(store, roomId, who.userId());
        long upTo = HistoryRoutes.readableUpTo(store, stream.position(), roomId, who.userId(), visibility);
        List<RoomStore.Change> history = store.history(roomId, RoomStore.MEMBER, who.userId());
        RoomStore.Change last = history.isEmpty() ? null : history.getLast();
        String membership = last == null ? null : last.membership() == null ? "leave" : last.membership();
        EventFormat.Reader reader = new EventFormat.Reader(who.userId(), who.deviceId(), clock.millis(), store);
        Json.ok(res, room(who, roomId, membership, upTo, null, limit, reader, edus(who, Set.of(roomId))).build());
    }

    /** {@code GET /events/{eventId}}: one event the user may see. */
    private void event(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        String eventId = req.path().pathParameters().get("eventId");
        StreamEvent event = store.event(eventId).orElseThrow(() -> MatrixException.notFound("Event not found."));
        HistoryVisibility visibility = HistoryVisibility.of(store, event.roomId(), who.userId());
        long cap;
        try {
            cap = HistoryRoutes.readableUpTo(store, stream.position(), event.roomId(), who.userId(), visibility);
        } catch (MatrixException e) {
            throw MatrixException.notFound("Event not found.");
        }
        if (event.pos() > cap || !visibility.canSee(event)) {
            throw MatrixException.notFound("Event not found.");
        }
        EventFormat.Reader reader = new EventFormat.Reader(who.userId(), who.deviceId(), clock.millis(), store);
        Json.ok(res, EventFormat.CLIENT.render(event, reader));
    }

    /**
     * One room of {@code /initialSync}: with an invite event the invite, else the latest events and the state up
     * to {@code upTo} (the leave, for a room left), with the user's account data of the room.
     */
    private JsonObjectBuilder room(Requester who, String roomId, String membership, long upTo, String inviteId,
                                   int limit, EventFormat.Reader reader, JsonObject edus) {
        JsonObjectBuilder room = Json.object().add("room_id", roomId);
        if (membership != null) {
            room.add("membership", membership);
        }
        if (inviteId != null) {
            store.event(inviteId).ifPresent(invite -> {
                room.add("invite", EventFormat.CLIENT.render(invite, reader));
                room.add("inviter", invite.sender());
            });
        } else {
            HistoryVisibility visibility = HistoryVisibility.of(store, roomId, who.userId());
            Timelines.Run run = Timelines.backward(store, roomId, 0, upTo, limit, EventFilter.ALL, visibility);
            List<StreamEvent> events = Timelines.oldestFirst(run);
            JsonArrayBuilder chunk = JsonSupport.arrayBuilder();
            events.forEach(e -> chunk.add(EventFormat.CLIENT.render(e, reader)));
            long start = events.isEmpty() ? upTo : events.getFirst().pos() - 1;
            room.add("messages", Json.object().add("chunk", chunk).add("start", "t" + start)
                    .add("end", "t" + upTo));
            JsonArrayBuilder state = JsonSupport.arrayBuilder();
            Map<RoomStore.StateKey, String> keys = store.stateBefore(roomId, upTo + 1);
            Map<String, StreamEvent> found = store.events(keys.values());
            keys.values().forEach(id -> {
                if (found.containsKey(id)) {
                    state.add(EventFormat.CLIENT.render(found.get(id), reader));
                }
            });
            room.add("state", state);
            // Whether the room is listed in the room directory, as GET /directory/list/room/{roomId} says.
            room.add("visibility", directory.published(roomId) ? "public" : "private");
        }
        JsonObject join = edus.getJsonObject("rooms").getJsonObject("join");
        JsonObject own = join == null ? null : join.getJsonObject(roomId);
        room.add("account_data", events(own == null ? null : own.getJsonObject("account_data")));
        return room;
    }

    /**
     * What an initial {@code /sync} sends of account data (global and of the rooms) and presence, as its body
     * has them: the same sources answer, so that both endpoints agree.
     */
    private JsonObject edus(Requester who, Set<String> roomIds) {
        SyncQuery query = new SyncQuery(who.userId(), who.deviceId(), true, false, JsonValue.EMPTY_JSON_OBJECT,
                roomIds, roomIds);
        SyncResult result = new SyncResult();
        for (SyncSource source : sources) {
            if (SyncToken.ACCOUNT_DATA.equals(source.key()) || SyncToken.PRESENCE.equals(source.key())) {
                source.collect(query, 0, source.position(), result);
            }
        }
        return result.toJson("");
    }

    private static JsonArray events(JsonObject batch) {
        return batch == null ? JsonValue.EMPTY_JSON_ARRAY : batch.getJsonArray("events");
    }

    private static boolean bool(String text) {
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw MatrixException.invalidParam("'archived' must be true or false.");
        };
    }
}
