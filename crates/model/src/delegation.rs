//! Delegations between the network's organizations: a département letting France Travail orient
//! its RSA beneficiaries (principle 1 of the report), France Travail or a département mandating
//! an operator — a PLIE, a private placement operator — to register and accompany persons for it
//! (propositions #14 and #20). Each is one record: who delegates, to whom, since when, until
//! when, and which persons (by their residence).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::codes::{CommuneCode, DepartementCode};
use crate::validation::{FieldError, Validate, ValidationErrors};

/// What is delegated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DelegationKind {
    /// The orientation of RSA beneficiaries (délégation de l'orientation): from a département,
    /// to France Travail.
    RsaOrientation,
    /// Delegated accompaniment (accompagnement délégué, mandat): from France Travail or a
    /// département, to a partner operator (PLIE, private placement operator) that registers and
    /// accompanies persons for it.
    Accompaniment,
}

impl DelegationKind {
    pub const ALL: [DelegationKind; 2] = [Self::RsaOrientation, Self::Accompaniment];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::RsaOrientation => "rsa_orientation",
            Self::Accompaniment => "accompaniment",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

/// The persons a delegation covers, by their residence: those of the listed départements (all
/// of the delegating organization's when none are listed), narrowed to the listed communes when
/// some are. Empty lists from an organization with no territory (a national France Travail
/// entity): every person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"departements": ["69"], "communes": ["69123", "69266"]}))]
pub struct DelegationScope {
    /// INSEE codes of the départements of residence covered, each in the delegating
    /// organization's territory (rule `delegation.scope_outside_territory`); when left out, the
    /// delegating organization's départements.
    #[serde(default)]
    pub departements: Vec<DepartementCode>,
    /// INSEE codes of the communes of residence covered, when narrower than whole départements;
    /// each in a covered département (rule `delegation.scope_outside_territory`).
    #[serde(default)]
    pub communes: Vec<CommuneCode>,
}

impl DelegationScope {
    /// Whether a person resident in `commune` (unknown: `None`) is covered. A person of unknown
    /// residence is covered only by a scope that names no place.
    pub fn covers(&self, commune: Option<&CommuneCode>) -> bool {
        let Some(commune) = commune else { return self.departements.is_empty() && self.communes.is_empty() };
        let in_departements = self.departements.is_empty() || self.departements.contains(&commune.departement());
        in_departements && (self.communes.is_empty() || self.communes.contains(commune))
    }

    /// Whether some residence is covered by both scopes.
    fn meets(&self, other: &DelegationScope) -> bool {
        let departements_meet = self.departements.is_empty()
            || other.departements.is_empty()
            || self.departements.iter().any(|code| other.departements.contains(code));
        if !departements_meet {
            return false;
        }
        match (self.communes.is_empty(), other.communes.is_empty()) {
            (true, true) => true,
            (false, false) => self.communes.iter().any(|commune| other.communes.contains(commune)),
            (true, false) => other.communes.iter().any(|commune| self.covers(Some(commune))),
            (false, true) => self.communes.iter().any(|commune| other.covers(Some(commune))),
        }
    }
}

/// A delegation to grant: the caller's organization delegates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "rsa_orientation", "to_organization_id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d",
    "since": "2026-12-01", "until": "2027-11-30", "scope": {"communes": ["69123"]}}))]
pub struct NewDelegation {
    pub kind: DelegationKind,
    /// The organization that receives the delegation: France Travail for `rsa_orientation`, a
    /// partner for `accompaniment` (rules `organization.unknown`, `delegation.delegate_kind`).
    pub to_organization_id: Uuid,
    /// First day it applies.
    #[serde(deserialize_with = "crate::date::strict")]
    pub since: NaiveDate,
    /// Last day it applies, on or after `since` (rule `delegation.period`); open-ended when
    /// left out.
    #[serde(default, deserialize_with = "crate::date::strict_option")]
    pub until: Option<NaiveDate>,
    #[serde(default)]
    pub scope: DelegationScope,
}

/// What a merge patch changes: the end of the delegation (to end it early, or extend it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DelegationFields {
    /// Last day it applies, on or after `since` (rule `delegation.period`); `null`: open-ended.
    #[serde(default, deserialize_with = "crate::date::strict_option")]
    pub until: Option<NaiveDate>,
}

/// A delegation as recorded and returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01936b40-0000-7000-8000-000000000001", "kind": "rsa_orientation",
    "from_organization_id": "01936b2e-0000-7000-8000-000000000004", "to_organization_id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d",
    "since": "2026-12-01", "until": "2027-11-30", "scope": {"departements": ["69"], "communes": ["69123"]},
    "version": 1, "created_at": "2026-11-30T09:00:00Z", "updated_at": "2026-11-30T09:00:00Z"}))]
