-- The thread an unread notification belongs to: the thread root's event id, or '' for the main timeline (thread
-- roots included), so that a threaded receipt reads only its own thread and counts can be given per thread.
ALTER TABLE sync_notifications ADD COLUMN thread_id TEXT NOT NULL DEFAULT '';
