//! A person's positioning on a training session and its steps: the counsellor positions, the
//! provider answers (accepted, refused with a reason, waiting list), then records the entry and
//! the exit with its outcome. Each step is recorded once and in this order; every forbidden
//! move has its stable rule (`positioning.*`), answered as 409 `invalid_transition`.

use chrono::{DateTime, NaiveDate, Utc};
use plateforme_model::{FieldError, Validate, ValidationErrors};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Where a positioning stands, derived from its steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PositioningStatus {
    /// Positioned by the counsellor, waiting for the provider's answer.
    Positioned,
    Accepted,
    Refused,
    WaitingList,
    /// Entered the training.
    InTraining,
    /// Left the training (its `exit` says how).
    Exited,
}

impl PositioningStatus {
    /// The name the store keeps (`plateforme_store::training::positionings::HOLDING_A_PLACE`
    /// and `FINAL` name these too).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Positioned => "positioned",
            Self::Accepted => "accepted",
            Self::Refused => "refused",
            Self::WaitingList => "waiting_list",
            Self::InTraining => "in_training",
            Self::Exited => "exited",
        }
    }
}

/// The provider's decision on a positioning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProviderDecision {
    Accepted,
    Refused,
    WaitingList,
}

/// Why a provider refuses a positioning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RefusalReason {
    /// The entry requirements (level, prerequisites) are not met.
    PrerequisitesNotMet,
    /// The places are all given.
    SessionFull,
    /// No funding could be found for the person.
    NoFunding,
    /// The person withdrew before the answer.
    PersonWithdrew,
    /// The person did not come to the information or selection meeting.
    DidNotAttend,
    Other,
}

/// How a person left the training.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrainingOutcome {
    /// Completed, and the certification the training prepares for was obtained.
    CertificationObtained,
    /// Completed to its end (without a certification, or none prepared).
    Completed,
    /// Left before the end.
    Abandoned,
}

/// The provider's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"decision": "refused", "reason": "prerequisites_not_met", "answered_on": "2027-01-05"}))]
pub struct ProviderAnswer {
    pub decision: ProviderDecision,
    /// Required with `refused`, and only then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<RefusalReason>,
    /// The day of the answer, not in the future, not before the positioning.
    pub answered_on: NaiveDate,
}

/// The person's entry into the training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"entered_on": "2027-01-04"}))]
pub struct TrainingEntry {
    /// Not in the future, not before the acceptance.
    pub entered_on: NaiveDate,
}

/// The person's exit from the training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"exited_on": "2027-06-30", "outcome": "certification_obtained"}))]
pub struct TrainingExit {
    /// Not in the future, not before the entry.
    pub exited_on: NaiveDate,
    pub outcome: TrainingOutcome,
}

/// A positioning as a counsellor sends it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"training_id": "01936b31-0000-7000-8000-000000000010",
    "session_id": "01936b31-0000-7000-8000-000000000012", "comment": "Projet validé en entretien."}))]
pub struct NewPositioning {
    /// The training (formation) of the session.
    pub training_id: Uuid,
    /// The session, one of the training's (`actions[].sessions[].id`).
    pub session_id: Uuid,
    /// What the counsellor tells the provider, 1 000 characters at most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 1000)]
    pub comment: Option<String>,
}

/// The longest comment a counsellor sends the provider.
pub const COMMENT_MAX: usize = 1000;

impl Validate for NewPositioning {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.comment.as_deref().is_some_and(|comment| comment.chars().count() > COMMENT_MAX) {
            errors.push(FieldError::new("comment", "comment.length", format!("at most {COMMENT_MAX} characters")));
        }
        errors.into_result()
    }
}

/// The steps' content is judged against the steps recorded ([`PositioningRecord::check_steps`]).
impl Validate for PositioningSteps {
    fn validate(&self) -> Result<(), ValidationErrors> {
        Ok(())
    }
}

