//! Queries of `consents`. A consent is given once (version 1) and withdrawn once (version 2);
//! the policy reads the active `dossier_sharing` consents through `persons::shared_with`, so a
//! withdrawal committed here closes the dossier to the partner from the next request on.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use plateforme_model::ids::{new_id, now};
use plateforme_model::person::consent::{Consent, ConsentKind, NewConsent};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::changes::RemitChange;
use crate::dossier::persons;
use crate::pagination::{find_child, page_by_key};
use crate::schema::consents;
use crate::timestamps::{from_db, to_db};
use crate::write::{self, Action, Mutation, WriteContext};
use crate::{DbConnection, Page, PageRequest, StoreError};

pub const RESOURCE_TYPE: &str = "consent";

#[derive(Queryable, Insertable)]
#[diesel(table_name = consents)]
struct ConsentRow {
    id: String,
    person_id: String,
    kind: String,
    partner_organization_id: Option<String>,
    given_at: NaiveDateTime,
    withdrawn_at: Option<NaiveDateTime>,
    recorded_by: String,
    version: i64,
}

/// Records a consent the person gives. While one of the same kind (and partner) is active,
/// giving it again answers `Conflict` naming it.
pub fn give(
    conn: &mut DbConnection,
    context: &WriteContext,
    person_id: Uuid,
    new: &NewConsent,
) -> Result<Consent, StoreError> {
    if let Some(existing) = active_id(conn, person_id, new)? {
        return Err(already_active(new, existing));
    }
    let consent = Consent {
        id: new_id(),
        person_id,
        kind: new.kind,
        partner_organization_id: new.partner_organization_id,
        active: true,
        given_at: now(),
        withdrawn_at: None,
        recorded_by: context.actor.client_id.clone(),
        version: 1,
    };
    let row = row_of(&consent);
    // A savepoint, so the transaction stays usable to name the consent given meanwhile: the
    // unique index `consents_active` refuses a second active one.
    let inserted = conn.transaction(|conn| diesel::insert_into(consents::table).values(&row).execute(conn));
    if let Err(error) = inserted {
        let error = StoreError::from(error);
        return match (error.is_unique_violation(), active_id(conn, person_id, new)?) {
            (true, Some(existing)) => Err(already_active(new, existing)),
            _ => Err(error),
        };
    }
    let changes = serde_json::to_value(&consent).map_err(StoreError::corrupt)?;
    let mutation = mutation(conn, &consent, Action::Created, changes)?;
    write::record(conn, context, &mutation)?;
    Ok(consent)
}

fn already_active(new: &NewConsent, existing: Uuid) -> StoreError {
    let to = new.partner_organization_id.map(|partner| format!(" with partner {partner}")).unwrap_or_default();
    StoreError::Conflict {
        detail: format!("the person's {} consent{to} is active already (consent {existing})", new.kind.as_str()),
        existing_id: Some(existing),
    }
}

/// The active consent of this kind (and partner), if any.
fn active_id(conn: &mut DbConnection, person_id: Uuid, new: &NewConsent) -> Result<Option<Uuid>, StoreError> {
    let mut query = consents::table
        .select(consents::id)
        .filter(consents::person_id.eq(person_id.to_string()))
        .filter(consents::kind.eq(new.kind.as_str()))
        .filter(consents::withdrawn_at.is_null())
        .into_boxed();
    query = match new.partner_organization_id {
        Some(partner) => query.filter(consents::partner_organization_id.eq(partner.to_string())),
        None => query.filter(consents::partner_organization_id.is_null()),
    };
    let id: Option<String> = query.first(conn).optional()?;
    id.map(|id| id.parse().map_err(StoreError::corrupt)).transpose()
}

/// One consent of the person.
pub fn find(conn: &mut DbConnection, person_id: Uuid, id: Uuid) -> Result<Option<Consent>, StoreError> {
    find_child!(conn, consents::person_id == person_id, id, ConsentRow, consent_of_row)
}

