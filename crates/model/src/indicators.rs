//! What the employment committees' counts are made by (issue 16): one definition for the
//! query the API checks and the `GROUP BY` the store runs.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The territorial level of the cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = LevelParam)]
pub enum Level {
    /// The whole country (territory `FR`).
    #[default]
    National,
    /// Each région (code INSEE de région).
    Region,
    /// Each département (code INSEE de département).
    Departement,
}

impl Level {
    /// The level's name, as in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::National => "national",
            Level::Region => "region",
            Level::Departement => "departement",
        }
    }
}

/// What the decisions are counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ByParam)]
pub enum Breakdown {
    /// The path decided (parcours emploi, socio-professionnel, social).
    #[default]
    PathType,
    /// The kind of the deciding organization.
    DecidingKind,
    /// The kind of the referent organization (organisme référent).
    ReferentKind,
    /// The ground of the decision (remit, département, delegation, default after the delay).
    Basis,
    /// Criterion: situation with regard to employment (`not_recorded` when no criteria were sent).
    EmploymentSituation,
    /// Criterion: qualification level.
    Qualification,
    /// Criterion: aspirations.
    Aspiration,
    /// Criterion: each difficulty assessed (santé, logement, mobilité, garde d'enfants, proche
    /// aidant, autre), counted apart: a decision may assess several, so these cells have no total.
    Difficulty,
    /// Decided within 30 days of the registration (`within_30_days`) or `later`.
    #[serde(rename = "within_30_days")]
    Within30Days,
}
