//! Applies one line: a new reference registers the person, a known one updates the person it
//! names at the version the line saw — each through the rules of its single-record operation, in
//! its own transaction, with its journal entry, history and change event.

use plateforme_api::json::parse_value;
use plateforme_api::{ApiError, ErrorCode, MergePatch};
use plateforme_auth::policy::Operation;
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::codes::Nir;
use plateforme_model::person::NewPerson;
use plateforme_model::{FieldError, Validate};
use plateforme_store::access::journal;
use plateforme_store::dossier::person_sources::{self, SourceKey};
use plateforme_store::dossier::persons;
use plateforme_store::{Store, write};
use serde_json::{Value, json};
use uuid::Uuid;

use super::line::{self, PersonPush, within_person};
use super::{PersonPushResult, PersonPushStatus};
use crate::NirKey;
use crate::access;
use crate::persons::create_person::registration_record;
use crate::persons::update_person::patched_record;

/// What applies the lines of one batch, for one caller.
pub struct Pusher<'a> {
    pub store: &'a Store,
    pub caller: &'a Caller,
    pub nir_key: &'a NirKey,
}

/// Why a line wrote nothing: the problem, and the person it is about when there is one.
struct Refusal {
    id: Option<Uuid>,
    error: ApiError,
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Refusal {
        Refusal { id: None, error }
    }
}

impl From<plateforme_store::StoreError> for Refusal {
    fn from(error: plateforme_store::StoreError) -> Refusal {
        Refusal::from(ApiError::from(error))
    }
}

/// What a line did: its status, the person and its version.
type Applied = (PersonPushStatus, Uuid, i64);

impl Pusher<'_> {
    /// The result of line `number`. Only a failure of the service (5xx) is an error, which
    /// ends the batch: the lines before are written, and sending the batch again finishes it.
    pub async fn apply(&self, number: usize, bytes: &[u8]) -> Result<PersonPushResult, ApiError> {
        let push = match line::read(bytes) {
            Ok(push) => push,
            Err(error) => return refused(number, line::reference_of(bytes), Refusal { id: None, error }),
        };
        match self.push(&push).await {
            Ok((status, id, version)) => Ok(PersonPushResult {
                line: number,
                reference: Some(push.reference),
                status,
                id: Some(id),
                version: Some(version),
                current_version: None,
                problem: None,
            }),
            Err(refusal) => refused(number, Some(push.reference), refusal),
        }
    }

    async fn push(&self, push: &PersonPush) -> Result<Applied, Refusal> {
        let key = SourceKey {
            organization_id: self.caller.principal().organization_id,
            system: push.system().to_owned(),
            reference: push.reference.clone(),
        };
        let hash = person_sources::fingerprint(&self.content_of(push))?;
        let looked_up = key.clone();
        match self.store.run(move |conn| person_sources::find(conn, &looked_up)).await? {
            None => self.register(push, key, hash).await,
            Some(person_id) => self.update(push, key, hash, person_id).await,
        }
    }

    /// What the fingerprint of a line covers: its version and person, the NIR replaced by its
    /// keyed hash (never kept in clear, not even hashed plainly, as its values are few).
    fn content_of(&self, push: &PersonPush) -> Value {
        let mut person = push.person.clone();
        if let Some(nir) = person.get_mut("nir") {
            let hashed = nir.as_str().and_then(|text| Nir::parse(text).ok()).map(|nir| nir.keyed_hash(&self.nir_key.0));
            *nir = json!(hashed.map(|hash| hash.as_str().to_owned()));
        }
        json!({"version": push.version, "person": person})
    }

    /// A new reference: the person registered as `POST /v1/persons` registers them.
    async fn register(&self, push: &PersonPush, key: SourceKey, hash: String) -> Result<Applied, Refusal> {
        if push.version.is_some() {
            return Err(ApiError::validation(vec![FieldError::new(
                "version",
                "version.unknown_reference",
                format!(
                    "the reference {} of system {} names no person yet: send \"version\": null to register them",
                    key.reference, key.system
                ),
            )])
            .into());
        }
        let new: NewPerson = parse_value(push.person.clone()).map_err(within_person)?;
        new.validate().map_err(|errors| within_person(ApiError::validation(errors.into_vec())))?;
        let nir_hash = new.nir.as_ref().map(|nir| nir.keyed_hash(&self.nir_key.0).as_str().to_owned());
        let record = registration_record(self.store, self.caller, new, Some(push.system())).await?;
        let caller = self.caller.clone();
        let context = caller.write_context();
        let person = self
            .store
            .run(move |conn| {
                write::transaction(conn, |conn| {
                    let person = persons::create(conn, &context, record, nir_hash)?;
                    let mut entry = caller.access(person.id, JournalSection::Dossier, Operation::Write);
                    entry.acting_for = person.record.registration.on_behalf_of;
                    journal::append(conn, &[entry])?;
                    person_sources::record(conn, &key, person.id)?;
                    person_sources::remember(conn, &key, &hash, person.id, person.version)?;
                    Ok(person)
                })
            })
            .await?;
        Ok((PersonPushStatus::Created, person.id, person.version))
    }

    /// A known reference: the person it names updated as `PATCH /v1/persons/{id}` updates
    /// them, if the line saw their current version.
    async fn update(&self, push: &PersonPush, key: SourceKey, hash: String, id: Uuid) -> Result<Applied, Refusal> {
        let about = |error: ApiError| Refusal { id: Some(id), error };
        let (looked_up, line) = (key.clone(), hash.clone());
        let also = move |conn: &mut _, person| Ok((person, person_sources::applied(conn, &looked_up, &line)?));
        let (current, applied) = access::load_for_write(self.store, self.caller, id, also).await.map_err(|error| {
            about(match error.code {
                ErrorCode::NotFound => ApiError::new(
                    ErrorCode::Forbidden,
                    format!(
                        "the reference {} names a person your organization may no longer write (they left its remit)",
                        key.reference
                    ),
                ),
                _ => error,
            })
        })?;
        // A line applied already (sent again after a lost answer, or its batch again): what it
        // did is done, whatever was written since.
        if applied {
            return Ok((PersonPushStatus::Unchanged, id, current.version));
        }
        match push.version {
            Some(seen) if seen == current.version => {}
            seen => return Err(about(stale(id, current.version, seen))),
        }
        let patch = MergePatch(push.person.clone());
        let patched = patched_record(self.caller, &current, &patch, Some(push.system())).map_err(within_person);
        let Some((record, changes)) = patched.map_err(about)? else {
            return Ok((PersonPushStatus::Unchanged, id, current.version));
        };
        let context = self.caller.write_context();
        let expected = current.version;
        let updated = access::commit_record(self.store, self.caller, id, JournalSection::Dossier, move |conn| {
            let updated = persons::update(conn, &context, &current, expected, record, changes)?;
            person_sources::remember(conn, &key, &hash, id, updated.version)?;
            Ok(updated)
        })
        .await
        .map_err(|error| match (error.code, error.current_version) {
            // Another write came in between the read and this one.
            (ErrorCode::PreconditionFailed, Some(now)) => about(stale(id, now, Some(expected))),
            _ => about(error),
        })?;
        Ok((PersonPushStatus::Updated, id, updated.version))
    }
}

