//! Rights and duties (droits et devoirs) under the contract of engagement (principle 3,
//! propositions #65–#68, the law of 18 December 2023): a failure to meet an obligation the
//! contract states (a breach, manquement) is recorded with its contradictory exchange — the
//! notice, the person's answer, the decision — and the progressive measure decided
//! (remobilisation, suspension), lifted when the person resumes. The breach's rules that need
//! only the document are checked here; those that need the contract, the person's other breaches
//! or who decides are checked by the dossier once it has loaded them.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::contract::{Obligation, check_text};
use crate::validation::{FieldError, Validate, ValidationErrors};

pub const MAX_STATEMENT: usize = 2000;
/// The person has at least this many days to answer a notice (the contradictory exchange).
pub const ANSWER_DAYS: u64 = 10;
/// A suspension follows a measure decided within this many days (progressivity, #67).
pub const PROGRESSIVE_DAYS: u64 = 365;

/// The measure decided after a breach, from the lightest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// No measure: the answer explained the breach.
    NoMeasure,
    /// Suspension-remobilisation (#67): the allowance is suspended, and paid back once the person
    /// resumes their duties.
    Remobilisation,
    /// Suspension of the allowance, not paid back; only after an earlier measure (rule
    /// `measure.progressive`).
    Suspension,
}

/// Why a measure is lifted: the person resumed their duties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LiftingReason {
    /// Reprise des engagements.
    Resumption,
}

/// A breach to record (manquement constaté).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"contract_id": "01936b31-0000-7000-8000-000000000003", "obligation": 0,
    "observed_on": "2027-01-10", "statement": "Absent aux trois ateliers de décembre, sans nouvelles."}))]
pub struct NewBreach {
    /// The person's contract whose obligation was not met: signed or suspended, not a draft nor
    /// closed (rule `breach.contract_not_binding`).
    pub contract_id: Uuid,
    /// The obligation not met: its position in the contract's `obligations`, from 0 (rule
    /// `breach.obligation_unknown`).
    #[schema(minimum = 0, maximum = 19)]
    pub obligation: usize,
    /// When the failure was observed: not in the future (rule `breach.observed_future`), nor
    /// before the contract's signature (rule `breach.observed_before_signature`).
    #[serde(deserialize_with = "crate::date::strict")]
    pub observed_on: NaiveDate,
    /// What was observed, 1 to 2000 characters, not blank (rule `statement.length`).
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub statement: String,
}

/// The notice sent to the person (avertissement préalable): what they are told, and until when
/// they may answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    /// Sent on or after the observation (rule `notice.before_observation`), not in the future
    /// (rule `step.future`).
    #[serde(deserialize_with = "crate::date::strict")]
    pub sent_on: NaiveDate,
    /// The last day to answer, at least 10 days after `sent_on` (rule `notice.answer_delay`).
    #[serde(deserialize_with = "crate::date::strict")]
    pub answer_by: NaiveDate,
    /// What the notice says, 1 to 2000 characters (rule `statement.length`).
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub statement: String,
}

/// The person's answer (observations de la personne).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// Received on or after the notice (rule `answer.before_notice`), not in the future (rule
    /// `step.future`).
    #[serde(deserialize_with = "crate::date::strict")]
    pub received_on: NaiveDate,
    /// What the person says, 1 to 2000 characters (rule `statement.length`).
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub statement: String,
}

/// The decision after the exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// After the answer, or after the answer's delay (rule `decision.answer_pending`); not in the
    /// future (rule `step.future`).
    #[serde(deserialize_with = "crate::date::strict")]
    pub decided_on: NaiveDate,
    pub measure: Measure,
    /// Why, 1 to 2000 characters (rule `statement.length`).
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub statement: String,
}

/// The decision as recorded: who decided (the organization holding the power for the person).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Decision {
    pub decided_on: NaiveDate,
    pub measure: Measure,
    pub statement: String,
    pub decided_by: Uuid,
}

/// The end of the measure when the person resumes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Lifting {
    /// On or after the decision (rule `lifting.before_decision`), not in the future (rule
    /// `step.future`).
    #[serde(deserialize_with = "crate::date::strict")]
    pub lifted_on: NaiveDate,
    pub reason: LiftingReason,
}

/// The steps after the observation, which a merge patch records one by one: each once (rule
/// `breach.step_fixed`), in order — the notice, the answer (rule `answer.without_notice`), the
/// decision (rule `decision.without_notice`), the lifting of a measure (rule
/// `lifting.without_measure`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BreachSteps {
    #[serde(default)]
    pub notice: Option<Notice>,
    #[serde(default)]
    pub answer: Option<Answer>,
    #[serde(default)]
    pub decision: Option<DecisionInput>,
    #[serde(default)]
    pub lifted: Option<Lifting>,
}

