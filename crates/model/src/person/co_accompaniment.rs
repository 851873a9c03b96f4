//! Co-accompaniment (co-accompagnement): the organizations that accompany a person alongside
//! their one référent (the orientation's referent organization) — a département's social
//! worker, a PLIE under a mandate, Cap emploi for a disability, a training provider during a
//! training (propositions #14, #16, #20, #21). Each reads the dossier within its role and writes
//! its own actions of the contract.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::validation::{FieldError, Validate, ValidationErrors};

/// What a co-accompanying organization does for the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CoAccompanimentRole {
    /// Social support (co-accompagnement social, #16): a département's or an association's
    /// social worker, alongside the référent. Reads the diagnostic's social part (with
    /// `dossier.social:read`).
    Social,
    /// Delegated accompaniment (accompagnement délégué, #14, #20): an operator — a PLIE, a private
    /// placement operator — accompanies for its mandating organization (`acting_for`), under an
    /// accompaniment mandate covering the person's residence.
    Delegated,
    /// Specialised support: disability (Cap emploi), young people (a mission locale), France
    /// Travail's facilitator (#21), alongside the référent.
    Specialised,
    /// Training: the organization that runs or funds the person's training.
    Training,
}

impl CoAccompanimentRole {
    pub const ALL: [CoAccompanimentRole; 4] = [Self::Social, Self::Delegated, Self::Specialised, Self::Training];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Social => "social",
            Self::Delegated => "delegated",
            Self::Specialised => "specialised",
            Self::Training => "training",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == text)
    }
}

/// A co-accompaniment to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"organization_id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d", "role": "delegated",
    "since": "2026-12-01", "until": "2027-05-31"}))]
pub struct NewCoAccompaniment {
    /// The co-accompanying organization: an existing one (rule `organization.unknown`), not the
    /// référent (rule `co_accompaniment.referent`), of a kind that takes the role (rule
    /// `co_accompaniment.kind`), whose territory — when it names départements — covers the
    /// person's residence (rule `co_accompaniment.outside_territory`); for `delegated`, holding
    /// an accompaniment mandate covering the residence on `since` (rule
    /// `co_accompaniment.no_mandate`).
    pub organization_id: Uuid,
    pub role: CoAccompanimentRole,
    /// First day.
    #[serde(deserialize_with = "crate::date::strict")]
    pub since: NaiveDate,
    /// Last day, on or after `since` (rule `co_accompaniment.period`); open-ended when left out.
    #[serde(default, deserialize_with = "crate::date::strict_option")]
    pub until: Option<NaiveDate>,
}

/// What a merge patch changes: the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CoAccompanimentFields {
    /// Last day, on or after `since` (rule `co_accompaniment.period`); `null`: open-ended.
    #[serde(default, deserialize_with = "crate::date::strict_option")]
    pub until: Option<NaiveDate>,
}

/// What is stored of a co-accompaniment besides its keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CoAccompanimentRecord {
    /// The co-accompanying organization.
    pub organization_id: Uuid,
    pub role: CoAccompanimentRole,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
    /// For `delegated`: the mandating organization the operator acts for.
    #[serde(default)]
    pub acting_for: Option<Uuid>,
    /// The organization that recorded it.
    pub recorded_by: Uuid,
}

impl CoAccompanimentRecord {
    pub fn active_on(&self, day: NaiveDate) -> bool {
        self.since <= day && self.until.is_none_or(|until| day <= until)
    }

    /// Whether both are the same organization's on some of the same days.
    pub fn overlaps(&self, other: &CoAccompanimentRecord) -> bool {
        self.organization_id == other.organization_id
            && self.since <= other.until.unwrap_or(NaiveDate::MAX)
            && other.since <= self.until.unwrap_or(NaiveDate::MAX)
    }
}

/// A co-accompaniment as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01936b41-0000-7000-8000-000000000001", "person_id": "01936b30-0000-7000-8000-000000000002",
    "organization_id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d", "role": "delegated", "since": "2026-12-01",
    "until": null, "acting_for": "01936b2e-0000-7000-8000-000000000001",
    "recorded_by": "01936b2e-0000-7000-8000-000000000001", "version": 1,
    "created_at": "2026-12-01T09:00:00Z", "updated_at": "2026-12-01T09:00:00Z"}))]
pub struct CoAccompaniment {
    pub id: Uuid,
    pub person_id: Uuid,
    #[serde(flatten)]
    pub record: CoAccompanimentRecord,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The period runs forwards.
pub fn check_period(since: NaiveDate, until: Option<NaiveDate>) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    if let Some(until) = until
        && until < since
    {
        errors.push(FieldError::new(
            "until",
            "co_accompaniment.period",
            format!("the co-accompaniment ends on {until}, before it starts on {since}"),
        ));
    }
    errors.into_result()
}

impl Validate for NewCoAccompaniment {
    fn validate(&self) -> Result<(), ValidationErrors> {
        check_period(self.since, self.until)
    }
}

impl Validate for CoAccompanimentFields {
    fn validate(&self) -> Result<(), ValidationErrors> {
        Ok(())
    }
}
