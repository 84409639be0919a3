package io.myelin.storage;

import io.myelin.api.Component;
import io.myelin.api.ComponentContext;

/**
 * The database: Helidon DB Client over SQLite or PostgreSQL, with migrations.
 *
 * <p>Its features arrive with their issues; until then it starts and stops and serves nothing.
 */
public final class StorageComponent implements Component {

    private static final System.Logger LOG = System.getLogger(StorageComponent.class.getName());

    @Override
    public String name() {
        return "storage";
    }

    @Override
    public void start(ComponentContext context) {
        LOG.log(System.Logger.Level.INFO, "storage: started, no endpoints yet");
    }
}
