//! A candidate profile of the profile bank (banque de profils): what a person who consented
//! (`profile_bank` consent) shows recruiters of themselves — their skills, not their identity.
//! It holds no name, contact, address, birth date, NIR nor nationality: those stay in the
//! dossier, and a recruiter's view is built from this record alone (an allow-list).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::codes::{CommuneCode, RomeCode};
use crate::offer::ContractType;
use crate::person::Provenance;
use crate::person::diagnostic::QualificationLevel;
use crate::validation::{FieldError, Validate, ValidationErrors};

pub const MAX_TARGET_JOBS: usize = 10;
pub const MAX_SKILLS: usize = 50;
pub const MAX_SKILL_LENGTH: usize = 200;
pub const MAX_CERTIFICATIONS: usize = 20;
pub const MAX_LANGUAGES: usize = 20;
pub const MAX_EXPERIENCE_YEARS: u32 = 50;
pub const MAX_MOBILITY_KM: u32 = 200;

/// Working time wanted (temps de travail souhaité).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkingTime {
    /// Temps plein.
    FullTime,
    /// Temps partiel.
    PartTime,
    /// Either.
    Any,
}

/// Remote work wanted (télétravail): the offers' own values (`none`, `partial`, `full`), so a
/// profile and an offer compare term for term and the contract has one `RemoteWork` (two enums
/// of one name made every offer answer break the contract).
pub use crate::offer::RemoteWork;

/// Driving licence categories (catégories du permis de conduire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
pub enum DrivingLicence {
    AM,
    A1,
    A2,
    A,
    B,
    BE,
    C1,
    C1E,
    C,
    CE,
    D1,
    D1E,
    D,
    DE,
}

/// A job sought (métier recherché) with the experience in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"rome": "M1805", "experience_years": 3}))]
pub struct TargetJob {
    /// The job, as a ROME 4.0 code (it must exist in the ROME referential: rule `rome.unknown`).
    pub rome: RomeCode,
    /// Years of experience in this job (expérience), 0 to 50 (rule `experience_years.range`).
    #[schema(minimum = 0, maximum = 50)]
    pub experience_years: u32,
}

/// A profile as the person or their counsellor writes it: it replaces the whole profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "target_jobs": [{"rome": "M1805", "experience_years": 3}],
    "skills": ["Développement web", "SQL"],
    "qualification_level": "bac_plus_2",
    "certifications": ["RNCP31114"],
    "languages": ["fr", "en"],
    "driving_licences": ["B"],
    "commune": "69123",
    "mobility_radius_km": 30,
    "contract_types": ["cdi", "cdd"],
    "working_time": "full_time",
    "available_from": "2027-01-04",
    "remote_work": "partial",
    "show_disability_recognition": false
}))]
pub struct ProfileInput {
    /// The jobs sought, 1 to 10 (rule `target_jobs.count`), each once (rule
    /// `target_jobs.duplicate`).
    #[schema(min_items = 1, max_items = 10)]
    pub target_jobs: Vec<TargetJob>,
    /// Skills (compétences), at most 50 (rule `skills.count`), each 1 to 200 characters, not
    /// blank (rules `skill.empty`, `skill.too_long`).
    #[serde(default)]
    #[schema(max_items = 50)]
    pub skills: Vec<String>,
    /// Highest qualification level (niveau de qualification), if told.
    #[serde(default)]
    pub qualification_level: Option<QualificationLevel>,
    /// Certifications held, as RNCP codes (répertoire national des certifications
    /// professionnelles): `RNCP` then 1 to 6 digits (rule `certification.format`), at most 20
    /// (rule `certifications.count`).
    #[serde(default)]
    #[schema(max_items = 20)]
    pub certifications: Vec<String>,
    /// Languages spoken, as ISO 639-1 codes in lowercase (two letters: rule `language.format`),
    /// at most 20 (rule `languages.count`).
    #[serde(default)]
    #[schema(max_items = 20)]
    pub languages: Vec<String>,
    /// Driving licences held (permis de conduire).
    #[serde(default)]
    pub driving_licences: Vec<DrivingLicence>,
    /// Commune of residence (it must exist: rule `commune.unknown`). A recruiter sees only its
    /// département and the distance to the place searched around, never the commune.
    pub commune: CommuneCode,
    /// How far the person would travel to work (rayon de mobilité), 0 to 200 km (rule
    /// `mobility_radius_km.range`).
    #[schema(minimum = 0, maximum = 200)]
    pub mobility_radius_km: u32,
    /// Contract types wanted (types de contrat souhaités); empty means any.
    #[serde(default)]
    pub contract_types: Vec<ContractType>,
    /// Working time wanted.
    #[serde(default = "any_working_time")]
    pub working_time: WorkingTime,
    /// From when the person can start (date de disponibilité); absent means now.
    #[serde(default)]
    pub available_from: Option<NaiveDate>,
    /// Remote work wanted.
    #[serde(default = "on_site")]
    pub remote_work: RemoteWork,
    /// Whether recruiters see that the person holds a disability recognition (RQTH), to meet
    /// employers committed to hiring disabled workers. Only the person chooses it (a counsellor
    /// sending a value other than the current one is refused: 403), and only when the dossier
    /// records the recognition (rule `show_disability_recognition.not_recognized`).
    #[serde(default)]
    pub show_disability_recognition: bool,
}

