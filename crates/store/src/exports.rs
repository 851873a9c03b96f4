//! Bulk exports (issue 12, item 4): the export rows and their NDJSON files in chunks, and the
//! one thing only the store can give — the exact cut of the change feed at the snapshot the
//! export reads.
//!
//! # The cut
//!
//! An export reads every record in one snapshot S ([`in_snapshot`]); a follower then reads the
//! feed after the export's cursor and must receive exactly the events S did not see. The feed
//! is ordered by (transaction id, number) and serves only ended transactions (`changes::read`).
//! On PostgreSQL S is a `REPEATABLE READ` snapshot `xmin:xmax:xip`: every transaction below
//! `xmin` had ended (its events are all in S); a transaction in `[xmin, xmax)` is in S unless it
//! was running (`xip`); none from `xmax` on is. So the cursor is the position just before
//! `xmin`, carrying `xmax` and `xip` ([`Snapshot`]): the feed passes over the events of the
//! transactions S saw until it is past `xmax`. The list is bounded by the transactions running
//! at one instant (at most `max_connections`). On SQLite one writer commits at a time and
//! numbers are in commit order: the last number S sees is the exact cut.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use uuid::Uuid;

use crate::changes::{ChangeEvent, ChangeRow, FeedPosition, events_of_rows};
use crate::schema::{changes, export_chunks, exports};
use crate::timestamps::{from_db, to_db};
use crate::{DbConnection, StoreError};

/// Where an export stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportStatus {
    Queued,
    Running,
    Done,
    Failed,
}

impl ExportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportStatus::Queued => "queued",
            ExportStatus::Running => "running",
            ExportStatus::Done => "done",
            ExportStatus::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Option<ExportStatus> {
        [ExportStatus::Queued, ExportStatus::Running, ExportStatus::Done, ExportStatus::Failed]
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

/// An export asked for.
#[derive(Debug, Clone)]
pub struct NewExport {
    pub id: Uuid,
    pub client_id: String,
    pub types: Vec<String>,
    pub since: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// An export as stored.
#[derive(Debug, Clone)]
pub struct StoredExport {
    pub id: Uuid,
    pub client_id: String,
    pub types: Vec<String>,
    pub since: Option<DateTime<Utc>>,
    pub status: ExportStatus,
    /// The sealed feed cursor at the cut, once done.
    pub feed_cursor: Option<String>,
    pub transaction_time: Option<DateTime<Utc>>,
    /// Lines per file, once done.
    pub counts: BTreeMap<String, i64>,
    pub error: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = exports, treat_none_as_default_value = false)]
struct ExportRow {
    id: String,
    client_id: String,
    types: String,
    since: Option<NaiveDateTime>,
    status: String,
    feed_cursor: Option<String>,
    transaction_time: Option<NaiveDateTime>,
    counts: Option<String>,
    error: Option<String>,
    lease_until: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    expires_at: NaiveDateTime,
}

fn export_of_row(row: ExportRow) -> Result<StoredExport, StoreError> {
    let counts = row.counts.as_deref().map(serde_json::from_str).transpose().map_err(StoreError::corrupt)?;
    Ok(StoredExport {
        id: row.id.parse().map_err(StoreError::corrupt)?,
        client_id: row.client_id,
        types: row.types.split(',').filter(|kind| !kind.is_empty()).map(str::to_owned).collect(),
        since: row.since.map(from_db),
        status: ExportStatus::parse(&row.status)
            .ok_or_else(|| StoreError::corrupt(format!("status {}", row.status)))?,
        feed_cursor: row.feed_cursor,
        transaction_time: row.transaction_time.map(from_db),
        counts: counts.unwrap_or_default(),
        error: row.error,
        lease_until: row.lease_until.map(from_db),
        created_at: from_db(row.created_at),
        expires_at: from_db(row.expires_at),
    })
}

/// How many exports a client has in flight (queued or running) and asked for since a moment:
/// the bounds `POST /v1/exports` keeps, since each export copies a client's whole view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportUsage {
    pub in_flight: i64,
    pub asked_since: i64,
}

