package io.myelin.storage;

import java.util.Set;

import io.helidon.config.Config;
import io.myelin.api.Component;
import io.myelin.api.ComponentContext;
import io.myelin.api.ConfigProblems;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Dialect;
import io.myelin.storage.jdbc.JdbcDatabase;
import io.myelin.storage.jdbc.JdbcUrls;

/**
 * The database: Helidon DB Client over SQLite (the default, a file in the data directory) or
 * PostgreSQL, with every component's migrations. Configured by the {@code database} section.
 */
public final class StorageComponent implements Component {

    private static final System.Logger LOG = System.getLogger(StorageComponent.class.getName());

    private volatile JdbcDatabase database;

    /**
     * Creates the component; called by {@link java.util.ServiceLoader}.
     */
    public StorageComponent() {
    }

    @Override
    public String name() {
        return "storage";
    }

    @Override
    public String configKey() {
        return "database";
    }

    @Override
    public Set<Class<?>> provides() {
        return Set.of(Database.class);
    }

    @Override
    public void verify(Config section, ConfigProblems problems) {
        StorageConfig.verify(section, problems);
    }

    @Override
    public void start(ComponentContext context) {
        StorageConfig config = StorageConfig.create(context.config(), context.identity().dataDir());
        JdbcDatabase opened = JdbcDatabase.open(config, context.clock(), context.meters());
        database = opened;
        LOG.log(System.Logger.Level.INFO, "storage: using " + opened.dialect().folder() + " database "
                + JdbcUrls.redact(config.url()) + " with at most " + config.maxConnections() + " connections"
                + (opened.dialect() == Dialect.SQLITE ? " reading and one writing" : ""));
        context.provide(Database.class, opened);
    }

    @Override
    public void stop() {
        JdbcDatabase open = database;
        database = null;
        if (open != null) {
            open.close();
            LOG.log(System.Logger.Level.INFO, "storage: database closed");
        }
    }
}