fn any_working_time() -> WorkingTime {
    WorkingTime::Any
}

fn on_site() -> RemoteWork {
    RemoteWork::None
}

impl Validate for ProfileInput {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        self.check_jobs(&mut errors);
        count("skills", self.skills.len(), MAX_SKILLS, &mut errors);
        for (index, skill) in self.skills.iter().enumerate() {
            check_skill(&format!("skills[{index}]"), skill, &mut errors);
        }
        count("certifications", self.certifications.len(), MAX_CERTIFICATIONS, &mut errors);
        for (index, code) in self.certifications.iter().enumerate() {
            errors.check(check_rncp(code).map_err(|error| error.relocated(format!("certifications[{index}]"))));
        }
        count("languages", self.languages.len(), MAX_LANGUAGES, &mut errors);
        for (index, language) in self.languages.iter().enumerate() {
            if !(language.len() == 2 && language.bytes().all(|byte| byte.is_ascii_lowercase())) {
                errors.push(FieldError::new(
                    format!("languages[{index}]"),
                    "language.format",
                    format!("{language:?} is not an ISO 639-1 code (two lowercase letters, e.g. \"fr\")"),
                ));
            }
        }
        if self.mobility_radius_km > MAX_MOBILITY_KM {
            errors.push(FieldError::new(
                "mobility_radius_km",
                "mobility_radius_km.range",
                format!("the mobility radius is 0 to {MAX_MOBILITY_KM} km; got {}", self.mobility_radius_km),
            ));
        }
        errors.into_result()
    }
}

impl ProfileInput {
    fn check_jobs(&self, errors: &mut ValidationErrors) {
        let jobs = &self.target_jobs;
        if jobs.is_empty() || jobs.len() > MAX_TARGET_JOBS {
            errors.push(FieldError::new(
                "target_jobs",
                "target_jobs.count",
                format!("give 1 to {MAX_TARGET_JOBS} target jobs; got {}", jobs.len()),
            ));
        }
        for (index, job) in jobs.iter().enumerate() {
            if jobs[..index].iter().any(|earlier| earlier.rome == job.rome) {
                errors.push(FieldError::new(
                    format!("target_jobs[{index}].rome"),
                    "target_jobs.duplicate",
                    format!("{} is listed twice", job.rome.as_str()),
                ));
            }
            if job.experience_years > MAX_EXPERIENCE_YEARS {
                errors.push(FieldError::new(
                    format!("target_jobs[{index}].experience_years"),
                    "experience_years.range",
                    format!("the experience is 0 to {MAX_EXPERIENCE_YEARS} years; got {}", job.experience_years),
                ));
            }
        }
    }
}

fn count(field: &str, length: usize, max: usize, errors: &mut ValidationErrors) {
    if length > max {
        errors.push(FieldError::new(field, format!("{field}.count"), format!("at most {max} {field}; got {length}")));
    }
}

fn check_skill(field: &str, skill: &str, errors: &mut ValidationErrors) {
    let length = skill.chars().count();
    if skill.trim().is_empty() {
        errors.push(FieldError::new(field, "skill.empty", format!("{field} is blank")));
    } else if length > MAX_SKILL_LENGTH {
        errors.push(FieldError::new(
            field,
            "skill.too_long",
            format!("{field} has {length} characters; at most {MAX_SKILL_LENGTH}"),
        ));
    }
}

