/**
 * Myelin's main module: configuration, wiring of components, HTTP listeners and the command line.
 */
module io.myelin.server {
    requires io.myelin.api;
    requires io.helidon.config.yaml;
    requires io.helidon.common.pki;
    requires io.helidon.common.tls;
    requires io.helidon.common.configurable;
    requires io.helidon.logging.common;
    requires io.helidon.webserver.observe;
    requires io.helidon.webserver.observe.metrics;
    requires java.logging;
    requires java.net.http;
    requires jdk.management;
    requires jdk.unsupported;

    uses io.myelin.api.Component;
}
