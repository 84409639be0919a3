/**
 * What the sync component tells the others about its streams: {@link io.myelin.api.sync.SyncPositions}, which
 * turns the tokens clients hold into points of a room's history.
 */
package io.myelin.api.sync;
