package io.myelin.users.http;

import io.myelin.api.Routes;
import io.myelin.api.bus.Bus;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.storage.Database;
import io.myelin.api.users.AccessTokens;
import io.myelin.api.users.UserData;
import io.myelin.users.auth.Accounts;
import io.myelin.users.auth.RateLimiter;
import io.myelin.users.auth.Uia;
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
    private final UserDataService userData;

    /**
     * @param db         the database
     * @param tokens     the token service
     * @param limiter    the rate limiter
     * @param serverName this server's name
     * @param bus        the bus account data changes are published on
     * @param rooms      the roomserver profile changes are sent to the user's rooms through
     * @param loginTokens whether users may generate login tokens, which the capabilities say
     * @param accounts   account operations, for the password stage of user-interactive authentication
     * @param uia        the user-interactive authentication sessions
     */
    public ClientRoutes(Database db, AccessTokens tokens, RateLimiter limiter, String serverName, Bus bus,
                        RoomserverApi rooms, boolean loginTokens, Accounts accounts, Uia uia) {
        Guard guard = new Guard(tokens, limiter);
        this.profiles = new ProfileRoutes(new AccountStore(db), guard, serverName,
                new ProfilePropagation(rooms));
        ClientDataEvents events = new ClientDataEvents(bus);
        AccountDataStore accountDataStore = new AccountDataStore(db);
        FilterStore filterStore = new FilterStore(db);
        PushRuleStore pushRuleStore = new PushRuleStore(db);
        this.accountData = new AccountDataRoutes(accountDataStore, guard, events);
        this.config = new ClientConfigRoutes(filterStore, guard, loginTokens);
        this.pushRules = new PushRuleRoutes(pushRuleStore, guard, events);
        this.userData = new UserDataService(accountDataStore, filterStore, pushRuleStore, accounts, uia, events);
    }

    /**
     * @return the user data service other components use
     */
    public UserData userData() {
        return userData;
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
