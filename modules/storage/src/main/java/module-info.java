/**
 * The database: Helidon DB Client over SQLite or PostgreSQL, with migrations.
 *
 * <p>No code here names a driver class: {@link java.sql.DriverManager} finds both drivers as
 * {@code java.sql.Driver} providers. They are required so that they are always resolved as modules.
 */
module io.myelin.storage {
    requires io.myelin.api;
    requires io.helidon.dbclient.jdbc;
    requires java.sql;
    requires com.zaxxer.hikari;
    requires org.xerial.sqlitejdbc;
    requires org.postgresql.jdbc;

    provides io.myelin.api.Component with io.myelin.storage.StorageComponent;
    provides io.helidon.dbclient.jdbc.spi.JdbcConnectionPoolProvider with io.myelin.storage.pool.HikariPoolProvider;
}
