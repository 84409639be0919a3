/**
 * The roomserver's service: the authority on every room's event graph and state.
 *
 * <p>Other components add events to rooms ({@link io.myelin.api.roomserver.RoomserverApi#input}), ask it to
 * build and send local events ({@link io.myelin.api.roomserver.RoomserverApi#createRoom},
 * {@link io.myelin.api.roomserver.RoomserverApi#sendEvent}, membership changes, redactions), and read rooms
 * through its queries. Every method takes and returns records JSON-B can bind, so that the service can be
 * served from another process. What the roomserver decides is also published on the bus stream
 * {@code OutputRoomEvent} as {@link io.myelin.api.roomserver.OutputRoomEvent} JSON, one subject per room.
 */
package io.myelin.api.roomserver;
