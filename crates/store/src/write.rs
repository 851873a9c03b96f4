//! The write transaction: every mutation writes its row, a history row and a change event in
//! one transaction, so nothing is acknowledged that is not committed.

use diesel::prelude::*;
use serde_json::Value;
use uuid::Uuid;

use crate::changes::RemitChange;
use crate::{DbConnection, StoreError, changes, history};

/// Who is writing: recorded in the history and the change feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The OAuth client id, or `anonymous`.
    pub client_id: String,
    pub organization_id: Option<Uuid>,
}

impl Actor {
    pub fn anonymous() -> Actor {
        Actor { client_id: "anonymous".into(), organization_id: None }
    }
}

/// Everything a write records besides its data.
#[derive(Debug, Clone)]
pub struct WriteContext {
    pub actor: Actor,
    pub request_id: Option<String>,
    /// The counsellor who made the change (its organization's `Counsellor-Id`), if named.
    pub counsellor: Option<String>,
}

impl WriteContext {
    /// The context of a write the platform makes itself, or a tool (`seed`, `retention`…):
    /// no request, no counsellor.
    pub fn of(actor: Actor) -> WriteContext {
        WriteContext { actor, request_id: None, counsellor: None }
    }
}

/// What a mutation did to its resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    Created,
    Updated,
    Deleted,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Updated => "updated",
            Action::Deleted => "deleted",
        }
    }

    /// The action named `text` (as `as_str` writes it), if any.
    pub fn parse(text: &str) -> Option<Action> {
        [Action::Created, Action::Updated, Action::Deleted].into_iter().find(|action| action.as_str() == text)
    }
}

/// One mutation of one resource, as the history and the change feed record it.
#[derive(Debug, Clone)]
pub struct Mutation {
    pub resource_type: &'static str,
    pub resource_id: Uuid,
    pub version: i64,
    pub action: Action,
    /// JSON Merge Patch from the previous version (the whole document on creation).
    pub changes: Value,
    /// The person (or other subject) the change concerns, for their timeline.
    pub subject_id: Option<Uuid>,
    /// What the write changed of who may read the subject, when it changed it (an orientation,
    /// a consent to share, an erasure): the change feed tells a follower that a record left its
    /// remit by it.
    pub remit: Option<RemitChange>,
}

impl Mutation {
    /// A change of one record that concerns no person and changes no one's remit: what most
    /// writes record. [`Mutation::of_person`] and [`Mutation::changing_remit`] add the rest.
    pub fn new(resource_type: &'static str, resource_id: Uuid, version: i64, action: Action, changes: Value) -> Self {
        Mutation { resource_type, resource_id, version, action, changes, subject_id: None, remit: None }
    }

    /// The change concerns this person (a part of their dossier): it shows in their timeline.
    pub fn of_person(self, person_id: Uuid) -> Self {
        Mutation { subject_id: Some(person_id), ..self }
    }

    /// The change changed who may read its subject (see [`Mutation::remit`]).
    pub fn changing_remit(self, remit: Option<RemitChange>) -> Self {
        Mutation { remit, ..self }
    }
}

/// Why a versioned update wrote no row, given the version the record holds now (`None`: it is
/// gone): another writer changed it first (`VersionMismatch` naming its version), or it was
/// deleted meanwhile.
pub fn lost_race(current_version: Option<i64>) -> StoreError {
    current_version.map_or(StoreError::NotFound, |current| StoreError::VersionMismatch { current })
}

/// Runs `work` in a write transaction; once it committed, the followers of the change feed
/// waiting in this process are woken (`changes::wait_for_appended`).
///
/// On SQLite the transaction takes the write lock first: a transaction that reads and then
/// writes would otherwise fail with SQLITE_BUSY when another writer got in between, instead
/// of waiting its turn. On PostgreSQL nothing is taken that every writer shares: writers of
/// different records never wait for each other (see `changes` for how the feed stays whole).
pub fn transaction<T>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let done = conn.transaction(|conn| {
        if let DbConnection::Sqlite(_) = conn {
            diesel::sql_query("UPDATE change_sequence SET last_seq = last_seq WHERE id = 1").execute(conn)?;
        }
        work(conn)
    })?;
    changes::announce_appended();
    Ok(done)
}

/// Makes the writers of one key wait for each other until the end of the current transaction
/// (of [`transaction`]): what a bound counted before an insert needs ("at most N per client"),
/// or two concurrent writers would both count N − 1 and both insert. On PostgreSQL an advisory
/// lock held to the transaction's end, so writers of other keys never wait; on SQLite the write
/// transaction already holds the one write lock.
pub fn serialize_on(conn: &mut DbConnection, key: &str) -> Result<(), StoreError> {
    if let DbConnection::Postgres(_) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind::<diesel::sql_types::Text, _>(key)
            .execute(conn)?;
    }
    Ok(())
}

/// Records a mutation: its history row, then its change event.
pub fn record(conn: &mut DbConnection, context: &WriteContext, mutation: &Mutation) -> Result<i64, StoreError> {
    history::append(conn, context, mutation)?;
    changes::append(conn, context, mutation)
}

/// Records several mutations in order, in multi-row statements: what bulk writes use.
pub fn record_all(conn: &mut DbConnection, context: &WriteContext, mutations: &[Mutation]) -> Result<i64, StoreError> {
    history::append_all(conn, context, mutations)?;
    changes::append_all(conn, context, mutations)
}

#[cfg(test)]
mod tests {
    use super::Action;

    #[test]
    fn an_action_reads_back_as_it_is_written() {
        for action in [Action::Created, Action::Updated, Action::Deleted] {
            assert_eq!(Action::parse(action.as_str()), Some(action));
        }
        assert_eq!(Action::parse("renamed"), None);
    }
}
