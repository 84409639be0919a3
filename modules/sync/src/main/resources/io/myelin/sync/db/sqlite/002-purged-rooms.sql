-- Rooms the roomserver purged, with the rooms stream's position when the purge arrived: their events are
-- deleted, and this keeps the stream from handing out a position again if they held the newest ones.
CREATE TABLE sync_purged_rooms (
    room_id TEXT   NOT NULL PRIMARY KEY,
    pos     BIGINT NOT NULL
);
