//! Queries of `webhook_deliveries` and `webhook_attempts`: one delivery per (subscription,
//! event) — and one more per replay — with its state, its next attempt and the lease of the
//! replica trying it; one attempt row per try (the delivery log, kept 30 days).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamp};
use uuid::Uuid;

use super::quiet_transaction;
use crate::changes::FeedPosition;
use crate::pagination::page_by_key;
use crate::schema::{webhook_attempts, webhook_deliveries, webhook_subscriptions};
use crate::timestamps::{from_db, to_db};
use crate::{DbConnection, Page, PageRequest, StoreError};

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    /// Due at `next_attempt_at` (or waiting for its subscription to be active again).
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt failed: the dead-letter state (a replay sends it again).
    Dead,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Dead => "dead",
        }
    }

    fn parse(text: &str) -> Result<DeliveryState, StoreError> {
        match text {
            "pending" => Ok(DeliveryState::Pending),
            "delivered" => Ok(DeliveryState::Delivered),
            "dead" => Ok(DeliveryState::Dead),
            other => Err(StoreError::corrupt(format!("delivery state {other:?}"))),
        }
    }
}

/// A delivery to write: the event as judged for the subscription's owner.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    pub subscription_id: Uuid,
    /// The CloudEvent id: the `webhook-id` of every attempt and replay.
    pub event_id: String,
    pub position: FeedPosition,
    pub event_time: DateTime<Utc>,
    /// The CloudEvent JSON, sent as the body.
    pub payload: String,
    pub replay: bool,
}

/// A delivery as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: Uuid,
    pub subscription_id: Uuid,
    pub event_id: String,
    pub position: FeedPosition,
    pub event_time: DateTime<Utc>,
    pub payload: String,
    pub state: DeliveryState,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub replay: bool,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// One try of a delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub attempted_at: DateTime<Utc>,
    /// The receiver's HTTP status, if it answered.
    pub status: Option<i32>,
    pub duration_ms: i64,
    /// Why it failed, when it did.
    pub error: Option<String>,
}

/// What an attempt decided.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    Delivered,
    /// Try again at this instant.
    RetryAt(DateTime<Utc>),
    /// No attempt is left.
    Dead,
    /// The subscription was disabled: the delivery waits, pending, until it is active again.
    Paused,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = webhook_deliveries, treat_none_as_default_value = false)]
struct DeliveryRow {
    id: String,
    subscription_id: String,
    event_id: String,
    event_xid: i64,
    event_seq: i64,
    event_time: NaiveDateTime,
    payload: String,
    state: String,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    claimed_until: Option<NaiveDateTime>,
    last_status: Option<i32>,
    last_error: Option<String>,
    replay: bool,
    created_at: NaiveDateTime,
    finished_at: Option<NaiveDateTime>,
}

fn delivery_of_row(row: DeliveryRow) -> Result<Delivery, StoreError> {
    Ok(Delivery {
        id: row.id.parse().map_err(StoreError::corrupt)?,
        subscription_id: row.subscription_id.parse().map_err(StoreError::corrupt)?,
        event_id: row.event_id,
        position: FeedPosition { transaction: row.event_xid, seq: row.event_seq },
        event_time: from_db(row.event_time),
        payload: row.payload,
        state: DeliveryState::parse(&row.state)?,
        attempts: row.attempts,
        next_attempt_at: from_db(row.next_attempt_at),
        last_status: row.last_status,
        last_error: row.last_error,
        replay: row.replay,
        created_at: from_db(row.created_at),
        finished_at: row.finished_at.map(from_db),
    })
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = webhook_attempts, treat_none_as_default_value = false)]
struct AttemptRow {
    id: String,
    delivery_id: String,
    attempted_at: NaiveDateTime,
    status: Option<i32>,
    duration_ms: i64,
    error: Option<String>,
}

/// Writes the deliveries, due at once. The fan-out calls it in the transaction that moves its
/// position, so that an event is fanned out once.
pub fn insert_all(conn: &mut DbConnection, deliveries: &[NewDelivery]) -> Result<(), StoreError> {
    let now = to_db(plateforme_model::ids::now());
    let rows: Vec<DeliveryRow> = deliveries
        .iter()
        .map(|new| DeliveryRow {
            id: plateforme_model::ids::new_id().to_string(),
            subscription_id: new.subscription_id.to_string(),
            event_id: new.event_id.clone(),
            event_xid: new.position.transaction,
            event_seq: new.position.seq,
            event_time: to_db(new.event_time),
            payload: new.payload.clone(),
            state: DeliveryState::Pending.as_str().to_owned(),
            attempts: 0,
            next_attempt_at: now,
            claimed_until: None,
            last_status: None,
            last_error: None,
            replay: new.replay,
            created_at: now,
            finished_at: None,
        })
        .collect();
    crate::bulk::insert_all!(conn, webhook_deliveries::table, rows.as_slice());
    Ok(())
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = diesel::sql_types::Text)]
    id: String,
}

