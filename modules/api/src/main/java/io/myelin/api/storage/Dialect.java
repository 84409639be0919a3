package io.myelin.api.storage;

/**
 * The SQL dialects Myelin stores data in.
 */
public enum Dialect {
    /** SQLite, the embedded default. */
    SQLITE("sqlite"),
    /** PostgreSQL, for deployments past one machine. */
    POSTGRES("postgres");

    private final String folder;

    Dialect(String folder) {
        this.folder = folder;
    }

    /**
     * Name of the resource folder that holds this dialect's migrations.
     *
     * @return {@code sqlite} or {@code postgres}
     */
    public String folder() {
        return folder;
    }
}
