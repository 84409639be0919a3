package io.myelin.sync.http;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import io.myelin.sync.stream.SyncSource;
import io.myelin.sync.stream.SyncToken;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * A room's history: {@code GET /rooms/{roomId}/messages} and {@code GET /rooms/{roomId}/context/{eventId}}
 * (client-server API, "Getting events for a room"), with history visibility, filters and lazy-loaded members.
 *
 * <p>Pagination tokens are points in the rooms stream: {@code t<n>} stands just after position {@code n}, so
 * paging backwards from it returns events at {@code n} and below, forwards the events above {@code n}. A
 * {@code /sync} {@code next_batch} (or {@code prev_batch}) token is accepted too and means its rooms
 * position. A user who left reads up to their leave; one never joined reads only a world-readable room.
 */
public final class HistoryRoutes {

    private static final int DEFAULT_LIMIT = 10;

    private final AccessTokens tokens;
    private final RoomStream stream;
    private final RoomStore store;
    private final Clock clock;
    private final LegacyRoutes legacy;

    /**
     * @param tokens   access tokens
     * @param stream   the rooms stream
     * @param rooms    the rooms source
     * @param notifier the notifier, for {@code /events}
     * @param clock    the clock, for {@code age}
     * @param sources  every sync source, whose account data and presence {@code /initialSync} sends
     * @param directory the room directory, whose listing {@code /initialSync} reports
     */
    public HistoryRoutes(AccessTokens tokens, RoomStream stream, RoomsSource rooms,
                         Notifier notifier, Clock clock, List<SyncSource> sources, PublishedRooms directory) {
        this.tokens = tokens;
        this.stream = stream;
        this.store = stream.store();
        this.clock = clock;
        this.legacy = new LegacyRoutes(tokens, stream, rooms, notifier, clock, sources, directory);
    }

    /**
     * @param routes where to add the routes
     */
    public void register(Routes routes) {
        routes.clientV3(Method.GET, "/rooms/{roomId}/messages", this::messages);
        routes.clientV3(Method.GET, "/rooms/{roomId}/context/{eventId}", this::context);
        legacy.register(routes);
    }

    /**
     * The newest position a user may read a room up to.
     *
     * @throws MatrixException {@code M_FORBIDDEN} when the user may read none of it
     */
    static long readableUpTo(RoomStore store, long position, String roomId, String userId,
                             HistoryVisibility visibility) {
        List<RoomStore.Change> memberships = store.history(roomId, RoomStore.MEMBER, userId);
        String membership = memberships.isEmpty() ? null : memberships.getLast().membership();
        if ("join".equals(membership) || visibility.worldReadableNow()) {
            return position;
        }
        if ("leave".equals(membership) || "ban".equals(membership)) {
            return memberships.getLast().pos();
        }
        throw MatrixException.forbidden("You are not allowed to read this room.");
    }

    private void messages(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        String roomId = req.path().pathParameters().get("roomId");
        var query = req.query();
        String dir = query.first("dir").asOptional().orElseThrow(
                () -> MatrixException.missingParam("'dir' is required."));
        if (!dir.equals("b") && !dir.equals("f")) {
            throw MatrixException.invalidParam("'dir' must be 'b' or 'f'.");
        }
        Optional<Long> from = query.first("from").asOptional().map(t -> position(t, "from"));
        Optional<Long> to = query.first("to").asOptional().map(t -> position(t, "to"));
        int limit = limit(query.first("limit").asOptional().orElse(null));
        EventFilter filter = filter(query.first("filter").asOptional().orElse(null));
        EventFormat format = EventFormat.CLIENT;

        HistoryVisibility visibility = HistoryVisibility.of(store, roomId, who.userId());
        long cap = readableUpTo(store, stream.position(), roomId, who.userId(), visibility);
        EventFormat.Reader reader = new EventFormat.Reader(who.userId(), who.deviceId(), clock.millis(), store);
        JsonObjectBuilder body = Json.object();
        Timelines.Run run;
        if (dir.equals("b")) {
            long start = Math.min(from.orElse(cap), cap);
            long stop = to.orElse(0L);
            run = filter.allowsRoom(roomId) ? Timelines.backward(store, roomId, stop, start, limit, filter, visibility)
                    : new Timelines.Run(List.of(), false, stop);
            body.add("start", from.isPresent() ? query.first("from").get() : "t" + start);
        } else {
            long start = from.orElse(0L);
            long stop = Math.min(to.orElse(cap), cap);
            run = filter.allowsRoom(roomId) ? Timelines.forward(store, roomId, start, stop, limit, filter, visibility)
                    : new Timelines.Run(List.of(), false, stop);
            body.add("start", from.isPresent() ? query.first("from").get() : "t" + start);
        }
        JsonArrayBuilder chunk = JsonSupport.arrayBuilder();
        run.events().forEach(e -> chunk.add(format.render(e, reader)));
        body.add("chunk", chunk);
        if (run.more()) {
            body.add("end", "t" + run.boundary());
        }
        if (filter.lazyLoadMembers()) {
            body.add("state", members(roomId, run.events(), format, reader));
        }
        Json.ok(res, body.build());
    }