pub fn usage(conn: &mut DbConnection, client_id: &str, since: DateTime<Utc>) -> Result<ExportUsage, StoreError> {
    let in_flight = exports::table
        .filter(exports::client_id.eq(client_id))
        .filter(exports::status.eq_any([ExportStatus::Queued.as_str(), ExportStatus::Running.as_str()]))
        .count()
        .get_result(conn)?;
    let asked_since = exports::table
        .filter(exports::client_id.eq(client_id))
        .filter(exports::created_at.ge(to_db(since)))
        .count()
        .get_result(conn)?;
    Ok(ExportUsage { in_flight, asked_since })
}

/// Records an export asked for, queued.
pub fn create(conn: &mut DbConnection, export: &NewExport) -> Result<(), StoreError> {
    let row = ExportRow {
        id: export.id.to_string(),
        client_id: export.client_id.clone(),
        types: export.types.join(","),
        since: export.since.map(to_db),
        status: ExportStatus::Queued.as_str().to_owned(),
        feed_cursor: None,
        transaction_time: None,
        counts: None,
        error: None,
        lease_until: None,
        created_at: to_db(export.created_at),
        expires_at: to_db(export.expires_at),
    };
    diesel::insert_into(exports::table).values(&row).execute(conn)?;
    Ok(())
}

