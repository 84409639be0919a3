/**
 * Message streams: an embedded durable log or NATS JetStream.
 */
module io.myelin.bus {
    requires io.myelin.api;
    requires io.nats.jnats;

    // Tests find the storage component through the SPI; the bus itself never loads components.
    uses io.myelin.api.Component;

    provides io.myelin.api.Component with io.myelin.bus.BusComponent;
}
