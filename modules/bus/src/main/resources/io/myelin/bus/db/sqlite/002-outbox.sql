-- The NATS bus: messages published inside a database write, stored with it and sent to JetStream after its
-- commit. msg_id is the JetStream message id (Nats-Msg-Id) that lets the broker drop a second send.

CREATE TABLE bus_outbox (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    msg_id  TEXT    NOT NULL,
    stream  TEXT    NOT NULL,
    subject TEXT    NOT NULL,
    payload BLOB    NOT NULL
);
