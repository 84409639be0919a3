/**
 * What the sync component tells the others about its streams: {@link io.myelin.api.sync.SyncPositions}, which
 * turns the tokens clients hold into points of a room's history; and {@link io.myelin.api.sync.PublishedRooms},
 * through which the client component lets {@code /initialSync} see the room directory.
 */
package io.myelin.api.sync;
