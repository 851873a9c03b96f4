//! Which events a caller receives, decided by the access policy's own rules (`policy::allows`
//! through `Caller::may`), so that when the rules change the feed follows:
//!
//! - an event of a dossier's part, when the caller may read the person **now** (what the
//!   policy says of the person as they stand, consents to share included); an erased person is
//!   read by nobody now, so their `deleted` events go to those who could read them before;
//! - when the caller may not read the person now, the one event by which the person left the
//!   caller's remit (it could read them before that write and not after), as
//!   `fr.plateforme.person.left_remit`: its mirror drops the dossier, and nothing more of it
//!   follows;
//! - a positioning on a training session, besides, to the session's provider and the région
//!   funding it, granted `training:read`, by the policy's `Positioning` rows;
//! - an offer or an organization, when the caller may read it now.
//!
//! Events of a dossier are personal data (who, that their dossier changed, by whom): only a
//! caller granted `dossier:read` receives them, as only it may read the dossier itself; a
//! breach's events only a caller granted `dossier.sanctions:read` besides.

use std::collections::HashMap;

use plateforme_auth::Caller;
use plateforme_auth::policy::{
    self, Operation, OrganizationAccess, PersonAccess, PositioningAccess, Resource, ResourceKind, Rule,
};
use plateforme_store::changes::ChangeEvent;
use plateforme_store::dossier::persons::{self, PersonRemit};
use plateforme_store::training::positionings;
use plateforme_store::{Action, DbConnection, StoreError, offers, organizations};
use uuid::Uuid;

use crate::event_type::{DOSSIER_TYPES, EventType, Happened};

/// The scope that opens the dossiers' events, as it opens the dossiers.
pub const DOSSIER_READ: &str = "dossier:read";

/// The scope by which a training provider or a région follows the positionings it sees.
const TRAINING_READ: &str = "training:read";

/// What the caller receives of each event: its type, or `None` when it receives nothing of it.
pub fn judge(
    conn: &mut DbConnection,
    caller: &Caller,
    events: &[ChangeEvent],
) -> Result<Vec<Option<EventType>>, StoreError> {
    let reads_dossiers = caller.has_scope(DOSSIER_READ);
    let now = if reads_dossiers { Remits::load(conn, caller, events)? } else { Remits(HashMap::new()) };
    let mut offers_now = HashMap::new();
    let mut judged = Vec::with_capacity(events.len());
    for event in events {
        let Some(written) = EventType::written(&event.resource_type, event.action) else {
            judged.push(None);
            continue;
        };
        let receives = if written.resource_type == positionings::RESOURCE_TYPE {
            let followed = if reads_dossiers { dossier_event(caller, &now, event, written) } else { None };
            match followed {
                Some(received) => Some(received),
                None => positioning_event(conn, caller, event, written)?,
            }
        } else if DOSSIER_TYPES.contains(&written.resource_type) {
            // A breach reaches only a caller granted its own scope, as in every other place.
            if !reads_dossiers || !caller.reads_record_type(written.resource_type) {
                judged.push(None);
                continue;
            }
            dossier_event(caller, &now, event, written)
        } else if written.resource_type == offers::RESOURCE_TYPE {
            let may = match offers_now.get(&event.resource_id) {
                Some(may) => *may,
                None => {
                    let may = may_read_offer(conn, caller, event.resource_id)?;
                    offers_now.insert(event.resource_id, may);
                    may
                }
            };
            may.then_some(written)
        } else if written.resource_type == organizations::RESOURCE_TYPE {
            let organization = OrganizationAccess { id: event.resource_id };
            caller.may(Operation::Read, Resource::Organization(&organization)).then_some(written)
        } else {
            None
        };
        judged.push(receives);
    }
    Ok(judged)
}

/// The persons' remits as they stand now, read only when the caller's rule needs them.
struct Remits(HashMap<Uuid, PersonRemit>);

impl Remits {
    fn load(conn: &mut DbConnection, caller: &Caller, events: &[ChangeEvent]) -> Result<Remits, StoreError> {
        // A rule that admits every person needs nothing of them (France Travail reads the
        // whole feed without a lookup per page).
        if policy::rule(caller.principal().kind, ResourceKind::Person, Operation::Read) == Rule::Everything {
            return Ok(Remits(HashMap::new()));
        }
        let mut subjects: Vec<Uuid> = events
            .iter()
            .filter(|event| DOSSIER_TYPES.contains(&event.resource_type.as_str()))
            .filter_map(|event| event.subject_id)
            .collect();
        subjects.sort_unstable();
        subjects.dedup();
        Ok(Remits(persons::remits(conn, &subjects)?))
    }

    /// What the policy reads of the person now: nothing when they do not exist (erased).
    fn access(&self, person_id: Uuid) -> PersonAccess {
        self.0.get(&person_id).map(PersonAccess::of_remit).unwrap_or_default()
    }
}

fn dossier_event(caller: &Caller, now: &Remits, event: &ChangeEvent, written: EventType) -> Option<EventType> {
    let may = |access: &PersonAccess| caller.may(Operation::Read, Resource::Person(access));
    let before = event.remit.as_ref().map(|change| PersonAccess::of_remit(&change.before));
    if event.action == Action::Deleted {
        // The erasure: those who could read the dossier before it learn it is gone.
        return may(&before.unwrap_or_default()).then_some(written);
    }
    let person_id = event.subject_id?;
    if may(&now.access(person_id)) {
        return Some(written);
    }
    let after = event.remit.as_ref().and_then(|change| change.after.as_ref()).map(PersonAccess::of_remit);
    let left = before.is_some_and(|before| may(&before)) && !after.is_some_and(|after| may(&after));
    left.then_some(EventType { resource_type: persons::RESOURCE_TYPE, happened: Happened::LeftRemit })
}

/// A positioning's event, to the provider of its session or the région funding it: when the
/// caller, granted `training:read`, may read the positioning now (`None` once it is erased).
fn positioning_event(
    conn: &mut DbConnection,
    caller: &Caller,
    event: &ChangeEvent,
    written: EventType,
) -> Result<Option<EventType>, StoreError> {
    if !caller.has_scope(TRAINING_READ) || event.action == Action::Deleted {
        return Ok(None);
    }
    let Some(positioning) = positionings::find_any(conn, event.resource_id)? else { return Ok(None) };
    let person = persons::remit(conn, positioning.person_id)?.map(|remit| PersonAccess::of_remit(&remit));
    let access = PositioningAccess::of_positioning(person.unwrap_or_default(), &positioning);
    Ok(caller.may(Operation::Read, Resource::Positioning(&access)).then_some(written))
}

fn may_read_offer(conn: &mut DbConnection, caller: &Caller, id: Uuid) -> Result<bool, StoreError> {
    if policy::rule(caller.principal().kind, ResourceKind::Offer, Operation::Read) == Rule::Everything {
        return Ok(true);
    }
    Ok(offers::find(conn, id)?
        .is_some_and(|offer| caller.may(Operation::Read, Resource::Offer(&policy::OfferAccess::of_offer(&offer)))))
}
