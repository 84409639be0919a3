package io.myelin.storage.jdbc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import com.zaxxer.hikari.HikariConfig;
import io.helidon.common.mapper.MapperManager;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbTransaction;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;
import io.helidon.metrics.api.MeterRegistry;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Dialect;
import io.myelin.api.storage.Migrations;
import io.myelin.storage.StorageConfig;
import io.myelin.storage.pool.HikariPool;
import io.myelin.storage.pool.StatementCachingDataSource;

/**
 * The {@link Database} over Helidon's JDBC client and HikariCP pools.
 *
 * <p>On SQLite there are two pools: readers, as many as configured, and a single writer whose
 * transactions begin {@code IMMEDIATE}, taken under a fair lock so that writers queue here instead of
 * failing with {@code SQLITE_BUSY}. In WAL mode readers never wait for the writer. On PostgreSQL one
 * pool serves both and the database's own locks order concurrent writers.
 */
public final class JdbcDatabase implements Database, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(JdbcDatabase.class.getName());
    /** At most this many SQLite writes share one commit, and a commit waits at most this long for more. */
    private static final int MAX_GROUP = 128;
    private static final long MAX_GROUP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long GROUP_WAIT_MILLIS = 100;
    private static final String SAVEPOINT = "SAVEPOINT myelin_write";
    private static final String RELEASE = "RELEASE SAVEPOINT myelin_write";
    private static final String ROLLBACK_TO = "ROLLBACK TO SAVEPOINT myelin_write";

    private final Dialect dialect;
    private final DbClient client;
    private final DbClient writer;
    private final HikariPool writePool;
    private final ReentrantLock writeLock;
    // Runs SQLite commits for virtual threads (see commit); null on PostgreSQL.
    private final ExecutorService committer;
    private final long writeWaitMillis;
    private final Migrator migrator;
    private final StorageMeters meters;
    // The transaction this thread is inside, so that a nested write joins it instead of deadlocking
    // on the single SQLite writer.
    private final ThreadLocal<TrackedExecute> current = new ThreadLocal<>();
    // The SQLite transaction left open for the writers queued behind its last one; guarded by writeLock.
    private Group open;

    private JdbcDatabase(Dialect dialect, HikariPool readPool, HikariPool writePool, StorageConfig config,
                         Clock clock, MeterRegistry registry) {
        this.dialect = dialect;
        this.client = client(readPool);
        this.writer = writePool == readPool ? client : client(writePool);
        this.writePool = writePool;
        this.writeLock = dialect == Dialect.SQLITE ? new ReentrantLock(true) : null;
        this.committer = dialect == Dialect.SQLITE
                ? Executors.newSingleThreadExecutor(Thread.ofPlatform().name("myelin-sqlite-commit").daemon().factory())
                : null;
        this.writeWaitMillis = config.connectionTimeout().toMillis();
        this.migrator = new Migrator(this, clock);
        this.meters = new StorageMeters(registry);
        if (writePool == readPool) {
            meters.pool("main", readPool);
        } else {
            meters.pool("read", readPool);
            meters.pool("write", writePool);
            meters.gauge("myelin.storage.writers.waiting", "Writes queued for the SQLite writer", List.of(),
                         writeLock, ReentrantLock::getQueueLength);
        }
    }

    /**
     * Opens the database the configuration names, creating a SQLite file's directory when missing, and
     * the table that records migrations.
     *
     * @param config the storage configuration
     * @param clock  the clock migration times are read from
     * @param meters where the database's meters go, or null for none
     * @return the open database
     * @throws IllegalStateException when the database cannot be reached or opened
     */
    public static JdbcDatabase open(StorageConfig config, Clock clock, MeterRegistry meters) {
        Dialect dialect = config.dialect();
        JdbcDatabase database;
        if (dialect == Dialect.SQLITE) {
            createDirectory(JdbcUrls.sqliteFile(config.url()));
            HikariPool writePool = HikariPool.create(sqlite(config, "myelin-write", true));
            HikariPool readPool;
            try {
                readPool = HikariPool.create(sqlite(config, "myelin-read", false));
            } catch (RuntimeException e) {
                writePool.close();
                throw e;
            }
            database = new JdbcDatabase(dialect, readPool, writePool, config, clock, meters);
        } else {
            HikariPool pool = HikariPool.create(postgres(config));
            database = new JdbcDatabase(dialect, pool, pool, config, clock, meters);
        }
        try {
            database.migrator.createTable();
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        return database;
    }

    @Override
    public Dialect dialect() {
        return dialect;
    }

    @Override
    public DbClient client() {
        return client;
    }

    @Override
    public <T> T write(Function<DbExecute, T> work) {
        Objects.requireNonNull(work, "work");
        TrackedExecute outer = current.get();
        if (outer != null) {
            return work.apply(outer);
        }
        if (writeLock != null) {
            return writeGrouped(work);
        }
        TrackedExecute execute;
        T result;
        long started = System.nanoTime();
        lockWriter();
        try {
            DbTransaction tx = writer.transaction();
            execute = new TrackedExecute(tx);
            current.set(execute);
            try {
                result = work.apply(execute);
            } catch (RuntimeException | Error e) {
                if (execute.used()) {
                    rollback(tx, e);
                }
                throw e;
            }
            if (execute.used()) {
                tx.commit();
            }
        } finally {
            current.remove();
            unlockWriter();
            meters.write(System.nanoTime() - started);
        }
        // Outside the writer lock: what follows a commit must not hold up the next writer.
        runAfterCommit(execute.afterCommit());
        return result;
    }

    /**
     * A SQLite write with group commit. Writers take the single writer's lock one at a time, as before, but a
     * writer that finishes while others queue for the lock leaves the transaction open for them and waits: the
     * last of the group commits for all (one disk flush for many writes), and every writer returns only after
     * that commit. Each writer after the first works inside a savepoint, so that its failure undoes its own
     * statements only.
     */
    private <T> T writeGrouped(Function<DbExecute, T> work) {
        long started = System.nanoTime();
        Group group;
        TrackedExecute execute;
        T result;
        boolean leftOpen = false;
        lockWriter();
        try {
            group = open;
            if (group == null) {
                group = new Group(writer.transaction(), started);
                open = group;
            }
            boolean savepoint = group.used;
            if (savepoint) {
                statementOrEnd(group, SAVEPOINT);
            }
            execute = new TrackedExecute(group.tx);
            current.set(execute);
            try {
                result = work.apply(execute);
            } catch (RuntimeException | Error e) {
                current.remove();
                undo(group, savepoint, execute, e);
                if (open == group && !writeLock.hasQueuedThreads()) {
                    finish(group);
                }
                throw e;
            } finally {
                current.remove();
            }
            if (savepoint) {
                statementOrEnd(group, RELEASE);
            }
            group.used |= execute.used();
            group.members++;
            if (group.members < MAX_GROUP && System.nanoTime() - group.opened < MAX_GROUP_NANOS
                    && writeLock.hasQueuedThreads()) {
                leftOpen = true;
            } else {
                finish(group);
            }
        } finally {
            unlockWriter();
        }
        if (leftOpen) {
            awaitCommit(group);
        }
        group.throwIfFailed();
        meters.write(System.nanoTime() - started);
        // Outside the writer lock: what follows a commit must not hold up the next writer.
        runAfterCommit(execute.afterCommit());
        return result;
    }

    /** Runs a statement of the group's own; when it fails the group cannot go on and fails as a whole. */
    private void statementOrEnd(Group group, String statement) {
        try {
            StatementNames.dml(group.tx, statement);
        } catch (RuntimeException e) {
            rollback(group.tx, e);
            open = null;
            group.fail(e);
            throw e;
        }
    }

    /** Undoes a failed writer's statements: its savepoint, or the whole transaction when it was the first. */
    private void undo(Group group, boolean savepoint, TrackedExecute execute, Throwable cause) {
        if (!execute.used()) {
            return;
        }
        if (savepoint) {
            try {
                StatementNames.dml(group.tx, ROLLBACK_TO);
                StatementNames.dml(group.tx, RELEASE);
                return;
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
        // Nothing of the others is in the transaction (or it cannot be saved): end it, telling them.
        rollback(group.tx, cause);
        open = null;
        group.fail(group.used ? new IllegalStateException("a write of the same commit failed", cause) : null);
    }

    /** Commits a group; runs under the writer's lock. */
    private void finish(Group group) {
        open = null;
        if (!group.used) {
            group.fail(null);
            return;
        }
        try {
            commit(group.tx);
            group.fail(null);
        } catch (RuntimeException e) {
            rollback(group.tx, e);
            group.fail(e);
        }
    }

    /**
     * Commits a SQLite transaction. A virtual thread hands the commit to the committer's platform thread and waits
     * for it: the commit's disk flush blocks its thread in native code, which would keep one of the few carrier
     * threads (one per core) from running any other virtual thread meanwhile. The writer's lock stays held.
     */
    private void commit(DbTransaction tx) {
        if (!Thread.currentThread().isVirtual()) {
            tx.commit();
            return;
        }
        Future<?> done = committer.submit(tx::commit);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    done.get();
                    return;
                } catch (InterruptedException e) {
                    // The commit runs on: its outcome is the group's, so wait for it.
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    if (e.getCause() instanceof Error r) {
                        throw r;
                    }
                    throw new IllegalStateException("the commit failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits for the commit of a group this writer left open. Should the writer after it give up waiting for the
     * lock, the group would stay open: after a moment, any of its writers commits it.
     */
    private void awaitCommit(Group group) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    group.done.get(GROUP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                    return;
                } catch (InterruptedException e) {
                    // The write is in a transaction others share: it commits or fails with theirs.
                    interrupted = true;
                } catch (ExecutionException e) {
                    return;
                } catch (TimeoutException e) {
                    try {
                        lockWriter();
                    } catch (IllegalStateException busy) {
                        continue;
                    }
                    try {
                        if (open == group) {
                            finish(group);
                        }
                    } finally {
                        unlockWriter();
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Commits the group left open, if any, before the writer's connection is used otherwise. */
    private void finishOpenGroup() {
        Group group = open;
        if (group != null) {
            finish(group);
            group.throwIfFailed();
        }
    }

    /** A SQLite transaction shared by writers that queued for the lock one after another. */
    private static final class Group {
        private final DbTransaction tx;
        private final long opened;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private int members;
        private boolean used;
        private volatile RuntimeException failure;

        Group(DbTransaction tx, long opened) {
            this.tx = tx;
            this.opened = opened;
        }

        /** Ends the group: committed when {@code cause} is null, else failed. */
        void fail(RuntimeException cause) {
            failure = cause;
            done.complete(null);
        }

        void throwIfFailed() {
            RuntimeException f = failure;
            if (f != null) {
                throw new IllegalStateException("the commit failed", f);
            }
        }
    }

    @Override
    public void afterCommit(Runnable action) {
        Objects.requireNonNull(action, "action");
        TrackedExecute execute = current.get();
        if (execute == null) {
            action.run();
        } else {
            execute.afterCommit().add(action);
        }
    }

    @Override
    public void migrate(Migrations migrations) {
        if (current.get() != null) {
            throw new IllegalStateException("migrations cannot run inside a write");
        }
        migrator.migrate(migrations);
    }

    /**
     * Closes both clients and their pools.
     */
    @Override
    public void close() {
        if (writeLock != null) {
            writeLock.lock();
            try {
                finishOpenGroup();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "storage: the last commit failed while closing", e);
            } finally {
                writeLock.unlock();
            }
        }
        if (committer != null) {
            committer.shutdown();
        }
        meters.close();
        if (writer != client) {
            writer.close();
        }
        client.close();
    }

    /**
     * Runs {@code work} on the writing connection in one JDBC transaction, for the statements that
     * Helidon's client cannot run as written (migration scripts).
     *
     * @param work the work
     * @param <T>  its result type
     * @return what {@code work} returned
     * @throws SQLException when a statement, the commit or the rollback fails
     */
    <T> T withWriteConnection(SqlWork<T> work) throws SQLException {
        lockWriter();
        try {
            finishOpenGroup();
        } catch (RuntimeException e) {
            unlockWriter();
            throw e;
        }
        try (Connection connection = writePool.connection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.apply(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException r) {
                    e.addSuppressed(r);
                }
                throw e;
            }
        } finally {
            unlockWriter();
        }
    }

    /**
     * Work on a JDBC connection.
     *
     * @param <T> the result type
     */
    @FunctionalInterface
    interface SqlWork<T> {
        T apply(Connection connection) throws SQLException;
    }

    private void lockWriter() {
        if (writeLock == null) {
            return;
        }
        // Bounded like a wait for a pooled connection, so that a stuck writer shows up as errors
        // instead of an ever-growing queue.
        try {
            if (!writeLock.tryLock(writeWaitMillis, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("gave up waiting " + writeWaitMillis
                                                        + "ms for the database writer");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the database writer", e);
        }
    }

    private void unlockWriter() {
        if (writeLock != null) {
            writeLock.unlock();
        }
    }

    // Helidon's DB Client builder takes its value mappers only as a MapperManager, which Helidon has
    // marked for removal without giving the builder another way in yet.
    @SuppressWarnings("removal")
    private static DbClient client(HikariPool pool) {
        return JdbcClientBuilder.create()
                .connectionPool(pool)
                .mapperManager(MapperManager.builder().addMapperProvider(new NumberMappers()).build())
                .build();
    }

    private static void runAfterCommit(List<Runnable> actions) {
        for (Runnable action : actions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                // The write has committed; its caller must not be told it failed.
                LOG.log(System.Logger.Level.ERROR, "storage: an action after a commit failed", e);
            }
        }
    }

    private static void rollback(DbTransaction tx, Throwable cause) {
        try {
            tx.rollback();
        } catch (RuntimeException e) {
            // Helidon may already have rolled back after a failed statement.
            cause.addSuppressed(e);
        }
    }

    private static void createDirectory(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir);
            LOG.log(System.Logger.Level.INFO, "storage: created database directory " + dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create database directory " + dir, e);
        }
    }

    static HikariConfig sqlite(StorageConfig config, String name, boolean writes) {
        HikariConfig hikari = common(config, name);
        hikari.setMaximumPoolSize(writes ? 1 : config.maxConnections());
        hikari.setMinimumIdle(1);
        hikari.addDataSourceProperty("journal_mode", "WAL");
        hikari.addDataSourceProperty("busy_timeout", String.valueOf(config.busyTimeout().toMillis()));
        hikari.addDataSourceProperty("foreign_keys", "true");
        hikari.addDataSourceProperty("synchronous", config.sqliteSynchronous().toUpperCase(Locale.ROOT));
        // The writer takes its lock when a transaction begins, not at its first write, so that a
        // transaction never has to give up half-way because a reader's snapshot went stale.
        hikari.addDataSourceProperty("transaction_mode", writes ? "IMMEDIATE" : "DEFERRED");
        // Statements are kept per connection rather than prepared anew for each use.
        hikari.setDataSource(new StatementCachingDataSource(config.url(), hikari.getDataSourceProperties()));
        return hikari;
    }

    static HikariConfig postgres(StorageConfig config) {
        HikariConfig hikari = common(config, "myelin");
        hikari.setMaximumPoolSize(config.maxConnections());
        hikari.setMinimumIdle(Math.min(2, config.maxConnections()));
        return hikari;
    }

    private static HikariConfig common(StorageConfig config, String name) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(name);
        hikari.setJdbcUrl(config.url());
        config.username().ifPresent(hikari::setUsername);
        config.password().ifPresent(hikari::setPassword);
        hikari.setConnectionTimeout(config.connectionTimeout().toMillis());
        return hikari;
    }
}
