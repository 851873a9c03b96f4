//! The local mirror: `mirror_records` (one row per record, its version and representation),
//! `mirror_state` (the export being loaded, then the feed's cursor) and `mirror_applied` (every
//! event applied, with its id: proof that none was applied twice). The same SQL runs on SQLite
//! and PostgreSQL; each statement is written once and expanded for each connection type.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::{PgConnection, SqliteConnection};

/// What an event or an export line does to the mirror.
#[derive(Debug, Clone)]
pub enum Change {
    /// The record as it stands (created, updated, or loaded from the export).
    Upsert { resource_type: String, id: String, version: i64, person_id: Option<String>, body: String },
    /// The record is gone (deleted, or no longer readable).
    Delete { resource_type: String, id: String },
    /// The person left the caller's remit: the whole dossier goes.
    DropDossier { person_id: String },
}

/// Where the mirror stands.
#[derive(Debug, Clone, Default, QueryableByName)]
pub struct State {
    #[diesel(sql_type = Nullable<Text>)]
    pub export_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub feed_cursor: Option<String>,
}

pub enum Mirror {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

const SCHEMA: [&str; 4] = [
    "CREATE TABLE IF NOT EXISTS mirror_records (resource_type TEXT NOT NULL, id TEXT NOT NULL, version BIGINT NOT NULL, \
     person_id TEXT, body TEXT NOT NULL, PRIMARY KEY (resource_type, id))",
    "CREATE INDEX IF NOT EXISTS mirror_records_person ON mirror_records (person_id)",
    "CREATE TABLE IF NOT EXISTS mirror_state (id INTEGER PRIMARY KEY, export_id TEXT, feed_cursor TEXT)",
    "CREATE TABLE IF NOT EXISTS mirror_applied (event_id TEXT NOT NULL, sequence TEXT NOT NULL)",
];

/// Runs the same code on whichever connection the mirror has.
macro_rules! on {
    ($mirror:expr, $conn:ident => $body:expr) => {
        match $mirror {
            Mirror::Postgres($conn) => $body,
            Mirror::Sqlite($conn) => $body,
        }
    };
}

/// Applies one change on `$conn` (a concrete connection).
macro_rules! apply {
    ($conn:expr, $change:expr) => {
        match $change {
            Change::Upsert { resource_type, id, version, person_id, body } => diesel::sql_query(
                "INSERT INTO mirror_records (resource_type, id, version, person_id, body) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (resource_type, id) DO UPDATE SET version = excluded.version, \
                 person_id = excluded.person_id, body = excluded.body",
            )
            .bind::<Text, _>(resource_type)
            .bind::<Text, _>(id)
            .bind::<BigInt, _>(*version)
            .bind::<Nullable<Text>, _>(person_id.as_deref())
            .bind::<Text, _>(body)
            .execute($conn),
            Change::Delete { resource_type, id } => {
                diesel::sql_query("DELETE FROM mirror_records WHERE resource_type = $1 AND id = $2")
                    .bind::<Text, _>(resource_type)
                    .bind::<Text, _>(id)
                    .execute($conn)
            }
            Change::DropDossier { person_id } => diesel::sql_query(
                "DELETE FROM mirror_records WHERE person_id = $1 OR (resource_type = 'person' AND id = $2)",
            )
            .bind::<Text, _>(person_id)
            .bind::<Text, _>(person_id)
            .execute($conn),
        }
    };
}

impl Mirror {
    /// Opens (and prepares) the mirror at `url`: `sqlite:path` or `postgres://…`.
    pub fn open(url: &str) -> Result<Mirror, String> {
        let mut mirror = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Mirror::Postgres(PgConnection::establish(url).map_err(|error| format!("the mirror {url}: {error}"))?)
        } else if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            let mut conn = SqliteConnection::establish(path).map_err(|error| format!("the mirror {url}: {error}"))?;
            // Readers of the mirror (the partner's own software) read while it is written.
            for pragma in ["PRAGMA journal_mode = WAL", "PRAGMA busy_timeout = 10000"] {
                diesel::sql_query(pragma).execute(&mut conn).map_err(|error| format!("{pragma}: {error}"))?;
            }
            Mirror::Sqlite(conn)
        } else {
            return Err(format!("--database {url}: expected sqlite:path or postgres://…"));
        };
        mirror.prepare().map_err(|error| format!("preparing the mirror: {error}"))?;
        Ok(mirror)
    }

    fn prepare(&mut self) -> QueryResult<()> {
        on!(self, conn => {
            for statement in SCHEMA {
                diesel::sql_query(statement).execute(conn)?;
            }
            diesel::sql_query("INSERT INTO mirror_state (id) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM mirror_state)")
                .execute(conn)?;
            Ok(())
        })
    }

    pub fn state(&mut self) -> QueryResult<State> {
        on!(self, conn => diesel::sql_query("SELECT export_id, feed_cursor FROM mirror_state WHERE id = 1").get_result(conn))
    }

    /// Keeps the export being loaded (`None`: ask for a new one).
    pub fn set_export(&mut self, export_id: Option<&str>) -> QueryResult<()> {
        on!(self, conn => diesel::sql_query("UPDATE mirror_state SET export_id = $1 WHERE id = 1")
            .bind::<Nullable<Text>, _>(export_id)
            .execute(conn)
            .map(|_| ()))
    }

    /// Loads lines of the export, in one transaction (loading them again changes nothing).
    pub fn load(&mut self, changes: &[Change]) -> QueryResult<()> {
        on!(self, conn => conn.transaction(|conn| {
            for change in changes {
                apply!(conn, change)?;
            }
            Ok(())
        }))
    }

    /// Applies a page of events and keeps `cursor`, all in one transaction: either the whole
    /// page and its cursor are kept, or nothing is.
    pub fn apply(&mut self, events: &[(String, String, Change)], cursor: &str) -> QueryResult<()> {
        on!(self, conn => conn.transaction(|conn| {
            for (event_id, sequence, change) in events {
                apply!(conn, change)?;
                diesel::sql_query("INSERT INTO mirror_applied (event_id, sequence) VALUES ($1, $2)")
                    .bind::<Text, _>(event_id)
                    .bind::<Text, _>(sequence)
                    .execute(conn)?;
            }
            diesel::sql_query("UPDATE mirror_state SET feed_cursor = $1 WHERE id = 1").bind::<Text, _>(cursor).execute(conn)?;
            Ok(())
        }))
    }
}
