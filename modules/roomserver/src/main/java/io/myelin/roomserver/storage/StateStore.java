package io.myelin.roomserver.storage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.helidon.dbclient.DbExecute;
import io.myelin.api.cache.Cache;
import io.myelin.api.cache.CacheSpec;
import io.myelin.api.cache.Caches;
import io.myelin.api.storage.Rows;
import io.myelin.protocol.auth.EventTypes;
import io.myelin.protocol.auth.StateKey;

/**
 * The tables {@code roomserver_state_blocks} and {@code roomserver_state_snapshots}. A snapshot is a list of
 * blocks; a block holds the entries of one event type (members are spread over sixteen blocks by state key),
 * so that a state event rewrites one small block and every other block is shared with the previous snapshot.
 * Blocks and snapshots are stored once per distinct content, found by hash.
 */
public final class StateStore {

    private static final int MEMBER_BUCKETS = 16;
    private static final String SELECT_BLOCK =
            "SELECT state_block_nid FROM roomserver_state_blocks WHERE block_hash = ?";
    private static final String INSERT_BLOCK =
            "INSERT INTO roomserver_state_blocks (block_hash, entries) VALUES (?, ?) RETURNING state_block_nid";
    private static final String SELECT_SNAPSHOT =
            "SELECT state_snapshot_nid FROM roomserver_state_snapshots WHERE snapshot_hash = ?";
    private static final String INSERT_SNAPSHOT = "INSERT INTO roomserver_state_snapshots (snapshot_hash, room_nid,"
            + " block_nids) VALUES (?, ?, ?) RETURNING state_snapshot_nid";
    private static final String SELECT_SNAPSHOT_BLOCKS =
            "SELECT block_nids FROM roomserver_state_snapshots WHERE state_snapshot_nid = ?";

    private final EventStore events;
    private final Cache<Long, StateMap> snapshots;
    private final ThreadLocal<Map<Long, Map<StateKey, String>>> staged = new ThreadLocal<>();

    /**
     * An immutable state map, as cached.
     *
     * @param entries event id by state key
     */
    public record StateMap(Map<StateKey, String> entries) {
        /** Copies the map. */
        public StateMap {
            entries = Map.copyOf(entries);
        }
    }

    /**
     * @param events the event store, for numeric ids
     * @param caches the cache tier
     */
    public StateStore(EventStore events, Caches caches) {
        this.events = events;
        this.snapshots = caches.cache(new CacheSpec<>("roomserver_state_snapshots", Long.class, StateMap.class,
                (nid, s) -> 64L + 160L * s.entries().size()));
    }

    /**
     * Reads a snapshot.
     *
     * @param snapshotNid the snapshot, 0 for empty state
     * @return the state
     */
    public Map<StateKey, String> load(long snapshotNid) {
        if (snapshotNid == 0) {
            return Map.of();
        }
        Map<Long, Map<StateKey, String>> pending = staged.get();
        if (pending != null) {
            Map<StateKey, String> state = pending.get(snapshotNid);
            if (state != null) {
                return state;
            }
        }
        return snapshots.get(snapshotNid, this::read).entries();
    }

