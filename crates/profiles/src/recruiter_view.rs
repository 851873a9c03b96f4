//! What a recruiter sees of a profile: an allow-list, built field by field from the profile
//! alone — never from the dossier. Name, contact, address, birth date, NIR, nationality, photo
//! and the dossier's other parts are not in the profile, and the commune of residence is
//! reduced to its département and a distance.

use chrono::NaiveDate;
use plateforme_model::offer::ContractType;
use plateforme_model::person::diagnostic::QualificationLevel;
use plateforme_model::profile::{DrivingLicence, ProfileInput, RemoteWork, WorkingTime};
use plateforme_reference_data::Commune;
use serde::Serialize;
use utoipa::ToSchema;

/// A job sought, with its label in the ROME.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"rome": "M1805", "label": "Développeur / Développeuse informatique", "experience_years": 3}))]
pub struct RecruiterJob {
    /// ROME 4.0 code.
    pub rome: String,
    /// Its label (intitulé) in the ROME referential.
    pub label: String,
    /// Years of experience in this job.
    pub experience_years: u32,
}

/// A profile as a recruiter sees it (the allow-list).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "pseudonym": "pf_3f2a9c1e8b7d6a5f4e3d2c1b0a998877",
    "target_jobs": [{"rome": "M1805", "label": "Développeur / Développeuse informatique", "experience_years": 3}],
    "skills": ["Développement web", "SQL"], "qualification_level": "bac_plus_2", "certifications": ["RNCP31114"],
    "languages": ["fr", "en"], "driving_licences": ["B"], "departement": "69", "distance_km": 4.2,
    "mobility_radius_km": 30, "contract_types": ["cdi"], "working_time": "full_time",
    "available_from": "2027-01-04", "remote_work": "partial"
}))]
pub struct RecruiterProfile {
    /// The profile's id for your organization only: stable across your searches, different for
    /// every other organization, leading back to no one.
    pub pseudonym: String,
    pub target_jobs: Vec<RecruiterJob>,
    pub skills: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qualification_level: Option<QualificationLevel>,
    /// RNCP codes of the certifications held.
    pub certifications: Vec<String>,
    /// ISO 639-1 codes of the languages spoken.
    pub languages: Vec<String>,
    pub driving_licences: Vec<DrivingLicence>,
    /// Département of residence (code du département), never the commune nor the address.
    pub departement: String,
    /// Great-circle distance in km between the commune of residence and the place searched
    /// around, rounded to 1 km; absent without a place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    /// How far the person would travel to work.
    pub mobility_radius_km: u32,
    /// Contract types wanted; empty means any.
    pub contract_types: Vec<ContractType>,
    pub working_time: WorkingTime,
    /// From when the person can start; absent means now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available_from: Option<NaiveDate>,
    pub remote_work: RemoteWork,
    /// Present, and true, only when the person chose to show their disability recognition
    /// (RQTH), to meet employers committed to hiring disabled workers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disability_recognition: Option<bool>,
}

/// Where the search was made around, to give each profile its distance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    pub latitude: f64,
    pub longitude: f64,
}

impl RecruiterProfile {
    pub fn of(fields: &ProfileInput, pseudonym: String, around: Option<Place>) -> RecruiterProfile {
        let commune = plateforme_reference_data::commune(fields.commune.as_str());
        RecruiterProfile {
            pseudonym,
            target_jobs: fields
                .target_jobs
                .iter()
                .map(|job| RecruiterJob {
                    rome: job.rome.as_str().to_owned(),
                    label: plateforme_reference_data::rome(job.rome.as_str())
                        .map(|rome| rome.label.clone())
                        .unwrap_or_default(),
                    experience_years: job.experience_years,
                })
                .collect(),
            skills: fields.skills.clone(),
            qualification_level: fields.qualification_level,
            certifications: fields.certifications.clone(),
            languages: fields.languages.clone(),
            driving_licences: fields.driving_licences.clone(),
            departement: commune.map(|commune| commune.departement.clone()).unwrap_or_default(),
            distance_km: distance_from(commune, around),
            mobility_radius_km: fields.mobility_radius_km,
            contract_types: fields.contract_types.clone(),
            working_time: fields.working_time,
            available_from: fields.available_from,
            remote_work: fields.remote_work,
            disability_recognition: fields.show_disability_recognition.then_some(true),
        }
    }
}

/// The distance a recruiter sees between the profile's commune and `around` (see
/// [`RecruiterProfile::distance_km`]), without building the rest of the view: a ranking scores
/// more profiles than it shows.
pub fn distance_km(fields: &ProfileInput, around: Option<Place>) -> Option<f64> {
    distance_from(plateforme_reference_data::commune(fields.commune.as_str()), around)
}

fn distance_from(commune: Option<&Commune>, around: Option<Place>) -> Option<f64> {
    around.zip(commune.and_then(|commune| commune.latitude.zip(commune.longitude))).map(
        |(place, (latitude, longitude))| {
            plateforme_reference_data::haversine_km(place.latitude, place.longitude, latitude, longitude).round()
        },
    )
}
