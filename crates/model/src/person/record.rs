//! The person of a dossier: identity, contact, statuses, registration and orientation.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::identity::{Identity, age_on};
use crate::codes::{CommuneCode, DepartementCode, Email, Nir, Phone, PostalCode};
use crate::validation::{FieldError, ValidationErrors};

/// Postal address (adresse de résidence).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"line": "12 rue de la République", "postal_code": "69002", "commune": "69123"}))]
pub struct Address {
    /// Street and number, 1 to 200 characters, not blank (rule `address.line`).
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub line: String,
    pub postal_code: PostalCode,
    /// INSEE code of the residence commune (commune de résidence).
    pub commune: CommuneCode,
}

/// How to reach the person (coordonnées).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[serde(default)]
    pub email: Option<Email>,
    #[serde(default)]
    pub phone: Option<Phone>,
    #[serde(default)]
    pub address: Option<Address>,
}

impl Contact {
    /// The département of residence, which the policy reads for RSA beneficiaries.
    pub fn residence_departement(&self) -> Option<DepartementCode> {
        self.address.as_ref().map(|address| address.commune.departement())
    }
}

/// Administrative statuses the person declares or the network records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Statuses {
    /// Beneficiary of the RSA (revenu de solidarité active).
    #[serde(default)]
    pub rsa_beneficiary: bool,
    /// Recognised as a disabled worker (RQTH, reconnaissance de la qualité de travailleur handicapé).
    #[serde(default)]
    pub rqth: bool,
}

/// Where the RSA status comes from (origine du statut RSA).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RsaSource {
    /// The CAF's feed of RSA beneficiaries (flux CAF).
    Caf,
    /// The MSA's feed, for the agricultural regime (flux MSA).
    Msa,
    /// The département, which grants and pays the RSA.
    Departement,
    /// The person's own declaration (déclaration), as at registration.
    Declaration,
}

/// The RSA status as recorded: where it comes from, since when it holds, and which organization
/// recorded it. Only a département or France Travail changes it (`PUT …/rsa-status`); a
/// registration records the person's declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"source": "caf", "since": "2026-10-01", "recorded_by": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d"}))]
pub struct RsaStatus {
    pub source: RsaSource,
    /// Since when the status holds: the département's delay to orient runs from it.
    #[serde(deserialize_with = "crate::date::strict")]
    pub since: NaiveDate,
    /// The organization that recorded it.
    pub recorded_by: Uuid,
}

/// A change of the RSA status (`PUT /v1/persons/{id}/rsa-status`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"rsa_beneficiary": true, "source": "caf", "since": "2026-10-01"}))]
pub struct RsaStatusInput {
    /// Beneficiary of the RSA, or no longer.
    pub rsa_beneficiary: bool,
    /// Where it comes from; `departement` only from a département (rule `rsa_source.departement`).
    pub source: RsaSource,
    /// Since when it holds, not in the future (rule `rsa_status.since_future`).
    #[serde(deserialize_with = "crate::date::strict")]
    pub since: NaiveDate,
}

impl crate::validation::Validate for RsaStatusInput {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.since > crate::ids::now().date_naive() {
            errors.push(FieldError::new(
                "since",
                "rsa_status.since_future",
                "the RSA status cannot hold from a future day",
            ));
        }
        errors.into_result()
    }
}

/// How the person registered (canal d'inscription).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationChannel {
    /// Online (en ligne).
    Online,
    /// At a counter (en agence).
    Counter,
    /// Through a partner of the network.
    Partner,
}

/// A registration as sent (inscription).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationInput {
    /// Date of registration (date d'inscription), not in the future (rule
    /// `registered_on.future`) nor before the birth date (rule `registered_on.before_birth`).
    #[serde(deserialize_with = "crate::date::strict")]
    pub registered_on: NaiveDate,
    pub channel: RegistrationChannel,
}

