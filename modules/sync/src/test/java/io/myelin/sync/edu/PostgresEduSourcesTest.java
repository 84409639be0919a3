package io.myelin.sync.edu;

/** The sync sources of account data, typing, receipts, notification counts and presence on PostgreSQL. */
class PostgresEduSourcesTest extends EduSourcesTestBase {
    @Override
    EduHarness.Backend backend() {
        return EduHarness.Backend.POSTGRES;
    }
}
