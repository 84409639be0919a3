-- Transaction ids are scoped per endpoint as well as per sender: a send and a redaction may use the same id.
-- Earlier rows take their endpoint from the event they sent (a redaction sent through /send counts as one
-- from /redact; nothing tells them apart afterwards).
CREATE TABLE roomserver_transactions_new (
    room_id  TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    kind     TEXT NOT NULL,
    txn_id   TEXT NOT NULL,
    event_id TEXT NOT NULL,
    PRIMARY KEY (room_id, user_id, kind, txn_id)
);

INSERT INTO roomserver_transactions_new (room_id, user_id, kind, txn_id, event_id)
SELECT t.room_id, t.user_id,
       CASE WHEN y.event_type = 'm.room.redaction' THEN 'redact'
            WHEN e.event_state_key_nid IS NOT NULL THEN 'state'
            ELSE 'send' END,
       t.txn_id, t.event_id
FROM roomserver_transactions t
LEFT JOIN roomserver_events e ON e.event_id = t.event_id
LEFT JOIN roomserver_event_types y ON y.event_type_nid = e.event_type_nid;

DROP TABLE roomserver_transactions;

ALTER TABLE roomserver_transactions_new RENAME TO roomserver_transactions;