    private void context(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        String roomId = req.path().pathParameters().get("roomId");
        String eventId = req.path().pathParameters().get("eventId");
        int limit = limit(req.query().first("limit").asOptional().orElse(null));
        EventFilter filter = filter(req.query().first("filter").asOptional().orElse(null));
        HistoryVisibility visibility = HistoryVisibility.of(store, roomId, who.userId());
        long cap;
        try {
            cap = readableUpTo(store, stream.position(), roomId, who.userId(), visibility);
        } catch (MatrixException e) {
            throw MatrixException.notFound("Event not found.");
        }
        StreamEvent event = store.event(eventId).orElse(null);
        if (event == null || !event.roomId().equals(roomId) || event.pos() > cap || !visibility.canSee(event)) {
            throw MatrixException.notFound("Event not found.");
        }
        EventFormat format = EventFormat.CLIENT;
        EventFormat.Reader reader = new EventFormat.Reader(who.userId(), who.deviceId(), clock.millis(), store);
        int beforeLimit = limit / 2;
        // A filter that leaves the room out leaves only the event asked for, which is never filtered.
        boolean room = filter.allowsRoom(roomId);
        Timelines.Run before = room
                ? Timelines.backward(store, roomId, 0, event.pos() - 1, beforeLimit, filter, visibility)
                : new Timelines.Run(List.of(), false, event.pos() - 1);
        Timelines.Run after = room
                ? Timelines.forward(store, roomId, event.pos(), cap, limit - beforeLimit, filter, visibility)
                : new Timelines.Run(List.of(), false, event.pos());
        JsonArrayBuilder beforeJson = JsonSupport.arrayBuilder();
        before.events().forEach(e -> beforeJson.add(format.render(e, reader)));
        JsonArrayBuilder afterJson = JsonSupport.arrayBuilder();
        after.events().forEach(e -> afterJson.add(format.render(e, reader)));
        List<StreamEvent> all = new ArrayList<>(before.events());
        all.add(event);
        all.addAll(after.events());
        long last = after.events().isEmpty() ? event.pos() : after.events().getLast().pos();
        JsonArrayBuilder state = JsonSupport.arrayBuilder();
        Map<RoomStore.StateKey, String> keys = store.stateBefore(roomId, last + 1);
        Set<String> senders = new HashSet<>();
        all.forEach(e -> senders.add(e.sender()));
        if (filter.lazyLoadMembers()) {
            keys.keySet().removeIf(k -> k.type().equals(RoomStore.MEMBER) && !senders.contains(k.stateKey()));
        }
        Map<String, StreamEvent> stateEvents = store.events(keys.values());
        keys.values().forEach(id -> {
            StreamEvent stateEvent = stateEvents.get(id);
            if (stateEvent != null && filter.matches(stateEvent)) {
                state.add(format.render(stateEvent, reader));
            }
        });
        Json.ok(res, Json.object()
                .add("event", format.render(event, reader))
                .add("events_before", beforeJson)
                .add("events_after", afterJson)
                .add("start", "t" + before.boundary())
                .add("end", "t" + after.boundary())
                .add("state", state)
                .build());
    }

    /**
     * The membership events of a chunk's senders as the room stood at the chunk: each sender's as of their newest
     * event in it, not as of now, so that a page of old messages shows the names and avatars they were sent with.
     */
    private JsonArrayBuilder members(String roomId, List<StreamEvent> events, EventFormat format,
                                     EventFormat.Reader reader) {
        Map<String, Long> newest = new LinkedHashMap<>();
        events.forEach(e -> newest.merge(e.sender(), e.pos(), Math::max));
        List<String> ids = new ArrayList<>();
        newest.forEach((sender, pos) -> {
            String id = null;
            for (RoomStore.Change change : store.history(roomId, RoomStore.MEMBER, sender)) {
                if (change.pos() > pos) {
                    break;
                }
                id = change.eventId();
            }
            if (id != null) {
                ids.add(id);
            }
        });
        Map<String, StreamEvent> found = store.events(ids);
        JsonArrayBuilder out = JsonSupport.arrayBuilder();
        ids.forEach(id -> {
            if (found.containsKey(id)) {
                out.add(format.render(found.get(id), reader));
            }
        });
        return out;
    }

    /**
     * Reads a pagination token: {@code t<n>} or a sync token.
     *
     * @param token the token
     * @param name  the parameter, for the error
     * @return the rooms position it stands for
     */
    static long position(String token, String name) {
        try {
            if (token.startsWith("t")) {
                long value = Long.parseLong(token.substring(1));
                if (value >= 0) {
                    return value;
                }
            } else if (token.startsWith("s")) {
                return SyncToken.parse(token).position(SyncToken.ROOMS);
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw MatrixException.invalidParam("'" + name + "' is not a pagination token of this server.");
    }

    static int limit(String text) {
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            long value = Long.parseLong(text);
            if (value < 0) {
                throw MatrixException.invalidParam("'limit' must not be negative.");
            }
            return (int) Math.min(value, 1000);
        } catch (NumberFormatException e) {
            throw MatrixException.invalidParam("'limit' must be an integer.");
        }
    }

    private EventFilter filter(String text) {
        if (text == null || text.isEmpty()) {
            return EventFilter.ALL;
        }
        JsonObject json = SyncRoutes.parse(text);
        return EventFilter.of(json);
    }
}