/// The steps after the positioning, as a merge patch writes them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PositioningSteps {
    #[serde(default)]
    pub answer: Option<ProviderAnswer>,
    #[serde(default)]
    pub entry: Option<TrainingEntry>,
    #[serde(default)]
    pub exit: Option<TrainingExit>,
}

/// The positioning as stored (the record of `training_positionings`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PositioningRecord {
    pub training_id: Uuid,
    pub action_id: Uuid,
    pub session_id: Uuid,
    /// The training's title when the person was positioned.
    pub training_title: String,
    /// The session's LHEO `@numero`.
    pub session_numero: String,
    /// The organization whose counsellor positioned the person.
    pub positioned_by: Uuid,
    pub positioned_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<ProviderAnswer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<TrainingEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit: Option<TrainingExit>,
}

/// A positioning as the API answers it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01936b31-0000-7000-8000-000000000020", "person_id": "01936b31-0000-7000-8000-000000000001",
    "status": "in_training", "provider_organization_id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d", "funding_region": "84",
    "training_id": "01936b31-0000-7000-8000-000000000010", "action_id": "01936b31-0000-7000-8000-000000000011",
    "session_id": "01936b31-0000-7000-8000-000000000012", "training_title": "Boulanger - CAP", "session_numero": "S-2027-01",
    "positioned_by": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7e", "positioned_on": "2026-12-01",
    "answer": {"decision": "accepted", "answered_on": "2026-12-10"}, "entry": {"entered_on": "2027-01-04"},
    "version": 3, "created_at": "2026-12-01T09:00:00Z", "updated_at": "2027-01-04T09:00:00Z"}))]
pub struct Positioning {
    pub id: Uuid,
    pub person_id: Uuid,
    pub status: PositioningStatus,
    /// The organization that published the session: it answers, records the entry and the exit.
    pub provider_organization_id: Uuid,
    /// The région funding the session's action (LHEO `code-financeur` 2), if any: it reads the
    /// positioning.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub funding_region: Option<String>,
    #[serde(flatten)]
    pub record: PositioningRecord,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PositioningRecord {
    pub fn status(&self) -> PositioningStatus {
        match (&self.answer, &self.entry, &self.exit) {
            (_, _, Some(_)) => PositioningStatus::Exited,
            (_, Some(_), None) => PositioningStatus::InTraining,
            (Some(answer), None, None) => match answer.decision {
                ProviderDecision::Accepted => PositioningStatus::Accepted,
                ProviderDecision::Refused => PositioningStatus::Refused,
                ProviderDecision::WaitingList => PositioningStatus::WaitingList,
            },
            (None, None, None) => PositioningStatus::Positioned,
        }
    }

    pub fn steps(&self) -> PositioningSteps {
        PositioningSteps { answer: self.answer.clone(), entry: self.entry.clone(), exit: self.exit.clone() }
    }

    /// Whether `steps` may follow the steps recorded: the first refusal, a move the state
    /// forbids or content that breaks a rule (a refusal without its reason, a day in the future).
    pub fn check_steps(&self, steps: &PositioningSteps, today: NaiveDate) -> Result<(), Refusal> {
        self.check_answer(steps, today)?;
        self.check_entry(steps, today)?;
        self.check_exit(steps, today)
    }

