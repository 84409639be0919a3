package io.myelin.storage.pool;

import java.util.Properties;

import com.zaxxer.hikari.HikariConfig;
import io.helidon.config.Config;
import io.helidon.dbclient.jdbc.JdbcConnectionPool;
import io.helidon.dbclient.jdbc.spi.JdbcConnectionPoolProvider;

/**
 * Lets Helidon's JDBC client build its connection pool on HikariCP when it is configured from a
 * {@code db.connection} section ({@code url}, {@code username}, {@code password}, and any HikariCP
 * property under {@code hikari}, for example {@code hikari.maximumPoolSize}).
 *
 * <p>Declared with {@code provides} in the module descriptor: Helidon's own Hikari pool module is not
 * part of this build, and without some provider its JDBC client cannot open a pool at all.
 */
public final class HikariPoolProvider implements JdbcConnectionPoolProvider {

    /** The pool type this provider reports. */
    static final String TYPE = "hikari";

    /**
     * Creates the provider; called by {@link java.util.ServiceLoader}.
     */
    public HikariPoolProvider() {
    }

    @Override
    public String configKey() {
        return TYPE;
    }

    @Override
    public JdbcConnectionPool create(Config config, String name) {
        HikariConfig hikari = config.get("hikari").exists()
                ? new HikariConfig(properties(config.get("hikari")))
                : new HikariConfig();
        hikari.setJdbcUrl(config.get("url").asString().get());
        config.get("username").asString().ifPresent(hikari::setUsername);
        config.get("password").asString().ifPresent(hikari::setPassword);
        if (hikari.getPoolName() == null) {
            hikari.setPoolName(name);
        }
        return HikariPool.create(hikari);
    }

    private static Properties properties(Config section) {
        Properties properties = new Properties();
        section.detach().asMap().orElseGet(java.util.Map::of).forEach(properties::setProperty);
        return properties;
    }
}
