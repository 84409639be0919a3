/**
 * Contracts between Myelin's components: the {@link io.myelin.api.Component} SPI, the services
 * components offer one another, and the shared types of configuration, storage, bus, cache and HTTP.
 */
module io.myelin.api {
    requires transitive io.myelin.protocol;
    requires transitive io.helidon.webserver;
    requires transitive io.helidon.config;
    requires transitive io.helidon.dbclient;
    requires transitive io.helidon.metrics.api;
    requires transitive jakarta.json;
    requires transitive jakarta.json.bind;

    exports io.myelin.api;
    exports io.myelin.api.bus;
    exports io.myelin.api.cache;
    exports io.myelin.api.http;
    exports io.myelin.api.keys;
    exports io.myelin.api.roomserver;
    exports io.myelin.api.storage;
    exports io.myelin.api.sync;
    exports io.myelin.api.users;

    uses io.myelin.api.Component;
}
