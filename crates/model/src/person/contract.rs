//! The contract of reciprocal commitments (contrat d'engagement réciproque) between a person and
//! the organization that accompanies them. Its reviews (points d'étape) are in `review`.
//!
//! Rules that need only the document are checked by [`Validate`]; rules that need the stored
//! contract (its status, its drafting date) or the person (intensive accompaniment) are
//! checked by [`ContractRecord::check_change`] and the `check_*` functions, which the dossier
//! calls once it has loaded them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::Orientation;
pub use super::review::{NewReview, Review, ReviewParticipant, ReviewRecord};
use crate::organization::OrganizationKind;
use crate::validation::{CodeError, FieldError, Validate, ValidationErrors};

pub const MAX_OBJECTIVES: usize = 20;
pub const MAX_ACTIONS: usize = 50;
pub const MAX_TEXT: usize = 500;
pub const MAX_OUTCOME: usize = 2000;
pub const MAX_PARTICIPANTS: usize = 20;
pub const MAX_NEXT_STEPS: usize = 20;
pub const MAX_WEEKLY_HOURS: i32 = 35;
/// Intensive accompaniment (accompagnement intensif) means 15 to 20 hours of activity a week.
pub const INTENSIVE_HOURS: std::ops::RangeInclusive<i32> = 15..=20;

pub const MAX_OBLIGATIONS: usize = 20;

/// Which contract of engagement it is: one contract for all (#65), "avec des spécificités en
/// fonction de l'orientation".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContractKind {
    /// Projet personnalisé d'accès à l'emploi (PPAE), France Travail's.
    Ppae,
    /// Contrat d'engagement jeune (CEJ): 16 to 25, or under 30 with an RQTH.
    Cej,
    /// Contrat d'engagement réciproque (CER) of an RSA beneficiary.
    Cer,
    /// Cap emploi's contract, for a person with a recognised disability.
    CapEmploi,
}

impl ContractKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ppae => "ppae",
            Self::Cej => "cej",
            Self::Cer => "cer",
            Self::CapEmploi => "cap_emploi",
        }
    }

    /// The kinds of organization that draft it: France Travail's PPAE (the missions locales as
    /// its co-contractors), the CEJ of a mission locale or France Travail, the CER of a
    /// département or of France Travail as an RSA beneficiary's référent, Cap emploi's own.
    pub fn drafters(self) -> &'static [OrganizationKind] {
        use OrganizationKind::{CapEmploi, Departement, FranceTravail, MissionLocale};
        match self {
            Self::Ppae => &[FranceTravail, MissionLocale],
            Self::Cej => &[MissionLocale, FranceTravail],
            Self::Cer => &[Departement, FranceTravail],
            Self::CapEmploi => &[CapEmploi],
        }
    }

    /// The kind a contract drafted by `drafter` for this person is when the request names none.
    pub fn default_for(drafter: OrganizationKind, rsa_beneficiary: bool) -> ContractKind {
        match drafter {
            OrganizationKind::Departement => Self::Cer,
            OrganizationKind::CapEmploi => Self::CapEmploi,
            OrganizationKind::MissionLocale => Self::Cej,
            _ if rsa_beneficiary => Self::Cer,
            _ => Self::Ppae,
        }
    }
}

/// What the person is of, for the rules of the contract's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signatory {
    pub age: u32,
    pub rsa_beneficiary: bool,
    pub rqth: bool,
}

/// The kind fits the drafter (rule `contract.kind_drafter`) and the person: a CER for an RSA
/// beneficiary (rule `contract.kind_rsa`), a CEJ for 16 to 25, or under 30 with an RQTH (rule
/// `contract.kind_age`).
pub fn check_kind(kind: ContractKind, drafter: OrganizationKind, person: Signatory) -> Result<(), FieldError> {
    if !kind.drafters().contains(&drafter) {
        let drafters: Vec<&str> = kind.drafters().iter().map(|kind| kind.as_str()).collect();
        return Err(FieldError::new(
            "kind",
            "contract.kind_drafter",
            format!("a {} is drafted by a {}, not a {}", kind.as_str(), drafters.join(" or "), drafter.as_str()),
        ));
    }
    if kind == ContractKind::Cer && !person.rsa_beneficiary {
        return Err(FieldError::new("kind", "contract.kind_rsa", "a CER is the contract of an RSA beneficiary"));
    }
    let young = (16..26).contains(&person.age) || (person.rqth && (16..30).contains(&person.age));
    if kind == ContractKind::Cej && !young {
        return Err(FieldError::new(
            "kind",
            "contract.kind_age",
            format!("a CEJ is for 16 to 25 years old (under 30 with an RQTH), not {}", person.age),
        ));
    }
    Ok(())
}

