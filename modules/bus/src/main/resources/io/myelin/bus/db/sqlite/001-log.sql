-- The embedded bus: one durable log per stream and each durable consumer's acknowledged positions.

-- Last sequence number handed out per stream; its row lock orders a stream's publishers.
CREATE TABLE bus_streams (
    stream   TEXT    NOT NULL PRIMARY KEY,
    last_seq INTEGER NOT NULL
);

-- Messages not yet acknowledged by every consumer of their stream.
CREATE TABLE bus_messages (
    stream  TEXT    NOT NULL,
    seq     INTEGER NOT NULL,
    subject TEXT    NOT NULL,
    payload BLOB    NOT NULL,
    PRIMARY KEY (stream, seq)
);

-- Durable consumers: every message up to ack_floor is acknowledged.
CREATE TABLE bus_consumers (
    stream    TEXT    NOT NULL,
    durable   TEXT    NOT NULL,
    ack_floor INTEGER NOT NULL,
    PRIMARY KEY (stream, durable)
);

-- Acknowledgements above a consumer's ack_floor (messages of other subjects finished out of order).
CREATE TABLE bus_acks (
    stream  TEXT    NOT NULL,
    durable TEXT    NOT NULL,
    seq     INTEGER NOT NULL,
    PRIMARY KEY (stream, durable, seq)
);
