//! Queries of `webhook_subscriptions`. A subscription belongs to the client that created it:
//! every lookup but the worker's takes the client id, so another client finds nothing (404).
//! The signing secrets are sealed under the key-encryption key and leave the store only to sign.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;
use uuid::Uuid;

use crate::pagination::page_by_key;
use crate::schema::{webhook_attempts, webhook_deliveries, webhook_subscriptions};
use crate::sensitive::{open_text, seal_text, sealed_under_earlier_kek};
use crate::timestamps::{from_db, to_db};
use crate::{DbConnection, Page, PageRequest, StoreError, write};

/// A subscription as stored, without its secrets.
#[derive(Debug, Clone, PartialEq)]
pub struct Subscription {
    pub id: Uuid,
    pub client_id: String,
    pub url: String,
    pub event_types: Vec<String>,
    pub filter: Option<Value>,
    pub active: bool,
    /// Why the platform disabled it (a `410 Gone` of the receiver), if it did.
    pub disabled_reason: Option<String>,
    /// Until when the previous secret signs beside the current one, after a rotation.
    pub previous_secret_until: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A subscription to create; `secret` is the clear `whsec_…` secret, sealed here.
#[derive(Debug, Clone)]
pub struct NewSubscription {
    pub client_id: String,
    pub url: String,
    pub event_types: Vec<String>,
    pub filter: Option<Value>,
    pub secret: String,
}

/// What a change sets; `None` leaves a field as it is (`filter: Some(None)` removes it).
#[derive(Debug, Clone, Default)]
pub struct SubscriptionChange {
    pub url: Option<String>,
    pub event_types: Option<Vec<String>>,
    pub filter: Option<Option<Value>>,
    pub active: Option<bool>,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = webhook_subscriptions, treat_none_as_default_value = false)]
struct SubscriptionRow {
    id: String,
    client_id: String,
    url: String,
    event_types: String,
    filter: Option<String>,
    active: bool,
    disabled_reason: Option<String>,
    secret: String,
    previous_secret: Option<String>,
    previous_secret_until: Option<NaiveDateTime>,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn subscription_of_row(row: SubscriptionRow) -> Result<Subscription, StoreError> {
    Ok(Subscription {
        id: row.id.parse().map_err(StoreError::corrupt)?,
        client_id: row.client_id,
        url: row.url,
        event_types: serde_json::from_str(&row.event_types).map_err(StoreError::corrupt)?,
        filter: row.filter.as_deref().map(serde_json::from_str).transpose().map_err(StoreError::corrupt)?,
        active: row.active,
        disabled_reason: row.disabled_reason,
        previous_secret_until: row.previous_secret_until.map(from_db),
        version: row.version,
        created_at: from_db(row.created_at),
        updated_at: from_db(row.updated_at),
    })
}

/// What a sealed secret is bound to: a copy on another row does not open.
fn binding(id: &str, which: &str) -> String {
    format!("webhook_subscription {id} {which}")
}

fn json(value: &impl serde::Serialize) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(StoreError::corrupt)
}