/// What kind of duty an obligation is (obligations individualisées).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObligationKind {
    /// Hours of activity a week (heures d'activité, "15 à 20 heures").
    ActivityHours,
    /// A step to take (réalisation d'actes, démarches).
    Step,
    /// Appointments to attend (assiduité).
    Attendance,
    /// A situation to declare (obligations de déclaration).
    Declaration,
}

/// One obligation the person agreed to in the contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "activity_hours", "description": "Activités d'insertion", "weekly_hours": 15}))]
pub struct Obligation {
    pub kind: ObligationKind,
    /// The duty in words, 1 to 500 characters, not blank (rule `obligation.description`).
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub description: String,
    /// Hours a week, 1 to 35, for `activity_hours` and for it only (rule `obligation.hours`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 35)]
    pub weekly_hours: Option<i32>,
    /// By when, for a step (échéance).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::date::strict_option")]
    pub due_on: Option<NaiveDate>,
}

fn check_obligations(obligations: &[Obligation], errors: &mut ValidationErrors) {
    if obligations.len() > MAX_OBLIGATIONS {
        errors.push(FieldError::new(
            "obligations",
            "obligations.count",
            format!("a contract states at most {MAX_OBLIGATIONS} obligations, not {}", obligations.len()),
        ));
    }
    for (index, obligation) in obligations.iter().enumerate() {
        let field = format!("obligations[{index}]");
        errors.check(check_text(
            &format!("{field}.description"),
            "obligation.description",
            &obligation.description,
            MAX_TEXT,
        ));
        let hours_fit = match (obligation.kind, obligation.weekly_hours) {
            (ObligationKind::ActivityHours, Some(hours)) => (1..=MAX_WEEKLY_HOURS).contains(&hours),
            (ObligationKind::ActivityHours, None) => false,
            (_, hours) => hours.is_none(),
        };
        if !hours_fit {
            errors.push(FieldError::new(
                format!("{field}.weekly_hours"),
                "obligation.hours",
                "an activity_hours obligation states 1 to 35 weekly hours; the other kinds state none",
            ));
        }
    }
}

/// Where a contract stands (statut du contrat).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContractStatus {
    /// Being drafted (en préparation); not binding yet.
    Draft,
    /// Signed by the person and the organization (signé): in force.
    Signed,
    /// Suspended (suspendu), e.g. during a training or an illness; can be resumed.
    Suspended,
    /// Closed (clos): final, takes no more changes or reviews.
    Closed,
}

impl ContractStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Signed => "signed",
            Self::Suspended => "suspended",
            Self::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<ContractStatus> {
        [Self::Draft, Self::Signed, Self::Suspended, Self::Closed].into_iter().find(|status| status.as_str() == text)
    }

    /// The transitions of the contract's life: draft → signed ⇄ suspended, then closed; a
    /// draft never signed can be abandoned (closed), so that it does not block a new contract.
    pub fn may_become(self, next: ContractStatus) -> bool {
        use ContractStatus::{Closed, Draft, Signed, Suspended};
        self == next
            || matches!(
                (self, next),
                (Draft, Signed | Closed) | (Signed, Suspended | Closed) | (Suspended, Signed | Closed)
            )
    }
}

/// Who carries out an action: the person, or an organization of the network.
///
/// On the wire it is the string `person` or an organization's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ActionOwner {
    Person,
    Organization(Uuid),
}

impl TryFrom<String> for ActionOwner {
    type Error = CodeError;

    fn try_from(text: String) -> Result<Self, CodeError> {
        if text == "person" {
            return Ok(ActionOwner::Person);
        }
        text.parse()
            .map(ActionOwner::Organization)
            .map_err(|_| CodeError::new("owner.format", format!("{text:?} is neither `person` nor an organization id")))
    }
}

impl From<ActionOwner> for String {
    fn from(owner: ActionOwner) -> String {
        match owner {
            ActionOwner::Person => "person".into(),
            ActionOwner::Organization(id) => id.to_string(),
        }
    }
}

/// One action the contract commits to (action du contrat).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"description": "Atelier CV et lettre de motivation", "owner": "person",
    "due_on": "2026-12-15", "done": false}))]
