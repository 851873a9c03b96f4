//! The one path to a person's data: load the person with what the policy needs, decide, and
//! journal the access — a write in its transaction, a read through the journal's group commit
//! before the answer — so that no access is answered unjournaled.
//!
//! Handlers read through three verbs, so none repeats load → read → journal: [`read_person`]
//! (the person), [`read_part`] (one part that may be missing: a contract, a consent, a review) and
//! [`read_list`] (one page of a list: contracts, consents, the timeline). Writes go through
//! two more, so none repeats load → write → journal either: [`load_for_write`] (the person, and
//! what the checks before the write need) and [`write_part`] (inside the write's transaction:
//! the person under the policy again, the write, its journal entry); [`commit`] writes and
//! journals a change prepared from a person loaded before; [`update_record`] does both for a new
//! version of the person's record, in one unit of work.
//!
//! While the processing of a dossier is limited (RGPD article 18), every one of these refuses it
//! (`processing_limited`, 423) once the policy allowed the caller: the dossier is kept, but
//! organizations neither read nor write it. Only [`load_for_rights`] passes, for what the person's
//! rights still need: lifting the limitation and the erasure. The person's own `/v1/me` reads do
//! not come here.

use chrono::NaiveDate;
use plateforme_api::ApiError;
use plateforme_auth::policy::{self, Operation, PersonAccess, Resource, roles};
use plateforme_auth::{Caller, JournalSection, mandate};
use plateforme_model::person::{Person, PersonRecord};
use plateforme_store::access::journal::{self, Access};
use plateforme_store::dossier::persons::{self, StoredPerson};
use plateforme_store::{DbConnection, Page, Store, StoreError, write};
use serde_json::Value;
use uuid::Uuid;

/// What the policy reads of a person: the record, the consents to share, the co-accompaniments
/// of today (the store's remit, which the change feed judges its events by too).
pub fn person_access(conn: &mut DbConnection, person: &StoredPerson) -> Result<PersonAccess, StoreError> {
    Ok(PersonAccess::of_remit(&persons::remit_of(conn, person)?))
}

/// What the policy reads of a person, but the consents to share: what the record alone says.
pub fn record_access(person: &StoredPerson) -> PersonAccess {
    PersonAccess::of_remit(&person.remit())
}

/// Loads a person the caller may touch with `operation`; outside the policy the person does
/// not exist for the caller (404, existence is not leaked); a dossier whose processing is
/// limited answers `ProcessingLimited`.
pub fn load(
    conn: &mut DbConnection,
    caller: &Caller,
    id: Uuid,
    operation: Operation,
) -> Result<StoredPerson, StoreError> {
    let person = load_under_policy(conn, caller, id, operation)?;
    match person.limited_at {
        Some(_) => Err(StoreError::ProcessingLimited { current: person.version }),
        None => Ok(person),
    }
}

/// Loads a person the caller may write, even while the processing of the dossier is limited:
/// for lifting the limitation and for the erasure, which the person's rights still need.
pub async fn load_for_rights(store: &Store, caller: &Caller, person_id: Uuid) -> Result<StoredPerson, ApiError> {
    let caller = caller.clone();
    store
        .run(move |conn| load_under_policy(conn, &caller, person_id, Operation::Write))
        .await
        .map_err(|error| not_found_as_person(error, person_id))
}

/// The person under the caller's policy for `operation`, limited or not.
fn load_under_policy(
    conn: &mut DbConnection,
    caller: &Caller,
    id: Uuid,
    operation: Operation,
) -> Result<StoredPerson, StoreError> {
    let person = persons::find(conn, id)?.ok_or(StoreError::NotFound)?;
    // A consent to share can only open access, never close it: when the record alone allows
    // the access (France Travail, the referent organization…), the consents are not read.
    if caller.may(operation, Resource::Person(&record_access(&person))) {
        return Ok(person);
    }
    let access = person_access(conn, &person)?;
    if caller.may(operation, Resource::Person(&access)) { Ok(person) } else { Err(StoreError::NotFound) }
}

/// Reads a person for the caller and journals the read of `section` before returning.
pub async fn read_person(
    store: &Store,
    caller: &Caller,
    id: Uuid,
    section: JournalSection,
) -> Result<StoredPerson, ApiError> {
    read_under_policy(store, caller, id, section, |_, person| Ok(Some(person)))
        .await?
        .ok_or_else(|| not_found_as_person(StoreError::NotFound, id))
}

