//! The diagnostic of a person (diagnostic socio-professionnel): a professional part, and a social
//! part (freins périphériques) that is sensitive, so the API reads and writes it under scopes of
//! its own.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::Provenance;
use crate::codes::RomeCode;
use crate::validation::{FieldError, Validate, ValidationErrors};

const MAX_TARGETS: usize = 10;
const MAX_SKILLS: usize = 50;
const MAX_SKILL_LENGTH: usize = 200;
const MAX_EXPERIENCE_MONTHS: i32 = 600;
const MAX_NOTE_LENGTH: usize = 1000;

/// Highest qualification level, in the French nomenclature of diplomas by level (niveau de
/// qualification, nomenclature de 2019): `none` (sans diplôme, niveaux 1–2), `cap_bep`
/// (niveau 3: CAP, BEP), `bac` (niveau 4: baccalauréat, brevet professionnel), `bac_plus_2`
/// (niveau 5: BTS, DUT), `licence` (niveau 6: licence, BUT), `master` (niveau 7: master,
/// diplôme d'ingénieur), `doctorat` (niveau 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QualificationLevel {
    None,
    CapBep,
    Bac,
    // snake_case alone would spell it `bac_plus2`.
    #[serde(rename = "bac_plus_2")]
    BacPlus2,
    Licence,
    Master,
    Doctorat,
}

/// How autonomously the person can look for work (autonomie dans la recherche d'emploi).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AutonomyLevel {
    Low,
    Medium,
    High,
}

/// How much a constraint holds the person back from work: `none` (assessed, no constraint),
/// `low`, `medium`, `high`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    None,
    Low,
    Medium,
    High,
}

fn skills_schema() -> utoipa::openapi::schema::Array {
    crate::schemas::text_list(
        format!(
            "Skills (compétences), at most {MAX_SKILLS} (rule `skills.count`), each 1 to \
             {MAX_SKILL_LENGTH} characters, not blank (rules `skill.empty`, `skill.too_long`)."
        ),
        0..=MAX_SKILLS,
        MAX_SKILL_LENGTH,
    )
}

/// The professional part of the diagnostic (volet professionnel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"target_rome_codes": ["M1805", "M1810"], "skills": ["Développement web", "SQL"],
    "qualification_level": "bac_plus_2", "experience_months": 18, "autonomy_level": "medium"}))]
pub struct ProfessionalDiagnostic {
    /// The jobs sought (métiers recherchés), as ROME 4.0 codes: 1 to 10 (rule
    /// `target_rome_codes.count`), each once (rule `target_rome_codes.duplicate`).
    #[schema(min_items = 1, max_items = 10)]
    pub target_rome_codes: Vec<RomeCode>,
    /// Skills (compétences): see [`skills_schema`].
    #[serde(default)]
    #[schema(schema_with = skills_schema)]
    pub skills: Vec<String>,
    pub qualification_level: QualificationLevel,
    /// Professional experience (expérience professionnelle), in months, 0 to 600 (rule
    /// `experience_months.range`).
    #[schema(minimum = 0, maximum = 600)]
    pub experience_months: i32,
    pub autonomy_level: AutonomyLevel,
}

/// One social constraint (frein périphérique à l'emploi) and how much it weighs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"severity": "high", "note": "Pas de permis B, pas de transport en commun le matin"}))]
pub struct Constraint {
    pub severity: Severity,
    /// What the counsellor noted, 1 to 1000 characters, not blank (rules `note.empty`,
    /// `note.too_long`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 1000, pattern = r"\S")]
    pub note: Option<String>,
}

/// The social part of the diagnostic: the social constraints on a return to work (freins
/// périphériques). Sensitive: read with `dossier.social:read`, written with
/// `dossier.social:write`. A constraint left out was not assessed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"mobility": {"severity": "high", "note": "Pas de permis B"},
    "housing": {"severity": "none"}, "childcare": {"severity": "medium", "note": "Deux enfants de moins de 3 ans"}}))]
pub struct SocialDiagnostic {
    /// Mobility (mobilité): driving licence, vehicle, public transport.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobility: Option<Constraint>,
    /// Housing (logement).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub housing: Option<Constraint>,
    /// Health (santé).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<Constraint>,
    /// Childcare (garde d'enfants).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub childcare: Option<Constraint>,
    /// Illiteracy (illettrisme) and command of French.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub illiteracy: Option<Constraint>,
    /// Digital exclusion (illectronisme, exclusion numérique).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digital_exclusion: Option<Constraint>,
    /// Financial difficulties (difficultés financières).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finances: Option<Constraint>,
}

