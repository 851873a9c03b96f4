//! Who may touch a profile. The person always reaches their own (`/v1/me/profile`); an
//! organization reaches a person's profile as it reaches the person's dossier: under the access
//! policy (the person's remit, and the consents to share), 404 outside it, 423 while the
//! processing of the dossier is limited. Every organization's access is journaled as `profile`.

use plateforme_api::ApiError;
use plateforme_auth::Caller;
use plateforme_auth::policy::{Operation, PersonAccess, Resource};
use plateforme_store::dossier::persons::{self, StoredPerson};
use plateforme_store::write::{Actor, WriteContext};
use plateforme_store::{DbConnection, StoreError};
use uuid::Uuid;

/// The client id the history and the provenance name for the person's own writes.
pub const PERSON_CLIENT: &str = "person";

/// Loads the person the caller may touch with `operation`; outside the policy they do not exist
/// for the caller.
pub fn load_person(
    conn: &mut DbConnection,
    caller: &Caller,
    id: Uuid,
    operation: Operation,
) -> Result<StoredPerson, StoreError> {
    let person = persons::find(conn, id)?.ok_or(StoreError::NotFound)?;
    let remit = persons::remit_of(conn, &person)?;
    if !caller.may(operation, Resource::Person(&PersonAccess::of_remit(&remit))) {
        return Err(StoreError::NotFound);
    }
    match person.limited_at {
        Some(_) => Err(StoreError::ProcessingLimited { current: person.version }),
        None => Ok(person),
    }
}

/// The context of the person's own write: no organization, no counsellor.
pub fn person_context() -> WriteContext {
    WriteContext::of(Actor { client_id: PERSON_CLIENT.into(), organization_id: None })
}

/// A missing person, named in the problem.
pub fn not_found_as_person(error: StoreError, id: Uuid) -> ApiError {
    match error {
        StoreError::NotFound => ApiError::not_found(format!("person {id}")),
        other => other.into(),
    }
}

/// A person without a profile.
pub fn no_profile(id: Uuid) -> ApiError {
    ApiError::not_found(format!("profile of person {id}"))
}