/// Reads one part of a person's dossier (a contract, a consent, a review…): the person under
/// the caller's policy, then the part; the read is journaled as `section` only when the part
/// exists. A person outside the remit answers 404 for the person, a missing part `missing`.
pub async fn read_part<T: Send + 'static>(
    store: &Store,
    caller: &Caller,
    person_id: Uuid,
    section: JournalSection,
    find: impl FnOnce(&mut DbConnection) -> Result<Option<T>, StoreError> + Send + 'static,
    missing: impl FnOnce() -> ApiError,
) -> Result<T, ApiError> {
    read_under_policy(store, caller, person_id, section, |conn, _| find(conn)).await?.ok_or_else(missing)
}

/// Reads one page of a list of a person's dossier (contracts, consents, timeline…): the person
/// under the caller's policy, then the page; the read is journaled once as `section`, whatever
/// the page holds (an empty page still tells the caller something of the person).
pub async fn read_list<T: Send + 'static>(
    store: &Store,
    caller: &Caller,
    person_id: Uuid,
    section: JournalSection,
    list: impl FnOnce(&mut DbConnection) -> Result<Page<T>, StoreError> + Send + 'static,
) -> Result<Page<T>, ApiError> {
    read_under_policy(store, caller, person_id, section, |conn, _| list(conn).map(Some))
        .await?
        .ok_or_else(|| not_found_as_person(StoreError::NotFound, person_id))
}

/// The one sequence of every read of a person's data: the person under the caller's policy
/// (`NotFound` outside it), then what is read of them, journaled as `section` when there is
/// something to answer — durably before the answer: the journal's group commit shares one
/// commit among the reads journaled together, and a journal that cannot be written fails the
/// read (503).
async fn read_under_policy<R: Send + 'static>(
    store: &Store,
    caller: &Caller,
    person_id: Uuid,
    section: JournalSection,
    read: impl FnOnce(&mut DbConnection, StoredPerson) -> Result<Option<R>, StoreError> + Send + 'static,
) -> Result<Option<R>, ApiError> {
    let reader = caller.clone();
    let (found, acting_for) = store
        .run(move |conn| {
            let person = load(conn, &reader, person_id, Operation::Read)?;
            let acting_for = mandate::acting_for(conn, &reader, &person, today())?;
            Ok((read(conn, person)?, acting_for))
        })
        .await
        .map_err(|error| not_found_as_person(error, person_id))?;
    if found.is_some() {
        let mut entry = caller.access(person_id, section, Operation::Read);
        entry.acting_for = acting_for;
        journal::append_durably(store, vec![entry]).await?;
    }
    Ok(found)
}

/// Loads the person the caller may write, with what `also` reads next to it (a referent, a
/// contract…), for the checks a write makes before its transaction. A person outside the
/// policy answers 404 for the person.
pub async fn load_for_write<T: Send + 'static>(
    store: &Store,
    caller: &Caller,
    person_id: Uuid,
    also: impl FnOnce(&mut DbConnection, StoredPerson) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    let caller = caller.clone();
    store
        .run(move |conn| {
            let person = load(conn, &caller, person_id, Operation::Write)?;
            also(conn, person)
        })
        .await
        .map_err(|error| not_found_as_person(error, person_id))
}

/// How a caller may write a part of a dossier: wholly (the policy lets it write the person), or
/// only its own actions (it co-accompanies the person: "each writes its own actions").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contribution {
    Whole,
    OwnActions,
}

/// [`load_for_write`], for a write a co-accompanying organization may make too, within its own
/// actions: which of the two the caller may make, with the person and what `also` reads.
pub async fn load_for_contribution<T: Send + 'static>(
    store: &Store,
    caller: &Caller,
    person_id: Uuid,
    also: impl FnOnce(&mut DbConnection, StoredPerson) -> Result<T, StoreError> + Send + 'static,
) -> Result<(Contribution, T), ApiError> {
    let caller = caller.clone();
    store
        .run(move |conn| {
            let (contribution, person) = match load(conn, &caller, person_id, Operation::Write) {
                Ok(person) => (Contribution::Whole, person),
                Err(StoreError::NotFound) => {
                    let person = load(conn, &caller, person_id, Operation::Read)?;
                    let me = caller.principal().organization_id;
                    let co_accompanies =
                        person_access(conn, &person)?.co_accompanied_by.iter().any(|(id, _)| *id == me);
                    if !co_accompanies {
                        return Err(StoreError::NotFound);
                    }
                    (Contribution::OwnActions, person)
                }
                Err(other) => return Err(other),
            };
            Ok((contribution, also(conn, person)?))
        })
        .await
        .map_err(|error| not_found_as_person(error, person_id))
}

