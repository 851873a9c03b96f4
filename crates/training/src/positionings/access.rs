//! Who touches a positioning, through the policy: the person's followers by the person rules
//! (creating one is a write of the person), the others by the `Positioning` rows, which know
//! the session's provider and the région funding it. Outside its remit a positioning does not
//! exist for the caller (404); a dossier whose processing is limited answers 423.

use plateforme_auth::policy::{Operation, PersonAccess, PositioningAccess, Resource};
use plateforme_auth::{Caller, JournalSection, mandate};
use plateforme_store::access::journal::Access;
use plateforme_store::dossier::persons::{self, StoredPerson};
use plateforme_store::training::positionings::{self, StoredPositioning};
use plateforme_store::{DbConnection, StoreError};
use uuid::Uuid;

use super::model::Positioning;

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

/// The journal entry of the caller's access to the person's positionings (`training`), naming
/// the organization it acts for when it acts under a mandate, as the dossier's accesses do.
pub fn journal_entry(
    conn: &mut DbConnection,
    caller: &Caller,
    person: &StoredPerson,
    operation: Operation,
) -> Result<Access, StoreError> {
    mandate::access_to(conn, caller, person, JournalSection::Training, operation)
}

/// A positioning the caller may touch, with the journal entry of that access.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub positioning: StoredPositioning,
    pub journal: Access,
}

/// The positioning the caller may touch by `operation`, and whether it may read it (a caller
/// that reads it but may not record a step is answered 403, not 404).
pub fn load(
    conn: &mut DbConnection,
    caller: &Caller,
    person_id: Uuid,
    id: Uuid,
    operation: Operation,
) -> Result<Result<Loaded, Unallowed>, StoreError> {
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
    let journal = journal_entry(conn, caller, &person, operation)?;
    Ok(Ok(Loaded { positioning, journal }))
}

/// The caller reads the positioning but may not perform the operation on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unallowed;

/// The positioning as the API answers it: the store's view (the change feed embeds the same).
pub fn view(stored: StoredPositioning) -> Result<Positioning, StoreError> {
    serde_json::from_value(stored.view()).map_err(crate::corrupt)
}
