package io.myelin.bus;

import java.util.List;

import io.myelin.api.storage.Migrations;

/**
 * The bus's tables in the server's database: the embedded log (001) and the NATS bus's outbox (002). Both
 * providers apply all of them, so that switching provider never meets a half-made schema.
 */
public final class BusSchema {

    /** The bus's migrations, recorded under the component name {@code bus}. */
    public static final Migrations MIGRATIONS = new Migrations("bus", "/io/myelin/bus/db",
            List.of("001-log.sql", "002-outbox.sql"), BusSchema.class::getResourceAsStream);

    private BusSchema() {
    }
}