    fn check_answer(&self, steps: &PositioningSteps, today: NaiveDate) -> Result<(), Refusal> {
        if steps.answer == self.answer {
            return Ok(());
        }
        let Some(answer) = &steps.answer else {
            return Err(Refusal::transition("answer", "positioning.step_fixed", "a recorded answer is not removed"));
        };
        // A waiting list is an answer still to come: the provider answers again from it, once.
        if self.answer.as_ref().is_some_and(|recorded| recorded.decision != ProviderDecision::WaitingList) {
            return Err(Refusal::transition(
                "answer",
                "positioning.already_answered",
                "the provider answered already: an acceptance or a refusal is final",
            ));
        }
        if self.answer.is_some() && answer.decision == ProviderDecision::WaitingList {
            return Err(Refusal::transition(
                "answer",
                "positioning.already_answered",
                "the person is on the waiting list already: the next answer accepts or refuses",
            ));
        }
        match (answer.decision, answer.reason) {
            (ProviderDecision::Refused, None) => {
                return Err(Refusal::invalid("answer.reason", "answer.reason.required", "a refusal states its reason"));
            }
            (ProviderDecision::Accepted | ProviderDecision::WaitingList, Some(_)) => {
                return Err(Refusal::invalid(
                    "answer.reason",
                    "answer.reason.only_for_refusal",
                    "only a refusal has a reason",
                ));
            }
            _ => {}
        }
        check_day(
            "answer.answered_on",
            answer.answered_on,
            Some(self.positioned_on),
            "answer.before_positioning",
            today,
        )
    }

    fn check_entry(&self, steps: &PositioningSteps, today: NaiveDate) -> Result<(), Refusal> {
        if steps.entry == self.entry {
            return Ok(());
        }
        let Some(entry) = &steps.entry else {
            return Err(Refusal::transition("entry", "positioning.step_fixed", "a recorded entry is not removed"));
        };
        if self.entry.is_some() {
            return Err(Refusal::transition("entry", "positioning.step_fixed", "the entry is recorded already"));
        }
        let Some(answer) = steps.answer.as_ref().filter(|answer| answer.decision == ProviderDecision::Accepted) else {
            return Err(Refusal::transition(
                "entry",
                "positioning.entry_before_acceptance",
                "the person enters the training once the provider accepted them",
            ));
        };
        check_day("entry.entered_on", entry.entered_on, Some(answer.answered_on), "entry.before_answer", today)
    }

    fn check_exit(&self, steps: &PositioningSteps, today: NaiveDate) -> Result<(), Refusal> {
        if steps.exit == self.exit {
            return Ok(());
        }
        let Some(exit) = &steps.exit else {
            return Err(Refusal::transition("exit", "positioning.step_fixed", "a recorded exit is not removed"));
        };
        if self.exit.is_some() {
            return Err(Refusal::transition("exit", "positioning.step_fixed", "the exit is recorded already"));
        }
        let Some(entry) = &steps.entry else {
            return Err(Refusal::transition(
                "exit",
                "positioning.exit_before_entry",
                "the person leaves the training after having entered it",
            ));
        };
        check_day("exit.exited_on", exit.exited_on, Some(entry.entered_on), "exit.before_entry", today)
    }
}

/// A day of a step: not in the future (`step.future`), not before the step it follows.
fn check_day(
    field: &str,
    day: NaiveDate,
    after: Option<NaiveDate>,
    before_rule: &str,
    today: NaiveDate,
) -> Result<(), Refusal> {
    if day > today {
        return Err(Refusal::invalid(field, "step.future", "a step is recorded once it happened"));
    }
    if after.is_some_and(|after| day < after) {
        return Err(Refusal::invalid(field, before_rule, "the step is dated before the step it follows"));
    }
    Ok(())
}

/// Why a step is refused: a move the positioning's state forbids (409 `invalid_transition`) or
/// content that breaks a rule (422 `validation_failed`).
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    Transition(FieldError),
    Invalid(FieldError),
}

impl Refusal {
    fn transition(field: &str, rule: &str, message: &str) -> Refusal {
        Refusal::Transition(FieldError::new(field, rule, message.to_owned()))
    }

