//! Reception sites (lieux d'accueil): where people meet an organization — its address, position,
//! opening hours and accessibility — so that anyone finds the nearest mission locale, Cap emploi
//! or France Travail agency (the network's aim of a reception within 5 km).

use chrono::{DateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::person::Address;
use crate::validation::{FieldError, Validate, ValidationErrors};

pub const MAX_SLOTS: usize = 28;
const NAME_MAX_CHARS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

/// One opening of a day: from `opens` to `closes`, local time (`HH:MM`, rule `opening.time`),
/// `opens` before `closes` (rule `opening.order`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"day": "monday", "opens": "09:00", "closes": "12:30"}))]
pub struct OpeningSlot {
    pub day: Weekday,
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "09:00")]
    pub opens: String,
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "12:30")]
    pub closes: String,
}

/// How the site welcomes people with a disability (accessibilité).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Accessibility {
    /// Step-free access (accès en fauteuil roulant).
    #[serde(default)]
    pub wheelchair: bool,
    /// A hearing loop at the desk (boucle à induction magnétique).
    #[serde(default)]
    pub hearing_loop: bool,
    /// Reception in French sign language (LSF) on request.
    #[serde(default)]
    pub sign_language: bool,
}

/// A WGS 84 position in degrees: latitude -90 to 90, longitude -180 to 180 (rule
/// `position.range`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"latitude": 45.7597, "longitude": 4.8422}))]
pub struct Position {
    #[schema(minimum = -90, maximum = 90)]
    pub latitude: f64,
    #[schema(minimum = -180, maximum = 180)]
    pub longitude: f64,
}

/// A reception site as written: the body of a creation, and the document a merge patch applies to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Mission locale de Lyon — antenne Guillotière",
    "address": {"line": "12 rue de Marseille", "postal_code": "69007", "commune": "69123"},
    "position": {"latitude": 45.7514, "longitude": 4.8427},
    "opening_hours": [{"day": "monday", "opens": "09:00", "closes": "12:30"}, {"day": "monday", "opens": "13:30", "closes": "17:00"}],
    "accessibility": {"wheelchair": true, "hearing_loop": false, "sign_language": false}}))]
pub struct SiteFields {
    /// The site's name, 1 to 200 characters, not blank (rule `site.name`).
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    /// Its address; the commune is a current one (rule `commune.unknown`).
    pub address: Address,
    /// Where it is; the commune's town hall when left out.
    #[serde(default)]
    pub position: Option<Position>,
    /// When it is open, at most 28 openings (rule `opening.count`).
    #[serde(default)]
    #[schema(max_items = 28)]
    pub opening_hours: Vec<OpeningSlot>,
    #[serde(default)]
    pub accessibility: Accessibility,
}

/// A reception site as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01936b60-0000-7000-8000-000000000001", "organization_id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d",
    "name": "Mission locale de Lyon — antenne Guillotière",
    "address": {"line": "12 rue de Marseille", "postal_code": "69007", "commune": "69123"},
    "position": {"latitude": 45.7514, "longitude": 4.8427}, "position_given": true,
    "opening_hours": [{"day": "monday", "opens": "09:00", "closes": "12:30"}],
    "accessibility": {"wheelchair": true, "hearing_loop": false, "sign_language": false},
    "version": 1, "created_at": "2026-12-01T09:00:00Z", "updated_at": "2026-12-01T09:00:00Z"}))]
pub struct Site {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    pub address: Address,
    pub position: Position,
    /// Whether the position was given (`false`: the commune's town hall stands for it).
    pub position_given: bool,
    pub opening_hours: Vec<OpeningSlot>,
    pub accessibility: Accessibility,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Site {
    /// The writable part, for applying a merge patch.
    pub fn fields(&self) -> SiteFields {
        SiteFields {
            name: self.name.clone(),
            address: self.address.clone(),
            position: self.position_given.then_some(self.position),
            opening_hours: self.opening_hours.clone(),
            accessibility: self.accessibility,
        }
    }
}

/// An organization as a list answers it: with its nearest reception site and how far it is, when
/// the list searched around a commune.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ListedOrganization {
    #[serde(flatten)]
    pub organization: crate::organization::Organization,
    /// With `near_commune`: its reception site nearest to the commune, within the radius.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nearest_site: Option<Site>,
    /// With `near_commune`: how far that site is from the commune's town hall, in km.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
}

fn time(text: &str) -> Option<NaiveTime> {
    (text.len() == 5).then(|| NaiveTime::parse_from_str(text, "%H:%M").ok()).flatten()
}

impl Validate for SiteFields {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let length = self.name.trim().chars().count();
        if length == 0 || length > NAME_MAX_CHARS {
            errors.push(FieldError::new(
                "name",
                "site.name",
                format!("a site's name has 1 to {NAME_MAX_CHARS} characters"),
            ));
        }
        let line = self.address.line.trim().chars().count();
        if line == 0 || line > 200 {
            errors.push(FieldError::new("address.line", "address.line", "the address line needs 1 to 200 characters"));
        }
        if let Some(position) = self.position
            && !((-90.0..=90.0).contains(&position.latitude) && (-180.0..=180.0).contains(&position.longitude))
        {
            errors.push(FieldError::new("position", "position.range", "latitude -90 to 90, longitude -180 to 180"));
        }
        if self.opening_hours.len() > MAX_SLOTS {
            errors.push(FieldError::new("opening_hours", "opening.count", format!("at most {MAX_SLOTS} openings")));
        }
        for (index, slot) in self.opening_hours.iter().enumerate() {
            match (time(&slot.opens), time(&slot.closes)) {
                (Some(opens), Some(closes)) if opens < closes => {}
                (Some(_), Some(_)) => errors.push(FieldError::new(
                    format!("opening_hours[{index}]"),
                    "opening.order",
                    "a site opens before it closes",
                )),
                _ => errors.push(FieldError::new(
                    format!("opening_hours[{index}]"),
                    "opening.time",
                    "opening times are HH:MM, 00:00 to 23:59",
                )),
            }
        }
        errors.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_state_their_name_position_and_hours() {
        let fields: SiteFields = serde_json::from_value(serde_json::json!({
            "name": " ", "address": {"line": "1 rue", "postal_code": "69002", "commune": "69123"},
            "position": {"latitude": 91.0, "longitude": 4.0},
            "opening_hours": [{"day": "monday", "opens": "12:00", "closes": "09:00"}, {"day": "friday", "opens": "9h", "closes": "12:00"}]
        }))
        .expect("fields");
        let rules: Vec<String> =
            fields.validate().expect_err("invalid").into_vec().into_iter().map(|e| e.rule).collect();
        assert_eq!(rules, ["site.name", "position.range", "opening.order", "opening.time"]);
    }
}
