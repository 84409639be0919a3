/**
 * The database: Helidon DB Client over SQLite or PostgreSQL, with migrations.
 */
module io.myelin.storage {
    requires io.myelin.api;

    provides io.myelin.api.Component with io.myelin.storage.StorageComponent;
}