/// What is stored of a breach besides its keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BreachRecord {
    /// The contract whose obligation was not met.
    pub contract_id: Uuid,
    /// The obligation's position in the contract's `obligations`.
    pub obligation: usize,
    /// The obligation as the contract stated it when the breach was observed.
    pub obligation_agreed: Obligation,
    pub observed_on: NaiveDate,
    /// What was observed.
    pub statement: String,
    /// The organization that recorded the observation.
    pub recorded_by: Uuid,
    pub notice: Option<Notice>,
    pub answer: Option<Answer>,
    pub decision: Option<Decision>,
    pub lifted: Option<Lifting>,
}

/// Where a breach stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BreachStatus {
    Observed,
    Notified,
    Answered,
    /// Decided, with no measure in force (none decided, or lifted).
    Closed,
    /// A measure is in force.
    MeasureInForce,
}

/// A breach as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01936b50-0000-7000-8000-000000000001", "person_id": "01936b30-0000-7000-8000-000000000002",
    "contract_id": "01936b31-0000-7000-8000-000000000003", "obligation": 0,
    "obligation_agreed": {"kind": "attendance", "description": "Participer aux ateliers collectifs"},
    "observed_on": "2027-01-10", "statement": "Absent aux trois ateliers de décembre.",
    "recorded_by": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d", "status": "measure_in_force",
    "notice": {"sent_on": "2027-01-11", "answer_by": "2027-01-25", "statement": "Vous pouvez présenter vos observations."},
    "answer": {"received_on": "2027-01-20", "statement": "J'étais malade."},
    "decision": {"decided_on": "2027-01-26", "measure": "remobilisation", "statement": "Reprise attendue.",
        "decided_by": "01936b2e-0000-7000-8000-000000000004"},
    "lifted": null, "version": 4, "created_at": "2027-01-10T09:00:00Z", "updated_at": "2027-01-26T09:00:00Z"}))]
pub struct Breach {
    pub id: Uuid,
    pub person_id: Uuid,
    pub status: BreachStatus,
    #[serde(flatten)]
    pub record: BreachRecord,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl BreachRecord {
    pub fn status(&self) -> BreachStatus {
        match (&self.notice, &self.answer, &self.decision, &self.lifted) {
            (_, _, Some(decision), None) if decision.measure != Measure::NoMeasure => BreachStatus::MeasureInForce,
            (_, _, Some(_), _) => BreachStatus::Closed,
            (_, Some(_), None, _) => BreachStatus::Answered,
            (Some(_), None, None, _) => BreachStatus::Notified,
            (None, None, None, _) => BreachStatus::Observed,
        }
    }

    /// The steps as a patch sees them (the decision without who decided).
    pub fn steps(&self) -> BreachSteps {
        BreachSteps {
            notice: self.notice.clone(),
            answer: self.answer.clone(),
            decision: self.decision.as_ref().map(|decision| DecisionInput {
                decided_on: decision.decided_on,
                measure: decision.measure,
                statement: decision.statement.clone(),
            }),
            lifted: self.lifted.clone(),
        }
    }