pub struct ContractAction {
    /// What is to be done, 1 to 500 characters, not blank (rule `description.length`).
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub description: String,
    /// Who does it: `person`, or the id of an existing organization that does it (rules
    /// `owner.format`, `organization.unknown`).
    #[schema(value_type = String, example = "person", pattern = r"^(?:person|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})$")]
    pub owner: ActionOwner,
    /// When it is due (échéance).
    #[serde(default, deserialize_with = "crate::date::strict_option")]
    pub due_on: Option<NaiveDate>,
    /// Whether it is done (réalisée).
    #[serde(default)]
    pub done: bool,
}

/// A contract to draft: its commitments. It starts as a `draft`, drafted today by the
/// caller's organization; the signatures come later, by a merge patch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "objectives": ["Trouver un emploi de cariste", "Obtenir le CACES R489"],
    "actions": [{"description": "Atelier CV et lettre de motivation", "owner": "person", "due_on": "2026-12-15"}],
    "weekly_hours": 15,
    "next_review_on": "2027-01-15"
}))]
pub struct NewContract {
    /// Which contract: `ppae`, `cej`, `cer` or `cap_emploi`, fitting the drafting organization
    /// and the person (rules `contract.kind_drafter`, `contract.kind_rsa`, `contract.kind_age`);
    /// when left out, the drafter's own (a département's CER, Cap emploi's, a mission locale's
    /// CEJ, France Travail's PPAE — a CER for an RSA beneficiary).
    #[serde(default)]
    pub kind: Option<ContractKind>,
    /// The individual obligations agreed, at most 20 (rule `obligations.count`).
    #[serde(default)]
    #[schema(max_items = 20)]
    pub obligations: Vec<Obligation>,
    /// Objectives (objectifs d'insertion): see [`objectives_schema`].
    #[schema(schema_with = objectives_schema)]
    pub objectives: Vec<String>,
    /// Actions (plan d'action), at most 50 (rule `actions.count`).
    #[serde(default)]
    #[schema(max_items = 50)]
    pub actions: Vec<ContractAction>,
    /// Weekly hours of activity (durée hebdomadaire d'activité), 0 to 35 (rule
    /// `weekly_hours.range`); 15 to 20 for an intensive accompaniment (rule
    /// `weekly_hours.intensive`).
    #[schema(minimum = 0, maximum = 35)]
    pub weekly_hours: i32,
    /// Date of the next review (prochain point d'étape), on or after the drafting date (rule
    /// `next_review_on.before_drafted`).
    #[serde(default, deserialize_with = "crate::date::strict_option")]
    pub next_review_on: Option<NaiveDate>,
}

/// The objectives of a contract, with their bounds.
fn objectives_schema() -> utoipa::openapi::schema::Array {
    crate::schemas::text_list(
        format!(
            "Objectives (objectifs d'insertion), 1 to {MAX_OBJECTIVES} (rule `objectives.count`), \
             each 1 to {MAX_TEXT} characters, not blank (rule `objective.length`)."
        ),
        1..=MAX_OBJECTIVES,
        MAX_TEXT,
    )
}

/// The writable part of a contract, which a merge patch changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractFields {
    /// The individual obligations agreed, at most 20 (rule `obligations.count`); they no longer
    /// change once the contract is signed (rule `contract.obligations_fixed`).
    #[serde(default)]
    #[schema(max_items = 20)]
    pub obligations: Vec<Obligation>,
    /// Objectives (objectifs d'insertion): see [`objectives_schema`].
    #[schema(schema_with = objectives_schema)]
    pub objectives: Vec<String>,
    /// Actions (plan d'action), at most 50 (rule `actions.count`).
    #[serde(default)]
    #[schema(max_items = 50)]
    pub actions: Vec<ContractAction>,
    /// Weekly hours of activity, 0 to 35 (rule `weekly_hours.range`); 15 to 20 for an
    /// intensive accompaniment (rule `weekly_hours.intensive`).
    #[schema(minimum = 0, maximum = 35)]
    pub weekly_hours: i32,
    /// Date of the next review, on or after the drafting date (rule
    /// `next_review_on.before_drafted`).
    #[serde(default, deserialize_with = "crate::date::strict_option")]
    pub next_review_on: Option<NaiveDate>,
    /// Date the person signed (signature de la personne), not in the future (rule
    /// `contract.signed_in_future`) nor before the drafting (rule
    /// `contract.signed_before_drafted`).
    #[serde(default, deserialize_with = "crate::date::strict_option")]
    pub person_signed_on: Option<NaiveDate>,
    /// Date the organization signed (signature de l'organisme), not in the future nor before
    /// the drafting; the caller's organization is recorded as the signing organization.
    #[serde(default, deserialize_with = "crate::date::strict_option")]
    pub organization_signed_on: Option<NaiveDate>,
    pub status: ContractStatus,
}

