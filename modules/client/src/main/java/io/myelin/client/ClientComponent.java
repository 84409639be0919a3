package io.myelin.client;

import java.util.Set;

import io.myelin.api.Component;
import io.myelin.api.ComponentContext;
import io.myelin.api.Routes;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.users.AccessTokens;

/**
 * Client-server endpoints for rooms: creating them, memberships, sending and reading events and state.
 *
 * <p>Every request is authenticated with the users component's tokens; every change goes through the
 * roomserver, which applies the authorization rules and persists transaction ids.
 */
public final class ClientComponent implements Component {

    private static final System.Logger LOG = System.getLogger(ClientComponent.class.getName());

    private RoomRoutes rooms;
    private EventRoutes events;

    @Override
    public String name() {
        return "client";
    }

    @Override
    public Set<Class<?>> needs() {
        return Set.of(AccessTokens.class, RoomserverApi.class);
    }

    @Override
    public void start(ComponentContext context) {
        AccessTokens tokens = context.require(AccessTokens.class);
        RoomserverApi roomserver = context.require(RoomserverApi.class);
        Visibility visibility = new Visibility(roomserver);
        rooms = new RoomRoutes(tokens, roomserver);
        events = new EventRoutes(tokens, roomserver, visibility);
        LOG.log(System.Logger.Level.INFO, "client: started");
    }

    @Override
    public void routes(Routes routes) {
        rooms.register(routes);
        events.register(routes);
    }
}