/// Withdraws a consent of the person, at once. A consent withdrawn already answers `Conflict`
/// saying when, with its id.
pub fn withdraw(
    conn: &mut DbConnection,
    context: &WriteContext,
    person_id: Uuid,
    id: Uuid,
) -> Result<Consent, StoreError> {
    let current = find(conn, person_id, id)?.ok_or(StoreError::NotFound)?;
    if let Some(at) = current.withdrawn_at {
        return Err(withdrawn_already(id, at));
    }
    let at = now();
    // Only an active consent is withdrawn, so that of two concurrent withdrawals one wins.
    let written = diesel::update(consents::table.find(id.to_string()))
        .filter(consents::withdrawn_at.is_null())
        .set((consents::withdrawn_at.eq(Some(to_db(at))), consents::version.eq(current.version + 1)))
        .execute(conn)?;
    if written == 0 {
        let winner = find(conn, person_id, id)?.ok_or(StoreError::NotFound)?;
        return Err(withdrawn_already(id, winner.withdrawn_at.unwrap_or(at)));
    }
    let withdrawn = Consent { active: false, withdrawn_at: Some(at), version: current.version + 1, ..current };
    // The profile exists only while this consent stands: it goes in the same transaction, so the
    // very next search no longer finds it.
    if withdrawn.kind == ConsentKind::ProfileBank {
        crate::profiles::delete_on_withdrawal(conn, context, person_id)?;
    }
    let changes = json!({"active": false, "withdrawn_at": at});
    let mutation = mutation(conn, &withdrawn, Action::Updated, changes)?;
    write::record(conn, context, &mutation)?;
    Ok(withdrawn)
}

fn withdrawn_already(id: Uuid, at: chrono::DateTime<chrono::Utc>) -> StoreError {
    StoreError::Conflict {
        detail: format!("consent {id} was withdrawn already, at {}", at.to_rfc3339()),
        existing_id: Some(id),
    }
}

/// The person's consents, oldest first; only the active or only the withdrawn ones when
/// `active` says so.
pub fn list(
    conn: &mut DbConnection,
    person_id: Uuid,
    active: Option<bool>,
    page: &PageRequest,
) -> Result<Page<Consent>, StoreError> {
    let query = consents::table.filter(consents::person_id.eq(person_id.to_string())).into_boxed();
    let query = match active {
        Some(true) => query.filter(consents::withdrawn_at.is_null()),
        Some(false) => query.filter(consents::withdrawn_at.is_not_null()),
        None => query,
    };
    page_by_key!(conn, query, page, consents::id, ConsentRow, consent_of_row)
}

/// A consent is a part of the person's dossier: its events are on the person's timeline. A
/// consent to share the dossier with a partner changes who may read it: the event records it.
fn mutation(
    conn: &mut DbConnection,
    consent: &Consent,
    action: Action,
    changes: Value,
) -> Result<Mutation, StoreError> {
    Ok(Mutation::new(RESOURCE_TYPE, consent.id, consent.version, action, changes)
        .of_person(consent.person_id)
        .changing_remit(sharing_change(conn, consent)?))
}

/// The person's remit before and after a consent to share was given or withdrawn (written
/// already: `after` is read as it stands now); `None` for the other kinds of consent.
fn sharing_change(conn: &mut DbConnection, consent: &Consent) -> Result<Option<RemitChange>, StoreError> {
    let Some(partner) = consent.partner_organization_id.filter(|_| consent.kind.as_str() == persons::SHARING) else {
        return Ok(None);
    };
    let Some(after) = persons::remit(conn, consent.person_id)? else { return Ok(None) };
    let mut before = after.clone();
    if consent.active {
        before.shared_with.retain(|shared| *shared != partner);
    } else {
        before.shared_with.push(partner);
    }
    Ok(RemitChange::between(before, Some(after)))
}

fn row_of(consent: &Consent) -> ConsentRow {
    ConsentRow {
        id: consent.id.to_string(),
        person_id: consent.person_id.to_string(),
        kind: consent.kind.as_str().to_owned(),
        partner_organization_id: consent.partner_organization_id.map(|id| id.to_string()),
        given_at: to_db(consent.given_at),
        withdrawn_at: consent.withdrawn_at.map(to_db),
        recorded_by: consent.recorded_by.clone(),
        version: consent.version,
    }
}

fn consent_of_row(row: ConsentRow) -> Result<Consent, StoreError> {
    let kind =
        ConsentKind::parse(&row.kind).ok_or_else(|| StoreError::corrupt(format!("consent kind {}", row.kind)))?;
    Ok(Consent {
        id: row.id.parse().map_err(StoreError::corrupt)?,
        person_id: row.person_id.parse().map_err(StoreError::corrupt)?,
        kind,
        partner_organization_id: row
            .partner_organization_id
            .map(|id| id.parse())
            .transpose()
            .map_err(StoreError::corrupt)?,
        active: row.withdrawn_at.is_none(),
        given_at: from_db(row.given_at),
        withdrawn_at: row.withdrawn_at.map(from_db),
        recorded_by: row.recorded_by,
        version: row.version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_reads_the_kind_this_module_writes() {
        assert_eq!(ConsentKind::DossierSharing.as_str(), crate::dossier::persons::SHARING);
    }
}
