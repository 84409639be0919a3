-- The roomserver's rooms, events and state. Rooms, event types, state keys and events get numeric ids.

-- Rooms: their version and the snapshot of their current state.
CREATE TABLE roomserver_rooms (
    room_nid           INTEGER PRIMARY KEY AUTOINCREMENT,
    room_id            TEXT    NOT NULL UNIQUE,
    room_version       TEXT    NOT NULL,
    state_snapshot_nid BIGINT  NOT NULL DEFAULT 0
);

CREATE TABLE roomserver_event_types (
    event_type_nid INTEGER PRIMARY KEY AUTOINCREMENT,
    event_type     TEXT    NOT NULL UNIQUE
);

CREATE TABLE roomserver_event_state_keys (
    event_state_key_nid INTEGER PRIMARY KEY AUTOINCREMENT,
    event_state_key     TEXT    NOT NULL UNIQUE
);

-- Every event this server holds; state_snapshot_nid is the state after it (0 for outliers and rejected events).
CREATE TABLE roomserver_events (
    event_nid           INTEGER PRIMARY KEY AUTOINCREMENT,
    room_nid            BIGINT  NOT NULL,
    event_id            TEXT    NOT NULL UNIQUE,
    event_type_nid      BIGINT  NOT NULL,
    event_state_key_nid BIGINT,
    depth               BIGINT  NOT NULL,
    event_json          TEXT    NOT NULL,
    state_snapshot_nid  BIGINT  NOT NULL DEFAULT 0,
    outlier             SMALLINT NOT NULL DEFAULT 0,
    rejected            SMALLINT NOT NULL DEFAULT 0,
    rejection_reason    TEXT,
    soft_failed         SMALLINT NOT NULL DEFAULT 0,
    redacted_by         TEXT
);
CREATE INDEX roomserver_events_room ON roomserver_events (room_nid, depth);

-- State blocks: sorted entries "type_nid,state_key_nid,event_nid;..." stored once per distinct content.
CREATE TABLE roomserver_state_blocks (
    state_block_nid INTEGER PRIMARY KEY AUTOINCREMENT,
    block_hash      TEXT    NOT NULL UNIQUE,
    entries         TEXT    NOT NULL
);

-- State snapshots: a list of block nids, stored once per distinct list.
CREATE TABLE roomserver_state_snapshots (
    state_snapshot_nid INTEGER PRIMARY KEY AUTOINCREMENT,
    snapshot_hash      TEXT    NOT NULL UNIQUE,
    room_nid           BIGINT  NOT NULL,
    block_nids         TEXT    NOT NULL
);

-- The events no other event of the room names as previous.
CREATE TABLE roomserver_forward_extremities (
    room_nid  BIGINT NOT NULL,
    event_nid BIGINT NOT NULL,
    PRIMARY KEY (room_nid, event_nid)
);

-- Which events name which previous events, so that an event that arrives late is not made an extremity.
CREATE TABLE roomserver_previous_events (
    previous_event_id TEXT   NOT NULL,
    event_nid         BIGINT NOT NULL,
    PRIMARY KEY (previous_event_id, event_nid)
);

-- Memberships in each room's current state; forgotten is set when a user who left forgets the room.
CREATE TABLE roomserver_membership (
    room_nid   BIGINT   NOT NULL,
    user_id    TEXT     NOT NULL,
    membership TEXT     NOT NULL,
    sender     TEXT     NOT NULL,
    event_nid  BIGINT   NOT NULL,
    forgotten  SMALLINT NOT NULL DEFAULT 0,
    PRIMARY KEY (room_nid, user_id)
);
CREATE INDEX roomserver_membership_user ON roomserver_membership (user_id);

-- Redactions and whether they were found valid against the event they name.
CREATE TABLE roomserver_redactions (
    redaction_event_id TEXT     NOT NULL PRIMARY KEY,
    redacts_event_id   TEXT     NOT NULL,
    validated          SMALLINT NOT NULL DEFAULT 0
);
CREATE INDEX roomserver_redactions_redacts ON roomserver_redactions (redacts_event_id);

-- Local senders' transaction ids, so that a repeated send returns the first event.
CREATE TABLE roomserver_transactions (
    room_id  TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    txn_id   TEXT NOT NULL,
    event_id TEXT NOT NULL,
    PRIMARY KEY (room_id, user_id, txn_id)
);

-- Simple local aliases given at room creation; the directory proper lives elsewhere.
CREATE TABLE roomserver_room_aliases (
    alias   TEXT NOT NULL PRIMARY KEY,
    room_id TEXT NOT NULL,
    creator TEXT NOT NULL
);
