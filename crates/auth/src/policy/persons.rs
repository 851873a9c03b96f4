//! The person rules, defined once. Each is a set of conditions, any of which admits a person;
//! the same conditions judge one record ([`Rule::admits`](super::Rule)) and become the filter a
//! list hands to the store ([`person_filter`]), which turns each into SQL. So a list never shows
//! a person the policy would refuse to show alone, nor leaves out one it would show.

use plateforme_store::dossier::persons::{PersonCriterion, Visibility};

use super::{Operation, PersonAccess, Principal, ResourceKind, Rule, rule};

/// One condition on a person, relative to the caller's organization ("self") and territory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PersonCondition {
    /// Registered by the organization.
    RegisteredBySelf,
    /// Oriented to the organization.
    OrientedToSelf,
    /// Sharing their dossier with the organization by consent.
    SharedWithSelf,
    /// Co-accompanied by the organization today, in whatever role.
    CoAccompaniedBySelf,
    /// An RSA beneficiary resident in one of the territory's départements.
    RsaResidentOfTerritory,
}

impl PersonCondition {
    pub const ALL: [PersonCondition; 5] = [
        Self::RegisteredBySelf,
        Self::OrientedToSelf,
        Self::SharedWithSelf,
        Self::CoAccompaniedBySelf,
        Self::RsaResidentOfTerritory,
    ];

    /// Whether this person meets the condition for `principal`.
    pub fn holds(self, principal: &Principal, person: &PersonAccess) -> bool {
        let me = principal.organization_id;
        match self {
            Self::RegisteredBySelf => person.registered_by == Some(me),
            Self::OrientedToSelf => person.oriented_to.contains(&me),
            Self::SharedWithSelf => person.shared_with.contains(&me),
            Self::CoAccompaniedBySelf => person.co_accompanied_by.iter().any(|(organization, _)| *organization == me),
            // An unknown residence cannot be placed in any territory, so it is outside.
            Self::RsaResidentOfTerritory => {
                person.rsa_beneficiary
                    && person
                        .residence_departement
                        .as_ref()
                        .is_some_and(|departement| principal.territory.departements.contains(departement))
            }
        }
    }

    /// The same condition, as the store checks it in SQL.
    pub fn criterion(self, principal: &Principal) -> PersonCriterion {
        let me = principal.organization_id;
        match self {
            Self::RegisteredBySelf => PersonCriterion::RegisteredBy(me),
            Self::OrientedToSelf => PersonCriterion::OrientedTo(me),
            Self::SharedWithSelf => PersonCriterion::SharedWith(me),
            Self::CoAccompaniedBySelf => PersonCriterion::CoAccompaniedBy(me),
            Self::RsaResidentOfTerritory => PersonCriterion::RsaResidentIn(
                principal.territory.departements.iter().map(ToString::to_string).collect(),
            ),
        }
    }
}

impl Rule {
    /// The conditions any of which admits a person under this rule: the one definition of each
    /// person rule. Empty for the other rules (`Everything` admits every person without one).
    pub fn person_conditions(self) -> &'static [PersonCondition] {
        use PersonCondition::{
            CoAccompaniedBySelf, OrientedToSelf, RegisteredBySelf, RsaResidentOfTerritory, SharedWithSelf,
        };
        match self {
            Self::RegisteredOrOrientedToSelf => &[RegisteredBySelf, OrientedToSelf],
            Self::RegisteredOrientedCoAccompaniedOrShared => {
                &[RegisteredBySelf, OrientedToSelf, CoAccompaniedBySelf, SharedWithSelf]
            }
            Self::RegisteredBySelf => &[RegisteredBySelf],
            Self::RegisteredCoAccompaniedOrShared => &[RegisteredBySelf, CoAccompaniedBySelf, SharedWithSelf],
            Self::CoAccompaniedOrShared => &[CoAccompaniedBySelf, SharedWithSelf],
            Self::RsaResidentOfTerritory => &[RsaResidentOfTerritory],
            Self::RsaResidentOrCoAccompanied => &[RsaResidentOfTerritory, CoAccompaniedBySelf],
            Self::Everything
            | Self::Nothing
            | Self::PublishedBySelf
            | Self::OwnedBySelf
            | Self::OpenOrPublishedBySelf
            | Self::InOwnRegion
            | Self::OfPersonsItReads
            | Self::OnOwnSessions
            | Self::OfPersonsItReadsOrOnOwnSessions
            | Self::OnSessionsItFunds
            | Self::NationalOrOwnRegion
            | Self::NationalOrOwnDepartements
            | Self::NationalOrOwnTerritory
            | Self::NationalOnly
            | Self::SelfOnly => &[],
        }
    }
}

/// Whether a person rule other than `Everything` admits this person.
pub(super) fn admits(rule: Rule, principal: &Principal, person: &PersonAccess) -> bool {
    rule.person_conditions().iter().any(|condition| condition.holds(principal, person))
}

/// Which persons `principal` may touch by `operation`, as the filter of a list: derived from
/// the same rule and conditions that judge one person.
pub fn person_filter(principal: &Principal, operation: Operation) -> Visibility {
    match rule(principal.kind, ResourceKind::Person, operation) {
        Rule::Everything => Visibility::All,
        rule => {
            Visibility::AnyOf(rule.person_conditions().iter().map(|condition| condition.criterion(principal)).collect())
        }
    }
}

/// Whether `principal` sees the sensitive parts of this person's dossier (the diagnostic's social
/// part, the RQTH) — given it holds `dossier.social:read`: always, unless its only access is a
/// co-accompaniment in a role that does not open them (a delegated operator, a training
/// provider reads the dossier "within its role").
pub fn opens_sensitive_parts(principal: &Principal, person: &PersonAccess) -> bool {
    let rule = rule(principal.kind, ResourceKind::Person, Operation::Read);
    if rule == Rule::Everything {
        return true;
    }
    let other_access = rule
        .person_conditions()
        .iter()
        .any(|condition| *condition != PersonCondition::CoAccompaniedBySelf && condition.holds(principal, person));
    other_access
        || person.co_accompanied_by.iter().any(|(organization, role)| {
            *organization == principal.organization_id && super::roles::co_accompaniment_opens_sensitive_parts(*role)
        })
}
