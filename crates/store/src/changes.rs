//! The change feed (outbox): one event per mutation, written in the mutation's transaction.
//!
//! # Numbering without a shared lock
//!
//! Every event has a [`FeedPosition`]: the id of the transaction that wrote it, then its number.
//! On PostgreSQL the number comes from a plain sequence (taken without waiting for any other
//! writer; by the insert itself for a single event) and the transaction id from
//! `pg_current_xact_id()` (the column's default). A
//! sequence alone is not enough to follow the feed: a transaction may take number *n*, then
//! commit after another took *n + 1* and committed, and a reader that went past *n + 1* would
//! never see *n*. So [`read`], the one reading function every follower uses (the change feed,
//! the webhooks and the search index to come), serves only the events of transactions below
//! the *horizon*: the oldest transaction still running when it reads (`pg_snapshot_xmin`). Every
//! transaction below it has ended, so no event can appear there any more; every event that can
//! still appear is of a transaction at or above it, and so after every position served. A
//! transaction held open holds the feed back at its position, never makes a reader skip it.
//!
//! On SQLite one writer writes at a time: it takes the next number from `change_sequence` as
//! its first statement (which also takes the write lock, see `write::transaction`), so numbers
//! are in commit order already; every event is of transaction 0 and nothing holds the feed back.

use std::fmt;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::dossier::persons::PersonRemit;
use crate::schema::changes;
use crate::timestamps::{from_db, to_db};
use crate::write::{Action, Mutation, WriteContext};
use crate::{DbConnection, Page, PageRequest, StoreError};

/// Where an event stands in the feed: events are served in this order, and a follower keeps
/// the position of the last event it applied to resume after it. Opaque to partners: the feed
/// hands it out sealed in its cursor, and as the CloudEvents `sequence` ([`FeedPosition::sequence`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FeedPosition {
    /// The id of the transaction that wrote the event (0 on SQLite, and for the events written
    /// before positions had one).
    pub transaction: i64,
    /// The event's number, unique in the feed.
    pub seq: i64,
}

impl FeedPosition {
    /// Before every event: where a follower starts.
    pub const START: FeedPosition = FeedPosition { transaction: 0, seq: 0 };

    /// The position as text that sorts as positions do: both numbers zero-padded to 19 digits
    /// (an `i64`'s), so that comparing two strings compares the positions.
    pub fn sequence(self) -> String {
        format!("{:019}-{:019}", self.transaction, self.seq)
    }

    /// The position a [`FeedPosition::sequence`] names.
    pub fn parse_sequence(text: &str) -> Option<FeedPosition> {
        let (transaction, seq) = text.split_once('-')?;
        let number = |part: &str| {
            (part.len() == 19 && part.bytes().all(|b| b.is_ascii_digit())).then(|| part.parse::<i64>().ok()).flatten()
        };
        Some(FeedPosition { transaction: number(transaction)?, seq: number(seq)? })
    }
}

impl fmt::Display for FeedPosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sequence())
    }
}

/// What the policy knew of an event's subject before and after the write, recorded by the writes
/// that changed it: a person's orientation, RSA status or residence, a consent to share, an
/// erasure (`after` is `None`: nobody may read the record any more). A follower whose remit
/// held the subject before and not after learns from it that the record left its remit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemitChange {
    pub before: PersonRemit,
    pub after: Option<PersonRemit>,
}

impl RemitChange {
    /// The change from `before` to `after`, or `None` when they are the same.
    pub fn between(before: PersonRemit, after: Option<PersonRemit>) -> Option<RemitChange> {
        (after.as_ref() != Some(&before)).then_some(RemitChange { before, after })
    }
}

