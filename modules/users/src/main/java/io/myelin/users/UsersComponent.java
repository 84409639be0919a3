package io.myelin.users;

import java.util.List;
import java.util.Set;

import io.helidon.config.Config;
import io.myelin.api.Component;
import io.myelin.api.ComponentContext;
import io.myelin.api.ConfigProblems;
import io.myelin.api.Routes;
import io.myelin.api.bus.Bus;
import io.myelin.api.cache.Caches;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Migrations;
import io.myelin.api.users.AccessTokens;
import io.myelin.api.users.UserData;
import io.myelin.users.auth.Accounts;
import io.myelin.users.auth.LoginTokens;
import io.myelin.users.auth.RateLimiter;
import io.myelin.users.auth.TokenService;
import io.myelin.users.auth.Uia;
import io.myelin.users.config.UsersConfig;
import io.myelin.users.crypto.PasswordHasher;
import io.myelin.users.http.ClientRoutes;
import io.myelin.users.http.DeviceRoutes;
import io.myelin.users.http.LoginRoutes;
import io.myelin.users.http.RegistrationRoutes;
import io.myelin.users.http.SharedSecretRoutes;
import io.myelin.users.store.AccountStore;
import io.myelin.users.store.DeviceStore;

/**
 * Accounts, devices, access tokens, profiles, account data and push rules; provides {@link AccessTokens}, the
 * service every authenticated client endpoint checks tokens with.
 */
public final class UsersComponent implements Component {

    private static final System.Logger LOG = System.getLogger(UsersComponent.class.getName());
    private static final Migrations MIGRATIONS = new Migrations("users", "/io/myelin/users/db",
            List.of("001-accounts.sql", "002-filters.sql",
            "003-push-rules.sql"), UsersComponent.class::getResourceAsStream);

    private RegistrationRoutes registration;
    private SharedSecretRoutes sharedSecret;
    private LoginRoutes login;
    private DeviceRoutes devices;
    private ClientRoutes client;

    @Override
    public String name() {
        return "users";
    }

    @Override
    public Set<Class<?>> provides() {
        return Set.of(AccessTokens.class, UserData.class);
    }

    @Override
    public Set<Class<?>> needs() {
        // The roomserver needs only storage, bus and cache, so it starts before users without a cycle.
        return Set.of(Database.class, Caches.class, Bus.class, RoomserverApi.class);
    }

    @Override
    public void verify(Config section, ConfigProblems problems) {
        UsersConfig.verify(section, problems);
    }

    @Override
    public void start(ComponentContext context) {
        ConfigProblems problems = new ConfigProblems();
        UsersConfig config = UsersConfig.read(context.config(), problems);
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems.list()));
        }
        Database db = context.database();
        db.migrate(MIGRATIONS);

        DeviceStore deviceStore = new DeviceStore(db);
        TokenService tokens = new TokenService(db, deviceStore, context.caches(), context.clock(),
                config.accessTokenLifetime());
        Accounts accounts = new Accounts(db, new AccountStore(db), deviceStore, tokens,
                new PasswordHasher(config.passwordHashing()), context.clock(), context.identity().serverName(),
                context.bus());
        Uia uia = new Uia(context.clock());
        RateLimiter limiter = new RateLimiter(config.rateLimits(), context.clock());
        context.provide(AccessTokens.class, tokens);

        registration = new RegistrationRoutes(accounts, uia, config, limiter);
        sharedSecret = new SharedSecretRoutes(accounts, config.registrationSharedSecret().orElse(null),
                context.clock());
        login = new LoginRoutes(accounts, tokens, limiter, uia,
                new LoginTokens(context.clock(), config.loginTokens().lifetime()), config.loginTokens().enabled());
        devices = new DeviceRoutes(accounts, tokens, limiter, uia);
        client = new ClientRoutes(db, tokens, limiter, context.identity().serverName(), context.bus(),
                context.require(RoomserverApi.class), config.loginTokens().enabled(), accounts, uia);
        context.provide(UserData.class, client.userData());
        LOG.log(System.Logger.Level.INFO, "users: started; registration "
                + (config.enableRegistration() ? "open" + (config.registrationTokens().isEmpty() ? ""
                : " with registration tokens") : "closed")
                + (config.registrationSharedSecret().isPresent() ? ", shared-secret registration on" : "")
                + (config.loginTokens().enabled() ? ", login tokens on" : "")
                + (config.allowGuestAccess() ? ", guest access on" : ""));
    }

    @Override
    public void routes(Routes routes) {
        registration.register(routes);
        sharedSecret.register(routes);
        login.register(routes);
        devices.register(routes);
        client.register(routes);
    }
}
