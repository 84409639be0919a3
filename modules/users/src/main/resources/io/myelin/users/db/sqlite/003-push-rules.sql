-- A user's changes to the push rules: their own rules per kind, in priority order, and the enabled
-- flag and actions they set on server-default rules. The defaults themselves are not stored, so that a
-- newer server's defaults reach every user.
CREATE TABLE users_push_rules (
    user_id TEXT NOT NULL PRIMARY KEY,
    changes TEXT NOT NULL
);
