-- Transaction ids of PUT /sendToDevice are scoped to the sending device and the endpoint, whose path holds the
-- event type: the same id with another type is a new request. created_ts (milliseconds) lets rows older than a
-- day be deleted; a device's rows go when the device is deleted. The rows before this migration cannot say
-- which type they sent and are dropped: at worst a retry in flight across the upgrade is delivered twice.
DROP TABLE sync_to_device_txns;
CREATE TABLE sync_to_device_txns (
    user_id    TEXT   NOT NULL,
    device_id  TEXT   NOT NULL,
    type       TEXT   NOT NULL,
    txn_id     TEXT   NOT NULL,
    created_ts BIGINT NOT NULL,
    PRIMARY KEY (user_id, device_id, type, txn_id)
);
CREATE INDEX sync_to_device_txns_created ON sync_to_device_txns (created_ts);
