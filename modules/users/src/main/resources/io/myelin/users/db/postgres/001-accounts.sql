-- Accounts, devices, tokens, profiles and account data of local users.
CREATE TABLE users_accounts (
    user_id       TEXT    NOT NULL PRIMARY KEY,
    localpart     TEXT    NOT NULL UNIQUE,
    password_hash TEXT,
    is_admin      INTEGER NOT NULL DEFAULT 0,
    is_guest      INTEGER NOT NULL DEFAULT 0,
    deactivated   INTEGER NOT NULL DEFAULT 0,
    created_ts    BIGINT  NOT NULL
);

CREATE TABLE users_devices (
    user_id      TEXT    NOT NULL,
    device_id    TEXT    NOT NULL,
    display_name TEXT,
    created_ts   BIGINT  NOT NULL,
    last_seen_ts BIGINT,
    last_seen_ip TEXT,
    PRIMARY KEY (user_id, device_id)
);

-- Only the SHA-256 of each token is kept.
CREATE TABLE users_access_tokens (
    token_hash TEXT    NOT NULL PRIMARY KEY,
    user_id    TEXT    NOT NULL,
    device_id  TEXT    NOT NULL,
    created_ts BIGINT  NOT NULL,
    expires_ts BIGINT
);
CREATE INDEX users_access_tokens_device ON users_access_tokens (user_id, device_id);

CREATE TABLE users_refresh_tokens (
    token_hash        TEXT    NOT NULL PRIMARY KEY,
    user_id           TEXT    NOT NULL,
    device_id         TEXT    NOT NULL,
    access_token_hash TEXT    NOT NULL,
    created_ts        BIGINT  NOT NULL
);
CREATE INDEX users_refresh_tokens_device ON users_refresh_tokens (user_id, device_id);

CREATE TABLE users_profiles (
    user_id     TEXT NOT NULL PRIMARY KEY,
    displayname TEXT,
    avatar_url  TEXT
);

-- room_id is the empty string for global account data.
CREATE TABLE users_account_data (
    user_id TEXT NOT NULL,
    room_id TEXT NOT NULL,
    type    TEXT NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (user_id, room_id, type)
);
