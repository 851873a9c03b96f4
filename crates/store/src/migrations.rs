//! Migrations of both backends, embedded in the binary and run at start.

use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::{DbConnection, StoreError};

const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

/// Runs the pending migrations; returns how many ran.
pub fn run_pending(conn: &mut DbConnection) -> Result<usize, StoreError> {
    let applied = match conn {
        DbConnection::Postgres(conn) => conn.run_pending_migrations(POSTGRES).map(|v| v.len()),
        DbConnection::Sqlite(conn) => conn.run_pending_migrations(SQLITE).map(|v| v.len()),
    };
    applied.map_err(|error| StoreError::Migration(error.to_string()))
}
