package io.myelin.api.storage;

import java.util.function.Function;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;

/**
 * The server's database, SQLite or PostgreSQL, through Helidon DB Client.
 *
 * <p>Every write a client or remote server is told succeeded goes through {@link #write}, which commits
 * before it returns. On SQLite writes are serialised (one writer at a time); reads never wait for them.
 */
public interface Database {

    /**
     * The dialect of this database, for components that keep dialect-specific SQL.
     *
     * @return the dialect
     */
    Dialect dialect();

    /**
     * The Helidon DB Client, for reads and statements that need no transaction.
     *
     * @return the client
     */
    DbClient client();

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws.
     *
     * @param work the work, given the transaction to execute statements in
     * @param <T>  the result type
     * @return what {@code work} returned
     */
    <T> T write(Function<DbExecute, T> work);

    /**
     * Applies a component's pending migrations, in order, each in its own transaction, and records
     * them. A failing migration throws with the file's name and nothing of it is applied.
     *
     * @param migrations the component's migrations
     */
    void migrate(Migrations migrations);
}
