//! The change feed (outbox): one event per mutation, numbered in commit order.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::schema::{change_sequence, changes};
use crate::timestamps::{from_db, to_db};
use crate::write::{Action, Mutation, WriteContext};
use crate::{DbConnection, Page, PageRequest, StoreError};

/// One event of the change feed, as the store hands it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeEvent {
    /// Position in the feed: events are numbered in commit order.
    pub seq: i64,
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
}

fn event_of_row(row: ChangeRow) -> Result<ChangeEvent, StoreError> {
    let uuid = |text: &str| text.parse::<Uuid>().map_err(StoreError::corrupt);
    Ok(ChangeEvent {
        seq: row.seq,
        resource_id: uuid(&row.resource_id)?,
        resource_type: row.resource_type,
        version: row.version,
        action: Action::parse(&row.action).ok_or_else(|| StoreError::corrupt(format!("action {:?}", row.action)))?,
        actor: row.actor,
        actor_organization: row.actor_organization.as_deref().map(uuid).transpose()?,
        occurred_at: from_db(row.occurred_at),
        subject_id: row.subject_id.as_deref().map(uuid).transpose()?,
    })
}

fn events_of_rows(rows: Vec<ChangeRow>) -> Result<Vec<ChangeEvent>, StoreError> {
    rows.into_iter().map(event_of_row).collect()
}

/// Takes the next sequence number and writes the event. The row lock on `change_sequence`
/// is held until commit, so events become visible in sequence order.
pub(crate) fn append(conn: &mut DbConnection, context: &WriteContext, mutation: &Mutation) -> Result<i64, StoreError> {
    append_all(conn, context, std::slice::from_ref(mutation))
}

/// Takes as many sequence numbers as there are mutations, in one update, and writes their
/// events in order; answers the last sequence number (0 when there is nothing to write).
pub(crate) fn append_all(
    conn: &mut DbConnection,
    context: &WriteContext,
    mutations: &[Mutation],
) -> Result<i64, StoreError> {
    let Ok(count) = i64::try_from(mutations.len()) else { return Err(StoreError::corrupt("too many mutations")) };
    if count == 0 {
        return Ok(0);
    }
    diesel::update(change_sequence::table.find(1))
        .set(change_sequence::last_seq.eq(change_sequence::last_seq + count))
        .execute(conn)?;
    let last: i64 = change_sequence::table.find(1).select(change_sequence::last_seq).first(conn)?;
    let occurred_at = to_db(plateforme_model::ids::now());
    let rows: Vec<ChangeRow> = mutations
        .iter()
        .zip(last - count + 1..)
        .map(|(mutation, seq)| row_of(context, mutation, seq, occurred_at))
        .collect();
    crate::bulk::insert_all!(conn, changes::table, rows.as_slice());
    Ok(last)
}

/// The change event of a mutation made at `occurred_at`, numbered `seq`.
pub(crate) fn row_of(context: &WriteContext, mutation: &Mutation, seq: i64, occurred_at: NaiveDateTime) -> ChangeRow {
    ChangeRow {
        seq,
        resource_type: mutation.resource_type.to_owned(),
        resource_id: mutation.resource_id.to_string(),
        version: mutation.version,
        action: mutation.action.as_str().to_owned(),
        actor: context.actor.client_id.clone(),
        actor_organization: context.actor.organization_id.map(|id| id.to_string()),
        occurred_at,
        subject_id: mutation.subject_id.map(|id| id.to_string()),
    }
}

/// Events after `after_seq`, in order.
pub fn after(conn: &mut DbConnection, after_seq: i64, limit: i64) -> Result<Vec<ChangeEvent>, StoreError> {
    let rows = changes::table.filter(changes::seq.gt(after_seq)).order(changes::seq.asc()).limit(limit).load(conn)?;
    events_of_rows(rows)
}

/// The sequence number of the last event committed (0 when the feed is empty).
pub fn last_seq(conn: &mut DbConnection) -> Result<i64, StoreError> {
    let last: Option<i64> = changes::table.select(diesel::dsl::max(changes::seq)).first(conn)?;
    Ok(last.unwrap_or(0))
}

/// Events of one resource, in order.
pub fn of_resource(
    conn: &mut DbConnection,
    resource_type: &str,
    resource_id: Uuid,
) -> Result<Vec<ChangeEvent>, StoreError> {
    let rows = changes::table
        .filter(changes::resource_type.eq(resource_type))
        .filter(changes::resource_id.eq(resource_id.to_string()))
        .order(changes::seq.asc())
        .load(conn)?;
    events_of_rows(rows)
}

/// One page of the events concerning one subject (a person and every part of their dossier:
/// their timeline), in feed order; the cursor is the last sequence number seen.
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

    use super::{ChangeRow, event_of_row};
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
        }
    }

    #[test]
    fn an_event_reads_back_typed() {
        let id = Uuid::now_v7();
        let event = event_of_row(row("updated", &id.to_string())).expect("a valid row");
        assert_eq!((event.seq, event.resource_id, event.action), (7, id, Action::Updated));
        assert_eq!(event.subject_id, Some(Uuid::nil()));
        assert_eq!(event.occurred_at.timestamp(), 1_764_000_000);
    }

    #[test]
    fn a_row_that_is_not_an_event_is_corrupt() {
        assert!(event_of_row(row("renamed", &Uuid::nil().to_string())).is_err());
        assert!(event_of_row(row("created", "not-a-uuid")).is_err());
    }
}
