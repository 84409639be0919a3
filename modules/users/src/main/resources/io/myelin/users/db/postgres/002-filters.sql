-- Filters clients upload for /sync and /messages; ids count up per user.
CREATE TABLE users_filters (
    user_id   TEXT    NOT NULL,
    filter_id INTEGER NOT NULL,
    filter    TEXT    NOT NULL,
    PRIMARY KEY (user_id, filter_id)
);