/// A line about a known reference whose version is not the person's: `seen` older (or none,
/// which would overwrite blind).
fn stale(id: Uuid, current: i64, seen: Option<i64>) -> ApiError {
    let (rule, detail) = match seen {
        Some(seen) => (
            "version.stale",
            format!(
                "the person is at version {current}, the line saw version {seen}: read the person again \
                 (GET /v1/persons/{id}) and send the line again with \"version\": {current}"
            ),
        ),
        None => (
            "version.required",
            format!(
                "the reference names a person already, at version {current}: a line about a known reference says \
                 the version it saw (read GET /v1/persons/{id}, then send \"version\": {current}), so that nothing \
                 is overwritten blind"
            ),
        ),
    };
    let error = FieldError::new("version", rule, format!("the person is at version {current}"));
    ApiError { current_version: Some(current), ..ApiError::new(ErrorCode::StaleVersion, detail) }
        .with_errors(vec![error])
}

/// The result of a line that wrote nothing; a failure of the service ends the batch instead.
fn refused(number: usize, reference: Option<String>, refusal: Refusal) -> Result<PersonPushResult, ApiError> {
    let Refusal { id, error } = refusal;
    if error.code.status().is_server_error() || error.code == ErrorCode::TooManyRequests {
        return Err(error);
    }
    let status = match error.code {
        ErrorCode::Conflict | ErrorCode::StaleVersion | ErrorCode::PreconditionFailed => PersonPushStatus::Conflict,
        ErrorCode::Forbidden | ErrorCode::ProcessingLimited | ErrorCode::NotFound => PersonPushStatus::Forbidden,
        _ => PersonPushStatus::Invalid,
    };
    Ok(PersonPushResult {
        line: number,
        reference,
        status,
        id,
        version: None,
        current_version: error.current_version,
        problem: Some(error.problem()),
    })
}
