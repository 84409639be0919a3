-- End-to-end-encryption keys of local devices and users.

-- The device's identity keys exactly as uploaded (canonical JSON, with the device's own signatures).
CREATE TABLE keys_device_keys (
    user_id   TEXT NOT NULL,
    device_id TEXT NOT NULL,
    key_json  TEXT NOT NULL,
    PRIMARY KEY (user_id, device_id)
);

-- Unclaimed one-time keys; id is the upload order, in which they are claimed.
CREATE TABLE keys_one_time_keys (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id   TEXT NOT NULL,
    device_id TEXT NOT NULL,
    algorithm TEXT NOT NULL,
    key_id    TEXT NOT NULL,
    key_json  TEXT NOT NULL,
    UNIQUE (user_id, device_id, algorithm, key_id)
);
CREATE INDEX keys_one_time_keys_claim ON keys_one_time_keys (user_id, device_id, algorithm, id);

-- At most one fallback key per device and algorithm; used is set once a claim has handed it out.
CREATE TABLE keys_fallback_keys (
    user_id   TEXT    NOT NULL,
    device_id TEXT    NOT NULL,
    algorithm TEXT    NOT NULL,
    key_id    TEXT    NOT NULL,
    key_json  TEXT    NOT NULL,
    used      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, device_id, algorithm)
);

-- key_usage is master, self_signing or user_signing; key_json as uploaded, with its signatures.
CREATE TABLE keys_cross_signing_keys (
    user_id    TEXT NOT NULL,
    key_usage  TEXT NOT NULL,
    public_key TEXT NOT NULL,
    key_json   TEXT NOT NULL,
    PRIMARY KEY (user_id, key_usage)
);

-- Signatures uploaded with /keys/signatures/upload; target_key_id is a device id or a cross-signing public key.
CREATE TABLE keys_signatures (
    target_user_id TEXT NOT NULL,
    target_key_id  TEXT NOT NULL,
    signer_user_id TEXT NOT NULL,
    signer_key_id  TEXT NOT NULL,
    signature      TEXT NOT NULL,
    PRIMARY KEY (target_user_id, target_key_id, signer_user_id, signer_key_id)
);

-- Key backup versions; a deleted version keeps its row so that its number is never reused.
CREATE TABLE keys_backup_versions (
    user_id   TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    algorithm TEXT    NOT NULL,
    auth_data TEXT    NOT NULL,
    etag      INTEGER NOT NULL DEFAULT 0,
    deleted   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, version)
);

CREATE TABLE keys_backup_keys (
    user_id             TEXT    NOT NULL,
    version             INTEGER NOT NULL,
    room_id             TEXT    NOT NULL,
    session_id          TEXT    NOT NULL,
    first_message_index INTEGER NOT NULL,
    forwarded_count     INTEGER NOT NULL,
    is_verified         INTEGER NOT NULL,
    session_data        TEXT    NOT NULL,
    PRIMARY KEY (user_id, version, room_id, session_id)
);