/// A registration as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Registration {
    #[serde(deserialize_with = "crate::date::strict")]
    pub registered_on: NaiveDate,
    pub channel: RegistrationChannel,
    /// The organization that registered the person.
    pub registered_by: Uuid,
    /// The organization the registering one acted for: a partner operator registers under an
    /// accompaniment mandate, for its mandating organization (France Travail or a département).
    /// Absent for a registration at an organization's own desk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<Uuid>,
}

/// The path a person is oriented to (type de parcours).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PathType {
    /// Parcours emploi: towards work directly.
    Emploi,
    /// Parcours socio-professionnel.
    SocioProfessionnel,
    /// Parcours social: social constraints first.
    Social,
}

/// An orientation decision as sent (orientation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"path_type": "socio_professionnel", "intensive": true,
    "referent_organization_id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d", "referent_counsellor": "Camille Durand",
    "decided_on": "2026-11-20"}))]
pub struct OrientationInput {
    pub path_type: PathType,
    /// Intensive accompaniment (accompagnement intensif: 15 to 20 hours of activity a week).
    #[serde(default)]
    pub intensive: bool,
    /// The referent organization (organisme référent) that accompanies the person: an
    /// existing France Travail agency, mission locale, Cap emploi or département (rules
    /// `organization.unknown`, `referent.kind`).
    pub referent_organization_id: Uuid,
    /// The referent counsellor (conseiller référent), as the referent organization names them,
    /// 1 to 200 characters, not blank (rule `name.length`).
    #[serde(default)]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub referent_counsellor: Option<String>,
    /// The date of the decision, not in the future (rule `decided_on.future`) nor before the
    /// registration (rule `decided_on.before_registration`).
    #[serde(deserialize_with = "crate::date::strict")]
    pub decided_on: NaiveDate,
    /// The date the orientation was asked for (demande d'orientation), not after `decided_on`
    /// (rule `requested_on.after_decision`) nor before the registration (rule
    /// `requested_on.before_registration`); the registration date when absent.
    #[serde(default, deserialize_with = "crate::date::strict_option")]
    pub requested_on: Option<NaiveDate>,
    /// The criteria assessed (arrêté du 21 novembre 2024). They feed the employment committees'
    /// figures only, aggregated: the dossier keeps the person's difficulties in the diagnostic,
    /// under its sensitive scope, not here.
    #[serde(default)]
    pub criteria: Option<super::OrientationCriteria>,
}

/// The delay within which the département decides the orientation of an RSA beneficiary; past
/// it, France Travail orients by default (principle 1 of the report: "à défaut d'orientation
/// dans un délai court (par exemple 1 mois), l'opérateur France Travail pourrait assurer
/// l'orientation").
pub const RSA_ORIENTATION_DELAY_DAYS: u64 = 30;

/// On what ground an orientation was decided; `decided_by` says who decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrientationBasis {
    /// By an organization that may write the dossier, within its remit: for a person who is not
    /// an RSA beneficiary.
    Remit,
    /// By the département of residence, for an RSA beneficiary.
    Departement,
    /// By France Travail, under a delegation of the département of residence (`delegation_id`,
    /// `on_behalf_of`).
    Delegation,
    /// By France Travail by default, the département not having decided within 30 days of the RSA
    /// status (the orientation the law prescribes when the delay lapses).
    DefaultAfterDelay,
}

/// An orientation as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Orientation {
    pub path_type: PathType,
    pub intensive: bool,
    pub referent_organization_id: Uuid,
    pub referent_counsellor: Option<String>,
    pub decided_on: NaiveDate,
    /// The organization that decided (for RSA beneficiaries, the département or its delegate).
    pub decided_by: Uuid,
    /// On what ground it decided; absent for decisions recorded before the ground was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<OrientationBasis>,
    /// The delegation it decided under, for `basis` `delegation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegation_id: Option<Uuid>,
    /// The organization it decided for (the delegating département), for `basis` `delegation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<Uuid>,
    /// The date the orientation was asked for (demande d'orientation), when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_on: Option<NaiveDate>,
}

