/**
 * The server-server API, signing keys, notary and outbound queues.
 */
module io.myelin.federation {
    requires io.myelin.api;

    provides io.myelin.api.Component with io.myelin.federation.FederationComponent;
}