/// Whether a delivery of an active subscription is due at `now` and not claimed: read without
/// a lock, so that an idle worker takes none.
pub fn any_due(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let now = to_db(now);
    let due = webhook_deliveries::table
        .inner_join(webhook_subscriptions::table.on(webhook_subscriptions::id.eq(webhook_deliveries::subscription_id)))
        .filter(webhook_subscriptions::active.eq(true))
        .filter(webhook_deliveries::state.eq(DeliveryState::Pending.as_str()))
        .filter(webhook_deliveries::next_attempt_at.le(now))
        .filter(webhook_deliveries::claimed_until.is_null().or(webhook_deliveries::claimed_until.lt(now)))
        .select(webhook_deliveries::id)
        .first::<String>(conn)
        .optional()?;
    Ok(due.is_some())
}

/// Claims up to `limit` deliveries due at `now` of active subscriptions, for `lease`: no other
/// replica tries them until the lease ends (if this one dies meanwhile, another takes them then).
pub fn claim_due(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    lease: chrono::Duration,
    limit: i64,
) -> Result<Vec<Delivery>, StoreError> {
    quiet_transaction(conn, |conn| {
        // The rows another replica is claiming are skipped, not waited for.
        let sql = "SELECT d.id FROM webhook_deliveries d \
             JOIN webhook_subscriptions s ON s.id = d.subscription_id AND s.active \
             WHERE d.state = 'pending' AND d.next_attempt_at <= $1 \
             AND (d.claimed_until IS NULL OR d.claimed_until < $1) \
             ORDER BY d.next_attempt_at LIMIT $2";
        let ids: Vec<Id> = match conn {
            DbConnection::Postgres(pg) => diesel::sql_query(format!("{sql} FOR UPDATE OF d SKIP LOCKED"))
                .bind::<Timestamp, _>(to_db(now))
                .bind::<BigInt, _>(limit)
                .load(pg)?,
            DbConnection::Sqlite(sqlite) => {
                diesel::sql_query(sql).bind::<Timestamp, _>(to_db(now)).bind::<BigInt, _>(limit).load(sqlite)?
            }
        };
        let ids: Vec<String> = ids.into_iter().map(|id| id.id).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(webhook_deliveries::table.filter(webhook_deliveries::id.eq_any(&ids)))
            .set(webhook_deliveries::claimed_until.eq(Some(to_db(now + lease))))
            .execute(conn)?;
        let rows: Vec<DeliveryRow> = webhook_deliveries::table
            .filter(webhook_deliveries::id.eq_any(&ids))
            .order(webhook_deliveries::next_attempt_at.asc())
            .load(conn)?;
        rows.into_iter().map(delivery_of_row).collect()
    })
}

/// Records an attempt of a claimed delivery and what it decided, and lets the claim go.
pub fn record_attempt(
    conn: &mut DbConnection,
    delivery_id: Uuid,
    attempt: &Attempt,
    outcome: Outcome,
) -> Result<(), StoreError> {
    let id = delivery_id.to_string();
    let row = AttemptRow {
        id: plateforme_model::ids::new_id().to_string(),
        delivery_id: id.clone(),
        attempted_at: to_db(attempt.attempted_at),
        status: attempt.status,
        duration_ms: attempt.duration_ms,
        error: attempt.error.clone(),
    };
    let now = to_db(plateforme_model::ids::now());
    let (state, next, finished) = match outcome {
        Outcome::Delivered => (DeliveryState::Delivered, None, Some(now)),
        Outcome::Dead => (DeliveryState::Dead, None, Some(now)),
        Outcome::RetryAt(at) => (DeliveryState::Pending, Some(to_db(at)), None),
        Outcome::Paused => (DeliveryState::Pending, Some(now), None),
    };
    quiet_transaction(conn, |conn| {
        diesel::insert_into(webhook_attempts::table).values(&row).execute(conn)?;
        let target = webhook_deliveries::table.find(&id);
        diesel::update(target)
            .set((
                webhook_deliveries::state.eq(state.as_str()),
                webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
                webhook_deliveries::claimed_until.eq(None::<NaiveDateTime>),
                webhook_deliveries::last_status.eq(attempt.status),
                webhook_deliveries::last_error.eq(attempt.error.clone()),
                webhook_deliveries::finished_at.eq(finished),
            ))
            .execute(conn)?;
        if let Some(next) = next {
            diesel::update(target).set(webhook_deliveries::next_attempt_at.eq(next)).execute(conn)?;
        }
        Ok(())
    })
}

/// A delivery with its attempts, as the log shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedDelivery {
    pub delivery: Delivery,
    pub attempts: Vec<Attempt>,
}