/// Writes a part of a person's dossier inside the caller's transaction (that of `create_once`):
/// the person under the policy for writing again, since they may have left the caller's remit
/// since the checks, then the write, journaled as `section`.
pub fn write_part<T>(
    conn: &mut DbConnection,
    caller: &Caller,
    person_id: Uuid,
    section: JournalSection,
    write: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let person = load(conn, caller, person_id, Operation::Write)?;
    let written = write(conn)?;
    let entry = write_entry(conn, caller, &person, section)?;
    journal::append(conn, &[entry])?;
    Ok(written)
}

/// The journal entry of a write to this person, naming the organization the caller acts for.
fn write_entry(
    conn: &mut DbConnection,
    caller: &Caller,
    person: &StoredPerson,
    section: JournalSection,
) -> Result<Access, StoreError> {
    mandate::access_to(conn, caller, person, section, Operation::Write)
}

/// Whether the caller sees this person's sensitive parts (the diagnostic's social part, the RQTH):
/// it holds `dossier.social:read`, and its access does not come only from a co-accompaniment in a
/// role that leaves them out (`policy::opens_sensitive_parts`).
pub fn discloses_sensitive(
    conn: &mut DbConnection,
    caller: &Caller,
    person: &StoredPerson,
) -> Result<bool, StoreError> {
    if !caller.has_scope(SENSITIVE_READ) {
        return Ok(false);
    }
    if caller.may(Operation::Read, Resource::Person(&record_access(person))) {
        return Ok(true);
    }
    Ok(policy::opens_sensitive_parts(caller.principal(), &person_access(conn, person)?))
}

/// Reads a person for the caller as they may see them (the sensitive parts as
/// [`discloses_sensitive`] says), journaling the read of `section`.
pub async fn read_person_view(
    store: &Store,
    caller: &Caller,
    id: Uuid,
    section: JournalSection,
) -> Result<Person, ApiError> {
    let reader = caller.clone();
    read_under_policy(store, caller, id, section, move |conn, person| {
        let sensitive = discloses_sensitive(conn, &reader, &person)?;
        Ok(Some(view_with(&person, sensitive)))
    })
    .await?
    .ok_or_else(|| not_found_as_person(StoreError::NotFound, id))
}

/// Writes a change prepared from a version loaded by [`load_for_write`] and journals it as
/// `section`, in one transaction. The person is not loaded again: the change names the version
/// it is based on, so a write made meanwhile answers 412 instead of being overwritten; only
/// whether the dossier was limited since is read again, as a change of a contract does not
/// name the person's version.
pub async fn commit<T: Send + 'static>(
    store: &Store,
    caller: &Caller,
    person_id: Uuid,
    section: JournalSection,
    change: impl FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    commit_journaled(store, caller, person_id, section, Limitation::Refused, change).await
}

/// [`commit`] for a change of the person's record itself (`persons::update`), whose statement
/// refuses a limited dossier on its own: the limitation is not read beforehand, one statement
/// less in the transaction of every dossier update.
pub async fn commit_record<T: Send + 'static>(
    store: &Store,
    caller: &Caller,
    person_id: Uuid,
    section: JournalSection,
    change: impl FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    commit_journaled(store, caller, person_id, section, Limitation::RefusedByTheChange, change).await
}

/// [`commit`] for a person loaded by [`load_for_rights`]: a limited dossier is written too.
pub async fn commit_for_rights<T: Send + 'static>(
    store: &Store,
    caller: &Caller,
    person_id: Uuid,
    section: JournalSection,
    change: impl FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    commit_journaled(store, caller, person_id, section, Limitation::Allowed, change).await
}

/// How a commit treats a dossier whose processing is limited.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Limitation {
    /// Refused, read in the transaction before the change.
    Refused,
    /// Refused by the change's own statement.
    RefusedByTheChange,
    /// Written: the person's rights (lifting the limitation, the erasure).
    Allowed,
}

async fn commit_journaled<T: Send + 'static>(
    store: &Store,
    caller: &Caller,
    person_id: Uuid,
    section: JournalSection,
    limitation: Limitation,
    change: impl FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    let caller = caller.clone();
    let written = store.run(move |conn| commit_in(conn, &caller, person_id, section, limitation, change)).await?;
    Ok(written)
}

