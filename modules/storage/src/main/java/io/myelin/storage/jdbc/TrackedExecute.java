package io.myelin.storage.jdbc;

import java.util.ArrayList;
import java.util.List;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbStatementDml;
import io.helidon.dbclient.DbStatementGet;
import io.helidon.dbclient.DbStatementQuery;
import io.helidon.dbclient.DbStatementType;

/**
 * A transaction's {@link DbExecute} that remembers whether any statement was made through it, and what
 * to run once it commits.
 *
 * <p>Helidon warns when a transaction with no statement is committed; a write whose work decided there
 * was nothing to do is normal here, so such a transaction is simply not committed (it never took a
 * connection either).
 *
 * <p>A statement given as text gets the name Helidon would give it, worked out once per text ({@link
 * StatementNames}) instead of hashed again for every statement run.
 */
final class TrackedExecute implements DbExecute {

    private final DbExecute delegate;
    private final List<Runnable> afterCommit = new ArrayList<>();
    private boolean used;

    TrackedExecute(DbExecute delegate) {
        this.delegate = delegate;
    }

    boolean used() {
        return used;
    }

    // Actions to run once this transaction commits, in the order they were added.
    List<Runnable> afterCommit() {
        return afterCommit;
    }

    private DbExecute use() {
        used = true;
        return delegate;
    }

    @Override
    public DbStatementQuery createNamedQuery(String name, String statement) {
        return use().createNamedQuery(name, statement);
    }

    @Override
    public DbStatementQuery createNamedQuery(String name) {
        return use().createNamedQuery(name);
    }

    @Override
    public DbStatementQuery createQuery(String statement) {
        return use().createNamedQuery(StatementNames.of(DbStatementType.QUERY, statement), statement);
    }

    @Override
    public DbStatementGet createNamedGet(String name, String statement) {
        return use().createNamedGet(name, statement);
    }

    @Override
    public DbStatementGet createNamedGet(String name) {
        return use().createNamedGet(name);
    }

    @Override
    public DbStatementGet createGet(String statement) {
        return use().createNamedGet(StatementNames.of(DbStatementType.GET, statement), statement);
    }

    @Override
    public DbStatementDml createNamedInsert(String name) {
        return use().createNamedInsert(name);
    }

    @Override
    public DbStatementDml createInsert(String statement) {
        return use().createNamedInsert(StatementNames.of(DbStatementType.INSERT, statement), statement);
    }

    @Override
    public DbStatementDml createNamedUpdate(String name) {
        return use().createNamedUpdate(name);
    }

    @Override
    public DbStatementDml createUpdate(String statement) {
        return use().createNamedUpdate(StatementNames.of(DbStatementType.UPDATE, statement), statement);
    }

    @Override
    public DbStatementDml createNamedDelete(String name) {
        return use().createNamedDelete(name);
    }

    @Override
    public DbStatementDml createDelete(String statement) {
        return use().createNamedDelete(StatementNames.of(DbStatementType.DELETE, statement), statement);
    }

    @Override
    public DbStatementDml createNamedDmlStatement(String name, String statement) {
        return use().createNamedDmlStatement(name, statement);
    }

    @Override
    public DbStatementDml createNamedDmlStatement(String name) {
        return use().createNamedDmlStatement(name);
    }

    @Override
    public DbStatementDml createDmlStatement(String statement) {
        return use().createNamedDmlStatement(StatementNames.of(DbStatementType.DML, statement), statement);
    }

    @Override
    public <C> C unwrap(Class<C> cls) {
        return use().unwrap(cls);
    }
}