pub fn create(conn: &mut DbConnection, new: NewSubscription) -> Result<Subscription, StoreError> {
    let id = plateforme_model::ids::new_id().to_string();
    let now = to_db(plateforme_model::ids::now());
    let row = SubscriptionRow {
        secret: seal_text(&binding(&id, "secret"), &new.secret)?,
        id,
        client_id: new.client_id,
        url: new.url,
        event_types: json(&new.event_types)?,
        filter: new.filter.as_ref().map(json).transpose()?,
        active: true,
        disabled_reason: None,
        previous_secret: None,
        previous_secret_until: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let row = write::transaction(conn, |conn| {
        diesel::insert_into(webhook_subscriptions::table).values(&row).execute(conn)?;
        Ok(row)
    })?;
    subscription_of_row(row)
}

/// The client's subscription `id`; `None` when it does not exist or is another client's.
pub fn find(conn: &mut DbConnection, client_id: &str, id: Uuid) -> Result<Option<Subscription>, StoreError> {
    let row: Option<SubscriptionRow> = webhook_subscriptions::table
        .find(id.to_string())
        .filter(webhook_subscriptions::client_id.eq(client_id))
        .first(conn)
        .optional()?;
    row.map(subscription_of_row).transpose()
}

/// The subscription `id`, whoever owns it: for the delivery worker.
pub fn find_any(conn: &mut DbConnection, id: Uuid) -> Result<Option<Subscription>, StoreError> {
    let row: Option<SubscriptionRow> = webhook_subscriptions::table.find(id.to_string()).first(conn).optional()?;
    row.map(subscription_of_row).transpose()
}

/// One page of the client's subscriptions, oldest first.
pub fn list(conn: &mut DbConnection, client_id: &str, page: &PageRequest) -> Result<Page<Subscription>, StoreError> {
    let query = webhook_subscriptions::table.filter(webhook_subscriptions::client_id.eq(client_id)).into_boxed();
    page_by_key!(conn, query, page, webhook_subscriptions::id, SubscriptionRow, subscription_of_row)
}

/// How many subscriptions the client has.
pub fn count(conn: &mut DbConnection, client_id: &str) -> Result<i64, StoreError> {
    Ok(webhook_subscriptions::table.filter(webhook_subscriptions::client_id.eq(client_id)).count().get_result(conn)?)
}

/// Every active subscription: what the fan-out delivers to.
pub fn active(conn: &mut DbConnection) -> Result<Vec<Subscription>, StoreError> {
    let rows: Vec<SubscriptionRow> = webhook_subscriptions::table
        .filter(webhook_subscriptions::active.eq(true))
        .order(webhook_subscriptions::id.asc())
        .load(conn)?;
    rows.into_iter().map(subscription_of_row).collect()
}

/// Applies `change` to the client's subscription if it is still at `expected_version`;
/// `NotFound` when it has none such, `VersionMismatch` when it changed since.
/// Re-activating clears the reason it was disabled.
pub fn update(
    conn: &mut DbConnection,
    client_id: &str,
    id: Uuid,
    expected_version: i64,
    change: SubscriptionChange,
) -> Result<Subscription, StoreError> {
    write::transaction(conn, |conn| {
        let current = find(conn, client_id, id)?.ok_or(StoreError::NotFound)?;
        if current.version != expected_version {
            return Err(write::lost_race(Some(current.version)));
        }
        let target = webhook_subscriptions::table
            .find(id.to_string())
            .filter(webhook_subscriptions::version.eq(expected_version));
        let now = to_db(plateforme_model::ids::now());
        let written = diesel::update(target)
            .set((
                webhook_subscriptions::url.eq(change.url.unwrap_or(current.url)),
                webhook_subscriptions::event_types.eq(json(&change.event_types.unwrap_or(current.event_types))?),
                webhook_subscriptions::filter.eq(change
                    .filter
                    .unwrap_or(current.filter)
                    .as_ref()
                    .map(json)
                    .transpose()?),
                webhook_subscriptions::active.eq(change.active.unwrap_or(current.active)),
                webhook_subscriptions::disabled_reason.eq(if change.active == Some(true) {
                    None
                } else {
                    current.disabled_reason
                }),
                webhook_subscriptions::version.eq(current.version + 1),
                webhook_subscriptions::updated_at.eq(now),
            ))
            .execute(conn)?;
        if written == 0 {
            return Err(write::lost_race(find(conn, client_id, id)?.map(|found| found.version)));
        }
        find(conn, client_id, id)?.ok_or(StoreError::NotFound)
    })
}

/// Deletes the client's subscription with its deliveries and their log; `NotFound` when it has
/// none such.
pub fn delete(conn: &mut DbConnection, client_id: &str, id: Uuid) -> Result<(), StoreError> {
    write::transaction(conn, |conn| {
        find(conn, client_id, id)?.ok_or(StoreError::NotFound)?;
        let id = id.to_string();
        let deliveries = webhook_deliveries::table
            .filter(webhook_deliveries::subscription_id.eq(&id))
            .select(webhook_deliveries::id);
        diesel::delete(webhook_attempts::table.filter(webhook_attempts::delivery_id.eq_any(deliveries)))
            .execute(conn)?;
        diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::subscription_id.eq(&id))).execute(conn)?;
        diesel::delete(webhook_subscriptions::table.find(&id)).execute(conn)?;
        Ok(())
    })
}

