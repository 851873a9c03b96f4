//! Whom a delegated operator acts for: a partner that registers or accompanies a person under a
//! mandate acts for the organization that mandated it, and the access journal names that
//! organization (`acting_for`) on each of its accesses to the person — the dossier's and the
//! training path's alike.

use chrono::NaiveDate;
use plateforme_store::access::journal::Access;
use plateforme_store::dossier::co_accompaniments;
use plateforme_store::dossier::persons::StoredPerson;
use plateforme_store::{DbConnection, StoreError};
use uuid::Uuid;

use crate::policy::{Operation, roles};
use crate::{Caller, JournalSection};

/// The organization the caller acts for on this person, if it acts as a delegated operator: a
/// partner acts for the organization that mandated it — the one it registered the person for, or
/// the one its delegated co-accompaniment names. Read only for the kinds that act under mandate,
/// so the others' accesses cost no extra query.
pub fn acting_for(
    conn: &mut DbConnection,
    caller: &Caller,
    person: &StoredPerson,
    today: NaiveDate,
) -> Result<Option<Uuid>, StoreError> {
    if !roles::registration_needs_mandate(caller.principal().kind) {
        return Ok(None);
    }
    let me = caller.principal().organization_id;
    let registration = &person.record.registration;
    if registration.registered_by == me && registration.on_behalf_of.is_some() {
        return Ok(registration.on_behalf_of);
    }
    let active = co_accompaniments::active(conn, person.id, today)?;
    Ok(active.into_iter().find(|(organization, _, _)| *organization == me).and_then(|(_, _, acting_for)| acting_for))
}

/// The journal entry of the caller's access to the person, naming whom it acts for.
pub fn access_to(
    conn: &mut DbConnection,
    caller: &Caller,
    person: &StoredPerson,
    section: JournalSection,
    operation: Operation,
) -> Result<Access, StoreError> {
    let mut entry = caller.access(person.id, section, operation);
    entry.acting_for = acting_for(conn, caller, person, chrono::Utc::now().date_naive())?;
    Ok(entry)
}
