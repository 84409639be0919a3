-- Users the user directory can find, with the profile of the newest join event seen for each.
CREATE TABLE client_user_directory (
    user_id      TEXT NOT NULL PRIMARY KEY,
    display_name TEXT,
    avatar_url   TEXT
);

-- The words of each user's id and display name, folded to lower case without accents, for prefix search.
-- The C collation makes a prefix a plain range of the index.
CREATE TABLE client_user_directory_words (
    word    TEXT COLLATE "C" NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (word, user_id)
);
CREATE INDEX client_user_directory_words_user ON client_user_directory_words (user_id);

-- Whether a room makes its members visible to everyone: a public join rule or world-readable history.
CREATE TABLE client_user_directory_rooms (
    room_id          TEXT NOT NULL PRIMARY KEY,
    public_join      INTEGER NOT NULL DEFAULT 0,
    world_readable   INTEGER NOT NULL DEFAULT 0
);

-- The joined members of every room.
CREATE TABLE client_user_directory_members (
    room_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (room_id, user_id)
);
CREATE INDEX client_user_directory_members_user ON client_user_directory_members (user_id, room_id);

-- One row once the index holds every room the roomserver knew when the index was first started.
CREATE TABLE client_user_directory_ready (
    ready INTEGER NOT NULL PRIMARY KEY
);
