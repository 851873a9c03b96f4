//! Record-level access policy: may this organization read or write *this* record?
//!
//! Scopes, checked elsewhere, say which operations a client may call; this module says which
//! records those operations may touch. The whole policy is one table ([`table()`], written out in
//! `table.rs`) giving a [`Rule`] per (organization kind, resource kind, operation); [`allows`]
//! looks the rule up and evaluates it against what the caller knows of the record. Keeping the
//! policy as data rather than as scattered `if`s is what lets it be reviewed, printed in the
//! security documentation, and tested as a matrix.
//!
//! Everything fails closed: a combination missing from the table is [`Rule::Nothing`], and a rule
//! evaluated against a resource it does not speak of (a person rule against an offer) denies.

mod persons;
pub mod powers;
pub mod roles;
mod table;
#[cfg(test)]
mod tests;

pub use persons::{PersonCondition, opens_sensitive_parts, person_filter};

use plateforme_model::codes::{DepartementCode, RegionCode};
use plateforme_model::offer::{Offer, OfferStatus};
use plateforme_model::organization::{OrganizationKind, Territory};
use plateforme_model::person::co_accompaniment::CoAccompanimentRole;
use plateforme_store::dossier::persons::PersonRemit;
use plateforme_store::training::positionings::StoredPositioning;
use uuid::Uuid;

/// The organization a caller acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub organization_id: Uuid,
    pub kind: OrganizationKind,
    pub territory: Territory,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    Read,
    Write,
}

impl Operation {
    pub const ALL: [Operation; 2] = [Self::Read, Self::Write];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
        }
    }
}

/// What the policy needs to know of a person's dossier.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonAccess {
    /// The organization that registered the person.
    pub registered_by: Option<Uuid>,
    /// The current referent organizations (orientation).
    pub oriented_to: Vec<Uuid>,
    pub rsa_beneficiary: bool,
    pub residence_departement: Option<DepartementCode>,
    /// The partners the person consented to share the dossier with.
    pub shared_with: Vec<Uuid>,
    /// The organizations co-accompanying the person today, each in its role.
    pub co_accompanied_by: Vec<(Uuid, CoAccompanimentRole)>,
}

impl PersonAccess {
    /// What the policy reads of a person, from what the store knows of their remit. A
    /// residence code that is not a département (it cannot be, as the store derives it from a
    /// checked commune) places the person in no territory.
    pub fn of_remit(remit: &PersonRemit) -> PersonAccess {
        PersonAccess {
            registered_by: remit.registered_by,
            oriented_to: remit.oriented_to.into_iter().collect(),
            rsa_beneficiary: remit.rsa_beneficiary,
            residence_departement: remit
                .residence_departement
                .as_deref()
                .and_then(|code| DepartementCode::parse(code).ok()),
            shared_with: remit.shared_with.clone(),
            co_accompanied_by: remit.co_accompanied_by.clone(),
        }
    }
}

/// What the policy needs to know of a job offer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfferAccess {
    /// The organizations that published it (an offer published "once for all" may have several).
    pub source_organizations: Vec<Uuid>,
    /// The organization that controls its text and status (docs/offers.md, Ownership).
    pub owner: Option<Uuid>,
    /// Whether it is open to applications (open offers are public).
    pub open: bool,
}

impl OfferAccess {
    /// What the policy reads of an offer.
    pub fn of_offer(offer: &Offer) -> OfferAccess {
        OfferAccess {
            source_organizations: offer.source_organizations(),
            owner: Some(offer.owner_organization_id),
            open: offer.status == OfferStatus::Open,
        }
    }
}

/// What the policy needs to know of a training catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingAccess {
    pub region: RegionCode,
    pub published_by: Uuid,
}

/// What the policy needs to know of a person's positioning on a training session: the person,
/// the organization that published the session, and the région that funds it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PositioningAccess {
    pub person: PersonAccess,
    /// The organization that published the session (its training provider, or a partner).
    pub provider: Uuid,
    /// The région funding the session's action (LHEO `code-financeur` 2, the conseil régional),
    /// when one does.
    pub funding_region: Option<RegionCode>,
}

