//! An offer as the platform holds it: the document, where it comes from, and what the platform
//! derives from it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{OfferFields, OfferStatus, Quality};
use crate::validation::{FieldError, Validate, ValidationErrors};

/// Which system, at the publishing organization, the offer comes from, and its reference there.
/// With the publishing organization, it names one source's copy of an offer: publishing again
/// under the same reference updates that copy.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"system": "jobboard-rhone", "reference": "JB-2026-004512"}))]
pub struct SourceRef {
    /// The publishing system (système source), e.g. `ats-boulangerie`, `jobboard-rhone`:
    /// 1 to 64 letters, digits, `.`, `_` or `-` (rule `source.system.format`).
    #[schema(example = "jobboard-rhone", pattern = r"^[A-Za-z0-9._-]{1,64}$", min_length = 1, max_length = 64)]
    pub system: String,
    /// The offer's reference in that system (référence externe): 1 to 200 visible characters,
    /// neither spaces nor control characters (rule `source.reference.format`).
    #[schema(
        example = "JB-2026-004512",
        pattern = r"^[^\s\x00-\x1F\x7F-\x9F]{1,200}$",
        min_length = 1,
        max_length = 200
    )]
    pub reference: String,
}

impl SourceRef {
    pub fn check(&self, errors: &mut ValidationErrors) {
        let system_ok = (1..=64).contains(&self.system.len())
            && self.system.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
        if !system_ok {
            errors.push(FieldError::new(
                "source.system",
                "source.system.format",
                "a source system is 1 to 64 letters, digits, '.', '_' or '-'",
            ));
        }
        let length = self.reference.chars().count();
        let reference_ok =
            (1..=200).contains(&length) && self.reference.chars().all(|c| !c.is_control() && !c.is_whitespace());
        if !reference_ok {
            errors.push(FieldError::new(
                "source.reference",
                "source.reference.format",
                "a reference is 1 to 200 visible characters, without spaces",
            ));
        }
    }
}

/// One offer published by one source: the body of `POST /v1/offers` and each line of a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Publication {
    pub source: SourceRef,
    pub offer: OfferFields,
}

impl Validate for Publication {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        self.source.check(&mut errors);
        if let Err(offer_errors) = self.offer.validate() {
            for error in offer_errors.into_vec() {
                errors.push(FieldError { field: format!("offer.{}", error.field), ..error });
            }
        }
        errors.into_result()
    }
}

/// One source of an offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OfferSource {
    /// The publishing organization.
    pub organization_id: Uuid,
    #[schema(example = "jobboard-rhone")]
    pub system: String,
    #[schema(example = "JB-2026-004512")]
    pub reference: String,
    /// When this source first published the offer.
    pub first_published_at: DateTime<Utc>,
    /// When this source last changed its copy (publishing the same document again changes nothing).
    pub last_changed_at: DateTime<Utc>,
}

/// Where the job is, as the platform resolves it from the commune referential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"commune_name": "Villeurbanne", "departement": "69", "region": "84",
    "latitude": 45.7719, "longitude": 4.8902, "precise": false}))]
pub struct OfferLocation {
    /// The commune's name (nom de la commune).
    pub commune_name: String,
    pub departement: String,
    pub region: String,
    /// The workplace's position when the source gave it, else the commune's town hall; absent
    /// for the few communes without a known position.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// Whether the position is the workplace's own (given by the source).
    pub precise: bool,
}

/// A job offer as the platform holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Offer {
    pub id: Uuid,
    pub status: OfferStatus,
    /// Why the status last changed, as the source said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    #[serde(flatten)]
    pub fields: OfferFields,
    pub location: OfferLocation,
    pub quality: Quality,
    /// Every source that publishes this offer, first publisher first.
    pub sources: Vec<OfferSource>,
    /// The organization that controls the offer's text and status (with France Travail's
    /// moderation of the status): the one whose publication created it, or the employer
    /// organization whose SIRET it names once that employer publishes it. Other sources are
    /// listed, not in control.
    pub owner_organization_id: Uuid,
    /// Version number, as in the `ETag`.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Offer {
    pub fn source_organizations(&self) -> Vec<Uuid> {
        let mut organizations: Vec<Uuid> = self.sources.iter().map(|source| source.organization_id).collect();
        organizations.dedup();
        organizations
    }
}

#[cfg(test)]
mod source_tests {
    use super::*;
    use utoipa::PartialSchema;

    /// Which of `candidates` the schema's pattern (read as JSON Schema reads it) accepts for
    /// `field`, next to which the check accepts: the same.
    #[test]
    fn the_schema_states_what_the_check_accepts() {
        let schema = serde_json::to_value(SourceRef::schema()).expect("schema");
        let pattern =
            |field: &str| regex::Regex::new(schema["properties"][field]["pattern"].as_str().expect("pattern"));
        let (system, reference) = (pattern("system").expect("system"), pattern("reference").expect("reference"));
        let long = |n: usize| "a".repeat(n);
        let texts = ["", "a", "jobboard-rhone", "ats.v2_x", "a b", "é", "a\u{1}", "x\u{85}", "JB/2026#4", "\u{a0}"];
        let candidates = texts.iter().map(|text| (*text).to_owned()).chain([64, 65, 200, 201].map(long));
        for candidate in candidates {
            let source = SourceRef { system: candidate.clone(), reference: candidate.clone() };
            let mut errors = ValidationErrors::new();
            source.check(&mut errors);
            let refused: Vec<String> = errors.into_vec().into_iter().map(|error| error.rule).collect();
            let system_refused = refused.iter().any(|rule| rule == "source.system.format");
            let reference_refused = refused.iter().any(|rule| rule == "source.reference.format");
            assert_eq!(system.is_match(&candidate), !system_refused, "system {candidate:?}");
            assert_eq!(reference.is_match(&candidate), !reference_refused, "reference {candidate:?}");
        }
    }
}
