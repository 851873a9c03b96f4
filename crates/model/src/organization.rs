//! Organizations: the members of the network (France Travail, missions locales, Cap emploi,
//! départements, régions, partners, employers, the State's services, training providers).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::codes::{CommuneCode, DepartementCode, RegionCode, Siret};
use crate::validation::{FieldError, Validate, ValidationErrors};

/// What kind of member of the network an organization is. The kind drives the access policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrganizationKind {
    /// France Travail, the operator of the network.
    FranceTravail,
    /// Mission locale: accompanies young people aged 16 to 25.
    MissionLocale,
    /// Cap emploi: accompanies people with a recognised disability (RQTH).
    CapEmploi,
    /// Département (conseil départemental): orients RSA beneficiaries.
    Departement,
    /// Région (conseil régional): funds and publishes training.
    Region,
    /// Partner: SIAE, OPCO, Apec, Afpa, associations…
    Partner,
    /// Employer or job board.
    Employer,
    /// A State service that co-chairs the network's committees (DREETS, DDETS, préfecture): reads
    /// the indicators of its territory, never persons.
    StateService,
    /// A training provider (organisme de formation): publishes its training, co-accompanies the
    /// persons it trains.
    TrainingProvider,
}

impl OrganizationKind {
    pub const ALL: [OrganizationKind; 9] = [
        Self::FranceTravail,
        Self::MissionLocale,
        Self::CapEmploi,
        Self::Departement,
        Self::Region,
        Self::Partner,
        Self::Employer,
        Self::StateService,
        Self::TrainingProvider,
    ];

    /// The stable text form, as in JSON and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FranceTravail => "france_travail",
            Self::MissionLocale => "mission_locale",
            Self::CapEmploi => "cap_emploi",
            Self::Departement => "departement",
            Self::Region => "region",
            Self::Partner => "partner",
            Self::Employer => "employer",
            Self::StateService => "state_service",
            Self::TrainingProvider => "training_provider",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

/// Where an organization acts (territoire d'intervention). A `departement` organization covers
/// exactly one département, a `region` organization exactly one région, a `state_service` at
/// least one région or département (rule `territory.kind_mismatch`); when régions are listed, every listed département and commune
/// lies in one of them (rule `territory.outside_regions`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Territory {
    /// INSEE codes of the régions covered.
    #[serde(default)]
    #[schema(example = json!(["84"]))]
    pub regions: Vec<RegionCode>,
    /// INSEE codes of the départements covered.
    #[serde(default)]
    #[schema(example = json!(["69"]))]
    pub departements: Vec<DepartementCode>,
    /// INSEE codes of the communes covered, when narrower than whole départements.
    #[serde(default)]
    #[schema(example = json!(["69123", "69266"]))]
    pub communes: Vec<CommuneCode>,
}

/// The fields of an organization that a client writes: the body of a creation, and the
/// document a merge patch applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "mission_locale",
    "name": "Mission locale de Lyon",
    "siret": "73282932000074",
    "territory": {"regions": ["84"], "departements": ["69"], "communes": ["69123"]}
}))]
pub struct OrganizationFields {
    pub kind: OrganizationKind,
    /// Name of the organization (raison sociale or usual name), 1 to 200 characters, not blank
    /// (rules `name.empty`, `name.too_long`).
    #[schema(example = "Mission locale de Lyon", min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    /// SIRET of the establishment; unique in the network (the organization's business key).
    pub siret: Siret,
    #[serde(default)]
    pub territory: Territory,
}

const NAME_MAX_CHARS: usize = 200;

impl Validate for OrganizationFields {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        errors.check(check_name(&self.name));
        check_territory(self.kind, &self.territory, &mut errors);
        errors.into_result()
    }
}

fn check_name(name: &str) -> Result<(), FieldError> {
    let length = name.trim().chars().count();
    if length == 0 {
        return Err(FieldError::new("name", "name.empty", "name must not be empty"));
    }
    if length > NAME_MAX_CHARS {
        return Err(FieldError::new(
            "name",
            "name.too_long",
            format!("name has {length} characters; at most {NAME_MAX_CHARS} are allowed"),
        ));
    }
    Ok(())
}

/// A département or a région acts on exactly its own territory, and every listed
/// département and commune must lie in the listed régions.
fn check_territory(kind: OrganizationKind, territory: &Territory, errors: &mut ValidationErrors) {
    let count_rule = match kind {
        OrganizationKind::Departement if territory.departements.len() != 1 => {
            Some(("territory.departements", "a département organization covers exactly one département"))
        }
        OrganizationKind::Region if territory.regions.len() != 1 => {
            Some(("territory.regions", "a région organization covers exactly one région"))
        }
        OrganizationKind::StateService if territory.regions.is_empty() && territory.departements.is_empty() => {
            Some(("territory", "a State service (DREETS, DDETS, préfecture) covers its région or its département"))
        }
        _ => None,
    };
    if let Some((field, message)) = count_rule {
        errors.push(FieldError::new(field, "territory.kind_mismatch", message));
    }
    if territory.regions.is_empty() {
        return;
    }
    for (index, departement) in territory.departements.iter().enumerate() {
        let region = RegionCode::of_departement(departement);
        if !territory.regions.contains(&region) {
            errors.push(FieldError::new(
                format!("territory.departements[{index}]"),
                "territory.outside_regions",
                format!("département {departement} lies in région {region}, which is not listed in territory.regions"),
            ));
        }
    }
    for (index, commune) in territory.communes.iter().enumerate() {
        let region = RegionCode::of_departement(&commune.departement());
        if !territory.regions.contains(&region) {
            errors.push(FieldError::new(
                format!("territory.communes[{index}]"),
                "territory.outside_regions",
                format!("commune {commune} lies in région {region}, which is not listed in territory.regions"),
            ));
        }
    }
}

/// An organization as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d",
    "kind": "mission_locale",
    "name": "Mission locale de Lyon",
    "siret": "73282932000074",
    "territory": {"regions": ["84"], "departements": ["69"], "communes": ["69123"]},
    "version": 1,
    "created_at": "2026-11-24T09:30:00Z",
    "updated_at": "2026-11-24T09:30:00Z"
}))]
pub struct Organization {
    /// Identifier (UUIDv7).
    pub id: Uuid,
    pub kind: OrganizationKind,
    pub name: String,
    pub siret: Siret,
    pub territory: Territory,
    /// Version of the record, incremented by every change; the `ETag` carries it.
    #[schema(example = 1)]
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Organization {
    /// The writable part, for applying a merge patch.
    pub fn fields(&self) -> OrganizationFields {
        OrganizationFields {
            kind: self.kind,
            name: self.name.clone(),
            siret: self.siret.clone(),
            territory: self.territory.clone(),
        }
    }
}