/// One page of a subscription's deliveries, oldest first, each with its attempts.
pub fn list(
    conn: &mut DbConnection,
    subscription_id: Uuid,
    page: &PageRequest,
) -> Result<Page<LoggedDelivery>, StoreError> {
    let query = webhook_deliveries::table
        .filter(webhook_deliveries::subscription_id.eq(subscription_id.to_string()))
        .into_boxed();
    let deliveries: Page<Delivery> =
        page_by_key!(conn, query, page, webhook_deliveries::id, DeliveryRow, delivery_of_row)?;
    let ids: Vec<String> = deliveries.items.iter().map(|delivery| delivery.id.to_string()).collect();
    let rows: Vec<AttemptRow> = webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq_any(&ids))
        .order(webhook_attempts::id.asc())
        .load(conn)?;
    let mut attempts: std::collections::HashMap<String, Vec<Attempt>> = std::collections::HashMap::new();
    for row in rows {
        attempts.entry(row.delivery_id).or_default().push(Attempt {
            attempted_at: from_db(row.attempted_at),
            status: row.status,
            duration_ms: row.duration_ms,
            error: row.error,
        });
    }
    Ok(deliveries.map(|delivery| {
        let attempts = attempts.remove(&delivery.id.to_string()).unwrap_or_default();
        LoggedDelivery { delivery, attempts }
    }))
}

/// The first delivery (not a replay) of each of these events to the subscription, in feed
/// order: what a replay by event id sends again.
pub fn originals_of_events(
    conn: &mut DbConnection,
    subscription_id: Uuid,
    event_ids: &[String],
) -> Result<Vec<Delivery>, StoreError> {
    let rows: Vec<DeliveryRow> = webhook_deliveries::table
        .filter(webhook_deliveries::subscription_id.eq(subscription_id.to_string()))
        .filter(webhook_deliveries::replay.eq(false))
        .filter(webhook_deliveries::event_id.eq_any(event_ids))
        .order((webhook_deliveries::event_xid.asc(), webhook_deliveries::event_seq.asc()))
        .load(conn)?;
    rows.into_iter().map(delivery_of_row).collect()
}

/// The first deliveries to the subscription of the events after `after` up to `until`
/// (included), in feed order, at most `limit`: what a replay by cursor range sends again.
pub fn originals_between(
    conn: &mut DbConnection,
    subscription_id: Uuid,
    after: FeedPosition,
    until: FeedPosition,
    limit: i64,
) -> Result<Vec<Delivery>, StoreError> {
    let rows: Vec<DeliveryRow> = webhook_deliveries::table
        .filter(webhook_deliveries::subscription_id.eq(subscription_id.to_string()))
        .filter(webhook_deliveries::replay.eq(false))
        .filter(webhook_deliveries::event_xid.ge(after.transaction))
        .filter(webhook_deliveries::event_xid.le(until.transaction))
        .order((webhook_deliveries::event_xid.asc(), webhook_deliveries::event_seq.asc()))
        .load(conn)?;
    let inside = |delivery: &Delivery| delivery.position > after && delivery.position <= until;
    let mut deliveries = Vec::new();
    for row in rows {
        let delivery = delivery_of_row(row)?;
        if inside(&delivery) {
            deliveries.push(delivery);
        }
        if i64::try_from(deliveries.len()).unwrap_or(i64::MAX) >= limit {
            break;
        }
    }
    Ok(deliveries)
}

/// Forgets the deliveries created before `before` that are no longer pending, with their log:
/// the log is kept 30 days.
pub fn purge_before(conn: &mut DbConnection, before: DateTime<Utc>) -> Result<usize, StoreError> {
    quiet_transaction(conn, |conn| {
        let old = webhook_deliveries::table
            .filter(webhook_deliveries::created_at.lt(to_db(before)))
            .filter(webhook_deliveries::state.ne(DeliveryState::Pending.as_str()))
            .select(webhook_deliveries::id);
        diesel::delete(webhook_attempts::table.filter(webhook_attempts::delivery_id.eq_any(old))).execute(conn)?;
        let purged = diesel::delete(
            webhook_deliveries::table
                .filter(webhook_deliveries::created_at.lt(to_db(before)))
                .filter(webhook_deliveries::state.ne(DeliveryState::Pending.as_str())),
        )
        .execute(conn)?;
        Ok(purged)
    })
}

/// How many deliveries of active subscriptions are pending: the backlog, for tests and metrics.
pub fn pending(conn: &mut DbConnection) -> Result<i64, StoreError> {
    let count = webhook_deliveries::table
        .inner_join(webhook_subscriptions::table.on(webhook_subscriptions::id.eq(webhook_deliveries::subscription_id)))
        .filter(webhook_subscriptions::active.eq(true))
        .filter(webhook_deliveries::state.eq(DeliveryState::Pending.as_str()))
        .count()
        .get_result(conn)?;
    Ok(count)
}
