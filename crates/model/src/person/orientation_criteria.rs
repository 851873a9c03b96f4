//! The orientation criteria approved by the arrêté of 21 November 2024 (in force since
//! 1 January 2025): the situation with regard to employment, the qualification, the person's
//! aspirations, and the difficulties that stand in the way (health, housing, mobility, childcare,
//! caring for a relative, other). The orientation decision records what was assessed, so that the
//! employment committees (CNE, CRPE, CDPE) read the same criteria from every organization.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::diagnostic::QualificationLevel;
use crate::validation::FieldError;

/// The situation with regard to employment (situation au regard de l'emploi).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EmploymentSituation {
    /// In work, looking for more or another job (en emploi).
    InEmployment,
    /// Out of work for less than 12 months (sans emploi depuis moins de 12 mois).
    #[serde(rename = "unemployed_under_12_months")]
    UnemployedUnder12Months,
    /// Out of work for 12 months or more (chômage de longue durée).
    #[serde(rename = "unemployed_over_12_months")]
    UnemployedOver12Months,
    /// Never worked (sans expérience professionnelle).
    NeverWorked,
}

/// What the person aspires to (aspirations, projet de la personne).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Aspiration {
    /// A job, soon (accès rapide à l'emploi).
    Employment,
    /// A training first (formation).
    Training,
    /// Creating a business (création d'activité).
    BusinessCreation,
    /// Solving personal difficulties first (levée des freins).
    SocialSupport,
    /// Not defined yet (projet à construire).
    Undefined,
}

/// A difficulty that stands in the way of employment (difficulté, frein périphérique).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Difficulty {
    /// Santé.
    Health,
    /// Logement.
    Housing,
    /// Mobilité.
    Mobility,
    /// Garde d'enfants.
    Childcare,
    /// Proche aidant: caring for a relative.
    Carer,
    /// Autre difficulté.
    Other,
}

impl Difficulty {
    pub const ALL: [Difficulty; 6] =
        [Self::Health, Self::Housing, Self::Mobility, Self::Childcare, Self::Carer, Self::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Health => "health",
            Self::Housing => "housing",
            Self::Mobility => "mobility",
            Self::Childcare => "childcare",
            Self::Carer => "carer",
            Self::Other => "other",
        }
    }
}

/// The criteria assessed for an orientation (critères d'orientation, arrêté du 21 novembre 2024).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"employment_situation": "unemployed_over_12_months", "qualification": "cap_bep",
    "aspiration": "employment", "difficulties": ["mobility", "childcare"]}))]
pub struct OrientationCriteria {
    pub employment_situation: EmploymentSituation,
    /// The highest qualification, as the diagnostic records it (niveau de qualification).
    pub qualification: QualificationLevel,
    pub aspiration: Aspiration,
    /// The difficulties assessed, each at most once (rule `difficulties.duplicate`); empty when
    /// none stands in the way.
    #[serde(default)]
    #[schema(max_items = 6)]
    pub difficulties: Vec<Difficulty>,
}

impl OrientationCriteria {
    /// Each difficulty at most once: a list that names one twice was not assessed as sent.
    pub fn check(&self) -> Result<(), FieldError> {
        let mut seen = Vec::with_capacity(self.difficulties.len());
        for difficulty in &self.difficulties {
            if seen.contains(difficulty) {
                return Err(FieldError::new(
                    "criteria.difficulties",
                    "difficulties.duplicate",
                    format!("the difficulty {} is listed twice", difficulty.as_str()),
                ));
            }
            seen.push(*difficulty);
        }
        Ok(())
    }

    pub fn has(&self, difficulty: Difficulty) -> bool {
        self.difficulties.contains(&difficulty)
    }
}
