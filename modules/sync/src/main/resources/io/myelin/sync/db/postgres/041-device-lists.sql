-- Local users whose devices or keys changed, at a device-list position.
CREATE TABLE sync_device_list_changes (
    pos     BIGINT NOT NULL PRIMARY KEY,
    user_id TEXT   NOT NULL
);

-- A user starting or stopping to be joined to a room, at a device-list position from the same counter; the
-- users who then start or stop sharing a room with someone are worked out when a client asks.
CREATE TABLE sync_device_list_members (
    pos     BIGINT   NOT NULL PRIMARY KEY,
    room_id TEXT     NOT NULL,
    user_id TEXT     NOT NULL,
    joined  SMALLINT NOT NULL
);
CREATE INDEX sync_device_list_members_user ON sync_device_list_members (room_id, user_id, pos);
