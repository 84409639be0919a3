/**
 * The authority on every room's event graph and state.
 */
module io.myelin.roomserver {
    requires io.myelin.api;

    provides io.myelin.api.Component with io.myelin.roomserver.RoomserverComponent;
}