pub struct Delegation {
    pub id: Uuid,
    pub kind: DelegationKind,
    /// The delegating organization (the département, or the mandating organization).
    pub from_organization_id: Uuid,
    /// The delegate (France Travail, or the mandated operator).
    pub to_organization_id: Uuid,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
    /// The persons covered; the départements are always listed (but for an organization with
    /// no territory).
    pub scope: DelegationScope,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Delegation {
    /// Whether it applies on `day`.
    pub fn active_on(&self, day: NaiveDate) -> bool {
        self.since <= day && self.until.is_none_or(|until| day <= until)
    }

    /// Whether `other` covers some of the same persons on some of the same days, for the same
    /// thing, from the same organization — to the same delegate, or to any for the orientation
    /// of RSA beneficiaries, which one organization decides at a time. Such a pair is refused.
    pub fn overlaps(&self, other: &Delegation) -> bool {
        let same_grant = self.kind == other.kind
            && self.from_organization_id == other.from_organization_id
            && (self.kind == DelegationKind::RsaOrientation || self.to_organization_id == other.to_organization_id);
        let days_meet =
            self.since <= other.until.unwrap_or(NaiveDate::MAX) && other.since <= self.until.unwrap_or(NaiveDate::MAX);
        self.id != other.id && same_grant && days_meet && self.scope.meets(&other.scope)
    }
}

fn check_period(since: NaiveDate, until: Option<NaiveDate>) -> Result<(), FieldError> {
    match until {
        Some(until) if until < since => Err(FieldError::new(
            "until",
            "delegation.period",
            format!("the delegation ends on {until}, before it starts on {since}"),
        )),
        _ => Ok(()),
    }
}

/// Checks the period of a delegation starting `since` and ending `until`.
pub fn check_until(since: NaiveDate, until: Option<NaiveDate>) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    errors.check(check_period(since, until));
    errors.into_result()
}

impl Validate for NewDelegation {
    fn validate(&self) -> Result<(), ValidationErrors> {
        check_until(self.since, self.until)
    }
}

impl Validate for DelegationFields {
    fn validate(&self) -> Result<(), ValidationErrors> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    fn commune(code: &str) -> CommuneCode {
        CommuneCode::parse(code).expect("commune")
    }

    fn scope(departements: &[&str], communes: &[&str]) -> DelegationScope {
        DelegationScope {
            departements: departements.iter().map(|code| DepartementCode::parse(code).expect("code")).collect(),
            communes: communes.iter().map(|code| commune(code)).collect(),
        }
    }

    fn delegation(
        kind: DelegationKind,
        to: u128,
        since: &str,
        until: Option<&str>,
        scope: DelegationScope,
    ) -> Delegation {
        Delegation {
            id: Uuid::now_v7(),
            kind,
            from_organization_id: Uuid::from_u128(1),
            to_organization_id: Uuid::from_u128(to),
            since: date(since),
            until: until.map(date),
            scope,
            version: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn a_scope_covers_the_residences_it_names() {
        let rhone = scope(&["69"], &[]);
        assert!(rhone.covers(Some(&commune("69123"))));
        assert!(!rhone.covers(Some(&commune("01053"))));
        assert!(!rhone.covers(None), "an unknown residence is in no département");
        let lyon = scope(&["69"], &["69123"]);
        assert!(lyon.covers(Some(&commune("69123"))) && !lyon.covers(Some(&commune("69266"))));
        assert!(DelegationScope::default().covers(None), "a scope naming no place covers everyone");
    }

    #[test]
    fn overlapping_delegations_share_days_persons_and_grant() {
        use DelegationKind::{Accompaniment, RsaOrientation};
        let base = delegation(RsaOrientation, 2, "2026-01-01", Some("2026-06-30"), scope(&["69"], &[]));
        let later = delegation(RsaOrientation, 2, "2026-07-01", None, scope(&["69"], &[]));
        assert!(!base.overlaps(&later), "one after the other");
        let same_days = delegation(RsaOrientation, 3, "2026-06-30", None, scope(&["69"], &["69123"]));
        assert!(base.overlaps(&same_days), "one RSA orientation delegate at a time, whoever it is");
        let elsewhere = delegation(RsaOrientation, 2, "2026-03-01", None, scope(&["69"], &["69266"]));
        assert!(!elsewhere.overlaps(&same_days), "different communes");
        assert!(base.overlaps(&elsewhere), "the whole département includes the commune");
        let mandate = delegation(Accompaniment, 2, "2026-01-01", None, scope(&["69"], &[]));
        let other_operator = delegation(Accompaniment, 3, "2026-01-01", None, scope(&["69"], &[]));
        assert!(!mandate.overlaps(&other_operator), "two operators may be mandated for one territory");
        assert!(!mandate.overlaps(&base), "another kind");
        assert!(!base.overlaps(&base), "not with itself");
    }

    #[test]
    fn a_delegation_ends_after_it_starts() {
        assert!(check_until(date("2026-01-02"), Some(date("2026-01-01"))).is_err());
        assert!(check_until(date("2026-01-02"), Some(date("2026-01-02"))).is_ok());
        let active = delegation(DelegationKind::Accompaniment, 2, "2026-01-01", Some("2026-01-31"), scope(&[], &[]));
        assert!(active.active_on(date("2026-01-31")) && !active.active_on(date("2026-02-01")));
    }
}
