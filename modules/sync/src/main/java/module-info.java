/**
 * /sync, /messages, /context, typing, receipts, read markers, presence and to-device messages.
 */
module io.myelin.sync {
    requires io.myelin.api;

    provides io.myelin.api.Component with io.myelin.sync.SyncComponent;
}
