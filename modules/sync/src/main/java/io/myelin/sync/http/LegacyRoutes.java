package io.myelin.sync.http;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.Routes;
import io.myelin.api.http.Json;
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

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;

/**
 * The deprecated {@code GET /events} and {@code GET /initialSync} that some clients and test suites still
 * use, over the rooms stream only: room events of rooms the user is joined to, no presence or account data.
 * Their tokens are the same {@code t<n>} points {@code /messages} reads.
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

    LegacyRoutes(AccessTokens tokens, RoomStream stream, RoomsSource rooms, Notifier notifier, Clock clock) {
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
        long upTo = stream.position();
        EventFormat.Reader reader = new EventFormat.Reader(who.userId(), who.deviceId(), clock.millis(), store);
        JsonArrayBuilder list = JsonSupport.arrayBuilder();
        for (var entry : rooms.membershipsAt(who.userId(), upTo).entrySet()) {
            String roomId = entry.getKey();
            String membership = entry.getValue().membership();
            if (!"join".equals(membership) && !"invite".equals(membership)) {
                continue;
            }
            JsonObjectBuilder room = Json.object().add("room_id", roomId).add("membership", membership);
            if ("join".equals(membership)) {
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
                room.add("visibility", visibility.worldReadableNow() ? "public" : "private");
            } else {
                store.event(entry.getValue().eventId()).ifPresent(invite -> {
                    room.add("invite", EventFormat.CLIENT.render(invite, reader));
                    room.add("inviter", invite.sender());
                });
            }
            room.add("account_data", JsonSupport.arrayBuilder());
            list.add(room);
        }
        Json.ok(res, Json.object().add("end", "t" + upTo).add("rooms", list)
                .add("presence", JsonSupport.arrayBuilder())
                .add("account_data", JsonSupport.arrayBuilder()).build());
    }
}
