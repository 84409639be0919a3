/**
 * Client-server endpoints for rooms, the directory and aliases.
 */
module io.myelin.client {
    requires io.myelin.api;

    provides io.myelin.api.Component with io.myelin.client.ClientComponent;
}