/// A person to register: identity, the NIR when known (kept only as a keyed hash), contact,
/// statuses and the registration.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "identity": {"family_name": "Martin", "given_names": "Léa", "birth_date": "2006-03-14", "birth_commune": "69123"},
    "nir": "206036912304570",
    "contact": {"email": "lea.martin@example.org", "phone": "+33612345678",
        "address": {"line": "12 rue de la République", "postal_code": "69002", "commune": "69123"}},
    "statuses": {"rsa_beneficiary": false, "rqth": false},
    "registration": {"registered_on": "2026-11-02", "channel": "counter"}
}))]
pub struct NewPerson {
    pub identity: Identity,
    /// NIR (numéro de sécurité sociale), 15 characters with its key; never returned, never
    /// stored in clear. Its birth year and month agree with the birth date (rule
    /// `nir.birth_date_mismatch`).
    #[serde(default)]
    #[schema(value_type = Option<Nir>, write_only)]
    pub nir: Option<Nir>,
    #[serde(default)]
    pub contact: Contact,
    #[serde(default)]
    pub statuses: Statuses,
    pub registration: RegistrationInput,
}

impl NewPerson {
    /// Checks the registration as of `today`.
    pub fn check(&self, today: NaiveDate) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        self.identity.check(today, &mut errors);
        check_contact(&self.contact, &mut errors);
        if let Some(nir) = &self.nir {
            errors.check(check_nir_against_birth(nir, self.identity.birth_date));
        }
        let registered_on = self.registration.registered_on;
        if registered_on > today {
            errors.push(FieldError::new(
                "registration.registered_on",
                "registered_on.future",
                format!("the registration date {registered_on} is in the future"),
            ));
        }
        if registered_on < self.identity.birth_date {
            errors.push(FieldError::new(
                "registration.registered_on",
                "registered_on.before_birth",
                "the registration date is before the birth date",
            ));
        }
        errors.into_result()
    }
}

/// The part of a person that a merge patch changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonFields {
    pub identity: Identity,
    #[serde(default)]
    pub contact: Contact,
    #[serde(default)]
    pub statuses: Statuses,
}

impl PersonFields {
    pub fn check(&self, today: NaiveDate) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        self.identity.check(today, &mut errors);
        check_contact(&self.contact, &mut errors);
        errors.into_result()
    }
}

fn check_contact(contact: &Contact, errors: &mut ValidationErrors) {
    if let Some(address) = &contact.address {
        let length = address.line.trim().chars().count();
        if length == 0 || length > 200 {
            errors.push(FieldError::new(
                "contact.address.line",
                "address.line",
                "the address line needs 1 to 200 characters",
            ));
        }
    }
}

/// The NIR encodes the birth year and month: they must agree with the birth date.
fn check_nir_against_birth(nir: &Nir, birth_date: NaiveDate) -> Result<(), FieldError> {
    let digits = nir.as_str();
    let year = digits.get(1..3).and_then(|year| year.parse::<i32>().ok());
    let month = digits.get(3..5).and_then(|month| month.parse::<u32>().ok());
    let year_matches = year == Some(birth_date.year() % 100);
    // Months 20 and above stand for an unknown month.
    let month_matches = month.is_some_and(|month| month > 12 || month == birth_date.month());
    if year_matches && month_matches {
        Ok(())
    } else {
        Err(FieldError::new(
            "nir",
            "nir.birth_date_mismatch",
            "the NIR's birth year or month differs from the birth date",
        ))
    }
}

/// Who set a field last, and when (provenance).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Provenance {
    pub organization_id: Option<Uuid>,
    pub client_id: String,
    pub at: DateTime<Utc>,
    /// The partner's system the value came from, when it was pushed by inbound sync
    /// (`POST /v1/persons/batch`, the line's `system`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
}

/// Statuses as returned, with what is derived from the birth date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StatusesView {
    pub rsa_beneficiary: bool,
    /// Disability recognition is a sensitive part: present only with `dossier.social:read`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rqth: Option<bool>,
    /// Under 26 today (moins de 26 ans), derived from the birth date: never stored, never stale.
    pub under_26: bool,
}

