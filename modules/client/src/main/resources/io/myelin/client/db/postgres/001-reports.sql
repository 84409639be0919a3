-- Reports of rooms and events by local users, kept for the server's administrators to review.
CREATE TABLE client_reports (
    room_id     TEXT   NOT NULL,
    event_id    TEXT,
    reporter    TEXT   NOT NULL,
    reason      TEXT,
    received_ts BIGINT NOT NULL
);
CREATE INDEX client_reports_room ON client_reports (room_id);