    /// The rules the steps `next` break given this record, as of `today`: each step once, in
    /// order, on its dates; the decision waits for the answer or its delay.
    pub fn check_steps(&self, next: &BreachSteps, today: NaiveDate) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let current = self.steps();
        let fixed = [
            ("notice", current.notice.is_some() && current.notice != next.notice),
            ("answer", current.answer.is_some() && current.answer != next.answer),
            ("decision", current.decision.is_some() && current.decision != next.decision),
            ("lifted", current.lifted.is_some() && current.lifted != next.lifted),
        ];
        for (field, changed) in fixed {
            if changed {
                errors.push(FieldError::new(
                    field,
                    "breach.step_fixed",
                    format!("the {field} is recorded: it no longer changes"),
                ));
            }
        }
        if let Some(notice) = &next.notice {
            check_day(&mut errors, "notice.sent_on", notice.sent_on, today);
            if notice.sent_on < self.observed_on {
                errors.push(FieldError::new(
                    "notice.sent_on",
                    "notice.before_observation",
                    "the notice follows the observation",
                ));
            }
            let earliest = notice.sent_on.checked_add_days(Days::new(ANSWER_DAYS));
            if earliest.is_some_and(|earliest| notice.answer_by < earliest) {
                errors.push(FieldError::new(
                    "notice.answer_by",
                    "notice.answer_delay",
                    format!("the person has at least {ANSWER_DAYS} days to answer the notice"),
                ));
            }
        }
        match (&next.notice, &next.answer) {
            (None, Some(_)) => {
                errors.push(FieldError::new("answer", "answer.without_notice", "an answer answers a notice"))
            }
            (Some(notice), Some(answer)) => {
                check_day(&mut errors, "answer.received_on", answer.received_on, today);
                if answer.received_on < notice.sent_on {
                    errors.push(FieldError::new(
                        "answer.received_on",
                        "answer.before_notice",
                        "the answer follows the notice",
                    ));
                }
            }
            _ => {}
        }
        if let Some(decision) = &next.decision {
            check_day(&mut errors, "decision.decided_on", decision.decided_on, today);
            match &next.notice {
                None => errors.push(FieldError::new(
                    "decision",
                    "decision.without_notice",
                    "a decision follows a notice the person could answer (the contradictory exchange)",
                )),
                Some(notice) if next.answer.is_none() && decision.decided_on <= notice.answer_by => {
                    errors.push(FieldError::new(
                        "decision.decided_on",
                        "decision.answer_pending",
                        format!(
                            "the person may answer until {}: decide after their answer or after that day",
                            notice.answer_by
                        ),
                    ))
                }
                Some(_) => {}
            }
        }
        if let Some(lifted) = &next.lifted {
            check_day(&mut errors, "lifted.lifted_on", lifted.lifted_on, today);
            match &next.decision {
                Some(decision) if decision.measure != Measure::NoMeasure => {
                    if lifted.lifted_on < decision.decided_on {
                        errors.push(FieldError::new(
                            "lifted.lifted_on",
                            "lifting.before_decision",
                            "a measure is lifted after it was decided",
                        ));
                    }
                }
                _ => errors.push(FieldError::new(
                    "lifted",
                    "lifting.without_measure",
                    "only a measure decided is lifted",
                )),
            }
        }
        errors.into_result()
    }
}

fn check_day(errors: &mut ValidationErrors, field: &str, day: NaiveDate, today: NaiveDate) {
    if day > today {
        errors.push(FieldError::new(field, "step.future", format!("{field} {day} is in the future")));
    }
}

/// A suspension comes only after an earlier measure decided within [`PROGRESSIVE_DAYS`] (the
/// progressivity the report asks for, #67): `earlier` are the measures decided before, with their
/// day.
pub fn check_progressive(
    measure: Measure,
    decided_on: NaiveDate,
    earlier: &[(NaiveDate, Measure)],
) -> Result<(), FieldError> {
    if measure != Measure::Suspension {
        return Ok(());
    }
    let since = decided_on.checked_sub_days(Days::new(PROGRESSIVE_DAYS)).unwrap_or(NaiveDate::MIN);
    let preceded =
        earlier.iter().any(|(day, measure)| *measure != Measure::NoMeasure && *day >= since && *day <= decided_on);
    if preceded {
        return Ok(());
    }
    Err(FieldError::new(
        "decision.measure",
        "measure.progressive",
        format!(
            "a suspension follows an earlier measure decided within {PROGRESSIVE_DAYS} days; decide a remobilisation first"
        ),
    ))
}

fn check_statement(field: &str, text: &str, errors: &mut ValidationErrors) {
    errors.check(check_text(field, "statement.length", text, MAX_STATEMENT));
}

impl Validate for NewBreach {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        check_statement("statement", &self.statement, &mut errors);
        if self.observed_on > crate::ids::now().date_naive() {
            errors.push(FieldError::new(
                "observed_on",
                "breach.observed_future",
                "the observation date is in the future",
            ));
        }
        errors.into_result()
    }
}

impl Validate for BreachSteps {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if let Some(notice) = &self.notice {
            check_statement("notice.statement", &notice.statement, &mut errors);
        }
        if let Some(answer) = &self.answer {
            check_statement("answer.statement", &answer.statement, &mut errors);
        }
        if let Some(decision) = &self.decision {
            check_statement("decision.statement", &decision.statement, &mut errors);
        }
        errors.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::person::contract::ObligationKind;

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    fn observed() -> BreachRecord {
        BreachRecord {
            contract_id: Uuid::nil(),
            obligation: 0,
            obligation_agreed: Obligation {
                kind: ObligationKind::Attendance,
                description: "Ateliers".into(),
                weekly_hours: None,
                due_on: None,
            },
            observed_on: date("2027-01-10"),
            statement: "Absent".into(),
            recorded_by: Uuid::nil(),
            notice: None,
            answer: None,
            decision: None,
            lifted: None,
        }
    }