/// One event of the change feed, as the store hands it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeEvent {
    /// Where the event stands in the feed.
    pub position: FeedPosition,
    pub resource_type: String,
    pub resource_id: Uuid,
    pub version: i64,
    pub action: Action,
    /// The client that wrote it.
    pub actor: String,
    pub actor_organization: Option<Uuid>,
    pub occurred_at: DateTime<Utc>,
    /// The person (or other subject) the change concerns.
    pub subject_id: Option<Uuid>,
    /// What the write changed of who may read the subject, if it changed it.
    pub remit: Option<RemitChange>,
}

impl ChangeEvent {
    /// The event's number, unique in the feed.
    pub fn seq(&self) -> i64 {
        self.position.seq
    }
}

/// One change event as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Insertable)]
#[diesel(table_name = changes, treat_none_as_default_value = false)]
pub(crate) struct ChangeRow {
    pub(crate) seq: i64,
    resource_type: String,
    resource_id: String,
    version: i64,
    action: String,
    actor: String,
    actor_organization: Option<String>,
    occurred_at: NaiveDateTime,
    subject_id: Option<String>,
    /// Filled by the database: the writing transaction's id on PostgreSQL, 0 on SQLite.
    #[diesel(skip_insertion)]
    xid: i64,
    remit: Option<String>,
}

fn event_of_row(row: ChangeRow) -> Result<ChangeEvent, StoreError> {
    let uuid = |text: &str| text.parse::<Uuid>().map_err(StoreError::corrupt);
    let remit = row.remit.as_deref().map(serde_json::from_str).transpose().map_err(StoreError::corrupt)?;
    Ok(ChangeEvent {
        position: FeedPosition { transaction: row.xid, seq: row.seq },
        resource_id: uuid(&row.resource_id)?,
        resource_type: row.resource_type,
        version: row.version,
        action: Action::parse(&row.action).ok_or_else(|| StoreError::corrupt(format!("action {:?}", row.action)))?,
        actor: row.actor,
        actor_organization: row.actor_organization.as_deref().map(uuid).transpose()?,
        occurred_at: from_db(row.occurred_at),
        subject_id: row.subject_id.as_deref().map(uuid).transpose()?,
        remit,
    })
}

pub(crate) fn events_of_rows(rows: Vec<ChangeRow>) -> Result<Vec<ChangeEvent>, StoreError> {
    rows.into_iter().map(event_of_row).collect()
}

#[derive(QueryableByName)]
struct Number {
    #[diesel(sql_type = BigInt)]
    number: i64,
}

/// `count` new event numbers, ascending, from PostgreSQL's sequence: no lock, no wait.
pub(crate) fn numbers_from_sequence(conn: &mut diesel::PgConnection, count: usize) -> Result<Vec<i64>, StoreError> {
    let count = i64::try_from(count).map_err(StoreError::corrupt)?;
    let numbers: Vec<Number> =
        diesel::sql_query("SELECT nextval('changes_seq') AS number FROM generate_series(1, $1) ORDER BY 1")
            .bind::<BigInt, _>(count)
            .load(conn)?;
    Ok(numbers.into_iter().map(|number| number.number).collect())
}

/// `count` new event numbers, ascending, from SQLite's counter: the one writer of the moment
/// holds the write lock, so they follow every number committed before.
pub(crate) fn numbers_from_counter(conn: &mut diesel::SqliteConnection, count: usize) -> Result<Vec<i64>, StoreError> {
    let count = i64::try_from(count).map_err(StoreError::corrupt)?;
    let last: Number = diesel::sql_query(
        "UPDATE change_sequence SET last_seq = last_seq + $1 WHERE id = 1 RETURNING last_seq AS number",
    )
    .bind::<BigInt, _>(count)
    .get_result(conn)?;
    Ok((last.number - count + 1..=last.number).collect())
}

/// `count` new event numbers, ascending, by the backend's way.
fn numbers(conn: &mut DbConnection, count: usize) -> Result<Vec<i64>, StoreError> {
    match conn {
        DbConnection::Postgres(pg) => numbers_from_sequence(pg, count),
        DbConnection::Sqlite(sqlite) => numbers_from_counter(sqlite, count),
    }
}