/// An RNCP code: `RNCP` then 1 to 6 digits.
pub fn check_rncp(code: &str) -> Result<(), FieldError> {
    let digits = code.strip_prefix("RNCP").unwrap_or_default();
    if (1..=6).contains(&digits.len()) && digits.bytes().all(|byte| byte.is_ascii_digit()) {
        Ok(())
    } else {
        Err(FieldError::new(
            "certification",
            "certification.format",
            format!("{code:?} is not an RNCP code (RNCP then 1 to 6 digits, e.g. RNCP31114)"),
        ))
    }
}

trait Relocate {
    fn relocated(self, field: String) -> Self;
}

impl Relocate for FieldError {
    fn relocated(mut self, field: String) -> Self {
        self.field = field;
        self
    }
}

/// What is stored of a profile: the fields, whether the person paused it, and who set each
/// field last (provenance, as in the dossier).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileRecord {
    #[serde(flatten)]
    pub fields: ProfileInput,
    /// Who set each field last, by field name.
    pub provenance: BTreeMap<String, Provenance>,
}

/// A profile as its owner and the counsellors who follow the person read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "person_id": "01936b30-0000-7000-8000-000000000002",
    "target_jobs": [{"rome": "M1805", "experience_years": 3}],
    "skills": ["Développement web", "SQL"], "qualification_level": "bac_plus_2",
    "certifications": ["RNCP31114"], "languages": ["fr", "en"], "driving_licences": ["B"],
    "commune": "69123", "mobility_radius_km": 30, "contract_types": ["cdi"], "working_time": "full_time",
    "available_from": "2027-01-04", "remote_work": "partial", "show_disability_recognition": false,
    "paused": false,
    "provenance": {"skills": {"organization_id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d", "client_id": "demo-mission-locale", "at": "2026-12-07T10:00:00Z"}},
    "version": 1, "created_at": "2026-12-07T10:00:00Z", "updated_at": "2026-12-07T10:00:00Z"
}))]
pub struct Profile {
    pub person_id: Uuid,
    #[serde(flatten)]
    pub fields: ProfileInput,
    /// Whether the person paused the profile: a paused profile is kept but no recruiter finds it.
    pub paused: bool,
    /// Who set each field last (the person's own writes name no organization).
    pub provenance: BTreeMap<String, Provenance>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The top-level field names of a profile, for provenance: each field a write changed.
pub fn changed_fields(before: Option<&ProfileInput>, after: &ProfileInput) -> Vec<String> {
    let after = serde_json::to_value(after).unwrap_or_default();
    let before = before.map(|before| serde_json::to_value(before).unwrap_or_default());
    let Some(fields) = after.as_object() else { return Vec::new() };
    fields
        .iter()
        .filter(|(name, value)| before.as_ref().and_then(|before| before.get(name.as_str())) != Some(*value))
        .map(|(name, _)| name.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn rules(value: serde_json::Value) -> Vec<String> {
        let input: ProfileInput = serde_json::from_value(value).expect("parses");
        input.validate().err().map(|errors| errors.into_vec()).unwrap_or_default().into_iter().map(|e| e.rule).collect()
    }

    fn valid() -> serde_json::Value {
        json!({"target_jobs": [{"rome": "M1805", "experience_years": 3}], "commune": "69123", "mobility_radius_km": 30})
    }

    #[test]
    fn a_minimal_profile_is_valid() {
        assert!(rules(valid()).is_empty());
    }

    #[test]
    fn each_rule_is_named() {
        let mut bad = valid();
        bad["target_jobs"] =
            json!([{"rome": "M1805", "experience_years": 51}, {"rome": "M1805", "experience_years": 1}]);
        bad["skills"] = json!([" "]);
        bad["certifications"] = json!(["RNC1"]);
        bad["languages"] = json!(["FR"]);
        bad["mobility_radius_km"] = json!(201);
        assert_eq!(
            rules(bad),
            [
                "experience_years.range",
                "target_jobs.duplicate",
                "skill.empty",
                "certification.format",
                "language.format",
                "mobility_radius_km.range"
            ]
        );
        let mut none = valid();
        none["target_jobs"] = json!([]);
        assert_eq!(rules(none), ["target_jobs.count"]);
    }

    #[test]
    fn changed_fields_name_what_differs() {
        let before: ProfileInput = serde_json::from_value(valid()).expect("parses");
        let mut after = before.clone();
        after.mobility_radius_km = 10;
        assert_eq!(changed_fields(Some(&before), &after), ["mobility_radius_km"]);
        assert!(changed_fields(None, &after).contains(&"commune".to_owned()));
    }
}
