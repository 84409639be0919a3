/**
 * The device parts of sync: send-to-device inboxes, device-list tracking and one-time-key counts, as
 * {@link io.myelin.sync.stream.SyncSource}s, with {@code PUT /sendToDevice} and {@code GET /keys/changes}.
 */
package io.myelin.sync.devices;
