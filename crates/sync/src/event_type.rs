//! The types of the feed's events: `fr.plateforme.<resource>.<action>`, one per resource type and
//! action the store records, and `fr.plateforme.person.left_remit`, which the feed derives.

use std::fmt;

use plateforme_store::Action;
use plateforme_store::dossier::{breaches, co_accompaniments, consents, contracts, diagnostics, persons, reviews};
use plateforme_store::training::positionings;
use plateforme_store::{offers, organizations, profiles};

/// The resource types that are parts of a person's dossier: their events concern the person
/// (the event's subject) and the person rules decide who receives them; a breach needs its own
/// scope besides (`Caller::reads_record_type`); a positioning on a training session reaches its
/// session's provider and funding région too (`judge`). The profile in the profile bank is one of
/// them: its events (created, updated — the retention's warning `purge_scheduled_on` among them —,
/// deleted) reach whoever follows the person, never a recruiter, who holds no `dossier:read`.
pub const DOSSIER_TYPES: [&str; 9] = [
    persons::RESOURCE_TYPE,
    diagnostics::RESOURCE_TYPE,
    contracts::RESOURCE_TYPE,
    reviews::RESOURCE_TYPE,
    consents::RESOURCE_TYPE,
    co_accompaniments::RESOURCE_TYPE,
    breaches::RESOURCE_TYPE,
    positionings::RESOURCE_TYPE,
    profiles::RESOURCE_TYPE,
];

/// The resource types the feed serves, as the store names them: the dossier's, offers and
/// organizations. The store records others (clients of the platform, delegations, reception
/// sites) that the feed does not serve yet.
pub(crate) fn resource_types() -> impl Iterator<Item = &'static str> {
    DOSSIER_TYPES.into_iter().chain([offers::RESOURCE_TYPE, organizations::RESOURCE_TYPE])
}

const PREFIX: &str = "fr.plateforme.";

/// What happened, as an event type says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Happened {
    /// What the store recorded.
    Written(Action),
    /// The person left the caller's remit by this change (re-oriented elsewhere, a consent to
    /// share withdrawn…): the caller's mirror drops the dossier; nothing more of it follows.
    LeftRemit,
}

impl Happened {
    pub fn as_str(self) -> &'static str {
        match self {
            Happened::Written(action) => action.as_str(),
            Happened::LeftRemit => "left_remit",
        }
    }
}

/// One event type of the feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventType {
    pub resource_type: &'static str,
    pub happened: Happened,
}

impl EventType {
    /// Every type the feed may serve, in a stable order.
    pub fn all() -> impl Iterator<Item = EventType> {
        let written = resource_types().flat_map(|resource_type| {
            [Action::Created, Action::Updated, Action::Deleted]
                .into_iter()
                .map(move |action| EventType { resource_type, happened: Happened::Written(action) })
        });
        let left = EventType { resource_type: persons::RESOURCE_TYPE, happened: Happened::LeftRemit };
        written.chain(std::iter::once(left))
    }

    /// The type named `text`, if the feed serves it.
    pub fn parse(text: &str) -> Option<EventType> {
        EventType::all().find(|known| known.to_string() == text)
    }

    /// The type of a recorded event, if its resource type is one the feed serves.
    pub fn written(resource_type: &str, action: Action) -> Option<EventType> {
        let resource_type = resource_types().find(|known| *known == resource_type)?;
        Some(EventType { resource_type, happened: Happened::Written(action) })
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PREFIX}{}.{}", self.resource_type, self.happened.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_reads_back_and_nothing_else_does() {
        let all: Vec<EventType> = EventType::all().collect();
        assert_eq!(all.len(), 11 * 3 + 1);
        for known in &all {
            assert_eq!(EventType::parse(&known.to_string()), Some(*known));
        }
        for unknown in ["fr.plateforme.oauth_client.created", "fr.plateforme.offer.left_remit", "person.updated", ""] {
            assert_eq!(EventType::parse(unknown), None, "{unknown}");
        }
        assert_eq!(EventType::parse("fr.plateforme.person.left_remit").map(|t| t.happened), Some(Happened::LeftRemit));
    }
}
