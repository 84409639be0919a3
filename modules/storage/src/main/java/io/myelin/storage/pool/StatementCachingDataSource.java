package io.myelin.storage.pool;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Connections that keep their prepared statements: closing a statement made by
 * {@code prepareStatement(String)} resets it (its result set closed, its parameters cleared) and keeps it for the
 * next use of the same text on the same connection, instead of finalising it. Helidon's DB Client prepares every
 * statement anew and closes it after one use; on SQLite each prepare parses the SQL and reads the columns' names
 * again, a cost paid under the single writer's lock. The statements are closed with their connection.
 *
 * <p>A statement still in use when its text is asked for again (a query read while another runs) is prepared
 * afresh and closed as usual; at most {@value #MAX_KEPT} texts are kept per connection, the least recently used
 * going first.
 */
public final class StatementCachingDataSource implements DataSource {

    private static final int MAX_KEPT = 128;

    private final String url;
    private final Properties properties;

    /**
     * @param url        the JDBC URL
     * @param properties the driver's connection properties
     */
    public StatementCachingDataSource(String url, Properties properties) {
        this.url = url;
        this.properties = new Properties();
        this.properties.putAll(properties);
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = DriverManager.getConnection(url, properties);
        return (Connection) Proxy.newProxyInstance(StatementCachingDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new CachingConnection(connection));
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("credentials go in the URL or the properties");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper of " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** A connection whose {@code prepareStatement(String)} hands out kept statements. */
    private static final class CachingConnection implements InvocationHandler {

        private final Connection connection;
        private final Map<String, KeptStatement> kept = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, KeptStatement> eldest) {
                if (size() <= MAX_KEPT) {
                    return false;
                }
                eldest.getValue().evict();
                return true;
            }
        };

        CachingConnection(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (name.equals("prepareStatement") && args.length == 1) {
                return prepare((String) args[0]);
            }
            if (name.equals("close") && method.getParameterCount() == 0) {
                close();
                return null;
            }
            if (name.equals("equals") && method.getParameterCount() == 1) {
                return proxy == args[0];
            }
            if (name.equals("hashCode") && method.getParameterCount() == 0) {
                return System.identityHashCode(proxy);
            }
            return StatementCachingDataSource.invoke(connection, method, args);
        }

        private synchronized PreparedStatement prepare(String sql) throws SQLException {
            KeptStatement statement = kept.get(sql);
            if (statement == null || statement.inUse) {
                PreparedStatement fresh = connection.prepareStatement(sql);
                if (statement != null) {
                    return fresh;
                }
                statement = new KeptStatement(this, sql, fresh);
                kept.put(sql, statement);
            }
            statement.inUse = true;
            return statement.proxy;
        }

        private synchronized void release(KeptStatement statement) throws SQLException {
            statement.inUse = false;
            boolean reset = false;
            try {
                ResultSet results = statement.results;
                statement.results = null;
                if (results != null) {
                    results.close();
                }
                statement.statement.clearParameters();
                reset = true;
            } finally {
                if (!reset || statement.evicted) {
                    if (kept.get(statement.sql) == statement) {
                        kept.remove(statement.sql);
                    }
                    statement.statement.close();
                }
            }
        }

        private synchronized void close() throws SQLException {
            List<KeptStatement> all = new ArrayList<>(kept.values());
            kept.clear();
            SQLException failure = null;
            for (KeptStatement statement : all) {
                try {
                    statement.statement.close();
                } catch (SQLException e) {
                    failure = failure == null ? e : failure;
                }
            }
            connection.close();
            if (failure != null) {
                throw failure;
            }
        }
    }

    /**
     * A kept statement, and the proxy handed out for it, whose {@code close} gives it back. One that ran otherwise
     * than by {@code executeQuery}, {@code executeUpdate} or {@code executeLargeUpdate} is closed instead.
     */
    private static final class KeptStatement implements InvocationHandler {

        private final CachingConnection owner;
        private final String sql;
        private final PreparedStatement statement;
        private final PreparedStatement proxy;
        private boolean inUse;
        private boolean evicted;
        private ResultSet results;

        KeptStatement(CachingConnection owner, String sql, PreparedStatement statement) {
            this.owner = owner;
            this.sql = sql;
            this.statement = statement;
            this.proxy = (PreparedStatement) Proxy.newProxyInstance(StatementCachingDataSource.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, this);
        }

        /** Dropped from the cache: closed now if idle, else when given back. */
        void evict() {
            evicted = true;
            if (!inUse) {
                try {
                    statement.close();
                } catch (SQLException e) {
                    // A statement that cannot be finalised is gone with its connection anyway.
                }
            }
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            int count = method.getParameterCount();
            if (name.equals("close") && count == 0) {
                if (inUse) {
                    owner.release(this);
                }
                return null;
            }
            if (name.equals("isClosed") && count == 0) {
                return !inUse || statement.isClosed();
            }
            if (name.equals("equals") && count == 1) {
                return proxy == args[0];
            }
            if (name.equals("hashCode") && count == 0) {
                return System.identityHashCode(proxy);
            }
            if (!inUse) {
                throw new SQLException("statement is closed");
            }
            if (name.startsWith("execute") && count == 0 && !name.equals("executeQuery")
                    && !name.equals("executeUpdate") && !name.equals("executeLargeUpdate")
                    || name.equals("addBatch") || name.equals("getResultSet")) {
                // Not reset by closing a result set it returned: closed when given back, not kept.
                evicted = true;
            }
            Object result = StatementCachingDataSource.invoke(statement, method, args);
            if (name.equals("executeQuery") && count == 0) {
                results = (ResultSet) result;
            }
            return result;
        }
    }
}