/// The transaction of every commit: the limitation as `limitation` says, the change, its journal
/// entry.
fn commit_in<T>(
    conn: &mut DbConnection,
    caller: &Caller,
    person_id: Uuid,
    section: JournalSection,
    limitation: Limitation,
    change: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    write::transaction(conn, |conn| {
        if limitation == Limitation::Refused
            && let Some(current) = persons::limited_version(conn, person_id)?
        {
            return Err(StoreError::ProcessingLimited { current });
        }
        let written = change(conn)?;
        let entry = match roles::registration_needs_mandate(caller.principal().kind) {
            // Read again only for the kinds that may act for another organization.
            true => {
                let person = persons::find(conn, person_id)?.ok_or(StoreError::NotFound)?;
                write_entry(conn, caller, &person, section)?
            }
            false => caller.access(person_id, section, Operation::Write),
        };
        journal::append(conn, &[entry])?;
        Ok(written)
    })
}

/// A new version of a person's record, prepared from the version loaded: what
/// [`update_record`] writes.
pub struct NewRecord {
    /// The version the caller's `If-Match` names: a write made since answers 412.
    pub expected: i64,
    pub record: PersonRecord,
    /// What changed, for the history and the change event.
    pub changes: Value,
}

/// Changes a person's record in one unit of blocking work on one pooled connection: the person
/// the caller may write ([`load_for_write`]'s 404 outside the policy), `prepare`'s checks and
/// new record from it (`None` when nothing changes: the person is answered as they are), then
/// the update journaled as `section` ([`commit_record`]'s transaction). One hop to the blocking
/// pool and one connection per write, where loading and committing apart take two of each:
/// the path of every dossier update.
pub async fn update_record(
    store: &Store,
    caller: &Caller,
    person_id: Uuid,
    section: JournalSection,
    prepare: impl FnOnce(&Caller, &StoredPerson) -> Result<Option<NewRecord>, ApiError> + Send + 'static,
) -> Result<StoredPerson, ApiError> {
    let caller = caller.clone();
    store.run(move |conn| Ok(update_record_in(conn, &caller, person_id, section, prepare))).await?
}

fn update_record_in(
    conn: &mut DbConnection,
    caller: &Caller,
    person_id: Uuid,
    section: JournalSection,
    prepare: impl FnOnce(&Caller, &StoredPerson) -> Result<Option<NewRecord>, ApiError>,
) -> Result<StoredPerson, ApiError> {
    let current =
        load(conn, caller, person_id, Operation::Write).map_err(|error| not_found_as_person(error, person_id))?;
    let Some(NewRecord { expected, record, changes }) = prepare(caller, &current)? else {
        return Ok(current);
    };
    let context = caller.write_context();
    let updated = commit_in(conn, caller, person_id, section, Limitation::RefusedByTheChange, |conn| {
        persons::update(conn, &context, &current, expected, record, changes)
    })?;
    Ok(updated)
}

/// A missing person, named in the problem.
pub fn not_found_as_person(error: StoreError, id: Uuid) -> ApiError {
    match error {
        StoreError::NotFound => ApiError::not_found(format!("person {id}")),
        other => other.into(),
    }
}

/// The scopes of the sensitive parts (social constraints, health, disability).
pub const SENSITIVE_READ: &str = "dossier.social:read";
pub const SENSITIVE_WRITE: &str = "dossier.social:write";

/// The person as this caller may see them: without the sensitive parts unless it holds
/// `dossier.social:read`.
pub fn view_for(caller: &Caller, person: &StoredPerson) -> Person {
    view_with(person, caller.has_scope(SENSITIVE_READ))
}

fn view_with(person: &StoredPerson, sensitive: bool) -> Person {
    person.view(sensitive, today())
}

/// Writing a sensitive part needs `dossier.social:write`.
pub fn check_sensitive_write(caller: &Caller, touches_sensitive: bool) -> Result<(), ApiError> {
    if touches_sensitive && !caller.has_scope(SENSITIVE_WRITE) {
        return Err(ApiError::new(
            plateforme_api::ErrorCode::Forbidden,
            format!(
                "the disability recognition (statuses.rqth) is a sensitive part: writing it needs {SENSITIVE_WRITE}"
            ),
        ));
    }
    Ok(())
}

pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}
