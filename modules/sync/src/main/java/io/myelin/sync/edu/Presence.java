package io.myelin.sync.edu;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import io.helidon.dbclient.DbRow;
import io.helidon.webserver.http.ServerRequest;
import io.myelin.api.bus.Bus;
import io.myelin.api.bus.Streams;
import io.myelin.api.http.MatrixException;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Rows;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.sync.stream.Memberships;
import io.myelin.sync.stream.Notifier;
import io.myelin.sync.stream.SyncQuery;
import io.myelin.sync.stream.SyncResult;
import io.myelin.sync.stream.SyncSource;
import io.myelin.sync.stream.SyncToken;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * Presence of local users (client-server API, "Presence"), off unless {@code sync.presence.enabled} is set.
 * When off nothing is stored: {@code PUT} is accepted and forgotten, {@code GET} answers {@code offline}, and
 * {@code /sync} carries no presence. When on, each change of a user's state or status message is a new position,
 * and users who share a room with them see it.
 */
public final class Presence implements SyncSource {

    /** The states a user can be in. */
    public static final Set<String> STATES = Set.of("online", "unavailable", "offline");

    static final String TABLE = "sync_presence";
    private static final long ACTIVE_MS = 60_000;
    private static final String SELECT = "SELECT user_id, presence, status_msg, last_active_ts FROM sync_presence";
    private static final String SELECT_USER = SELECT + " WHERE user_id = ?";
    private static final String SELECT_PRESENT = SELECT + " WHERE presence <> 'offline'";
    private static final String SELECT_CHANGES = SELECT + " WHERE pos > ? AND pos <= ? ORDER BY pos";
    private static final String UPSERT = "INSERT INTO sync_presence (user_id, presence, status_msg, last_active_ts,"
            + " pos) VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET presence = excluded.presence,"
            + " status_msg = excluded.status_msg, last_active_ts = excluded.last_active_ts, pos = excluded.pos";
    private static final String TOUCH = "UPDATE sync_presence SET last_active_ts = ? WHERE user_id = ?";

    /**
     * A user's presence.
     *
     * @param userId       the user
     * @param presence     {@code online}, {@code unavailable} or {@code offline}
     * @param statusMsg    the status message, or null
     * @param lastActiveTs when the user was last active, in milliseconds since the epoch
     */
    record State(String userId, String presence, String statusMsg, long lastActiveTs) {
    }

    private final boolean enabled;
    private final Database db;
    private final Clock clock;
    private final Memberships memberships;
    private final Notifier notifier;
    private final Bus bus;
    private final StreamWriter writer;
    private final Map<String, State> current = new ConcurrentHashMap<>();
    private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();
    private final long offlineAfterMs;

    /**
     * @param enabled     whether presence is on
     * @param db          the database
     * @param clock       the clock activity is measured on
     * @param memberships who shares a room with whom
     * @param notifier    wakes them
     * @param bus         where changes are announced for other servers
     * @param offlineAfter how long after their last request or sync a user who is not offline becomes offline
     */
    public Presence(boolean enabled, Database db, Clock clock, Memberships memberships, Notifier notifier,
                    Bus bus, Duration offlineAfter) {
        this.enabled = enabled;
        this.offlineAfterMs = offlineAfter.toMillis();
        this.db = db;
        this.clock = clock;
        this.memberships = memberships;
        this.notifier = notifier;
        this.bus = bus;
        this.writer = new StreamWriter(db, enabled ? StreamWriter.maxPosition(db, TABLE) : 0);
        if (enabled) {
            // Users left online by the previous run go offline unless they come back within the timeout.
            long now = clock.millis();
            try (Stream<DbRow> rows = db.client().execute().query(SELECT_PRESENT)) {
                rows.map(Presence::row).forEach(state -> {
                    current.put(state.userId(), state);
                    lastSeen.put(state.userId(), now);
                });
            }
        }
    }

    /**
     * Marks offline the users who have neither synced nor set their presence for the timeout: their clients are
     * gone. Run periodically.
     */
    public void sweep() {
        if (!enabled) {
            return;
        }
        long now = clock.millis();
        for (State state : List.copyOf(current.values())) {
            Long seen = lastSeen.get(state.userId());
            if (!state.presence().equals("offline") && (seen == null || now - seen > offlineAfterMs)) {
                set(state.userId(), "offline", state.statusMsg(), state.lastActiveTs());
                lastSeen.remove(state.userId());
            }
        }
    }

    /** @return whether presence is on */
    public boolean enabled() {
        return enabled;
    }

    @Override
    public String key() {
        return SyncToken.PRESENCE;
    }

    @Override
    public long position() {
        return writer.position();
    }

