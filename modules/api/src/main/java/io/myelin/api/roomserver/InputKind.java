package io.myelin.api.roomserver;

/**
 * How an event joins its room.
 */
public enum InputKind {
    /** Stored to authorize other events, with no place in the room's graph or state. */
    OUTLIER,
    /** Extends the room: may become a forward extremity and change current state. */
    NEW,
    /** An earlier event fetched by backfill: stored with its state, never a forward extremity. */
    OLD
}
