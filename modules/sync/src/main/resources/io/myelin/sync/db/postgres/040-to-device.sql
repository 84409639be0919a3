-- Where the to-device and device-list streams stand. A position is handed out once, also after the rows it
-- numbered were deleted, so that a client's token never points at a reused position.
CREATE TABLE sync_device_positions (
    stream TEXT   NOT NULL PRIMARY KEY,
    pos    BIGINT NOT NULL
);
INSERT INTO sync_device_positions (stream, pos) VALUES ('to_device', 0);
INSERT INTO sync_device_positions (stream, pos) VALUES ('device_lists', 0);

-- To-device messages waiting for a local device, one position each; deleted once the device's next /sync
-- names a since at or past their position.
CREATE TABLE sync_to_device (
    pos       BIGINT NOT NULL PRIMARY KEY,
    user_id   TEXT   NOT NULL,
    device_id TEXT   NOT NULL,
    sender    TEXT   NOT NULL,
    type      TEXT   NOT NULL,
    content   TEXT   NOT NULL
);
CREATE INDEX sync_to_device_inbox ON sync_to_device (user_id, device_id, pos);

-- Transaction ids of PUT /sendToDevice already handled, per sending device, so that a retry sends nothing new.
CREATE TABLE sync_to_device_txns (
    user_id   TEXT   NOT NULL,
    device_id TEXT   NOT NULL,
    txn_id    TEXT   NOT NULL,
    PRIMARY KEY (user_id, device_id, txn_id)
);
