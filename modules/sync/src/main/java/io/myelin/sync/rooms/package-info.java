/**
 * The rooms stream: sync's own record of room events, state changes and memberships at stream positions, fed
 * from {@code OutputRoomEvent}, and what {@code /sync}, {@code /messages} and {@code /context} read from it
 * (filters, history visibility, event formats).
 */
package io.myelin.sync.rooms;