impl SocialDiagnostic {
    /// Each assessed constraint with its field name.
    fn constraints(&self) -> [(&'static str, Option<&Constraint>); 7] {
        [
            ("mobility", self.mobility.as_ref()),
            ("housing", self.housing.as_ref()),
            ("health", self.health.as_ref()),
            ("childcare", self.childcare.as_ref()),
            ("illiteracy", self.illiteracy.as_ref()),
            ("digital_exclusion", self.digital_exclusion.as_ref()),
            ("finances", self.finances.as_ref()),
        ]
    }
}

/// A diagnostic as sent: it replaces the professional part, and the social part only when
/// `social` is given (`null` removes it); left out, the social part is kept as it is.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "professional": {"target_rome_codes": ["M1805"], "skills": ["Développement web"],
        "qualification_level": "bac_plus_2", "experience_months": 18, "autonomy_level": "medium"},
    "social": {"mobility": {"severity": "high", "note": "Pas de permis B"}, "housing": {"severity": "none"}}
}))]
pub struct DiagnosticInput {
    pub professional: ProfessionalDiagnostic,
    /// The social part (freins périphériques); needs `dossier.social:write`, also to remove it
    /// with `null`.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<SocialDiagnostic>)]
    pub social: Option<Option<SocialDiagnostic>>,
}

/// Tells a member sent as `null` (`Some(None)`) from a member left out (`None`, by default).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

impl Validate for DiagnosticInput {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        check_professional(&self.professional, &mut errors);
        if let Some(Some(social)) = &self.social {
            for (name, constraint) in social.constraints() {
                if let Some(note) = constraint.and_then(|constraint| constraint.note.as_deref()) {
                    check_text(&format!("social.{name}.note"), "note", note, MAX_NOTE_LENGTH, &mut errors);
                }
            }
        }
        errors.into_result()
    }
}

fn check_professional(professional: &ProfessionalDiagnostic, errors: &mut ValidationErrors) {
    let targets = &professional.target_rome_codes;
    if targets.is_empty() || targets.len() > MAX_TARGETS {
        errors.push(FieldError::new(
            "professional.target_rome_codes",
            "target_rome_codes.count",
            format!("give 1 to {MAX_TARGETS} target ROME codes; got {}", targets.len()),
        ));
    }
    for (index, code) in targets.iter().enumerate() {
        if targets[..index].contains(code) {
            errors.push(FieldError::new(
                format!("professional.target_rome_codes[{index}]"),
                "target_rome_codes.duplicate",
                format!("{code} is listed twice"),
            ));
        }
    }
    if professional.skills.len() > MAX_SKILLS {
        errors.push(FieldError::new(
            "professional.skills",
            "skills.count",
            format!("at most {MAX_SKILLS} skills; got {}", professional.skills.len()),
        ));
    }
    for (index, skill) in professional.skills.iter().enumerate() {
        check_text(&format!("professional.skills[{index}]"), "skill", skill, MAX_SKILL_LENGTH, errors);
    }
    if !(0..=MAX_EXPERIENCE_MONTHS).contains(&professional.experience_months) {
        errors.push(FieldError::new(
            "professional.experience_months",
            "experience_months.range",
            format!("the experience is 0 to {MAX_EXPERIENCE_MONTHS} months; got {}", professional.experience_months),
        ));
    }
}

/// A free text of 1 to `max` characters: rules `{rule}.empty` and `{rule}.too_long`.
fn check_text(field: &str, rule: &str, text: &str, max: usize, errors: &mut ValidationErrors) {
    let length = text.chars().count();
    if text.trim().is_empty() {
        errors.push(FieldError::new(field, format!("{rule}.empty"), format!("{field} is blank")));
    } else if length > max {
        errors.push(FieldError::new(
            field,
            format!("{rule}.too_long"),
            format!("{field} has {length} characters; at most {max}"),
        ));
    }
}

/// What is stored of a diagnostic: both parts and who set each last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagnosticRecord {
    pub professional: ProfessionalDiagnostic,
    pub social: Option<SocialDiagnostic>,
    /// Who set each part last, under the keys `professional` and `social`.
    pub provenance: BTreeMap<String, Provenance>,
}

impl DiagnosticRecord {
    /// The record as a caller sees it: without the social part, nor who wrote it, unless
    /// `sees_social`.
    pub fn view(
        &self,
        person_id: Uuid,
        version: i64,
        times: (DateTime<Utc>, DateTime<Utc>),
        sees_social: bool,
    ) -> Diagnostic {
        let mut provenance = self.provenance.clone();
        if !sees_social {
            provenance.remove("social");
        }
        Diagnostic {
            person_id,
            professional: self.professional.clone(),
            social: if sees_social { self.social.clone() } else { None },
            social_withheld: !sees_social,
            provenance,
            version,
            created_at: times.0,
            updated_at: times.1,
        }
    }
}

