//! Organizations of the network, as the API returns and takes them.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The kind of an organization: it decides which records its clients may touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganizationKind {
    FranceTravail,
    MissionLocale,
    CapEmploi,
    Departement,
    Region,
    Partner,
    Employer,
    /// DREETS, DDETS, préfecture.
    StateService,
    TrainingProvider,
    /// A kind added to the API after this client was built: lists still decode.
    #[serde(other)]
    Unknown,
}

impl OrganizationKind {
    /// Every kind this client knows.
    pub const ALL: [OrganizationKind; 9] = [
        OrganizationKind::FranceTravail,
        OrganizationKind::MissionLocale,
        OrganizationKind::CapEmploi,
        OrganizationKind::Departement,
        OrganizationKind::Region,
        OrganizationKind::Partner,
        OrganizationKind::Employer,
        OrganizationKind::StateService,
        OrganizationKind::TrainingProvider,
    ];

    /// The wire name: `mission_locale`.
    pub fn as_str(self) -> &'static str {
        match self {
            OrganizationKind::FranceTravail => "france_travail",
            OrganizationKind::MissionLocale => "mission_locale",
            OrganizationKind::CapEmploi => "cap_emploi",
            OrganizationKind::Departement => "departement",
            OrganizationKind::Region => "region",
            OrganizationKind::Partner => "partner",
            OrganizationKind::Employer => "employer",
            OrganizationKind::StateService => "state_service",
            OrganizationKind::TrainingProvider => "training_provider",
            OrganizationKind::Unknown => "unknown",
        }
    }

    /// The kind with this wire name.
    pub fn parse(name: &str) -> Option<OrganizationKind> {
        OrganizationKind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// Where an organization acts: INSEE codes of régions, départements and communes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Territory {
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default)]
    pub departements: Vec<String>,
    #[serde(default)]
    pub communes: Vec<String>,
}

/// An organization as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub id: Uuid,
    pub kind: OrganizationKind,
    pub name: String,
    /// 14 digits, normalized.
    pub siret: String,
    pub territory: Territory,
    /// Incremented by every change; the `ETag` carries it.
    pub version: u64,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub updated_at: String,
}

/// An organization to register (administrators only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOrganization {
    pub kind: OrganizationKind,
    pub name: String,
    /// Spaces are accepted and removed.
    pub siret: String,
    pub territory: Territory,
}
