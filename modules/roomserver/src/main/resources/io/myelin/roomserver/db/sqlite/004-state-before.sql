-- The state before each event of the graph, the state it was authorised against: the snapshot of the state
-- after it minus its own entry, which the snapshot cannot give back. 0 is the empty state; NULL means unknown
-- (outliers, and events stored before this column whose state before cannot be worked out from the tables).
ALTER TABLE roomserver_events ADD COLUMN state_before_nid BIGINT;

-- An event that does not change the state (not a state event, or rejected) leaves it as it found it.
UPDATE roomserver_events SET state_before_nid = state_snapshot_nid
WHERE outlier = 0 AND (event_state_key_nid IS NULL OR rejected = 1);

-- A create event comes first: nothing before it.
UPDATE roomserver_events SET state_before_nid = 0
WHERE outlier = 0 AND state_before_nid IS NULL AND event_type_nid IN
    (SELECT event_type_nid FROM roomserver_event_types WHERE event_type = 'm.room.create');

-- An accepted state event on one previous event followed the state after that event.
UPDATE roomserver_events SET state_before_nid = (
    SELECT p.state_snapshot_nid FROM roomserver_previous_events pe
    JOIN roomserver_events p ON p.event_id = pe.previous_event_id
    WHERE pe.event_nid = roomserver_events.event_nid AND p.outlier = 0 AND p.state_snapshot_nid <> 0)
WHERE outlier = 0 AND state_before_nid IS NULL
  AND (SELECT COUNT(*) FROM roomserver_previous_events pe WHERE pe.event_nid = roomserver_events.event_nid) = 1;
