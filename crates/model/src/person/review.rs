//! The reviews (points d'étape) of a contract of reciprocal commitments: who met, what came
//! out of it, what comes next. A review is recorded once and never changed.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::contract::{
    ContractRecord, ContractStatus, MAX_NEXT_STEPS, MAX_OUTCOME, MAX_PARTICIPANTS, MAX_TEXT, check_text, tidy,
};
use crate::validation::{FieldError, Validate, ValidationErrors};

pub const MAX_PARTICIPANT_NAME: usize = 200;
pub const MAX_ROLE: usize = 100;

/// One participant of a review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Camille Durand", "role": "conseillère référente",
    "organization_id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d"}))]
pub struct ReviewParticipant {
    /// Name, 1 to 200 characters, not blank (rule `name.length`).
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    /// Role in the review (e.g. `personne accompagnée`, `conseiller référent`), 1 to 100
    /// characters, not blank (rule `role.length`).
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub role: String,
    /// The organization the participant speaks for, if any.
    #[serde(default)]
    pub organization_id: Option<Uuid>,
}

/// A review to record (point d'étape). Reviews are never changed once recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "held_on": "2026-12-15",
    "participants": [{"name": "Léa Martin", "role": "personne accompagnée"},
        {"name": "Camille Durand", "role": "conseillère référente", "organization_id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d"}],
    "outcome": "CV finalisé ; deux candidatures envoyées.",
    "next_steps": ["Inscription à la session CACES de janvier"]
}))]
pub struct NewReview {
    /// Date of the review (date du point d'étape), not in the future (rule `held_on.future`)
    /// and not before the contract was drafted (rule `held_on.before_drafted`).
    #[serde(deserialize_with = "crate::date::strict")]
    pub held_on: NaiveDate,
    /// Who took part, 1 to 20 (rule `participants.count`).
    #[schema(min_items = 1, max_items = 20)]
    pub participants: Vec<ReviewParticipant>,
    /// What came out of it (bilan), 1 to 2000 characters, not blank (rule `outcome.length`).
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub outcome: String,
    /// The next steps (suites à donner): see [`next_steps_schema`].
    #[serde(default)]
    #[schema(schema_with = next_steps_schema)]
    pub next_steps: Vec<String>,
}

fn next_steps_schema() -> utoipa::openapi::schema::Array {
    crate::schemas::text_list(
        format!(
            "The next steps (suites à donner), at most {MAX_NEXT_STEPS} (rule `next_steps.count`), \
             each 1 to {MAX_TEXT} characters, not blank (rule `next_step.length`)."
        ),
        0..=MAX_NEXT_STEPS,
        MAX_TEXT,
    )
}

impl NewReview {
    /// Checks the review as of `today`.
    pub fn check(&self, today: NaiveDate) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.held_on > today {
            errors.push(FieldError::new(
                "held_on",
                "held_on.future",
                format!("the review date {} is in the future", self.held_on),
            ));
        }
        if self.participants.is_empty() || self.participants.len() > MAX_PARTICIPANTS {
            errors.push(FieldError::new(
                "participants",
                "participants.count",
                format!("a review has 1 to {MAX_PARTICIPANTS} participants, not {}", self.participants.len()),
            ));
        }
        for (index, participant) in self.participants.iter().enumerate() {
            errors.check(check_text(
                &format!("participants[{index}].name"),
                "name.length",
                &participant.name,
                MAX_PARTICIPANT_NAME,
            ));
            errors.check(check_text(
                &format!("participants[{index}].role"),
                "role.length",
                &participant.role,
                MAX_ROLE,
            ));
        }
        errors.check(check_text("outcome", "outcome.length", &self.outcome, MAX_OUTCOME));
        if self.next_steps.len() > MAX_NEXT_STEPS {
            errors.push(FieldError::new(
                "next_steps",
                "next_steps.count",
                format!("a review has at most {MAX_NEXT_STEPS} next steps, not {}", self.next_steps.len()),
            ));
        }
        for (index, step) in self.next_steps.iter().enumerate() {
            errors.check(check_text(&format!("next_steps[{index}]"), "next_step.length", step, MAX_TEXT));
        }
        errors.into_result()
    }

    /// The organizations participants speak for, which must exist.
    pub fn participant_organizations(&self) -> Vec<(String, Uuid)> {
        self.participants
            .iter()
            .enumerate()
            .filter_map(|(index, participant)| {
                participant.organization_id.map(|id| (format!("participants[{index}].organization_id"), id))
            })
            .collect()
    }

    /// The rules that need the contract: it is not closed, and the review follows its drafting.
    pub fn check_against(&self, contract: &ContractRecord) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if contract.status == ContractStatus::Closed {
            errors.push(FieldError::new(
                "contract_id",
                "contract.closed",
                "the contract is closed: it takes no more reviews",
            ));
        }
        if self.held_on < contract.drafted_on {
            errors.push(FieldError::new(
                "held_on",
                "held_on.before_drafted",
                format!("the review on {} is before the contract was drafted on {}", self.held_on, contract.drafted_on),
            ));
        }
        errors.into_result()
    }
}

impl Validate for NewReview {
    fn validate(&self) -> Result<(), ValidationErrors> {
        self.check(crate::ids::now().date_naive())
    }
}

/// What is stored of a review besides its keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRecord {
    pub held_on: NaiveDate,
    pub participants: Vec<ReviewParticipant>,
    pub outcome: String,
    pub next_steps: Vec<String>,
    /// The organization that recorded the review.
    pub organization_id: Uuid,
}

impl ReviewRecord {
    pub fn of(new: NewReview, organization_id: Uuid) -> ReviewRecord {
        ReviewRecord {
            held_on: new.held_on,
            participants: new
                .participants
                .into_iter()
                .map(|participant| ReviewParticipant {
                    name: participant.name.trim().to_owned(),
                    role: participant.role.trim().to_owned(),
                    ..participant
                })
                .collect(),
            outcome: new.outcome.trim().to_owned(),
            next_steps: tidy(new.next_steps),
            organization_id,
        }
    }
}

/// A review as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01936b32-0000-7000-8000-000000000004", "person_id": "01936b30-0000-7000-8000-000000000002",
    "contract_id": "01936b31-0000-7000-8000-000000000003", "held_on": "2026-12-15",
    "participants": [{"name": "Léa Martin", "role": "personne accompagnée", "organization_id": null}],
    "outcome": "CV finalisé ; deux candidatures envoyées.", "next_steps": ["Inscription à la session CACES de janvier"],
    "organization_id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d", "version": 1, "created_at": "2026-12-15T14:00:00Z"
}))]
pub struct Review {
    pub id: Uuid,
    pub person_id: Uuid,
    pub contract_id: Uuid,
    pub held_on: NaiveDate,
    pub participants: Vec<ReviewParticipant>,
    pub outcome: String,
    pub next_steps: Vec<String>,
    /// The organization that recorded the review.
    pub organization_id: Uuid,
    /// Always 1: a review is never changed.
    pub version: i64,
    pub created_at: DateTime<Utc>,
}
