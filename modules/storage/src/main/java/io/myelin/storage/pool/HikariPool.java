package io.myelin.storage.pool;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.jdbc.CloseableJdbcConnectionPool;

/**
 * A Helidon JDBC connection pool backed by HikariCP.
 *
 * <p>Closing it closes every pooled connection; Helidon's JDBC client closes it when the client closes.
 */
public final class HikariPool implements CloseableJdbcConnectionPool {

    private final HikariDataSource dataSource;
    private final String name;
    private final String dbType;

    private HikariPool(HikariDataSource dataSource, String name, String dbType) {
        this.dataSource = dataSource;
        this.name = name;
        this.dbType = dbType;
    }

    /**
     * Opens a pool. Hikari makes its first connection here, so an unreachable database fails at once.
     *
     * @param config the Hikari configuration, with its JDBC URL set
     * @return the open pool
     */
    public static HikariPool create(HikariConfig config) {
        Objects.requireNonNull(config.getJdbcUrl(), "jdbc url");
        String name = config.getPoolName() == null ? "inlined" : config.getPoolName();
        return new HikariPool(new HikariDataSource(config), name, dbType(config.getJdbcUrl()));
    }

    /**
     * The database type Helidon reports for a JDBC URL: the part after {@code jdbc:}, for example
     * {@code sqlite} or {@code postgresql}.
     *
     * @param url the JDBC URL
     * @return the type, or {@code jdbc} when the URL has no recognisable sub-protocol
     */
    static String dbType(String url) {
        if (url.startsWith("jdbc:")) {
            int end = url.indexOf(':', 5);
            if (end > 5) {
                return url.substring(5, end);
            }
        }
        return DEFAULT_DB_TYPE;
    }

    @Override
    public Connection connection() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new DbClientException("No database connection available from pool " + name, e);
        }
    }

    /**
     * Connections in use, idle, and callers waiting for one.
     *
     * @return the pool's live figures
     */
    public HikariPoolMXBean stats() {
        return dataSource.getHikariPoolMXBean();
    }

    @Override
    public String dbType() {
        return dbType;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return HikariPoolProvider.TYPE;
    }

    /**
     * Closes the pool and every connection in it.
     */
    @Override
    public void close() {
        dataSource.close();
    }
}