/// The export `id` of `client_id`, unless it expired: another client's is not found.
pub fn find(
    conn: &mut DbConnection,
    id: Uuid,
    client_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<StoredExport>, StoreError> {
    let row: Option<ExportRow> = exports::table
        .filter(exports::id.eq(id.to_string()))
        .filter(exports::client_id.eq(client_id))
        .filter(exports::expires_at.gt(to_db(now)))
        .first(conn)
        .optional()?;
    row.map(export_of_row).transpose()
}

/// Takes a queued export to run it, holding it until `lease_until`; `false` when another run
/// took it first.
pub fn claim(conn: &mut DbConnection, id: Uuid, lease_until: DateTime<Utc>) -> Result<bool, StoreError> {
    let claimed = diesel::update(exports::table)
        .filter(exports::id.eq(id.to_string()))
        .filter(exports::status.eq(ExportStatus::Queued.as_str()))
        .set((exports::status.eq(ExportStatus::Running.as_str()), exports::lease_until.eq(Some(to_db(lease_until)))))
        .execute(conn)?;
    Ok(claimed == 1)
}

/// Keeps holding a running export until `lease_until`.
pub fn renew(conn: &mut DbConnection, id: Uuid, lease_until: DateTime<Utc>) -> Result<(), StoreError> {
    diesel::update(exports::table)
        .filter(exports::id.eq(id.to_string()))
        .set(exports::lease_until.eq(Some(to_db(lease_until))))
        .execute(conn)?;
    Ok(())
}

/// Records a finished export: its cursor, its transaction time, its files' counts.
pub fn finish(
    conn: &mut DbConnection,
    id: Uuid,
    feed_cursor: &str,
    transaction_time: DateTime<Utc>,
    counts: &BTreeMap<String, i64>,
) -> Result<(), StoreError> {
    let counts = serde_json::to_string(counts).map_err(StoreError::corrupt)?;
    diesel::update(exports::table)
        .filter(exports::id.eq(id.to_string()))
        .set((
            exports::status.eq(ExportStatus::Done.as_str()),
            exports::feed_cursor.eq(Some(feed_cursor)),
            exports::transaction_time.eq(Some(to_db(transaction_time))),
            exports::counts.eq(Some(counts)),
            exports::lease_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records that an export failed, and why; its files are forgotten.
pub fn fail(conn: &mut DbConnection, id: Uuid, error: &str) -> Result<(), StoreError> {
    diesel::delete(export_chunks::table.filter(export_chunks::export_id.eq(id.to_string()))).execute(conn)?;
    diesel::update(exports::table)
        .filter(exports::id.eq(id.to_string()))
        .set((
            exports::status.eq(ExportStatus::Failed.as_str()),
            exports::error.eq(Some(error)),
            exports::lease_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Writes chunk `chunk` of the export's file `file`.
pub fn append_chunk(conn: &mut DbConnection, id: Uuid, file: &str, chunk: i64, lines: &str) -> Result<(), StoreError> {
    diesel::insert_into(export_chunks::table)
        .values((
            export_chunks::export_id.eq(id.to_string()),
            export_chunks::file.eq(file),
            export_chunks::chunk.eq(chunk),
            export_chunks::lines.eq(lines),
        ))
        .execute(conn)?;
    Ok(())
}

/// Chunk `chunk` of the export's file `file` (they are numbered from 0), or `None` past the last.
pub fn chunk(conn: &mut DbConnection, id: Uuid, file: &str, chunk: i64) -> Result<Option<String>, StoreError> {
    Ok(export_chunks::table
        .filter(export_chunks::export_id.eq(id.to_string()))
        .filter(export_chunks::file.eq(file))
        .filter(export_chunks::chunk.eq(chunk))
        .select(export_chunks::lines)
        .first(conn)
        .optional()?)
}

/// Upkeep: forgets the exports past their expiry with their files, and fails the runs whose
/// replica stopped holding them (a restart, a crash), and the exports still queued after
/// `never_started` (their replica stopped before running them): their client asks again.
pub fn forget_expired(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    never_started: chrono::Duration,
) -> Result<usize, StoreError> {
    let expired: Vec<String> =
        exports::table.filter(exports::expires_at.le(to_db(now))).select(exports::id).load(conn)?;
    let mut done = 0;
    for id in &expired {
        diesel::delete(export_chunks::table.filter(export_chunks::export_id.eq(id))).execute(conn)?;
        done += diesel::delete(exports::table.filter(exports::id.eq(id))).execute(conn)?;
    }
    let interrupted: Vec<String> = exports::table
        .filter(exports::status.eq(ExportStatus::Running.as_str()))
        .filter(exports::lease_until.lt(to_db(now)))
        .select(exports::id)
        .load(conn)?;
    let stuck: Vec<String> = exports::table
        .filter(exports::status.eq(ExportStatus::Queued.as_str()))
        .filter(exports::created_at.lt(to_db(now - never_started)))
        .select(exports::id)
        .load(conn)?;
    for id in interrupted.into_iter().chain(stuck) {
        let id = id.parse().map_err(StoreError::corrupt)?;
        fail(conn, id, "the export was interrupted (the server running it stopped); ask for a new one")?;
        done += 1;
    }
    Ok(done)
}

/// What an export's snapshot saw of the transactions at or above the cut (PostgreSQL): those
/// below `xmax` but the ones `running` then. See the module's documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub xmax: i64,
    pub running: Vec<i64>,
}

impl Snapshot {
    /// Whether the export holds the events of transaction `xid` (one at or above the cut).
    pub fn saw(&self, xid: i64) -> bool {
        xid < self.xmax && !self.running.contains(&xid)
    }
}

/// The exact cut of the feed at an export's snapshot: the feed after `position`, less the
/// transactions `snapshot` saw, holds exactly the events the export does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    pub position: FeedPosition,
    pub snapshot: Option<Snapshot>,
    /// When the snapshot was taken.
    pub transaction_time: DateTime<Utc>,
}

#[derive(QueryableByName)]
struct SnapshotText {
    #[diesel(sql_type = Text)]
    snapshot: String,
}

#[derive(QueryableByName)]
struct Number {
    #[diesel(sql_type = BigInt)]
    number: i64,
}

/// Runs `work` in one read-only snapshot of the database, with the cut of the feed at it.
pub fn in_snapshot<T>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection, &Cut) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    conn.transaction(|conn| {
        let cut = match conn {
            DbConnection::Postgres(pg) => {
                diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(pg)?;
                let taken: SnapshotText =
                    diesel::sql_query("SELECT pg_current_snapshot()::text AS snapshot").get_result(pg)?;
                let (xmin, snapshot) = parse_snapshot(&taken.snapshot)?;
                // Just before `xmin`: the feed reads on from the first transaction at or above it.
                let position = FeedPosition { transaction: xmin - 1, seq: i64::MAX };
                Cut { position, snapshot: Some(snapshot), transaction_time: Utc::now() }
            }
            DbConnection::Sqlite(sqlite) => {
                // The first read of the transaction fixes its snapshot (WAL): the last number in
                // it is the cut.
                let last: Number =
                    diesel::sql_query("SELECT COALESCE(MAX(seq), 0) AS number FROM changes").get_result(sqlite)?;
                let position = FeedPosition { transaction: 0, seq: last.number };
                Cut { position, snapshot: None, transaction_time: Utc::now() }
            }
        };
        work(conn, &cut)
    })
}

/// `xmin:xmax:xip1,xip2,…` (PostgreSQL's `pg_snapshot` as text).
fn parse_snapshot(text: &str) -> Result<(i64, Snapshot), StoreError> {
    let corrupt = || StoreError::corrupt(format!("snapshot {text:?}"));
    let mut parts = text.split(':');
    let number = |part: Option<&str>| part.and_then(|part| part.parse::<i64>().ok()).ok_or_else(corrupt);
    let xmin = number(parts.next())?;
    let xmax = number(parts.next())?;
    let running = parts
        .next()
        .unwrap_or("")
        .split(',')
        .filter(|xid| !xid.is_empty())
        .map(|xid| xid.parse::<i64>().map_err(|_| corrupt()))
        .collect::<Result<Vec<i64>, StoreError>>()?;
    Ok((xmin, Snapshot { xmax, running }))
}

/// Up to `limit` ids of the records of `resource_type` the feed has events of, after `after` in
/// id order; with `changed_since`, only those changed since then.
pub fn record_ids(
    conn: &mut DbConnection,
    resource_type: &str,
    after: Option<Uuid>,
    changed_since: Option<DateTime<Utc>>,
    limit: i64,
) -> Result<Vec<Uuid>, StoreError> {
    let mut query = changes::table
        .filter(changes::resource_type.eq(resource_type))
        .select(changes::resource_id)
        .distinct()
        .order(changes::resource_id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(changes::resource_id.gt(after.to_string()));
    }
    if let Some(since) = changed_since {
        query = query.filter(changes::occurred_at.ge(to_db(since)));
    }
    let ids: Vec<String> = query.load(conn)?;
    ids.iter().map(|id| id.parse().map_err(StoreError::corrupt)).collect()
}

/// The events of these records of `resource_type` (with `since`, only those made since then),
/// in each record's version order.
pub fn events_of_records(
    conn: &mut DbConnection,
    resource_type: &str,
    ids: &[Uuid],
    since: Option<DateTime<Utc>>,
) -> Result<Vec<ChangeEvent>, StoreError> {
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let mut query = changes::table
        .filter(changes::resource_type.eq(resource_type))
        .filter(changes::resource_id.eq_any(ids))
        .order((changes::resource_id.asc(), changes::version.asc(), changes::seq.asc()))
        .into_boxed();
    if let Some(since) = since {
        query = query.filter(changes::occurred_at.ge(to_db(since)));
    }
    let rows: Vec<ChangeRow> = query.load(conn)?;
    events_of_rows(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_reads_as_postgresql_writes_it() {
        let (xmin, snapshot) = parse_snapshot("740:745:740,743").expect("a snapshot");
        assert_eq!((xmin, snapshot.clone()), (740, Snapshot { xmax: 745, running: vec![740, 743] }));
        assert!(snapshot.saw(741) && snapshot.saw(744));
        assert!(!snapshot.saw(740) && !snapshot.saw(743) && !snapshot.saw(745));
        assert_eq!(parse_snapshot("9:9:").map(|(xmin, s)| (xmin, s.running.len())).ok(), Some((9, 0)));
        assert!(parse_snapshot("a:9:").is_err() && parse_snapshot("9").is_err());
    }
}
