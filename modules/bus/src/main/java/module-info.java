/**
 * Message streams: an embedded durable log or NATS JetStream.
 */
module io.myelin.bus {
    requires io.myelin.api;

    provides io.myelin.api.Component with io.myelin.bus.BusComponent;
}