    fn rules(result: Result<(), ValidationErrors>) -> Vec<String> {
        result.err().map(ValidationErrors::into_vec).unwrap_or_default().into_iter().map(|error| error.rule).collect()
    }

    fn notice(sent_on: &str, answer_by: &str) -> Notice {
        Notice { sent_on: date(sent_on), answer_by: date(answer_by), statement: "Avertissement".into() }
    }

    fn decision(on: &str, measure: Measure) -> DecisionInput {
        DecisionInput { decided_on: date(on), measure, statement: "Décision".into() }
    }

    #[test]
    fn the_exchange_comes_before_the_decision() {
        let today = date("2027-03-01");
        let breach = observed();
        let early = BreachSteps { notice: Some(notice("2027-01-09", "2027-01-15")), ..BreachSteps::default() };
        assert_eq!(rules(breach.check_steps(&early, today)), ["notice.before_observation", "notice.answer_delay"]);
        let answer = Answer { received_on: date("2027-01-12"), statement: "Malade".into() };
        let unasked = BreachSteps { answer: Some(answer.clone()), ..BreachSteps::default() };
        assert_eq!(rules(breach.check_steps(&unasked, today)), ["answer.without_notice"]);
        let hasty =
            BreachSteps { decision: Some(decision("2027-01-12", Measure::Remobilisation)), ..BreachSteps::default() };
        assert_eq!(rules(breach.check_steps(&hasty, today)), ["decision.without_notice"]);
        let notified = BreachSteps { notice: Some(notice("2027-01-11", "2027-01-25")), ..BreachSteps::default() };
        assert!(rules(breach.check_steps(&notified, today)).is_empty());
        let pending =
            BreachSteps { decision: Some(decision("2027-01-20", Measure::Remobilisation)), ..notified.clone() };
        assert_eq!(rules(breach.check_steps(&pending, today)), ["decision.answer_pending"]);
        let after_delay =
            BreachSteps { decision: Some(decision("2027-01-26", Measure::Remobilisation)), ..notified.clone() };
        assert!(rules(breach.check_steps(&after_delay, today)).is_empty(), "the delay lapsed");
        let answered = BreachSteps {
            answer: Some(answer),
            decision: Some(decision("2027-01-20", Measure::NoMeasure)),
            ..notified
        };
        assert!(rules(breach.check_steps(&answered, today)).is_empty(), "the person answered");
        let lift_nothing = BreachSteps {
            lifted: Some(Lifting { lifted_on: date("2027-02-01"), reason: LiftingReason::Resumption }),
            ..answered
        };
        assert_eq!(rules(breach.check_steps(&lift_nothing, today)), ["lifting.without_measure"]);
    }

    #[test]
    fn a_recorded_step_stays_and_the_status_follows() {
        let mut breach = observed();
        assert_eq!(breach.status(), BreachStatus::Observed);
        breach.notice = Some(notice("2027-01-11", "2027-01-25"));
        assert_eq!(breach.status(), BreachStatus::Notified);
        let changed = BreachSteps { notice: Some(notice("2027-01-12", "2027-01-25")), ..BreachSteps::default() };
        assert_eq!(rules(breach.check_steps(&changed, date("2027-03-01"))), ["breach.step_fixed"]);
        breach.decision = Some(Decision {
            decided_on: date("2027-01-26"),
            measure: Measure::Remobilisation,
            statement: "Reprise".into(),
            decided_by: Uuid::nil(),
        });
        assert_eq!(breach.status(), BreachStatus::MeasureInForce);
        breach.lifted = Some(Lifting { lifted_on: date("2027-02-10"), reason: LiftingReason::Resumption });
        assert_eq!(breach.status(), BreachStatus::Closed);
    }

    #[test]
    fn a_suspension_follows_an_earlier_measure() {
        let day = date("2027-06-01");
        assert!(check_progressive(Measure::Suspension, day, &[]).is_err());
        assert!(check_progressive(Measure::Suspension, day, &[(date("2027-01-26"), Measure::NoMeasure)]).is_err());
        assert!(check_progressive(Measure::Suspension, day, &[(date("2027-01-26"), Measure::Remobilisation)]).is_ok());
        assert!(
            check_progressive(Measure::Suspension, day, &[(date("2026-01-26"), Measure::Remobilisation)]).is_err(),
            "too long ago"
        );
        assert!(check_progressive(Measure::Remobilisation, day, &[]).is_ok());
    }
}
