-- A user's membership events in a room, in depth order, for shared history visibility: whether the user joined
-- at some point after an event. Only state events carry a state key, so messages stay out of the index.
CREATE INDEX roomserver_events_state_key ON roomserver_events (room_nid, event_state_key_nid, depth)
    WHERE event_state_key_nid IS NOT NULL;
