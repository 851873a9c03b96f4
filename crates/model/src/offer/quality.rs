//! The quality score of an offer: how much a job seeker learns from it before applying.
//! Five criteria, 20 points each; every criterion is listed, met or not, with its points, so a
//! source sees what to add.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::OfferFields;

/// A description shorter than this says too little about the job.
pub const LONG_DESCRIPTION: usize = 400;
/// Skills listed for the criterion `skills_listed`.
pub const SKILLS_LISTED: usize = 3;
const POINTS: u8 = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"score": 60, "reasons": [
    {"criterion": "employer_named", "met": true, "points": 20},
    {"criterion": "salary_given", "met": true, "points": 20},
    {"criterion": "skills_listed", "met": true, "points": 20},
    {"criterion": "description_long_enough", "met": false, "points": 0},
    {"criterion": "workplace_precise", "met": false, "points": 0}]}))]
pub struct Quality {
    /// 0 to 100: the sum of the points of the criteria met.
    pub score: u8,
    pub reasons: Vec<QualityReason>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct QualityReason {
    /// `employer_named` (name or SIRET), `salary_given`, `skills_listed` (at least 3),
    /// `description_long_enough` (at least 400 characters), `workplace_precise` (the workplace's
    /// own position, not just its commune).
    #[schema(example = "salary_given")]
    pub criterion: String,
    pub met: bool,
    /// 20 when met, else 0.
    pub points: u8,
}

impl Quality {
    pub fn of(fields: &OfferFields) -> Quality {
        let criteria = [
            ("employer_named", fields.employer.is_named()),
            ("salary_given", fields.salary.is_some()),
            ("skills_listed", fields.skills.len() >= SKILLS_LISTED),
            ("description_long_enough", fields.description.trim().chars().count() >= LONG_DESCRIPTION),
            ("workplace_precise", fields.workplace.point().is_some()),
        ];
        let reasons: Vec<QualityReason> = criteria
            .into_iter()
            .map(|(criterion, met)| QualityReason {
                criterion: criterion.to_owned(),
                met,
                points: if met { POINTS } else { 0 },
            })
            .collect();
        Quality { score: reasons.iter().map(|reason| reason.points).sum(), reasons }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::offer::fields::tests::example;
    use crate::offer::{Salary, SalaryPeriod};

    #[test]
    fn each_criterion_adds_twenty_points() {
        let mut offer = example();
        let quality = Quality::of(&offer);
        assert_eq!(quality.score, 20, "{quality:?}");
        assert_eq!(quality.reasons.len(), 5);
        offer.salary = Some(Salary { min: Some(2000.0), max: None, period: SalaryPeriod::Month });
        offer.skills = vec!["a".into(), "b".into(), "c".into()];
        offer.description = "x".repeat(LONG_DESCRIPTION);
        offer.workplace.latitude = Some(45.77);
        offer.workplace.longitude = Some(4.89);
        assert_eq!(Quality::of(&offer).score, 100);
        offer.employer = Default::default();
        let quality = Quality::of(&offer);
        assert_eq!(quality.score, 80);
        assert!(quality.reasons.iter().any(|reason| reason.criterion == "employer_named" && !reason.met));
    }
}
