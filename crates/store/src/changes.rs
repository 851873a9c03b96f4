//! The change feed (outbox): one event per mutation, numbered in commit order.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::schema::{change_sequence, changes};
use crate::timestamps::{from_db, to_db};
use crate::write::{Mutation, WriteContext};
use crate::{DbConnection, StoreError};

/// One change event.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Insertable)]
#[diesel(table_name = changes, treat_none_as_default_value = false)]
pub struct ChangeRow {
    pub seq: i64,
    pub resource_type: String,
    pub resource_id: String,
    pub version: i64,
    pub action: String,
    pub actor: String,
    pub actor_organization: Option<String>,
    pub occurred_at: NaiveDateTime,
    pub subject_id: Option<String>,
}

impl ChangeRow {
    pub fn occurred_at(&self) -> DateTime<Utc> {
        from_db(self.occurred_at)
    }
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
pub fn after(conn: &mut DbConnection, after_seq: i64, limit: i64) -> Result<Vec<ChangeRow>, StoreError> {
    Ok(changes::table.filter(changes::seq.gt(after_seq)).order(changes::seq.asc()).limit(limit).load(conn)?)
}

/// Events of one resource, in order.
pub fn of_resource(
    conn: &mut DbConnection,
    resource_type: &str,
    resource_id: &str,
) -> Result<Vec<ChangeRow>, StoreError> {
    Ok(changes::table
        .filter(changes::resource_type.eq(resource_type))
        .filter(changes::resource_id.eq(resource_id))
        .order(changes::seq.asc())
        .load(conn)?)
}

/// Events concerning one subject (a person and every part of their dossier), in order.
pub fn of_subject(
    conn: &mut DbConnection,
    subject_id: &str,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<ChangeRow>, StoreError> {
    Ok(changes::table
        .filter(changes::subject_id.eq(subject_id))
        .filter(changes::seq.gt(after_seq))
        .order(changes::seq.asc())
        .limit(limit)
        .load(conn)?)
}