/// Wakes this process's followers of the feed, once a write transaction committed.
static APPENDED: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// Tells the followers waiting in [`wait_for_appended`] that a write transaction committed.
pub(crate) fn announce_appended() {
    APPENDED.notify_waiters();
}

/// Waits until a write transaction of this process commits, or `at_most` passes: what a
/// long-polling follower waits for between two reads. Writes of other replicas do not wake
/// it: their followers read again after a short interval (`at_most`).
pub async fn wait_for_appended(at_most: std::time::Duration) {
    let _ = tokio::time::timeout(at_most, APPENDED.notified()).await;
}

/// Writes the event of a mutation; answers its number. On PostgreSQL the insert takes the
/// number from the sequence itself and answers it: one round trip in the transaction of every
/// single write, where taking the number first ([`append_all`]) takes two.
pub(crate) fn append(conn: &mut DbConnection, context: &WriteContext, mutation: &Mutation) -> Result<i64, StoreError> {
    let DbConnection::Postgres(pg) = conn else {
        return append_all(conn, context, std::slice::from_ref(mutation));
    };
    let row = row_of(context, mutation, 0, to_db(plateforme_model::ids::now()))?;
    let next_number = diesel::dsl::sql::<BigInt>("nextval('changes_seq')");
    Ok(diesel::insert_into(changes::table)
        .values((
            changes::seq.eq(next_number),
            changes::resource_type.eq(&row.resource_type),
            changes::resource_id.eq(&row.resource_id),
            changes::version.eq(row.version),
            changes::action.eq(&row.action),
            changes::actor.eq(&row.actor),
            changes::actor_organization.eq(&row.actor_organization),
            changes::occurred_at.eq(row.occurred_at),
            changes::subject_id.eq(&row.subject_id),
            changes::remit.eq(&row.remit),
        ))
        .returning(changes::seq)
        .get_result(pg)?)
}

/// Writes the events of the mutations in order, numbered in that order; answers the last
/// number (0 when there is nothing to write).
pub(crate) fn append_all(
    conn: &mut DbConnection,
    context: &WriteContext,
    mutations: &[Mutation],
) -> Result<i64, StoreError> {
    if mutations.is_empty() {
        return Ok(0);
    }
    let numbers = numbers(conn, mutations.len())?;
    let occurred_at = to_db(plateforme_model::ids::now());
    let rows = mutations
        .iter()
        .zip(&numbers)
        .map(|(mutation, seq)| row_of(context, mutation, *seq, occurred_at))
        .collect::<Result<Vec<ChangeRow>, StoreError>>()?;
    crate::bulk::insert_all!(conn, changes::table, rows.as_slice());
    Ok(numbers.last().copied().unwrap_or_default())
}

/// The change event of a mutation made at `occurred_at`, numbered `seq`.
pub(crate) fn row_of(
    context: &WriteContext,
    mutation: &Mutation,
    seq: i64,
    occurred_at: NaiveDateTime,
) -> Result<ChangeRow, StoreError> {
    let remit = mutation.remit.as_ref().map(serde_json::to_string).transpose().map_err(StoreError::corrupt)?;
    Ok(ChangeRow {
        seq,
        resource_type: mutation.resource_type.to_owned(),
        resource_id: mutation.resource_id.to_string(),
        version: mutation.version,
        action: mutation.action.as_str().to_owned(),
        actor: context.actor.client_id.clone(),
        actor_organization: context.actor.organization_id.map(|id| id.to_string()),
        occurred_at,
        subject_id: mutation.subject_id.map(|id| id.to_string()),
        xid: 0,
        remit,
    })
}