/// A contract as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01936b31-0000-7000-8000-000000000003", "person_id": "01936b30-0000-7000-8000-000000000002",
    "kind": "cej", "obligations": [{"kind": "activity_hours", "description": "Activités d'insertion", "weekly_hours": 15}],
    "status": "signed", "objectives": ["Trouver un emploi de cariste"],
    "actions": [{"description": "Atelier CV", "owner": "person", "due_on": "2026-12-15", "done": true}],
    "weekly_hours": 15, "drafted_on": "2026-11-24", "next_review_on": "2027-01-15",
    "person_signed_on": "2026-11-25", "organization_signed_on": "2026-11-25",
    "signing_organization_id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d",
    "organization_id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d", "version": 2,
    "created_at": "2026-11-24T10:00:00Z", "updated_at": "2026-11-25T09:30:00Z"
}))]
pub struct Contract {
    pub id: Uuid,
    /// The person who commits (personne accompagnée).
    pub person_id: Uuid,
    /// Which contract; absent only for the contracts drafted before kinds were kept.
    pub kind: Option<ContractKind>,
    /// The individual obligations agreed.
    pub obligations: Vec<Obligation>,
    pub status: ContractStatus,
    /// Objectives (objectifs d'insertion).
    pub objectives: Vec<String>,
    /// Actions (plan d'action).
    pub actions: Vec<ContractAction>,
    /// Weekly hours of activity (durée hebdomadaire d'activité).
    pub weekly_hours: i32,
    /// Date the contract was drafted (date d'élaboration), set at creation.
    pub drafted_on: NaiveDate,
    /// Date of the next review (prochain point d'étape).
    pub next_review_on: Option<NaiveDate>,
    /// Date the person signed (signature de la personne).
    pub person_signed_on: Option<NaiveDate>,
    /// Date the organization signed (signature de l'organisme).
    pub organization_signed_on: Option<NaiveDate>,
    /// The organization that signed for the network (organisme signataire).
    pub signing_organization_id: Option<Uuid>,
    /// The organization that drafted the contract.
    pub organization_id: Uuid,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What is stored of a contract besides its keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ContractKind>,
    #[serde(default)]
    pub obligations: Vec<Obligation>,
    pub status: ContractStatus,
    pub objectives: Vec<String>,
    pub actions: Vec<ContractAction>,
    pub weekly_hours: i32,
    pub drafted_on: NaiveDate,
    pub next_review_on: Option<NaiveDate>,
    pub person_signed_on: Option<NaiveDate>,
    pub organization_signed_on: Option<NaiveDate>,
    pub signing_organization_id: Option<Uuid>,
    pub organization_id: Uuid,
}

impl ContractRecord {
    /// The day the contract counts as signed: the later of the two signatures, once both are
    /// given (the indicators count it in that day's month).
    pub fn signed_on(&self) -> Option<NaiveDate> {
        Some(self.person_signed_on?.max(self.organization_signed_on?))
    }

    /// A draft of `new`, drafted on `today` by `organization_id`.
    pub fn draft(new: NewContract, kind: ContractKind, organization_id: Uuid, today: NaiveDate) -> ContractRecord {
        ContractRecord {
            kind: Some(kind),
            obligations: tidy_obligations(new.obligations),
            status: ContractStatus::Draft,
            objectives: tidy(new.objectives),
            actions: tidy_actions(new.actions),
            weekly_hours: new.weekly_hours,
            drafted_on: today,
            next_review_on: new.next_review_on,
            person_signed_on: None,
            organization_signed_on: None,
            signing_organization_id: None,
            organization_id,
        }
    }

    pub fn fields(&self) -> ContractFields {
        ContractFields {
            obligations: self.obligations.clone(),
            objectives: self.objectives.clone(),
            actions: self.actions.clone(),
            weekly_hours: self.weekly_hours,
            next_review_on: self.next_review_on,
            person_signed_on: self.person_signed_on,
            organization_signed_on: self.organization_signed_on,
            status: self.status,
        }
    }

