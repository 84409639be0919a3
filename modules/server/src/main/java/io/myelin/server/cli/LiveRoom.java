package io.myelin.server.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.helidon.metrics.api.Metrics;
import io.myelin.api.Component;
import io.myelin.api.ConfigProblems;
import io.myelin.api.ServerIdentity;
import io.myelin.api.StartContext;
import io.myelin.api.storage.Database;
import io.myelin.protocol.json.JsonParser;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.protocol.state.ResolveStateTool;
import io.myelin.server.config.ConfigException;
import io.myelin.server.config.CoreConfig;
import io.myelin.server.config.Settings;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * Reads a room from the server's database for {@code myelin resolve-state --room}: the room's version, the
 * states after its forward extremities (or after given events), and every event those states and their auth
 * chains name, in the shape the file-based tool reads.
 *
 * <p>Only the storage component is started (no listeners, no bus, no roomserver input), so the tool never takes
 * input meant for a running server. It reads the roomserver's tables directly, read-only; it follows their
 * layout (state snapshots as lists of blocks, blocks as {@code type,state_key,event} numeric triples).
 */
final class LiveRoom {

    private static final String ROOM = "SELECT room_nid, room_version FROM roomserver_rooms WHERE room_id = ?";
    private static final String EXTREMITIES = "SELECT e.event_id FROM roomserver_forward_extremities f"
            + " JOIN roomserver_events e ON e.event_nid = f.event_nid WHERE f.room_nid = ? ORDER BY e.event_nid";
    private static final String EVENT = "SELECT room_nid, event_json, state_snapshot_nid FROM roomserver_events"
            + " WHERE event_id = ?";
    private static final String EVENT_ID = "SELECT event_id FROM roomserver_events WHERE event_nid = ?";
    private static final String SNAPSHOT =
            "SELECT block_nids FROM roomserver_state_snapshots WHERE state_snapshot_nid = ?";
    private static final String BLOCK = "SELECT entries FROM roomserver_state_blocks WHERE state_block_nid = ?";

    private LiveRoom() {
    }

    /**
     * What the tool resolves.
     *
     * @param roomVersion the room's version
     * @param events      every event the states and their auth chains name, as a JSON array
     * @param states      one state set (a JSON array of event ids) per extremity or given event
     */
    record Snapshot(String roomVersion, ResolveStateTool.Input events, List<ResolveStateTool.Input> states) {
    }

    /**
     * Opens the configured database and reads the room.
     *
     * @param config the configuration file, or null for the development defaults
     * @param env    the environment
     * @param roomId the room
     * @param at     events whose states to resolve; empty for the forward extremities
     * @return the inputs of the tool
     * @throws ConfigException          when the configuration is invalid
     * @throws IllegalArgumentException when the room or an event is unknown or has no state
     * @throws IllegalStateException    when the database cannot be opened
     */
    static Snapshot read(Path config, Map<String, String> env, String roomId, List<String> at) {
        var root = Settings.load(config, env);
        List<Component> components = ServiceLoader.load(Component.class).stream()
                .map(ServiceLoader.Provider::get).toList();
        ConfigProblems problems = new ConfigProblems();
        CoreConfig core = CoreConfig.read(root, config == null, components.stream().map(Component::configKey)
                .toList(), problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.list());
        }
        Component storage = components.stream().filter(c -> c.name().equals("storage")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no storage component in this installation"));
        var services = StartContext.newRegistry();
        ServerIdentity identity = new ServerIdentity(core.serverName(), core.dataDir().toAbsolutePath());
        try {
            storage.start(new StartContext(storage, root, identity, Metrics.globalRegistry(), Clock.systemUTC(),
                    services));
        } catch (Exception e) {
            throw new IllegalStateException("cannot open the database: " + e.getMessage(), e);
        }
        try {
            Database database = (Database) services.get(Database.class);
            return read(database.client().execute(), roomId, at);
        } finally {
            storage.stop();
        }
    }

    private static Snapshot read(DbExecute db, String roomId, List<String> at) {
        DbRow room = db.get(ROOM, roomId).orElseThrow(() -> new IllegalArgumentException("unknown room " + roomId));
        long roomNid = number(room, "room_nid");
        List<String> points = at.isEmpty()
                ? db.query(EXTREMITIES, roomNid).map(r -> r.column("event_id").get(String.class)).toList()
                : at;
        if (points.isEmpty()) {
            throw new IllegalArgumentException("room " + roomId + " has no forward extremities");
        }
        Map<String, JsonObject> events = new LinkedHashMap<>();
        List<ResolveStateTool.Input> states = new ArrayList<>();
        Deque<String> toLoad = new ArrayDeque<>();
        for (String point : points) {
            DbRow row = db.get(EVENT, point).filter(r -> number(r, "room_nid") == roomNid)
                    .orElseThrow(() -> new IllegalArgumentException("no event " + point + " in room " + roomId));
            long snapshot = number(row, "state_snapshot_nid");
            if (snapshot == 0) {
                throw new IllegalArgumentException("event " + point + " has no stored state (an outlier or rejected)");
            }
            Set<String> state = stateIds(db, snapshot);
            JsonArrayBuilder ids = JsonSupport.arrayBuilder();
            state.forEach(ids::add);
            states.add(new ResolveStateTool.Input("state after " + point, ids.build()));
            toLoad.addAll(state);
        }
        // The states' events and their auth chains, each once.
        while (!toLoad.isEmpty()) {
            String id = toLoad.removeFirst();
            if (events.containsKey(id)) {
                continue;
            }
            Optional<DbRow> row = db.get(EVENT, id);
            if (row.isEmpty()) {
                // An auth event the server never fetched: the tool reports it if resolution needs it.
                continue;
            }
            JsonObject event = JsonParser.create().parse(row.get().column("event_json").get(String.class))
                    .asJsonObject();
            events.put(id, event);
            if (event.get("auth_events") instanceof jakarta.json.JsonArray auth) {
                for (JsonValue v : auth) {
                    // Room versions 1 and 2 name auth events as [id, hashes] pairs.
                    JsonValue ref = v instanceof jakarta.json.JsonArray pair ? pair.get(0) : v;
                    if (ref instanceof JsonString s) {
                        toLoad.add(s.getString());
                    }
                }
            }
        }
        JsonArrayBuilder all = JsonSupport.arrayBuilder();
        events.values().forEach(all::add);
        return new Snapshot(room.column("room_version").get(String.class),
                new ResolveStateTool.Input("events of " + roomId, all.build()), states);
    }

    private static Set<String> stateIds(DbExecute db, long snapshotNid) {
        String blocks = db.get(SNAPSHOT, snapshotNid).map(r -> r.column("block_nids").get(String.class))
                .orElseThrow(() -> new IllegalArgumentException("missing state snapshot " + snapshotNid));
        Set<String> ids = new LinkedHashSet<>();
        for (String block : blocks.split(",")) {
            if (block.isBlank()) {
                continue;
            }
            String entries = db.get(BLOCK, Long.parseLong(block.trim())).map(r -> r.column("entries").get(String.class))
                    .orElseThrow(() -> new IllegalArgumentException("missing state block " + block));
            for (String entry : entries.split(";")) {
                if (entry.isBlank()) {
                    continue;
                }
                long eventNid = Long.parseLong(entry.split(",")[2]);
                ids.add(db.get(EVENT_ID, eventNid).map(r -> r.column("event_id").get(String.class))
                        .orElseThrow(() -> new IllegalArgumentException("missing state event " + eventNid)));
            }
        }
        return ids;
    }

    private static long number(DbRow row, String column) {
        return ((Number) row.column(column).get()).longValue();
    }
}
