//! `embed=resource`: the current representation of an event's record, where the caller may read
//! it — the same views the record's own `GET` answers, sensitive parts withheld without their
//! scope. A dossier whose processing is limited (RGPD article 18) is embedded in no event.

use plateforme_auth::Caller;
use plateforme_auth::policy::{self, PersonAccess};
use plateforme_store::changes::ChangeEvent;
use plateforme_store::dossier::{breaches, co_accompaniments, consents, contracts, diagnostics, persons, reviews};
use plateforme_store::training::positionings;
use plateforme_store::{DbConnection, StoreError, offers, organizations, profiles};
use serde::Serialize;
use serde_json::Value;

/// The scope of the sensitive parts: the diagnostic's social part, the RQTH.
const SOCIAL_READ: &str = "dossier.social:read";

/// What was embedded, for the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Embedded {
    /// Nothing of a person: an offer, an organization, or nothing at all.
    NothingPersonal,
    /// A part of the dossier; `social` when the diagnostic's social part was in it.
    Dossier { social: bool },
}

/// The record's current representation, if it exists and the caller may read it. The caller
/// receives the event already (`judge`): only the scopes are checked here.
pub fn representation(
    conn: &mut DbConnection,
    caller: &Caller,
    event: &ChangeEvent,
) -> Result<(Option<Value>, Embedded), StoreError> {
    let id = event.resource_id;
    match event.resource_type.as_str() {
        offers::RESOURCE_TYPE if caller.has_scope("offers:read") => {
            Ok((json(offers::find(conn, id)?)?, Embedded::NothingPersonal))
        }
        organizations::RESOURCE_TYPE if caller.has_scope("organizations:read") => {
            Ok((json(organizations::find(conn, id)?)?, Embedded::NothingPersonal))
        }
        _ => dossier_part(conn, caller, event),
    }
}

fn dossier_part(
    conn: &mut DbConnection,
    caller: &Caller,
    event: &ChangeEvent,
) -> Result<(Option<Value>, Embedded), StoreError> {
    let nothing = Ok((None, Embedded::NothingPersonal));
    let Some(person_id) = event.subject_id else { return nothing };
    // The caller holds `dossier:read`: it receives the event (`judge`).
    if persons::limited_version(conn, person_id)?.is_some() {
        return nothing;
    }
    let id = event.resource_id;
    let sees_social = sees_sensitive_parts(conn, caller, person_id)?;
    let mut social = false;
    let view = match event.resource_type.as_str() {
        persons::RESOURCE_TYPE => json(persons::find(conn, id)?.map(|person| person.view(sees_social, today())))?,
        diagnostics::RESOURCE_TYPE => {
            let view = diagnostics::find(conn, person_id)?
                .map(|found| found.record.view(person_id, found.version, found.times(), sees_social));
            social = view.as_ref().is_some_and(|view| view.social.is_some());
            json(view)?
        }
        contracts::RESOURCE_TYPE => json(contracts::find(conn, person_id, id)?.map(|contract| contract.view()))?,
        reviews::RESOURCE_TYPE => json(reviews::find_in_dossier(conn, person_id, id)?.map(|review| review.view()))?,
        consents::RESOURCE_TYPE => json(consents::find(conn, person_id, id)?)?,
        co_accompaniments::RESOURCE_TYPE => {
            json(co_accompaniments::find(conn, person_id, id)?.map(|found| found.view()))?
        }
        // `judge` served the event: the caller holds the breaches' own scope.
        breaches::RESOURCE_TYPE => json(breaches::find(conn, person_id, id)?.map(|breach| breach.view()))?,
        profiles::RESOURCE_TYPE => json(profiles::find(conn, person_id)?.map(|profile| profile.view()))?,
        // `judge` served the event: a follower of the person, or the session's provider or the
        // région funding it (`training:read`), who read the positioning itself.
        positionings::RESOURCE_TYPE => positionings::find(conn, person_id, id)?.map(|found| found.view()),
        _ => None,
    };
    let embedded = if view.is_some() { Embedded::Dossier { social } } else { Embedded::NothingPersonal };
    Ok((view, embedded))
}

/// Whether the caller sees the sensitive parts of the person's dossier: with their scope, and
/// as the policy opens them to it (not to a co-accompanying organization whose role does not
/// open them) — the decision the dossier's own reads take.
fn sees_sensitive_parts(conn: &mut DbConnection, caller: &Caller, person_id: uuid::Uuid) -> Result<bool, StoreError> {
    if !caller.has_scope(SOCIAL_READ) {
        return Ok(false);
    }
    Ok(persons::remit(conn, person_id)?
        .is_some_and(|remit| policy::opens_sensitive_parts(caller.principal(), &PersonAccess::of_remit(&remit))))
}

fn json<T: Serialize>(view: Option<T>) -> Result<Option<Value>, StoreError> {
    view.map(|view| serde_json::to_value(view).map_err(|error| StoreError::Corrupt(error.to_string()))).transpose()
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}
