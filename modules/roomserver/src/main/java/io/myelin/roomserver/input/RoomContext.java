package io.myelin.roomserver.input;

import java.util.List;
import java.util.Map;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.auth.AuthRules;
import io.myelin.protocol.auth.StateKey;

/**
 * What the roomserver keeps in memory of an active room, so that an event never re-reads the whole state. Only
 * the room's input worker moves the head; readers see one consistent, committed head at a time
 * ({@link #head()}), while the worker works from {@link #workingHead()}, which runs ahead of it within a batch of
 * inputs that has not committed yet.
 */
public final class RoomContext {

    /**
     * The room's current position: state, its snapshot, and the forward extremities.
     *
     * @param snapshotNid the snapshot of the current state, 0 before the room has state
     * @param state       the current state, immutable
     * @param extremities the forward extremities, immutable
     * @param maxDepth    the greatest depth among the extremities
     */
    public record Head(long snapshotNid, Map<StateKey, String> state, List<String> extremities, long maxDepth) {
    }

    private final long nid;
    private final String roomId;
    private final RoomVersion version;
    private final AuthRules rules;
    private volatile Head head;
    private volatile Head working;
    // When the room was last asked for, for eviction; a stale read only reorders eviction a little.
    private long lastUsed;

    RoomContext(long nid, String roomId, RoomVersion version, Head head) {
        this.nid = nid;
        this.roomId = roomId;
        this.version = version;
        this.rules = AuthRules.of(version);
        this.head = head;
    }

    /** @return the room's numeric id */
    public long nid() {
        return nid;
    }

    /** @return the room id */
    public String roomId() {
        return roomId;
    }

    /** @return the room version */
    public RoomVersion version() {
        return version;
    }

    /** @return the version's authorization rules */
    public AuthRules rules() {
        return rules;
    }

    void used() {
        lastUsed = System.nanoTime();
    }

    long lastUsed() {
        return lastUsed;
    }

    /** @return the current position, as committed */
    public Head head() {
        return head;
    }

    /** @return the position the room's worker builds on: the committed one plus its write in progress */
    Head workingHead() {
        Head w = working;
        return w != null ? w : head;
    }

    /**
     * Moves the worker's position; readers see it once {@link #commitHead()} runs.
     *
     * @param head the new position
     */
    void head(Head head) {
        this.working = head;
    }

    /** Publishes the worker's position, once its write has committed. */
    void commitHead() {
        Head w = working;
        if (w != null) {
            this.head = w;
            this.working = null;
        }
    }
}
