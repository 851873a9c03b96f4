//! Migrations of both backends, embedded in the binary and run at start.

use diesel::RunQueryDsl;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::{DbConnection, StoreError};

const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

/// Any fixed number: replicas starting together take this lock in turn.
const POSTGRES_MIGRATION_LOCK: i64 = 0x706c_6174_666f_726d;

/// Runs the pending migrations; returns how many ran.
///
/// On PostgreSQL an advisory lock makes replicas that start together migrate one after the
/// other; the later ones then find nothing pending. SQLite's write lock does the same.
pub fn run_pending(conn: &mut DbConnection) -> Result<usize, StoreError> {
    let applied = match conn {
        DbConnection::Postgres(conn) => {
            diesel::sql_query(format!("SELECT pg_advisory_lock({POSTGRES_MIGRATION_LOCK})")).execute(conn)?;
            let applied = conn.run_pending_migrations(POSTGRES).map(|v| v.len());
            diesel::sql_query(format!("SELECT pg_advisory_unlock({POSTGRES_MIGRATION_LOCK})")).execute(conn)?;
            applied
        }
        DbConnection::Sqlite(conn) => conn.run_pending_migrations(SQLITE).map(|v| v.len()),
    };
    applied.map_err(|error| StoreError::Migration(error.to_string()))
}