/// The horizon of the feed for a read starting now: every event of a transaction below it is
/// committed or will never be. `None` on SQLite, where every committed event is final.
fn horizon(conn: &mut DbConnection) -> Result<Option<i64>, StoreError> {
    match conn {
        DbConnection::Postgres(pg) => {
            let horizon: Number =
                diesel::sql_query("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS number")
                    .get_result(pg)?;
            Ok(Some(horizon.number))
        }
        DbConnection::Sqlite(_) => Ok(None),
    }
}

/// Up to `limit` events after `after`, in feed order, never one behind which a transaction is
/// still open: the one reading function of every follower of the feed (see the module's
/// documentation). An event not served now is at a position after every event served now.
///
/// The horizon is read in its own statement, before the events: every transaction below it had
/// ended then, so the events' statement, whose snapshot is later, sees all of theirs. The events
/// are read as two ranges of the `(xid, seq)` index — the rest of `after`'s transaction, then the
/// transactions after it — as SQLite would scan the whole index for one condition with an `OR`.
pub fn read(conn: &mut DbConnection, after: FeedPosition, limit: i64) -> Result<Vec<ChangeEvent>, StoreError> {
    let horizon = horizon(conn)?.unwrap_or(i64::MAX);
    let mut rows: Vec<ChangeRow> = changes::table
        .filter(changes::xid.eq(after.transaction))
        .filter(changes::seq.gt(after.seq))
        .filter(changes::xid.lt(horizon))
        .order(changes::seq.asc())
        .limit(limit)
        .load(conn)?;
    let remaining = limit - i64::try_from(rows.len()).map_err(StoreError::corrupt)?;
    if remaining > 0 {
        let later: Vec<ChangeRow> = changes::table
            .filter(changes::xid.gt(after.transaction))
            .filter(changes::xid.lt(horizon))
            .order((changes::xid.asc(), changes::seq.asc()))
            .limit(remaining)
            .load(conn)?;
        rows.extend(later);
    }
    events_of_rows(rows)
}

/// The position of the last event a reader may be served now (see [`read`]), or
/// [`FeedPosition::START`] when there is none: where a follower that wants only what comes
/// next starts.
pub fn latest(conn: &mut DbConnection) -> Result<FeedPosition, StoreError> {
    let horizon = horizon(conn)?;
    let mut query = changes::table
        .select((changes::xid, changes::seq))
        .order((changes::xid.desc(), changes::seq.desc()))
        .into_boxed();
    if let Some(horizon) = horizon {
        query = query.filter(changes::xid.lt(horizon));
    }
    let last: Option<(i64, i64)> = query.first(conn).optional()?;
    Ok(last.map_or(FeedPosition::START, |(transaction, seq)| FeedPosition { transaction, seq }))
}

/// The position of the last event committed, whether or not a reader may be served it yet:
/// with [`latest`], how far the feed lags behind the writes (a transaction held open holds it
/// back). The same as [`latest`] on SQLite.
pub fn last_committed(conn: &mut DbConnection) -> Result<FeedPosition, StoreError> {
    let last: Option<(i64, i64)> = changes::table
        .select((changes::xid, changes::seq))
        .order((changes::xid.desc(), changes::seq.desc()))
        .first(conn)
        .optional()?;
    Ok(last.map_or(FeedPosition::START, |(transaction, seq)| FeedPosition { transaction, seq }))
}

/// When the oldest committed event that no reader may be served yet was written (a transaction
/// still open holds the feed back before it, see [`read`]), or `None` when every committed event
/// may be served: how far the feed lags behind the writes (the status page). Always `None` on
/// SQLite, where nothing holds the feed back.
pub fn held_back_since(conn: &mut DbConnection) -> Result<Option<DateTime<Utc>>, StoreError> {
    let Some(horizon) = horizon(conn)? else { return Ok(None) };
    let oldest: Option<NaiveDateTime> = changes::table
        .filter(changes::xid.ge(horizon))
        .select(changes::occurred_at)
        .order(changes::occurred_at.asc())
        .first(conn)
        .optional()?;
    Ok(oldest.map(from_db))
}

