package io.myelin.bus;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The bus semantics on the embedded log in PostgreSQL ({@code MYELIN_TEST_POSTGRES_URL}, a fresh database per run).
 */
class EmbeddedPostgresBusTest extends EmbeddedBusContract {

    private static EmbeddedHarness harness;

    @BeforeAll
    static void createDatabase() {
        harness = EmbeddedHarness.postgres();
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
