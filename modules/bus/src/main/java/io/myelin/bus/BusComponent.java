package io.myelin.bus;

import java.util.Set;

import io.helidon.config.Config;
import io.myelin.api.Component;
import io.myelin.api.ComponentContext;
import io.myelin.api.ConfigProblems;
import io.myelin.api.bus.Bus;
import io.myelin.api.storage.Database;
import io.myelin.bus.dispatch.ManagedBus;
import io.myelin.bus.embedded.EmbeddedBus;
import io.myelin.bus.nats.NatsBus;

/**
 * Message streams (DESIGN.md §5): provides the {@link Bus}, either NATS JetStream when
 * {@code bus.nats.urls} is set (with its outbox in the server's database), or the embedded durable log in the
 * server's database.
 */
public final class BusComponent implements Component {

    private static final System.Logger LOG = System.getLogger(BusComponent.class.getName());

    private volatile ManagedBus bus;

    @Override
    public String name() {
        return "bus";
    }

    @Override
    public String configKey() {
        return "bus";
    }

    @Override
    public Set<Class<?>> provides() {
        return Set.of(Bus.class);
    }

    @Override
    public Set<Class<?>> needs() {
        return Set.of(Database.class);
    }

    @Override
    public void verify(Config section, ConfigProblems problems) {
        BusSettings.verify(section, problems);
    }

    @Override
    public void start(ComponentContext context) {
        BusSettings settings = BusSettings.from(context.config());
        Database database = context.require(Database.class);
        ManagedBus opened = settings.nats()
                ? NatsBus.connect(database, settings)
                : EmbeddedBus.open(database, settings);
        bus = opened;
        context.provide(Bus.class, opened);
        LOG.log(System.Logger.Level.INFO, "bus: using {0}", opened.description());
    }

    @Override
    public void stop() {
        ManagedBus current = bus;
        if (current != null) {
            current.close();
            bus = null;
            LOG.log(System.Logger.Level.INFO, "bus: stopped");
        }
    }

    /**
     * The running bus, for tests of this module.
     *
     * @return the bus, or null when not started
     */
    ManagedBus bus() {
        return bus;
    }
}
