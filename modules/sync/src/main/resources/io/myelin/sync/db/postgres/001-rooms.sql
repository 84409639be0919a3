-- Room events in the order sync saw them; pos is the rooms part of sync tokens.
CREATE TABLE sync_events (
    pos         BIGINT  NOT NULL PRIMARY KEY,
    room_id     TEXT    NOT NULL,
    event_id    TEXT    NOT NULL UNIQUE,
    type        TEXT    NOT NULL,
    state_key   TEXT,
    sender      TEXT    NOT NULL,
    json        TEXT    NOT NULL,
    txn_id      TEXT,
    redacted_by TEXT
);
CREATE INDEX sync_events_room ON sync_events (room_id, pos);

-- Every change of a room's current state, at the position of the event that caused it; a removed key has
-- no event. Membership changes carry the membership, so this is also each user's membership history.
CREATE TABLE sync_state_changes (
    pos        BIGINT NOT NULL,
    room_id    TEXT   NOT NULL,
    type       TEXT   NOT NULL,
    state_key  TEXT   NOT NULL,
    event_id   TEXT,
    membership TEXT,
    PRIMARY KEY (room_id, type, state_key, pos)
);
CREATE INDEX sync_state_changes_room ON sync_state_changes (room_id, pos);
CREATE INDEX sync_state_changes_key ON sync_state_changes (type, state_key, pos);

-- Rooms' current state.
CREATE TABLE sync_current_state (
    room_id   TEXT   NOT NULL,
    type      TEXT   NOT NULL,
    state_key TEXT   NOT NULL,
    event_id  TEXT   NOT NULL,
    pos       BIGINT NOT NULL,
    PRIMARY KEY (room_id, type, state_key)
);

-- Each user's current membership of each room, with the position of its last change.
CREATE TABLE sync_memberships (
    room_id    TEXT   NOT NULL,
    user_id    TEXT   NOT NULL,
    membership TEXT   NOT NULL,
    event_id   TEXT   NOT NULL,
    pos        BIGINT NOT NULL,
    PRIMARY KEY (room_id, user_id)
);
CREATE INDEX sync_memberships_user ON sync_memberships (user_id, membership);