impl PositioningAccess {
    /// What the policy reads of a stored positioning of a person whose remit is `person`.
    pub fn of_positioning(person: PersonAccess, stored: &StoredPositioning) -> PositioningAccess {
        PositioningAccess {
            person,
            provider: stored.provider_id,
            funding_region: stored.funding_region.as_deref().and_then(|code| RegionCode::parse(code).ok()),
        }
    }
}

/// The territory an indicator is computed over: a département, a région, or (both `None`) the
/// whole country.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndicatorsAccess {
    pub region: Option<RegionCode>,
    pub departement: Option<DepartementCode>,
}

impl IndicatorsAccess {
    /// National figures are open data.
    pub fn is_national(&self) -> bool {
        self.region.is_none() && self.departement.is_none()
    }
}

/// What the policy needs to know of an organization record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrganizationAccess {
    pub id: Uuid,
}

/// The record an operation touches, as far as the policy is concerned.
#[derive(Debug, Clone, Copy)]
pub enum Resource<'a> {
    Person(&'a PersonAccess),
    Offer(&'a OfferAccess),
    Training(&'a TrainingAccess),
    Positioning(&'a PositioningAccess),
    Indicators(&'a IndicatorsAccess),
    Organization(&'a OrganizationAccess),
}

impl Resource<'_> {
    pub fn kind(&self) -> ResourceKind {
        match self {
            Self::Person(_) => ResourceKind::Person,
            Self::Offer(_) => ResourceKind::Offer,
            Self::Training(_) => ResourceKind::Training,
            Self::Positioning(_) => ResourceKind::Positioning,
            Self::Indicators(_) => ResourceKind::Indicators,
            Self::Organization(_) => ResourceKind::Organization,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    Person,
    Offer,
    Training,
    Positioning,
    Indicators,
    Organization,
}

impl ResourceKind {
    pub const ALL: [ResourceKind; 6] =
        [Self::Person, Self::Offer, Self::Training, Self::Positioning, Self::Indicators, Self::Organization];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Offer => "offer",
            Self::Training => "training",
            Self::Positioning => "training_positioning",
            Self::Indicators => "indicators",
            Self::Organization => "organization",
        }
    }
}

/// Which records of a resource kind an organization may touch. "Self" is the caller's
/// organization, "territory" the caller's [`Territory`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    Everything,
    Nothing,
    /// Persons: registered by the organization, or oriented to it.
    RegisteredOrOrientedToSelf,
    /// Persons: [`Rule::RegisteredOrOrientedToSelf`], co-accompanied by it, or sharing their
    /// dossier with it.
    RegisteredOrientedCoAccompaniedOrShared,
    /// Persons: registered by the organization (a partner, under a mandate).
    RegisteredBySelf,
    /// Persons: registered by the organization, co-accompanied by it, or sharing their dossier
    /// with it.
    RegisteredCoAccompaniedOrShared,
    /// Persons: co-accompanied by the organization, or sharing their dossier with it.
    CoAccompaniedOrShared,
    /// Persons: RSA beneficiaries whose residence is in one of the territory's départements.
    RsaResidentOfTerritory,
    /// Persons: [`Rule::RsaResidentOfTerritory`], or co-accompanied by the organization.
    RsaResidentOrCoAccompanied,
    /// Offers the organization is a source of; training entries it published.
    PublishedBySelf,
    /// Offers the organization owns (a merged source does not).
    OwnedBySelf,
    /// Open offers, and offers the organization is a source of: what the public reads.
    OpenOrPublishedBySelf,
    /// Training entries of one of the territory's régions.
    InOwnRegion,
    /// Positionings on training of the persons the organization reads (its kind's person rule).
    OfPersonsItReads,
    /// Positionings on the sessions the organization published (the training provider).
    OnOwnSessions,
    /// [`Rule::OfPersonsItReads`] or [`Rule::OnOwnSessions`]: a partner both accompanies and
    /// trains.
    OfPersonsItReadsOrOnOwnSessions,
    /// Positionings on sessions a région of the territory funds.
    OnSessionsItFunds,
    /// Indicators: national ones, and those of one of the territory's régions or of a
    /// département of those régions.
    NationalOrOwnRegion,
    /// Indicators: national ones, and those of one of the territory's départements.
    NationalOrOwnDepartements,
    /// Indicators: national ones, and those of the territory at its finest level — its
    /// départements when it lists any ([`Rule::NationalOrOwnDepartements`]), else its régions
    /// ([`Rule::NationalOrOwnRegion`]): a DDETS its département, a DREETS its région.
    NationalOrOwnTerritory,
    /// Indicators: national ones only (open data).
    NationalOnly,
    /// Organizations: the caller's own.
    SelfOnly,
}

impl Rule {
    pub const ALL: [Rule; 22] = [
        Self::Everything,
        Self::Nothing,
        Self::RegisteredOrOrientedToSelf,
        Self::RegisteredOrientedCoAccompaniedOrShared,
        Self::RegisteredBySelf,
        Self::RegisteredCoAccompaniedOrShared,
        Self::CoAccompaniedOrShared,
        Self::RsaResidentOfTerritory,
        Self::RsaResidentOrCoAccompanied,
        Self::PublishedBySelf,
        Self::OwnedBySelf,
        Self::OpenOrPublishedBySelf,
        Self::InOwnRegion,
        Self::OfPersonsItReads,
        Self::OnOwnSessions,
        Self::OfPersonsItReadsOrOnOwnSessions,
        Self::OnSessionsItFunds,
        Self::NationalOrOwnRegion,
        Self::NationalOrOwnDepartements,
        Self::NationalOrOwnTerritory,
        Self::NationalOnly,
        Self::SelfOnly,
    ];

    /// What the rule admits, in words, for the security documentation.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Everything => "every record",
            Self::Nothing => "no record",
            Self::RegisteredOrOrientedToSelf => "persons registered by the organization or oriented to it",
            Self::RegisteredOrientedCoAccompaniedOrShared => {
                "persons registered by, oriented to or co-accompanied by the organization, or who consented to share \
                 their dossier with it"
            }
            Self::RegisteredBySelf => "persons registered by the organization",
            Self::RegisteredCoAccompaniedOrShared => {
                "persons registered or co-accompanied by the organization, or who consented to share their dossier with it"
            }
            Self::CoAccompaniedOrShared => {
                "persons co-accompanied by the organization, or who consented to share their dossier with it"
            }
            Self::RsaResidentOfTerritory => {
                "RSA beneficiaries resident in a département of the organization's territory"
            }
            Self::RsaResidentOrCoAccompanied => {
                "RSA beneficiaries resident in a département of the organization's territory, and persons it \
                 co-accompanies"
            }
            Self::PublishedBySelf => "offers the organization is a source of, and training entries it published",
            Self::OwnedBySelf => "offers the organization owns (not those it is only a merged source of)",
            Self::OpenOrPublishedBySelf => "open offers, and offers the organization is a source of",
            Self::InOwnRegion => "training entries of a région of the organization's territory",
            Self::OfPersonsItReads => "positionings on training of the persons the organization reads",
            Self::OnOwnSessions => "positionings on the training sessions the organization published",
            Self::OfPersonsItReadsOrOnOwnSessions => {
                "positionings of the persons the organization reads, and on the sessions it published"
            }
            Self::OnSessionsItFunds => {
                "positionings on training sessions a région of the organization's territory funds"
            }
            Self::NationalOrOwnRegion => {
                "national indicators, and those of a région of the organization's territory or of a département in it"
            }
            Self::NationalOrOwnDepartements => {
                "national indicators, and indicators of a département of the organization's territory"
            }
            Self::NationalOrOwnTerritory => {
                "national indicators, and those of the organization's départements when it lists any, else of its \
                 régions and their départements"
            }
            Self::NationalOnly => "national indicators only (open data)",
            Self::SelfOnly => "the organization's own record",
        }
    }

    /// Whether the rule speaks of records of this kind at all. A rule that does not always
    /// denies; the table only pairs rules with resources they apply to (a test checks it).
    pub fn applies_to(self, resource: ResourceKind) -> bool {
        match self {
            Self::Everything | Self::Nothing => true,
            Self::RegisteredOrOrientedToSelf
            | Self::RegisteredOrientedCoAccompaniedOrShared
            | Self::RegisteredBySelf
            | Self::RegisteredCoAccompaniedOrShared
            | Self::CoAccompaniedOrShared
            | Self::RsaResidentOfTerritory
            | Self::RsaResidentOrCoAccompanied => resource == ResourceKind::Person,
            Self::PublishedBySelf => matches!(resource, ResourceKind::Offer | ResourceKind::Training),
            Self::OwnedBySelf | Self::OpenOrPublishedBySelf => resource == ResourceKind::Offer,
            Self::InOwnRegion => resource == ResourceKind::Training,
            Self::OfPersonsItReads
            | Self::OnOwnSessions
            | Self::OfPersonsItReadsOrOnOwnSessions
            | Self::OnSessionsItFunds => resource == ResourceKind::Positioning,
            Self::NationalOrOwnRegion
            | Self::NationalOrOwnDepartements
            | Self::NationalOrOwnTerritory
            | Self::NationalOnly => resource == ResourceKind::Indicators,
            Self::SelfOnly => resource == ResourceKind::Organization,
        }
    }

    /// Evaluates the rule for `principal` against one record. The match is on the rule alone,
    /// so that a new rule cannot be added without saying what it admits.
    fn admits(self, principal: &Principal, resource: Resource<'_>) -> bool {
        let me = principal.organization_id;
        let territory = &principal.territory;
        match self {
            Self::Everything => true,
            Self::Nothing => false,
            // Defined once, by their conditions, in `persons`: the list filter follows them too.
            Self::RegisteredOrOrientedToSelf
            | Self::RegisteredOrientedCoAccompaniedOrShared
            | Self::RegisteredBySelf
            | Self::RegisteredCoAccompaniedOrShared
            | Self::CoAccompaniedOrShared
            | Self::RsaResidentOfTerritory
            | Self::RsaResidentOrCoAccompanied => {
                person(resource).is_some_and(|person| persons::admits(self, principal, person))
            }
            Self::PublishedBySelf => match resource {
                Resource::Offer(offer) => offer.source_organizations.contains(&me),
                Resource::Training(training) => training.published_by == me,
                _ => false,
            },
            Self::OwnedBySelf => offer(resource).is_some_and(|offer| offer.owner == Some(me)),
            Self::OpenOrPublishedBySelf => Self::admits_public(self, Some(principal), resource),
            Self::InOwnRegion => match resource {
                Resource::Training(training) => territory.regions.contains(&training.region),
                _ => false,
            },
            // The person as the kind's own person rule judges them: one definition of whom an
            // organization follows.
            Self::OfPersonsItReads => positioning(resource).is_some_and(|positioning| {
                rule(principal.kind, ResourceKind::Person, Operation::Read)
                    .admits(principal, Resource::Person(&positioning.person))
            }),
            Self::OnOwnSessions => positioning(resource).is_some_and(|positioning| positioning.provider == me),
            Self::OfPersonsItReadsOrOnOwnSessions => {
                Self::OfPersonsItReads.admits(principal, resource) || Self::OnOwnSessions.admits(principal, resource)
            }
            Self::OnSessionsItFunds => positioning(resource).is_some_and(|positioning| {
                positioning.funding_region.as_ref().is_some_and(|region| territory.regions.contains(region))
            }),
            // The département, when given, is the finest level the figures describe, so it
            // decides: its région is derived from it rather than taken from `region`, which could
            // disagree.
            Self::NationalOrOwnRegion => indicators(resource).is_some_and(|i| match (&i.departement, &i.region) {
                (Some(departement), _) => territory.regions.contains(&RegionCode::of_departement(departement)),
                (None, Some(region)) => territory.regions.contains(region),
                (None, None) => true,
            }),
            Self::NationalOrOwnDepartements => {
                indicators(resource).is_some_and(|i| match (&i.departement, &i.region) {
                    (Some(departement), _) => territory.departements.contains(departement),
                    // A région's figures cover more than the organization's départements.
                    (None, Some(_)) => false,
                    (None, None) => true,
                })
            }
            Self::NationalOrOwnTerritory => match territory.departements.is_empty() {
                true => Self::NationalOrOwnRegion.admits(principal, resource),
                false => Self::NationalOrOwnDepartements.admits(principal, resource),
            },
            Self::NationalOnly => indicators(resource).is_some_and(IndicatorsAccess::is_national),
            Self::SelfOnly => match resource {
                Resource::Organization(organization) => organization.id == me,
                _ => false,
            },
        }
    }
}

impl Rule {
    /// Evaluates a rule of the public table for a caller that may have no organization.
    fn admits_public(self, principal: Option<&Principal>, resource: Resource<'_>) -> bool {
        match self {
            Self::OpenOrPublishedBySelf => offer(resource).is_some_and(|offer| {
                offer.open || principal.is_some_and(|me| offer.source_organizations.contains(&me.organization_id))
            }),
            Self::Everything => true,
            rule => principal.is_some_and(|principal| rule.admits(principal, resource)),
        }
    }
}

fn offer(resource: Resource<'_>) -> Option<&OfferAccess> {
    match resource {
        Resource::Offer(offer) => Some(offer),
        _ => None,
    }
}

fn person(resource: Resource<'_>) -> Option<&PersonAccess> {
    match resource {
        Resource::Person(person) => Some(person),
        _ => None,
    }
}

fn positioning(resource: Resource<'_>) -> Option<&PositioningAccess> {
    match resource {
        Resource::Positioning(positioning) => Some(positioning),
        _ => None,
    }
}

fn indicators(resource: Resource<'_>) -> Option<&IndicatorsAccess> {
    match resource {
        Resource::Indicators(indicators) => Some(indicators),
        _ => None,
    }
}

/// One row of the policy: which records organizations of `kind` may touch by `operation` on
/// `resource`.
type Row = (OrganizationKind, ResourceKind, Operation, Rule);

/// The rule for a combination; [`Rule::Nothing`] when the table has no row for it.
pub fn rule(kind: OrganizationKind, resource: ResourceKind, operation: Operation) -> Rule {
    lookup(table::TABLE, kind, resource, operation)
}

// A linear scan of 108 rows: cheaper than any hashing, and it keeps the table a plain literal.
fn lookup(rows: &[Row], kind: OrganizationKind, resource: ResourceKind, operation: Operation) -> Rule {
    rows.iter()
        .find(|(k, r, o, _)| *k == kind && *r == resource && *o == operation)
        .map_or(Rule::Nothing, |(_, _, _, rule)| *rule)
}

/// Whether `principal` may perform `operation` on this record.
pub fn allows(principal: &Principal, operation: Operation, resource: Resource<'_>) -> bool {
    rule(principal.kind, resource.kind(), operation).admits(principal, resource)
}

/// The rule for a **public** caller: one without a token (`principal` is `None`), or whose
/// token lacks the operation's scope, so that it calls a public operation as the public does
/// ([`table::PUBLIC`]). [`Rule::Nothing`] for what the public table does not name.
pub fn public_rule(resource: ResourceKind, operation: Operation) -> Rule {
    table::PUBLIC.iter().find(|(r, o, _)| *r == resource && *o == operation).map_or(Rule::Nothing, |(_, _, rule)| *rule)
}

/// Whether a public caller (see [`public_rule`]) may perform `operation` on this record.
pub fn allows_public(principal: Option<&Principal>, operation: Operation, resource: Resource<'_>) -> bool {
    public_rule(resource.kind(), operation).admits_public(principal, resource)
}

/// The table, for documentation: every (kind, resource, operation, rule) row, in a stable order
/// (organization kinds as in [`OrganizationKind::ALL`], then resources as in
/// [`ResourceKind::ALL`], then read before write).
pub fn table() -> impl Iterator<Item = (OrganizationKind, ResourceKind, Operation, Rule)> {
    table::TABLE.iter().copied()
}
