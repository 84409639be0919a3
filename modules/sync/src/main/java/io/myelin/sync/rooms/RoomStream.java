package io.myelin.sync.rooms;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

import io.helidon.dbclient.DbExecute;
import io.myelin.api.bus.Bus;
import io.myelin.api.bus.Message;
import io.myelin.api.bus.Streams;
import io.myelin.api.bus.Subscription;
import io.myelin.api.roomserver.EventRequest;
import io.myelin.api.roomserver.OutputRoomEvent;
import io.myelin.api.roomserver.RoomEvent;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.event.EventIds;
import io.myelin.protocol.event.Redaction;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.sync.stream.Notifier;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * Feeds the rooms stream from the roomserver's {@code OutputRoomEvent} records: each new event gets the next
 * stream position, together with the current-state and membership changes it brought, in one transaction;
 * then the local users joined to the room, and any local user whose membership changed, are woken.
 *
 * <p>New events are stored in batches: the handler that takes the writer's lock stores every event waiting
 * at that moment in one transaction (a commit costs milliseconds on a durable SQLite, so one per event would
 * cap the stream at a few hundred events a second), while the handlers of the others wait for that commit;
 * each handler acknowledges its record after the commit. Positions are handed out under the lock and
 * published only after their commit, so a reader that sees position {@code n} can read everything up to
 * {@code n}. A record seen again
 * (redelivery) is skipped because its event is already stored.
 *
 * <p>A {@code purge} record drops the room's events, state and memberships and records the purge with the stream's
 * position, so that a restart never hands out a position again.
 *
 * <p>Not yet: events from backfill ({@code old_room_event}) are not added to the stream, so {@code /messages}
 * does not page into history fetched from other servers.
 */
public final class RoomStream {

    private static final System.Logger LOG = System.getLogger(RoomStream.class.getName());
    private static final String DURABLE = "sync-rooms";
    private static final int MAX_BATCH = 256;

    private final RoomStore store;
    private final RoomserverApi roomserver;
    private final Notifier notifier;
    private final String serverSuffix;
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writer = new ReentrantLock();
    private final List<BiConsumer<String, String>> membershipEnded = new CopyOnWriteArrayList<>();
    private volatile long position;
    private Subscription subscription;

    /**
     * @param store      the tables
     * @param roomserver the roomserver, for events the stream lacks
     * @param notifier   whom to tell about commits
     * @param serverName this server's name, to tell local users
     */
    public RoomStream(RoomStore store, RoomserverApi roomserver, Notifier notifier, String serverName) {
        this.store = store;
        this.roomserver = roomserver;
        this.notifier = notifier;
        this.serverSuffix = ":" + serverName;
    }

    /**
     * Reads the position reached so far and starts consuming.
     *
     * @param bus the bus
     */
    public void start(Bus bus) {
        position = store.maxPosition();
        subscription = bus.subscribe(Streams.OUTPUT_ROOM_EVENT, DURABLE, this::handle);
    }

    /** Stops consuming. */
    public void stop() {
        if (subscription != null) {
            subscription.close();
        }
    }

    /**
     * Adds a listener told, after each commit, of every user whose membership of a room ended there (a leave, a
     * kick, a ban): typing, for one, drops the user at once.
     *
     * @param listener takes the room id and the user id
     */
    public void whenMembershipEnds(BiConsumer<String, String> listener) {
        membershipEnded.add(listener);
    }

    /** @return the newest committed position */
    public long position() {
        return position;
    }

    /** @return the tables */
    public RoomStore store() {
        return store;
    }

    /**
     * @param eventId an event id
     * @return whether the stream holds the event (committed)
     */
    public boolean holds(String eventId) {
        return store.db().client().execute().get(RoomStore.HAS_EVENT, eventId).isPresent();
    }

    boolean isLocal(String userId) {
        return userId.endsWith(serverSuffix);
    }