/// A diagnostic as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "person_id": "01936b30-0000-7000-8000-000000000002",
    "professional": {"target_rome_codes": ["M1805"], "skills": ["Développement web"],
        "qualification_level": "bac_plus_2", "experience_months": 18, "autonomy_level": "medium"},
    "social_withheld": true,
    "provenance": {"professional": {"organization_id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d",
        "client_id": "ml-lyon-si", "at": "2026-11-24T10:00:00Z"}},
    "version": 2, "created_at": "2026-11-20T09:00:00Z", "updated_at": "2026-11-24T10:00:00Z"
}))]
pub struct Diagnostic {
    pub person_id: Uuid,
    pub professional: ProfessionalDiagnostic,
    /// The social part (freins périphériques): absent when none was recorded, or when it is
    /// withheld.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub social: Option<SocialDiagnostic>,
    /// True when the caller lacks `dossier.social:read`: the social part, if any, is not shown
    /// (whether one exists is not told either).
    pub social_withheld: bool,
    /// Who set each part (`professional`, `social`) last, and when.
    pub provenance: BTreeMap<String, Provenance>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules(body: serde_json::Value) -> Vec<String> {
        let input: DiagnosticInput = serde_json::from_value(body).expect("a diagnostic");
        input.validate().err().map(ValidationErrors::into_vec).unwrap_or_default().into_iter().map(|e| e.rule).collect()
    }

    fn professional() -> serde_json::Value {
        json!({"target_rome_codes": ["M1805"], "qualification_level": "bac", "experience_months": 0,
            "autonomy_level": "low"})
    }

    #[test]
    fn qualification_levels_read_as_documented() {
        let levels: Vec<QualificationLevel> =
            serde_json::from_value(json!(["none", "cap_bep", "bac", "bac_plus_2", "licence", "master", "doctorat"]))
                .expect("every documented level");
        assert_eq!(levels.len(), 7);
        assert_eq!(serde_json::to_value(QualificationLevel::BacPlus2).expect("json"), json!("bac_plus_2"));
    }

    #[test]
    fn social_is_kept_removed_or_replaced() {
        let kept: DiagnosticInput = serde_json::from_value(json!({"professional": professional()})).expect("input");
        assert_eq!(kept.social, None);
        let removed: DiagnosticInput =
            serde_json::from_value(json!({"professional": professional(), "social": null})).expect("input");
        assert_eq!(removed.social, Some(None));
        let replaced: DiagnosticInput =
            serde_json::from_value(json!({"professional": professional(), "social": {}})).expect("input");
        assert_eq!(replaced.social, Some(Some(SocialDiagnostic::default())));
    }

    #[test]
    fn each_rule_is_named() {
        assert!(rules(json!({"professional": professional()})).is_empty());
        let mut none = professional();
        none["target_rome_codes"] = json!([]);
        assert_eq!(rules(json!({"professional": none})), ["target_rome_codes.count"]);
        let mut twice = professional();
        twice["target_rome_codes"] = json!(["M1805", "M1805"]);
        assert_eq!(rules(json!({"professional": twice})), ["target_rome_codes.duplicate"]);
        let mut skills = professional();
        skills["skills"] = json!([" ", "x".repeat(201)]);
        assert_eq!(rules(json!({"professional": skills})), ["skill.empty", "skill.too_long"]);
        let mut many = professional();
        many["skills"] = json!(vec!["SQL"; 51]);
        assert_eq!(rules(json!({"professional": many})), ["skills.count"]);
        let mut old = professional();
        old["experience_months"] = json!(601);
        assert_eq!(rules(json!({"professional": old})), ["experience_months.range"]);
        let note = "x".repeat(1001);
        let social = json!({"housing": {"severity": "low", "note": note}});
        assert_eq!(rules(json!({"professional": professional(), "social": social})), ["note.too_long"]);
    }

    #[test]
    fn the_social_part_is_withheld_with_its_provenance() {
        let input: DiagnosticInput =
            serde_json::from_value(json!({"professional": professional(), "social": {}})).expect("input");
        let provenance =
            Provenance { organization_id: None, client_id: "c".into(), at: crate::ids::now(), system: None };
        let record = DiagnosticRecord {
            professional: input.professional,
            social: Some(SocialDiagnostic::default()),
            provenance: [("professional".to_owned(), provenance.clone()), ("social".to_owned(), provenance)].into(),
        };
        let times = (crate::ids::now(), crate::ids::now());
        let withheld = record.view(Uuid::nil(), 1, times, false);
        assert!(withheld.social_withheld && withheld.social.is_none());
        assert_eq!(withheld.provenance.keys().collect::<Vec<_>>(), ["professional"]);
        let body = serde_json::to_value(&withheld).expect("json");
        assert!(body.get("social").is_none() && body["social_withheld"] == json!(true));
        let shown = record.view(Uuid::nil(), 1, times, true);
        assert!(!shown.social_withheld && shown.social.is_some());
    }
}