    fn invalid(field: &str, rule: &str, message: &str) -> Refusal {
        Refusal::Invalid(FieldError::new(field, rule, message.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("a day")
    }

    fn positioned() -> PositioningRecord {
        PositioningRecord {
            training_id: Uuid::nil(),
            action_id: Uuid::nil(),
            session_id: Uuid::nil(),
            training_title: "Boulanger".into(),
            session_numero: "S1".into(),
            positioned_by: Uuid::nil(),
            positioned_on: day("2027-01-01"),
            comment: None,
            answer: None,
            entry: None,
            exit: None,
        }
    }

    fn answer(decision: ProviderDecision, reason: Option<RefusalReason>) -> ProviderAnswer {
        ProviderAnswer { decision, reason, answered_on: day("2027-01-05") }
    }

    fn rule_of(refusal: Result<(), Refusal>) -> String {
        match refusal {
            Ok(()) => "ok".into(),
            Err(Refusal::Transition(error)) => format!("409 {}", error.rule),
            Err(Refusal::Invalid(error)) => format!("422 {}", error.rule),
        }
    }

    #[test]
    fn each_forbidden_move_has_its_rule() {
        let today = day("2027-12-31");
        let mut record = positioned();
        let entry = Some(TrainingEntry { entered_on: day("2027-01-10") });
        let exit = Some(TrainingExit { exited_on: day("2027-06-30"), outcome: TrainingOutcome::Completed });
        let steps = |answer: Option<ProviderAnswer>, entry: Option<TrainingEntry>, exit: Option<TrainingExit>| {
            PositioningSteps { answer, entry, exit }
        };
        assert_eq!(
            rule_of(record.check_steps(&steps(None, entry.clone(), None), today)),
            "409 positioning.entry_before_acceptance"
        );
        assert_eq!(
            rule_of(record.check_steps(&steps(None, None, exit.clone()), today)),
            "409 positioning.exit_before_entry"
        );
        let refused = answer(ProviderDecision::Refused, None);
        assert_eq!(rule_of(record.check_steps(&steps(Some(refused), None, None), today)), "422 answer.reason.required");
        let waiting = answer(ProviderDecision::WaitingList, None);
        assert_eq!(rule_of(record.check_steps(&steps(Some(waiting.clone()), None, None), today)), "ok");
        record.answer = Some(waiting.clone());
        assert_eq!(
            rule_of(record.check_steps(&steps(Some(waiting), entry.clone(), None), today)),
            "409 positioning.entry_before_acceptance"
        );
        let accepted = answer(ProviderDecision::Accepted, None);
        assert_eq!(rule_of(record.check_steps(&steps(Some(accepted.clone()), entry.clone(), None), today)), "ok");
        record.answer = Some(accepted.clone());
        let refused = answer(ProviderDecision::Refused, Some(RefusalReason::SessionFull));
        assert_eq!(
            rule_of(record.check_steps(&steps(Some(refused), None, None), today)),
            "409 positioning.already_answered"
        );
        assert_eq!(rule_of(record.check_steps(&steps(None, None, None), today)), "409 positioning.step_fixed");
        assert_eq!(
            rule_of(record.check_steps(&steps(Some(accepted.clone()), None, exit.clone()), today)),
            "409 positioning.exit_before_entry"
        );
        let early = Some(TrainingEntry { entered_on: day("2027-01-02") });
        assert_eq!(
            rule_of(record.check_steps(&steps(Some(accepted.clone()), early, None), today)),
            "422 entry.before_answer"
        );
        let future = Some(TrainingEntry { entered_on: day("2028-01-02") });
        assert_eq!(rule_of(record.check_steps(&steps(Some(accepted.clone()), future, None), today)), "422 step.future");
        record.entry = entry.clone();
        assert_eq!(
            rule_of(record.check_steps(&steps(Some(accepted.clone()), entry.clone(), exit.clone()), today)),
            "ok"
        );
        record.exit = exit;
        let other = Some(TrainingExit { exited_on: day("2027-06-30"), outcome: TrainingOutcome::Abandoned });
        assert_eq!(
            rule_of(record.check_steps(&steps(Some(accepted), entry, other), today)),
            "409 positioning.step_fixed"
        );
        assert_eq!(record.status(), PositioningStatus::Exited);
    }
}