    /// The record with `fields` written by `organization_id`: a new organization signature
    /// records that organization as the signatory.
    pub fn with_fields(&self, fields: ContractFields, organization_id: Uuid) -> ContractRecord {
        let signing_organization_id = match fields.organization_signed_on {
            None => None,
            Some(date) if Some(date) == self.organization_signed_on => self.signing_organization_id,
            Some(_) => Some(organization_id),
        };
        ContractRecord {
            obligations: tidy_obligations(fields.obligations),
            status: fields.status,
            objectives: tidy(fields.objectives),
            actions: tidy_actions(fields.actions),
            weekly_hours: fields.weekly_hours,
            next_review_on: fields.next_review_on,
            person_signed_on: fields.person_signed_on,
            organization_signed_on: fields.organization_signed_on,
            signing_organization_id,
            ..self.clone()
        }
    }

    /// The rules a change to `next` breaks given this, the current contract: the life cycle
    /// of the status, the signatures, and the dates that cannot precede the drafting.
    pub fn check_change(&self, next: &ContractFields) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let (from, to) = (self.status, next.status);
        if !from.may_become(to) {
            errors.push(FieldError::new(
                "status",
                "contract.transition",
                format!("a contract cannot go from {} to {}", from.as_str(), to.as_str()),
            ));
            return errors.into_result();
        }
        if from == ContractStatus::Closed {
            errors.push(FieldError::new(
                "status",
                "contract.closed",
                "the contract is closed: it takes no more changes",
            ));
            return errors.into_result();
        }
        let abandoned = from == ContractStatus::Draft && to == ContractStatus::Closed;
        let signatures = [
            ("person_signed_on", self.person_signed_on, next.person_signed_on, "the person"),
            ("organization_signed_on", self.organization_signed_on, next.organization_signed_on, "the organization"),
        ];
        for (field, before, after, who) in signatures {
            if from != ContractStatus::Draft && before != after {
                errors.push(FieldError::new(
                    field,
                    "contract.signatures_fixed",
                    format!("the contract is {}: its signatures no longer change", from.as_str()),
                ));
            } else if to != ContractStatus::Draft && !abandoned && after.is_none() {
                errors.push(FieldError::new(
                    field,
                    "contract.unsigned",
                    format!("a {} contract needs the signature of {who}", to.as_str()),
                ));
            }
            if let Some(date) = after
                && date < self.drafted_on
            {
                errors.push(FieldError::new(
                    field,
                    "contract.signed_before_drafted",
                    format!("the contract is signed on {date}, before it was drafted on {}", self.drafted_on),
                ));
            }
        }
        if from != ContractStatus::Draft && self.obligations != tidy_obligations(next.obligations.clone()) {
            errors.push(FieldError::new(
                "obligations",
                "contract.obligations_fixed",
                format!("the contract is {}: the obligations agreed no longer change", from.as_str()),
            ));
        }
        errors.check(check_next_review(next.next_review_on, self.drafted_on));
        errors.into_result()
    }
}

fn tidy_obligations(obligations: Vec<Obligation>) -> Vec<Obligation> {
    obligations
        .into_iter()
        .map(|obligation| Obligation { description: obligation.description.trim().to_owned(), ..obligation })
        .collect()
}

impl ContractRecord {
    /// Whether `next` changes nothing of this contract but the actions `owner` carries out — the
    /// actions it adds, changes or removes: what a co-accompanying organization may write.
    pub fn changes_only_actions_of(&self, next: &ContractFields, owner: Uuid) -> bool {
        let others = |actions: &[ContractAction]| -> Vec<ContractAction> {
            actions.iter().filter(|action| action.owner != ActionOwner::Organization(owner)).cloned().collect()
        };
        let current = self.fields();
        let same_rest = ContractFields { actions: Vec::new(), ..current.clone() }
            == ContractFields { actions: Vec::new(), ..next.clone() };
        same_rest && others(&current.actions) == others(&next.actions)
    }
}

/// Texts are stored trimmed, as their lengths are checked trimmed.
pub(super) fn tidy(texts: Vec<String>) -> Vec<String> {
    texts.into_iter().map(|text| text.trim().to_owned()).collect()
}

fn tidy_actions(actions: Vec<ContractAction>) -> Vec<ContractAction> {
    actions
        .into_iter()
        .map(|action| ContractAction { description: action.description.trim().to_owned(), ..action })
        .collect()
}

/// The next review comes after the drafting.
pub fn check_next_review(next_review_on: Option<NaiveDate>, drafted_on: NaiveDate) -> Result<(), FieldError> {
    match next_review_on {
        Some(date) if date < drafted_on => Err(FieldError::new(
            "next_review_on",
            "next_review_on.before_drafted",
            format!("the next review on {date} is before the drafting on {drafted_on}"),
        )),
        _ => Ok(()),
    }
}

