/**
 * Test support shared by the modules' tests and the load drivers: a throw-away PostgreSQL database per run, the
 * URLs of the services tests run against, temporary directories. Never part of the server.
 *
 * <p>Nothing requires this module: a test takes it as a test-scoped dependency, and the test runner puts it on
 * the class path beside JUnit, where the module under test (which reads the unnamed module in its tests) sees it.
 */
module io.myelin.testkit {
    // DriverManager finds the PostgreSQL driver that the storage module brings.
    requires java.sql;
    // Only where a test must be skipped or failed; present in every test run, absent from bench.
    requires static org.junit.jupiter.api;

    exports io.myelin.testkit;
}
