/**
 * /sync, /messages, /context, typing, receipts, read markers, presence and to-device messages.
 */
module io.myelin.sync {
    requires io.myelin.api;

    // Tests start the storage, bus and cache components through the SPI; sync itself loads none.
    uses io.myelin.api.Component;

    provides io.myelin.api.Component with io.myelin.sync.SyncComponent;
}