/// An intensive accompaniment needs 15 to 20 hours of activity a week.
pub fn check_intensive_hours(weekly_hours: i32, orientation: Option<&Orientation>) -> Result<(), FieldError> {
    let intensive = orientation.is_some_and(|orientation| orientation.intensive);
    if intensive && !INTENSIVE_HOURS.contains(&weekly_hours) {
        return Err(FieldError::new(
            "weekly_hours",
            "weekly_hours.intensive",
            format!(
                "the person is in intensive accompaniment: {} to {} hours a week, not {weekly_hours}",
                INTENSIVE_HOURS.start(),
                INTENSIVE_HOURS.end()
            ),
        ));
    }
    Ok(())
}

impl ContractFields {
    /// Checks the document as of `today`.
    pub fn check(&self, today: NaiveDate) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        check_commitments(&self.objectives, &self.actions, self.weekly_hours, &mut errors);
        check_obligations(&self.obligations, &mut errors);
        for (field, date) in
            [("person_signed_on", self.person_signed_on), ("organization_signed_on", self.organization_signed_on)]
        {
            if let Some(date) = date
                && date > today
            {
                errors.push(FieldError::new(
                    field,
                    "contract.signed_in_future",
                    format!("the signature date {date} is in the future"),
                ));
            }
        }
        errors.into_result()
    }

    /// The organizations named as action owners, which must exist.
    pub fn owner_organizations(&self) -> Vec<(String, Uuid)> {
        owner_organizations(&self.actions)
    }
}

impl NewContract {
    pub fn check(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        check_commitments(&self.objectives, &self.actions, self.weekly_hours, &mut errors);
        check_obligations(&self.obligations, &mut errors);
        errors.into_result()
    }

    pub fn owner_organizations(&self) -> Vec<(String, Uuid)> {
        owner_organizations(&self.actions)
    }
}

fn owner_organizations(actions: &[ContractAction]) -> Vec<(String, Uuid)> {
    actions
        .iter()
        .enumerate()
        .filter_map(|(index, action)| match action.owner {
            ActionOwner::Organization(id) => Some((format!("actions[{index}].owner"), id)),
            ActionOwner::Person => None,
        })
        .collect()
}

fn check_commitments(
    objectives: &[String],
    actions: &[ContractAction],
    weekly_hours: i32,
    errors: &mut ValidationErrors,
) {
    if objectives.is_empty() || objectives.len() > MAX_OBJECTIVES {
        errors.push(FieldError::new(
            "objectives",
            "objectives.count",
            format!("a contract has 1 to {MAX_OBJECTIVES} objectives, not {}", objectives.len()),
        ));
    }
    for (index, objective) in objectives.iter().enumerate() {
        errors.check(check_text(&format!("objectives[{index}]"), "objective.length", objective, MAX_TEXT));
    }
    if actions.len() > MAX_ACTIONS {
        errors.push(FieldError::new(
            "actions",
            "actions.count",
            format!("a contract has at most {MAX_ACTIONS} actions, not {}", actions.len()),
        ));
    }
    for (index, action) in actions.iter().enumerate() {
        let field = format!("actions[{index}].description");
        errors.check(check_text(&field, "description.length", &action.description, MAX_TEXT));
    }
    if !(0..=MAX_WEEKLY_HOURS).contains(&weekly_hours) {
        errors.push(FieldError::new(
            "weekly_hours",
            "weekly_hours.range",
            format!("weekly hours are 0 to {MAX_WEEKLY_HOURS}, not {weekly_hours}"),
        ));
    }
}

/// A text of 1 to `max` characters once trimmed.
pub(super) fn check_text(field: &str, rule: &str, text: &str, max: usize) -> Result<(), FieldError> {
    let length = text.trim().chars().count();
    if length == 0 || length > max {
        return Err(FieldError::new(field, rule, format!("{field} needs 1 to {max} characters, not {length}")));
    }
    Ok(())
}

impl Validate for NewContract {
    fn validate(&self) -> Result<(), ValidationErrors> {
        self.check()
    }
}

