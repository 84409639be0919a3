/**
 * The database: Helidon DB Client over SQLite or PostgreSQL, with migrations.
 *
 * <p>JDBC drivers are found by {@link java.sql.DriverManager} among the modules the runtime resolves
 * (both drivers declare themselves as {@code java.sql.Driver} providers).
 */
module io.myelin.storage {
    requires io.myelin.api;
    requires io.helidon.dbclient.jdbc;
    requires java.sql;
    requires com.zaxxer.hikari;

    provides io.myelin.api.Component with io.myelin.storage.StorageComponent;
    provides io.helidon.dbclient.jdbc.spi.JdbcConnectionPoolProvider with io.myelin.storage.pool.HikariPoolProvider;
}