    private StateMap read(long snapshotNid) {
        var db = events.db().client().execute();
        String blockList = db.get(SELECT_SNAPSHOT_BLOCKS, snapshotNid).map(r -> Rows.text(r, "block_nids"))
                .orElseThrow(() -> new IllegalStateException("no state snapshot " + snapshotNid));
        List<long[]> entries = new ArrayList<>();
        if (!blockList.isEmpty()) {
            Object[] blockNids = Arrays.stream(blockList.split(",")).map(Long::valueOf).toArray();
            db.query("SELECT entries FROM roomserver_state_blocks WHERE state_block_nid IN ("
                    + Rows.placeholders(blockNids.length) + ")", blockNids).forEach(r -> {
                        String text = Rows.text(r, "entries");
                        if (!text.isEmpty()) {
                            for (String entry : text.split(";")) {
                                String[] parts = entry.split(",");
                                entries.add(new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1]),
                                        Long.parseLong(parts[2])});
                            }
                        }
                    });
        }
        Map<Long, String> ids = events.eventIds(entries.stream().map(e -> e[2]).toList());
        Map<StateKey, String> state = new HashMap<>();
        for (long[] e : entries) {
            state.put(new StateKey(events.type(e[0]), events.stateKey(e[1])), ids.get(e[2]));
        }
        return new StateMap(state);
    }

    /**
     * Stores a state, reusing the blocks and snapshot of identical content. The state's events must be stored
     * (possibly in this transaction), and their numeric ids given.
     *
     * @param tx      the transaction
     * @param roomNid the room
     * @param state   the state, event numeric id by key
     * @return the snapshot's id
     */
    public long save(DbExecute tx, long roomNid, Map<StateKey, Long> state) {
        // Group entries into blocks, each sorted so that equal content hashes equally.
        Map<String, TreeMap<String, String>> blocks = new TreeMap<>();
        for (var entry : state.entrySet()) {
            long typeNid = events.typeNid(entry.getKey().type());
            long keyNid = events.stateKeyNid(entry.getKey().stateKey());
            String block = EventTypes.MEMBER.equals(entry.getKey().type())
                    ? typeNid + "/" + (keyNid % MEMBER_BUCKETS) : Long.toString(typeNid);
            blocks.computeIfAbsent(block, b -> new TreeMap<>())
                    .put(typeNid + "," + keyNid, typeNid + "," + keyNid + "," + entry.getValue());
        }
        List<Long> blockNids = new ArrayList<>();
        for (var block : blocks.values()) {
            String text = String.join(";", block.values());
            String hash = hash(text);
            long nid = tx.get(SELECT_BLOCK, hash).map(r -> Rows.number(r, "state_block_nid"))
                    .orElseGet(() -> tx.get(INSERT_BLOCK, hash, text).map(r -> Rows.number(r, "state_block_nid"))
                            .orElseThrow());
            blockNids.add(nid);
        }
        blockNids.sort(null);
        String list = String.join(",", blockNids.stream().map(String::valueOf).toList());
        String hash = hash(roomNid + ":" + list);
        return tx.get(SELECT_SNAPSHOT, hash).map(r -> Rows.number(r, "state_snapshot_nid"))
                .orElseGet(() -> tx.get(INSERT_SNAPSHOT, hash, roomNid, list)
                        .map(r -> Rows.number(r, "state_snapshot_nid")).orElseThrow());
    }

    /**
     * Caches a state known to match a committed snapshot.
     *
     * @param snapshotNid the snapshot
     * @param state       its state
     */
    public void remember(long snapshotNid, Map<StateKey, String> state) {
        if (snapshotNid != 0) {
            snapshots.put(snapshotNid, new StateMap(state));
        }
    }

    /**
     * Makes a snapshot just written loadable: at once when its write has committed; inside a larger write that has
     * not, only by this thread until that write commits.
     *
     * @param snapshotNid the snapshot
     * @param state       its state
     */
    public void stage(long snapshotNid, Map<StateKey, String> state) {
        if (snapshotNid == 0) {
            return;
        }
        boolean[] committed = {false};
        events.db().afterCommit(() -> {
            remember(snapshotNid, state);
            committed[0] = true;
        });
        if (!committed[0]) {
            Map<Long, Map<StateKey, String>> pending = staged.get();
            if (pending == null) {
                pending = new HashMap<>();
                staged.set(pending);
            }
            pending.put(snapshotNid, state);
        }
    }

    /**
     * Forgets a cached snapshot, once it was deleted.
     *
     * @param snapshotNid the snapshot
     */
    public void forget(long snapshotNid) {
        snapshots.remove(snapshotNid);
    }

    /**
     * Drops what this thread staged; called when its write ended, committed or not.
     */
    public void unstage() {
        staged.remove();
    }

    private static String hash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the runtime", e);
        }
    }
}
