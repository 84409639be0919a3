-- Which account data entries of a user changed, and the account data stream position of the latest change.
-- The contents stay with the users component; /sync reads them when it sends a change.
CREATE TABLE sync_account_data_changes (
    user_id TEXT    NOT NULL,
    room_id TEXT    NOT NULL,
    type    TEXT    NOT NULL,
    pos     BIGINT  NOT NULL,
    PRIMARY KEY (user_id, room_id, type)
);
CREATE INDEX sync_account_data_changes_user_pos ON sync_account_data_changes (user_id, pos);

-- The current receipt of each user, type and thread ('' for an unthreaded receipt) in a room, with the
-- receipts stream position at which it was last set.
CREATE TABLE sync_receipts (
    room_id      TEXT    NOT NULL,
    user_id      TEXT    NOT NULL,
    receipt_type TEXT    NOT NULL,
    thread_id    TEXT    NOT NULL,
    event_id     TEXT    NOT NULL,
    ts           BIGINT  NOT NULL,
    pos          BIGINT  NOT NULL,
    PRIMARY KEY (room_id, user_id, receipt_type, thread_id)
);
CREATE INDEX sync_receipts_pos ON sync_receipts (pos);

-- Events that notified a local user and that the user has not read yet; seq orders them within a room as they
-- arrived, depth as the room's graph has them (a receipt for an event that did not notify is placed by depth).
CREATE TABLE sync_notifications (
    user_id   TEXT    NOT NULL,
    room_id   TEXT    NOT NULL,
    event_id  TEXT    NOT NULL,
    seq       BIGINT  NOT NULL,
    depth     BIGINT  NOT NULL,
    highlight SMALLINT NOT NULL,
    PRIMARY KEY (user_id, room_id, event_id)
);
CREATE INDEX sync_notifications_user_room_seq ON sync_notifications (user_id, room_id, seq);

-- The receipts stream position at which a user's notification counts in a room last changed.
CREATE TABLE sync_unread_changes (
    user_id TEXT    NOT NULL,
    room_id TEXT    NOT NULL,
    pos     BIGINT  NOT NULL,
    PRIMARY KEY (user_id, room_id)
);
CREATE INDEX sync_unread_changes_user_pos ON sync_unread_changes (user_id, pos);

-- The presence of local users, only written when presence is enabled.
CREATE TABLE sync_presence (
    user_id        TEXT    NOT NULL PRIMARY KEY,
    presence       TEXT    NOT NULL,
    status_msg     TEXT,
    last_active_ts BIGINT  NOT NULL,
    pos            BIGINT  NOT NULL
);
CREATE INDEX sync_presence_pos ON sync_presence (pos);
