-- The membership event behind each row, so that the members a user's own join or leave concerns are read at
-- that event rather than from the room's state when a client asks (null for rows written before this column).
ALTER TABLE sync_device_list_members ADD COLUMN event_id TEXT;