    private void handle(Message message) {
        try {
            JsonObject record;
            try (var reader = JsonSupport.provider().createReader(new ByteArrayInputStream(message.payload()))) {
                record = reader.readObject();
            }
            switch (record.getString("type", "")) {
                case OutputRoomEvent.NEW_ROOM_EVENT -> store(parse(record, false));
                // An invite to a room in this server's graph, and the event that retired one, came as a new event
                // just before and are skipped; for a room the server is not in (an invite from another server, its
                // local rejection) they are stored as the user's membership of it.
                case OutputRoomEvent.NEW_INVITE, OutputRoomEvent.RETIRE_INVITE -> store(parse(record, true));
                case OutputRoomEvent.REDACTED_EVENT -> redacted(record);
                case OutputRoomEvent.PURGE -> purged(record.getString("roomId"));
                default -> {
                    // Backfill is not kept.
                }
            }
            message.ack();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "sync: could not store an OutputRoomEvent record of "
                    + message.subject() + "; retrying", e);
            message.nak(Duration.ofSeconds(1));
        }
    }

    /** A new event waiting for its commit. */
    private record Pending(NewEvent event, CompletableFuture<Void> done) {
    }

    private record NewEvent(String roomId, String eventId, JsonObject event, List<String> adds, List<String> removes,
                            String txnId) {
    }

    private static NewEvent parse(JsonObject record, boolean membershipAlone) {
        String roomId = record.getString("roomId");
        RoomVersion version = RoomVersion.of(record.getString("roomVersion", "")).orElseThrow(
                () -> new IllegalArgumentException("unknown room version"));
        JsonObject raw = record.getJsonObject("event");
        String eventId = EventIds.eventId(raw, version);
        List<String> adds = membershipAlone ? List.of(eventId)
                : RoomStore.strings(record.getJsonArray("addsStateEventIds"));
        return new NewEvent(roomId, eventId, normalised(raw, eventId, roomId), adds,
                RoomStore.strings(record.getJsonArray("removesStateEventIds")),
                record.getString("transactionId", null));
    }

    /**
     * Stores an event and returns after its commit, or throws when it could not be stored. The bus hands over a
     * room's next record only once the previous one is acknowledged, so a batch holds at most one event per room
     * (and a copy redelivered meanwhile) and order within rooms is kept.
     */
    private void store(NewEvent event) {
        Pending mine = new Pending(event, new CompletableFuture<>());
        pending.add(mine);
        writer.lock();
        try {
            if (!mine.done().isDone()) {
                writeWaiting();
            }
        } finally {
            writer.unlock();
        }
        try {
            mine.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while storing " + event.eventId(), e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** Stores the events waiting, in one transaction; when that fails, each alone. Runs under the lock. */
    private void writeWaiting() {
        List<Pending> batch = new ArrayList<>();
        Pending next;
        while (batch.size() < MAX_BATCH && (next = pending.poll()) != null) {
            batch.add(next);
        }
        try {
            commit(batch);
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                batch.getFirst().done().completeExceptionally(e);
                return;
            }
            // One bad record must not hold the others back.
            for (Pending one : batch) {
                try {
                    commit(List.of(one));
                } catch (RuntimeException again) {
                    one.done().completeExceptionally(again);
                }
            }
        }
    }

    private void commit(List<Pending> batch) {
        Set<String> wake = new HashSet<>();
        List<String[]> ended = new ArrayList<>();
        long last = store.db().write(tx -> {
            long pos = position;
            for (Pending one : batch) {
                NewEvent e = one.event();
                if (store.hasEvent(tx, e.eventId())) {
                    continue;
                }
                pos++;
                store.insertEvent(tx, pos, e.roomId(), withPrevContent(tx, e.roomId(), e.event()), e.txnId());
                applyState(tx, pos, e.roomId(), e.event(), e.adds(), e.removes(), wake, ended);
                store.members(tx, e.roomId(), "join").stream().filter(this::isLocal).forEach(wake::add);
            }
            return pos;
        });
        position = last;
        for (String[] roomAndUser : ended) {
            membershipEnded.forEach(listener -> listener.accept(roomAndUser[0], roomAndUser[1]));
        }
        notifier.wake(wake);
        batch.forEach(one -> one.done().complete(null));
    }

    private void applyState(DbExecute tx, long pos, String roomId, JsonObject event, List<String> adds,
                            List<String> removes, Set<String> wake, List<String[]> ended) {
        Set<RoomStore.StateKey> added = new HashSet<>();
        List<JsonObject> addedEvents = new ArrayList<>();
        for (String id : adds) {
            JsonObject json = id.equals(event.getString("event_id")) ? event : lookup(tx, id).orElse(null);
            if (json == null || !json.containsKey("state_key")) {
                LOG.log(System.Logger.Level.WARNING, "sync: state event " + id + " of " + roomId + " is unknown");
                continue;
            }
            added.add(new RoomStore.StateKey(json.getString("type"), json.getString("state_key")));
            addedEvents.add(json);
        }
        for (String id : removes) {
            Optional<String[]> key = store.currentKeyOf(tx, roomId, id);
            if (key.isEmpty() || added.contains(new RoomStore.StateKey(key.get()[0], key.get()[1]))) {
                continue;
            }
            store.addChange(tx, pos, roomId, key.get()[0], key.get()[1], null, null);
            store.removeCurrent(tx, roomId, key.get()[0], key.get()[1]);
            if (RoomStore.MEMBER.equals(key.get()[0])) {
                store.removeMembership(tx, roomId, key.get()[1]);
                wake.add(key.get()[1]);
                ended.add(new String[] {roomId, key.get()[1]});
            }
        }
        for (JsonObject json : addedEvents) {
            String type = json.getString("type");
            String stateKey = json.getString("state_key");
            String id = json.getString("event_id");
            String membership = null;
            if (RoomStore.MEMBER.equals(type)) {
                JsonObject content = json.getJsonObject("content");
                membership = content == null ? "leave" : content.getString("membership", "leave");
                store.setMembership(tx, roomId, stateKey, membership, id, pos);
                if (!"join".equals(membership)) {
                    ended.add(new String[] {roomId, stateKey});
                }
                if (isLocal(stateKey)) {
                    wake.add(stateKey);
                }
            }
            store.addChange(tx, pos, roomId, type, stateKey, id, membership);
            store.setCurrent(tx, roomId, type, stateKey, id, pos);
        }
    }

    /** A state event carries the content it replaced, as clients expect in {@code unsigned.prev_content}. */
    private JsonObject withPrevContent(DbExecute tx, String roomId, JsonObject event) {
        if (!event.containsKey("state_key")) {
            return event;
        }
        Optional<String> replaced = store.currentEventId(tx, roomId, event.getString("type", ""),
                event.getString("state_key"));
        if (replaced.isEmpty() || replaced.get().equals(event.getString("event_id"))) {
            return event;
        }
        Optional<JsonObject> old = lookup(tx, replaced.get());
        if (old.isEmpty()) {
            return event;
        }
        JsonObject unsigned = event.getJsonObject("unsigned");
        JsonObjectBuilder merged = unsigned == null ? JsonSupport.objectBuilder()
                : JsonSupport.objectBuilder(unsigned);
        merged.add("replaces_state", replaced.get());
        if (old.get().get("content") instanceof JsonObject content) {
            merged.add("prev_content", content);
        }
        if (old.get().containsKey("sender")) {
            merged.add("prev_sender", old.get().getString("sender"));
        }
        return JsonSupport.objectBuilder(event).add("unsigned", merged).build();
    }

    private Optional<JsonObject> lookup(DbExecute tx, String eventId) {
        Optional<StreamEvent> stored = store.event(tx, eventId);
        if (stored.isPresent()) {
            return Optional.of(stored.get().json());
        }
        RoomEvent event = roomserver.event(new EventRequest(eventId)).event();
        return event == null ? Optional.empty() : Optional.of(withId(event));
    }

    private static JsonObject withId(RoomEvent event) {
        return normalised(event.json(), event.eventId(), event.roomId());
    }

    /** Stored events carry their id and room id, which later room versions leave out of the JSON. */
    private static JsonObject normalised(JsonObject json, String eventId, String roomId) {
        if (json.containsKey("event_id") && json.containsKey("room_id")) {
            return json;
        }
        JsonObjectBuilder out = JsonSupport.objectBuilder(json);
        if (!json.containsKey("event_id")) {
            out.add("event_id", eventId);
        }
        if (!json.containsKey("room_id")) {
            out.add("room_id", roomId);
        }
        return out.build();
    }

    /**
     * A purged room's rows go. Under the writer's lock, so that the position recorded with the purge is at least
     * that of every event of the room (the room's earlier records were committed before this one came).
     */
    private void purged(String roomId) {
        List<String> joined;
        writer.lock();
        try {
            joined = store.db().write(tx -> {
                List<String> members = store.members(tx, roomId, "join");
                store.purgeRoom(tx, roomId, position);
                return members;
            });
        } finally {
            writer.unlock();
        }
        joined.forEach(user -> membershipEnded.forEach(listener -> listener.accept(roomId, user)));
        LOG.log(System.Logger.Level.INFO, () -> "sync: dropped purged room " + roomId);
    }

    /** The roomserver's copy may still be cached unredacted here, so the room version's algorithm runs again. */
    private void redacted(JsonObject record) {
        String targetId = record.getString("redactedEventId", null);
        Optional<RoomVersion> version = RoomVersion.of(record.getString("roomVersion", ""));
        if (targetId == null || version.isEmpty()) {
            return;
        }
        String redactionId = EventIds.eventId(record.getJsonObject("event"), version.get());
        store.db().write(tx -> {
            Optional<StreamEvent> stored = store.event(tx, targetId);
            if (stored.isPresent() && stored.get().redactedBy() == null) {
                JsonObject original = stored.get().json();
                JsonObjectBuilder json = JsonSupport.objectBuilder(Redaction.redact(original, version.get()))
                        .add("event_id", targetId).add("room_id", stored.get().roomId());
                if (original.get("unsigned") instanceof JsonObject unsigned) {
                    json.add("unsigned", unsigned);
                }
                store.setRedacted(tx, targetId, json.build(), redactionId);
            }
            return null;
        });
    }
}
