//! Who touches a positioning, through the policy: the person's followers by the person rules
//! (creating one is a write of the person), the others by the `Positioning` rows, which know
//! the session's provider and the région funding it. Outside its remit a positioning does not
//! exist for the caller (404); a dossier whose processing is limited answers 423.

use plateforme_auth::Caller;
use plateforme_auth::policy::{Operation, PersonAccess, PositioningAccess, Resource};
use plateforme_store::dossier::persons::{self, StoredPerson};
use plateforme_store::training::positionings::{self, StoredPositioning};
use plateforme_store::{DbConnection, StoreError};
use uuid::Uuid;

use super::model::{Positioning, PositioningRecord};

/// The person and what the policy reads of them (the record, the consents, the
/// co-accompaniments of today).
fn person_with_access(conn: &mut DbConnection, person_id: Uuid) -> Result<(StoredPerson, PersonAccess), StoreError> {
    let person = persons::find(conn, person_id)?.ok_or(StoreError::NotFound)?;
    let access = PersonAccess::of_remit(&persons::remit_of(conn, &person)?);
    Ok((person, access))
}

fn refuse_limited(person: &StoredPerson) -> Result<(), StoreError> {
    match person.limited_at {
        Some(_) => Err(StoreError::ProcessingLimited { current: person.version }),
        None => Ok(()),
    }
}

/// The person, when the caller may touch them by `operation` under the person rules: writing
/// for a positioning (its follow-up of the person), reading for their list.
pub fn person_in_remit(
    conn: &mut DbConnection,
    caller: &Caller,
    person_id: Uuid,
    operation: Operation,
) -> Result<StoredPerson, StoreError> {
    let (person, access) = person_with_access(conn, person_id)?;
    if !caller.may(operation, Resource::Person(&access)) {
        return Err(StoreError::NotFound);
    }
    refuse_limited(&person)?;
    Ok(person)
}

/// The positioning the caller may touch by `operation`, and whether it may read it (a caller
/// that reads it but may not record a step is answered 403, not 404).
pub fn load(
    conn: &mut DbConnection,
    caller: &Caller,
    person_id: Uuid,
    id: Uuid,
    operation: Operation,
) -> Result<Result<StoredPositioning, Unallowed>, StoreError> {
    let (person, access) = person_with_access(conn, person_id)?;
    let positioning = positionings::find(conn, person_id, id)?.ok_or(StoreError::NotFound)?;
    let access = PositioningAccess::of_positioning(access, &positioning);
    if !caller.may(Operation::Read, Resource::Positioning(&access)) {
        return Err(StoreError::NotFound);
    }
    refuse_limited(&person)?;
    if !caller.may(operation, Resource::Positioning(&access)) {
        return Ok(Err(Unallowed));
    }
    Ok(Ok(positioning))
}

/// The caller reads the positioning but may not perform the operation on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unallowed;

/// The positioning as the API answers it.
pub fn view(stored: StoredPositioning) -> Result<Positioning, StoreError> {
    let record: PositioningRecord = serde_json::from_value(stored.record).map_err(crate::corrupt)?;
    Ok(Positioning {
        id: stored.id,
        person_id: stored.person_id,
        status: record.status(),
        provider_organization_id: stored.provider_id,
        funding_region: stored.funding_region,
        record,
        version: stored.version,
        created_at: stored.created_at,
        updated_at: stored.updated_at,
    })
}