impl Validate for ContractFields {
    fn validate(&self) -> Result<(), ValidationErrors> {
        self.check(crate::ids::now().date_naive())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bounds the contract states for contracts and reviews are the ones the checks use:
    /// the derive's attributes take number literals, so this test ties them to the constants.
    #[test]
    fn the_schemas_state_the_bounds_the_checks_use() {
        use super::super::review::{MAX_PARTICIPANT_NAME, MAX_ROLE};
        use utoipa::PartialSchema;
        let schema = |value: utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>| {
            serde_json::to_value(value).expect("schema")["properties"].clone()
        };
        for contract in [schema(NewContract::schema()), schema(ContractFields::schema())] {
            assert_eq!(contract["objectives"]["minItems"], 1);
            assert_eq!(contract["objectives"]["maxItems"], MAX_OBJECTIVES);
            assert_eq!(contract["objectives"]["items"]["maxLength"], MAX_TEXT);
            assert_eq!(contract["actions"]["maxItems"], MAX_ACTIONS);
            assert_eq!(contract["weekly_hours"]["maximum"], MAX_WEEKLY_HOURS);
        }
        let action = schema(ContractAction::schema());
        assert_eq!(action["description"]["maxLength"], MAX_TEXT);
        let review = schema(NewReview::schema());
        assert_eq!(review["participants"]["maxItems"], MAX_PARTICIPANTS);
        assert_eq!(review["outcome"]["maxLength"], MAX_OUTCOME);
        assert_eq!(review["next_steps"]["maxItems"], MAX_NEXT_STEPS);
        assert_eq!(review["next_steps"]["items"]["maxLength"], MAX_TEXT);
        let participant = schema(ReviewParticipant::schema());
        assert_eq!(participant["name"]["maxLength"], MAX_PARTICIPANT_NAME);
        assert_eq!(participant["role"]["maxLength"], MAX_ROLE);
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    fn draft() -> ContractRecord {
        let new = NewContract {
            kind: None,
            obligations: Vec::new(),
            objectives: vec!["Trouver un emploi".into()],
            actions: Vec::new(),
            weekly_hours: 15,
            next_review_on: None,
        };
        ContractRecord::draft(new, ContractKind::Ppae, Uuid::nil(), date("2026-11-20"))
    }

    fn rules(result: Result<(), ValidationErrors>) -> Vec<String> {
        result.err().map(ValidationErrors::into_vec).unwrap_or_default().into_iter().map(|error| error.rule).collect()
    }

    #[test]
    fn the_status_follows_the_life_cycle() {
        use ContractStatus::{Closed, Draft, Signed, Suspended};
        let allowed = [
            (Draft, Signed),
            (Draft, Closed),
            (Signed, Suspended),
            (Suspended, Signed),
            (Signed, Closed),
            (Suspended, Closed),
        ];
        for from in [Draft, Signed, Suspended, Closed] {
            for to in [Draft, Signed, Suspended, Closed] {
                assert_eq!(from.may_become(to), from == to || allowed.contains(&(from, to)), "{from:?} → {to:?}");
            }
        }
    }

    #[test]
    fn signing_needs_both_signatures_after_the_drafting() {
        let contract = draft();
        let mut next = ContractFields { status: ContractStatus::Signed, ..contract.fields() };
        assert_eq!(rules(contract.check_change(&next)), ["contract.unsigned", "contract.unsigned"]);
        next.person_signed_on = Some(date("2026-11-19"));
        next.organization_signed_on = Some(date("2026-11-21"));
        assert_eq!(rules(contract.check_change(&next)), ["contract.signed_before_drafted"]);
        next.person_signed_on = Some(date("2026-11-21"));
        assert!(rules(contract.check_change(&next)).is_empty());

        let signed = contract.with_fields(next.clone(), Uuid::max());
        assert_eq!(signed.signing_organization_id, Some(Uuid::max()));
        let resigned = ContractFields { organization_signed_on: Some(date("2026-11-22")), ..next };
        assert_eq!(rules(signed.check_change(&resigned)), ["contract.signatures_fixed"]);
    }

    #[test]
    fn a_closed_contract_stays_closed() {
        let closed = ContractRecord { status: ContractStatus::Closed, ..draft() };
        let reopened = ContractFields { status: ContractStatus::Signed, ..closed.fields() };
        assert_eq!(rules(closed.check_change(&reopened)), ["contract.transition"]);
        let edited = ContractFields { weekly_hours: 20, ..closed.fields() };
        assert_eq!(rules(closed.check_change(&edited)), ["contract.closed"]);
        let abandoned = ContractFields { status: ContractStatus::Closed, ..draft().fields() };
        assert!(rules(draft().check_change(&abandoned)).is_empty(), "a draft never signed may be abandoned");
        let suspended = ContractFields { status: ContractStatus::Suspended, ..draft().fields() };
        assert_eq!(rules(draft().check_change(&suspended)), ["contract.transition"]);
    }

    #[test]
    fn documents_break_named_rules() {
        let today = date("2026-11-24");
        let mut fields = draft().fields();
        fields.objectives = Vec::new();
        fields.weekly_hours = 36;
        fields.person_signed_on = Some(date("2026-11-25"));
        assert_eq!(rules(fields.check(today)), ["objectives.count", "weekly_hours.range", "contract.signed_in_future"]);
        let owner: Result<ActionOwner, _> = serde_json::from_value(serde_json::json!("someone"));
        assert!(owner.is_err_and(|error| error.to_string().starts_with("owner.format: ")));
    }

    #[test]
    fn the_kind_fits_the_drafter_and_the_person() {
        use OrganizationKind::{CapEmploi, Departement, MissionLocale};
        let adult = Signatory { age: 40, rsa_beneficiary: false, rqth: false };
        let rule = |result: Result<(), FieldError>| result.err().map(|error| error.rule);
        assert_eq!(rule(check_kind(ContractKind::Cer, Departement, adult)), Some("contract.kind_rsa".into()));
        assert_eq!(
            rule(check_kind(ContractKind::Cer, Departement, Signatory { rsa_beneficiary: true, ..adult })),
            None
        );
        assert_eq!(rule(check_kind(ContractKind::Cej, MissionLocale, adult)), Some("contract.kind_age".into()));
        assert_eq!(
            rule(check_kind(ContractKind::Cej, MissionLocale, Signatory { age: 28, rqth: true, ..adult })),
            None
        );
        assert_eq!(
            rule(check_kind(ContractKind::CapEmploi, MissionLocale, adult)),
            Some("contract.kind_drafter".into())
        );
        assert_eq!(ContractKind::default_for(CapEmploi, false), ContractKind::CapEmploi);
        assert_eq!(ContractKind::default_for(OrganizationKind::FranceTravail, true), ContractKind::Cer);
    }

    #[test]
    fn obligations_state_their_hours_and_stay_once_signed() {
        let mut fields = draft().fields();
        fields.obligations = vec![
            Obligation {
                kind: ObligationKind::ActivityHours,
                description: "Activités".into(),
                weekly_hours: None,
                due_on: None,
            },
            Obligation { kind: ObligationKind::Step, description: "CV".into(), weekly_hours: Some(3), due_on: None },
        ];
        assert_eq!(rules(fields.check(date("2026-11-24"))), ["obligation.hours", "obligation.hours"]);
        let signed = ContractRecord {
            status: ContractStatus::Signed,
            person_signed_on: Some(date("2026-11-21")),
            organization_signed_on: Some(date("2026-11-21")),
            ..draft()
        };
        let added = ContractFields { obligations: vec![fields.obligations[0].clone()], ..signed.fields() };
        assert_eq!(rules(signed.check_change(&added)), ["contract.obligations_fixed"]);
    }

    #[test]
    fn a_co_accompanying_organization_changes_only_its_own_actions() {
        let (mine, theirs) = (Uuid::from_u128(7), Uuid::from_u128(8));
        let action = |owner: ActionOwner, description: &str| ContractAction {
            description: description.into(),
            owner,
            due_on: None,
            done: false,
        };
        let mut contract = draft();
        contract.actions = vec![
            action(ActionOwner::Person, "CV"),
            action(ActionOwner::Organization(mine), "Atelier"),
            action(ActionOwner::Organization(theirs), "Stage"),
        ];
        let mut next = contract.fields();
        next.actions[1].done = true;
        next.actions.push(action(ActionOwner::Organization(mine), "Second atelier"));
        assert!(contract.changes_only_actions_of(&next, mine));
        assert!(!contract.changes_only_actions_of(&next, theirs));
        let mut others = contract.fields();
        others.actions[0].done = true;
        assert!(!contract.changes_only_actions_of(&others, mine), "the person's action is not its own");
        let hours = ContractFields { weekly_hours: 20, ..contract.fields() };
        assert!(!contract.changes_only_actions_of(&hours, mine), "nor the hours");
    }

    #[test]
    fn intensive_accompaniment_needs_15_to_20_hours() {
        let orientation = Orientation {
            path_type: crate::person::PathType::Emploi,
            intensive: true,
            referent_organization_id: Uuid::nil(),
            referent_counsellor: None,
            decided_on: date("2026-11-20"),
            decided_by: Uuid::nil(),
            basis: None,
            delegation_id: None,
            on_behalf_of: None,
            requested_on: None,
        };
        assert!(check_intensive_hours(10, Some(&orientation)).is_err_and(|e| e.rule == "weekly_hours.intensive"));
        assert!(check_intensive_hours(15, Some(&orientation)).is_ok());
        assert!(check_intensive_hours(10, None).is_ok());
    }
}