/// Makes `secret` the signing secret of the client's subscription; the current one keeps
/// signing beside it until `overlap_until`.
pub fn rotate_secret(
    conn: &mut DbConnection,
    client_id: &str,
    id: Uuid,
    secret: &str,
    overlap_until: DateTime<Utc>,
) -> Result<Subscription, StoreError> {
    write::transaction(conn, |conn| {
        let current = find(conn, client_id, id)?.ok_or(StoreError::NotFound)?;
        let key = id.to_string();
        let old: String = webhook_subscriptions::table.find(&key).select(webhook_subscriptions::secret).first(conn)?;
        let old = open_text(&binding(&key, "secret"), &old)?;
        diesel::update(webhook_subscriptions::table.find(&key))
            .set((
                webhook_subscriptions::secret.eq(seal_text(&binding(&key, "secret"), secret)?),
                webhook_subscriptions::previous_secret.eq(Some(seal_text(&binding(&key, "previous_secret"), &old)?)),
                webhook_subscriptions::previous_secret_until.eq(Some(to_db(overlap_until))),
                webhook_subscriptions::version.eq(current.version + 1),
                webhook_subscriptions::updated_at.eq(to_db(plateforme_model::ids::now())),
            ))
            .execute(conn)?;
        find(conn, client_id, id)?.ok_or(StoreError::NotFound)
    })
}

/// The secrets that sign a delivery at `now`: the current one, then the previous one while its
/// overlap lasts.
pub fn signing_secrets(conn: &mut DbConnection, id: Uuid, now: DateTime<Utc>) -> Result<Vec<String>, StoreError> {
    let key = id.to_string();
    let (secret, previous, until): (String, Option<String>, Option<NaiveDateTime>) = webhook_subscriptions::table
        .find(&key)
        .select((
            webhook_subscriptions::secret,
            webhook_subscriptions::previous_secret,
            webhook_subscriptions::previous_secret_until,
        ))
        .first(conn)?;
    let mut secrets = vec![open_text(&binding(&key, "secret"), &secret)?];
    if let (Some(previous), Some(until)) = (previous, until)
        && from_db(until) > now
    {
        secrets.push(open_text(&binding(&key, "previous_secret"), &previous)?);
    }
    Ok(secrets)
}

/// Disables the subscription for `reason` (the receiver answered `410 Gone`).
pub fn disable(conn: &mut DbConnection, id: Uuid, reason: &str) -> Result<(), StoreError> {
    diesel::update(webhook_subscriptions::table.find(id.to_string()))
        .set((
            webhook_subscriptions::active.eq(false),
            webhook_subscriptions::disabled_reason.eq(Some(reason)),
            webhook_subscriptions::version.eq(webhook_subscriptions::version + 1),
            webhook_subscriptions::updated_at.eq(to_db(plateforme_model::ids::now())),
        ))
        .execute(conn)?;
    Ok(())
}

/// Seals anew under the current KEK the secrets sealed under an earlier one (`plateforme keys
/// rewrap`); answers how many were.
pub fn reseal_secrets(conn: &mut DbConnection) -> Result<usize, StoreError> {
    type Secrets = (String, String, Option<String>);
    let rows: Vec<Secrets> = webhook_subscriptions::table
        .select((webhook_subscriptions::id, webhook_subscriptions::secret, webhook_subscriptions::previous_secret))
        .order(webhook_subscriptions::id.asc())
        .load(conn)?;
    let mut resealed = 0;
    for (id, secret, previous) in rows {
        if sealed_under_earlier_kek(&secret)? {
            let clear = open_text(&binding(&id, "secret"), &secret)?;
            diesel::update(webhook_subscriptions::table.find(&id))
                .set(webhook_subscriptions::secret.eq(seal_text(&binding(&id, "secret"), &clear)?))
                .execute(conn)?;
            resealed += 1;
        }
        if let Some(previous) = previous
            && sealed_under_earlier_kek(&previous)?
        {
            let clear = open_text(&binding(&id, "previous_secret"), &previous)?;
            diesel::update(webhook_subscriptions::table.find(&id))
                .set(
                    webhook_subscriptions::previous_secret
                        .eq(Some(seal_text(&binding(&id, "previous_secret"), &clear)?)),
                )
                .execute(conn)?;
            resealed += 1;
        }
    }
    Ok(resealed)
}