    /**
     * Marks a user active as {@code GET /sync} does, honouring its {@code set_presence} parameter: {@code online}
     * (the default) and {@code unavailable} set that state, {@code offline} leaves the state alone. Does nothing
     * when presence is off, after checking the parameter.
     *
     * @param userId  the syncing user
     * @param request the {@code /sync} request
     * @throws MatrixException 400 {@code M_INVALID_PARAM} when {@code set_presence} is not a presence state
     */
    public void touch(String userId, ServerRequest request) {
        touch(userId, request.query().first("set_presence").orElse(null));
    }

    /**
     * Marks a user active.
     *
     * @param userId      the user
     * @param setPresence the {@code set_presence} parameter, or null for {@code online}
     * @throws MatrixException 400 {@code M_INVALID_PARAM} when it is not a presence state
     */
    public void touch(String userId, String setPresence) {
        String wanted = setPresence == null ? "online" : setPresence;
        if (!STATES.contains(wanted)) {
            throw MatrixException.invalidParam("set_presence must be online, unavailable or offline.");
        }
        if (!enabled || wanted.equals("offline")) {
            return;
        }
        long now = clock.millis();
        lastSeen.put(userId, now);
        State was = state(userId).orElse(null);
        if (was == null || !was.presence().equals(wanted)) {
            set(userId, wanted, was == null ? null : was.statusMsg(), now);
        } else if (now - was.lastActiveTs() > ACTIVE_MS) {
            // Activity alone is no change others need to be told of; it only moves last_active_ago.
            db.write(tx -> tx.update(TOUCH, now, userId));
            current.put(userId, new State(userId, was.presence(), was.statusMsg(), now));
        }
    }

    /**
     * Sets a user's presence as {@code PUT /presence/{userId}/status} does; forgotten when presence is off.
     *
     * @param userId    the user
     * @param presence  the state
     * @param statusMsg the status message, or null
     */
    public void put(String userId, String presence, String statusMsg) {
        if (enabled) {
            long now = clock.millis();
            lastSeen.put(userId, now);
            set(userId, presence, statusMsg, now);
        }
    }

    /**
     * @param userId a user
     * @return the user's presence as {@code GET /presence/{userId}/status} returns it
     */
    public JsonObject status(String userId) {
        State state = enabled ? state(userId).orElse(null) : null;
        if (state == null) {
            return JsonSupport.objectBuilder().add("presence", "offline").build();
        }
        return content(state, clock.millis());
    }

    private void set(String userId, String presence, String statusMsg, long now) {
        writer.write((tx, pos) -> tx.insert(UPSERT, userId, presence, statusMsg, now, pos));
        State state = new State(userId, presence, statusMsg, now);
        current.put(userId, state);
        notifier.wake(memberships.localUsersSharingRoomsWith(userId));
        JsonObject payload = JsonSupport.objectBuilder().add("user_id", userId).add("content", content(state, now))
                .build();
        bus.publish(Streams.OUTPUT_PRESENCE_EVENT, userId, payload.toString().getBytes(StandardCharsets.UTF_8));
    }

    private Optional<State> state(String userId) {
        State cached = current.get(userId);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<State> stored = db.client().execute().get(SELECT_USER, userId).map(Presence::row);
        stored.ifPresent(s -> current.put(userId, s));
        return stored;
    }

    @Override
    public void collect(SyncQuery query, long since, long upTo, SyncResult result) {
        if (!enabled) {
            return;
        }
        List<State> states = new ArrayList<>();
        if (query.initial()) {
            for (String userId : memberships.localUsersSharingRoomsWith(query.userId())) {
                state(userId).ifPresent(states::add);
            }
        } else if (since < upTo) {
            List<State> changed;
            try (Stream<DbRow> rows = db.client().execute().query(SELECT_CHANGES, since, upTo)) {
                changed = rows.map(Presence::row).toList();
            }
            // Who shares a room with the user is only worth asking when someone's presence changed.
            if (!changed.isEmpty()) {
                Set<String> visible = memberships.localUsersSharingRoomsWith(query.userId());
                changed.stream().filter(s -> visible.contains(s.userId())).forEach(states::add);
            }
        }
        long now = clock.millis();
        for (State state : states) {
            if (!EduFilter.presence(query.filter(), state.userId())) {
                continue;
            }
            result.presence(JsonSupport.objectBuilder().add("type", "m.presence").add("sender", state.userId())
                    .add("content", content(state, now)).build());
        }
    }

    private static JsonObject content(State state, long now) {
        long ago = Math.max(0, now - state.lastActiveTs());
        JsonObjectBuilder content = JsonSupport.objectBuilder().add("presence", state.presence())
                .add("last_active_ago", ago)
                .add("currently_active", state.presence().equals("online") && ago < ACTIVE_MS);
        if (state.statusMsg() != null) {
            content.add("status_msg", state.statusMsg());
        }
        return content.build();
    }

    private static State row(DbRow row) {
        return new State(Rows.text(row, "user_id"), Rows.text(row, "presence"), Rows.text(row, "status_msg"),
                Rows.number(row, "last_active_ts"));
    }
}
