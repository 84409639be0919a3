package io.myelin.users.http;

import io.myelin.api.Routes;
import io.myelin.api.bus.Bus;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.storage.Database;
import io.myelin.api.users.AccessTokens;
import io.myelin.users.auth.RateLimiter;
import io.myelin.users.store.AccountDataStore;
import io.myelin.users.store.AccountStore;
import io.myelin.users.store.FilterStore;
import io.myelin.users.store.PushRuleStore;

/**
 * The endpoints of a logged-in user's own data: profile, account data and tags, filters, capabilities and
 * third-party identifiers, push rules.
 */
public final class ClientRoutes {

    private final ProfileRoutes profiles;
    private final AccountDataRoutes accountData;
    private final ClientConfigRoutes config;
    private final PushRuleRoutes pushRules;

    /**
     * @param db         the database
     * @param tokens     the token service
     * @param limiter    the rate limiter
     * @param serverName this server's name
     * @param bus        the bus account data changes are published on
     * @param rooms      the roomserver profile changes are sent to the user's rooms through
     * @param loginTokens whether users may generate login tokens, which the capabilities say
     */
    public ClientRoutes(Database db, AccessTokens tokens, RateLimiter limiter, String serverName, Bus bus,
                        RoomserverApi rooms, boolean loginTokens) {
        Guard guard = new Guard(tokens, limiter);
        this.profiles = new ProfileRoutes(new AccountStore(db), guard, serverName,
                new ProfilePropagation(rooms));
        ClientDataEvents events = new ClientDataEvents(bus);
        this.accountData = new AccountDataRoutes(new AccountDataStore(db), guard, events);
        this.config = new ClientConfigRoutes(new FilterStore(db), guard, loginTokens);
        this.pushRules = new PushRuleRoutes(new PushRuleStore(db), guard, events);
    }

    /**
     * @param routes where the routes go
     */
    public void register(Routes routes) {
        profiles.register(routes);
        accountData.register(routes);
        config.register(routes);
        pushRules.register(routes);
    }
}
