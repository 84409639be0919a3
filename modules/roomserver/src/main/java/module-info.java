/**
 * The authority on every room's event graph and state.
 */
module io.myelin.roomserver {
    requires io.myelin.api;

    // Tests start the storage, bus and cache components through the SPI; the roomserver itself loads none.
    uses io.myelin.api.Component;

    provides io.myelin.api.Component with io.myelin.roomserver.RoomserverComponent;
}