/// A person as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Person {
    pub id: Uuid,
    pub identity: Identity,
    pub contact: Contact,
    pub statuses: StatusesView,
    pub registration: Registration,
    /// The current orientation; absent until the person is oriented.
    pub orientation: Option<Orientation>,
    /// Where the RSA status comes from and since when it holds; absent when no RSA status was
    /// ever recorded.
    pub rsa_status: Option<RsaStatus>,
    /// Whether a NIR is known (it is never returned).
    pub has_nir: bool,
    /// Who set each part last (`identity.family_name`, `contact.email`…), and when.
    pub provenance: BTreeMap<String, Provenance>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What is stored of a person besides its keys: everything but the derived statuses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRecord {
    pub identity: Identity,
    pub contact: Contact,
    pub statuses: Statuses,
    pub registration: Registration,
    pub orientation: Option<Orientation>,
    pub provenance: BTreeMap<String, Provenance>,
    /// The source of `statuses.rsa_beneficiary`; `None` in records written before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rsa_status: Option<RsaStatus>,
}

impl PersonRecord {
    /// Since when the person awaits the orientation their RSA status calls for: since the status
    /// holds, or, for a record that does not say, since the registration.
    pub fn rsa_pending_since(&self) -> NaiveDate {
        self.rsa_status.as_ref().map_or(self.registration.registered_on, |status| status.since)
    }

    pub fn fields(&self) -> PersonFields {
        PersonFields { identity: self.identity.clone(), contact: self.contact.clone(), statuses: self.statuses }
    }

    /// The record as returned on `today`.
    pub fn view(
        &self,
        id: Uuid,
        has_nir: bool,
        version: i64,
        times: (DateTime<Utc>, DateTime<Utc>),
        today: NaiveDate,
    ) -> Person {
        Person {
            id,
            identity: self.identity.clone(),
            contact: self.contact.clone(),
            statuses: StatusesView {
                rsa_beneficiary: self.statuses.rsa_beneficiary,
                rqth: Some(self.statuses.rqth),
                under_26: age_on(self.identity.birth_date, today) < 26,
            },
            registration: self.registration.clone(),
            orientation: self.orientation.clone(),
            rsa_status: self.rsa_status.clone(),
            has_nir,
            provenance: self.provenance.clone(),
            version,
            created_at: times.0,
            updated_at: times.1,
        }
    }
}

impl Person {
    /// Leaves out what only `dossier.social:read` may read: the disability recognition, and
    /// who set it.
    pub fn withhold_sensitive(mut self) -> Person {
        self.statuses.rqth = None;
        self.provenance.remove("statuses.rqth");
        self
    }
}

impl crate::validation::Validate for NewPerson {
    fn validate(&self) -> Result<(), ValidationErrors> {
        self.check(crate::ids::now().date_naive())
    }
}

impl crate::validation::Validate for PersonFields {
    fn validate(&self) -> Result<(), ValidationErrors> {
        self.check(crate::ids::now().date_naive())
    }
}

impl crate::validation::Validate for OrientationInput {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.decided_on > crate::ids::now().date_naive() {
            errors.push(FieldError::new("decided_on", "decided_on.future", "the decision date is in the future"));
        }
        if self.requested_on.is_some_and(|requested_on| requested_on > self.decided_on) {
            errors.push(FieldError::new(
                "requested_on",
                "requested_on.after_decision",
                "the orientation is asked for before it is decided",
            ));
        }
        if let Some(Err(error)) = self.criteria.as_ref().map(super::OrientationCriteria::check) {
            errors.push(error);
        }
        if let Some(counsellor) = &self.referent_counsellor
            && (counsellor.trim().is_empty() || counsellor.chars().count() > 200)
        {
            errors.push(FieldError::new(
                "referent_counsellor",
                "name.length",
                "the counsellor's name needs 1 to 200 characters",
            ));
        }
        errors.into_result()
    }
}