/// Events of one resource, in feed order.
pub fn of_resource(
    conn: &mut DbConnection,
    resource_type: &str,
    resource_id: Uuid,
) -> Result<Vec<ChangeEvent>, StoreError> {
    let rows = changes::table
        .filter(changes::resource_type.eq(resource_type))
        .filter(changes::resource_id.eq(resource_id.to_string()))
        .order((changes::xid.asc(), changes::seq.asc()))
        .load(conn)?;
    events_of_rows(rows)
}

/// One page of the events concerning one subject (a person and every part of their dossier:
/// their timeline), in number order; the cursor is the last number seen.
pub fn of_subject(
    conn: &mut DbConnection,
    subject_id: Uuid,
    page: &PageRequest,
) -> Result<Page<ChangeEvent>, StoreError> {
    let after: i64 = match &page.after {
        Some(after) => after.parse().map_err(|_| StoreError::InvalidCursor)?,
        None => 0,
    };
    let rows: Vec<ChangeRow> = changes::table
        .filter(changes::subject_id.eq(subject_id.to_string()))
        .filter(changes::seq.gt(after))
        .order(changes::seq.asc())
        .limit(page.fetch_limit())
        .load(conn)?;
    Page::from_rows(rows, page, |row| row.seq.to_string()).try_map(event_of_row)
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;
    use uuid::Uuid;

    use super::{ChangeRow, FeedPosition, event_of_row};
    use crate::write::Action;

    fn row(action: &str, resource_id: &str) -> ChangeRow {
        ChangeRow {
            seq: 7,
            resource_type: "contract".into(),
            resource_id: resource_id.into(),
            version: 2,
            action: action.into(),
            actor: "client".into(),
            actor_organization: None,
            occurred_at: DateTime::from_timestamp(1_764_000_000, 0).unwrap_or_default().naive_utc(),
            subject_id: Some(Uuid::nil().to_string()),
            xid: 3,
            remit: None,
        }
    }

    #[test]
    fn an_event_reads_back_typed() {
        let id = Uuid::now_v7();
        let event = event_of_row(row("updated", &id.to_string())).expect("a valid row");
        assert_eq!(
            (event.position, event.resource_id, event.action),
            (FeedPosition { transaction: 3, seq: 7 }, id, Action::Updated)
        );
        assert_eq!(event.subject_id, Some(Uuid::nil()));
        assert_eq!(event.occurred_at.timestamp(), 1_764_000_000);
    }

    #[test]
    fn a_row_that_is_not_an_event_is_corrupt() {
        assert!(event_of_row(row("renamed", &Uuid::nil().to_string())).is_err());
        assert!(event_of_row(row("created", "not-a-uuid")).is_err());
        let mut bad_remit = row("updated", &Uuid::nil().to_string());
        bad_remit.remit = Some("{".into());
        assert!(event_of_row(bad_remit).is_err());
    }

    #[test]
    fn sequences_sort_as_positions_do() {
        let positions = [
            FeedPosition::START,
            FeedPosition { transaction: 0, seq: 9 },
            FeedPosition { transaction: 0, seq: 10 },
            FeedPosition { transaction: 2, seq: 1 },
            FeedPosition { transaction: 10, seq: 3 },
            FeedPosition { transaction: i64::MAX, seq: i64::MAX },
        ];
        for pair in positions.windows(2) {
            assert!(pair[0] < pair[1]);
            assert!(pair[0].sequence() < pair[1].sequence(), "{} < {}", pair[0], pair[1]);
        }
        for position in positions {
            assert_eq!(FeedPosition::parse_sequence(&position.sequence()), Some(position));
        }
        for bad in [
            "",
            "1-2",
            "0000000000000000001",
            "0000000000000000001-000000000000000000x",
            "-0000000000000000001-0000000000000000001",
        ] {
            assert_eq!(FeedPosition::parse_sequence(bad), None, "{bad}");
        }
    }
}
