package io.myelin.bus;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The bus semantics on the embedded log in SQLite.
 */
class EmbeddedSqliteBusTest extends EmbeddedBusContract {

    private static EmbeddedHarness harness;

    @BeforeAll
    static void createDatabase() {
        harness = EmbeddedHarness.sqlite();
    }

    @AfterAll
    static void removeDatabase() {
        if (harness != null) {
            harness.close();
        }
    }

    @Override
    BusHarness harness() {
        return harness;
    }
}
