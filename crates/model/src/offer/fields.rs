//! The offer as a source publishes it, and the rules it must follow on its own. Whether its
//! ROME code, commune and NAF code exist is checked against the referentials by the offers API.

use chrono::{DateTime, Datelike, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::codes::{CommuneCode, NafCode, RomeCode, Siret};
use crate::validation::{FieldError, Validate, ValidationErrors};

pub const MAX_TITLE: usize = 200;
/// Descriptions are stored whole; this bound only refuses what no job description needs.
pub const MAX_DESCRIPTION: usize = 50_000;
pub const MAX_SKILLS: usize = 50;
pub const MAX_SKILL: usize = 200;
pub const MAX_EMPLOYER_NAME: usize = 200;
pub const MAX_POSITIONS: u32 = 1000;
pub const MAX_CONTRACT_MONTHS: u32 = 60;
pub const MAX_WEEKLY_HOURS: f64 = 48.0;
/// No gross pay above this is plausible, whatever the period.
pub const MAX_SALARY: f64 = 10_000_000.0;
/// An offer lives 60 days when its source gives no expiry, and at most a year.
pub const DEFAULT_LIFETIME_DAYS: i64 = 60;
pub const MAX_LIFETIME_DAYS: i64 = 366;
/// The earliest year an offer may say it was published: older is a mistake or a forgery (an
/// offer "published" in year 1000 and never expired would be open forever).
pub const EARLIEST_PUBLICATION_YEAR: i32 = 2000;
/// How far ahead an offer may be scheduled: a year, like its lifetime.
pub const MAX_PUBLICATION_AHEAD_DAYS: i64 = 366;
/// Legal monthly hours of a full-time job (35 h × 52 / 12), to compare hourly and monthly pay.
pub const MONTHLY_HOURS: f64 = 151.67;

/// The kind of contract (type de contrat).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContractType {
    /// Contrat à durée indéterminée.
    Cdi,
    /// Contrat à durée déterminée.
    Cdd,
    /// Mission d'intérim (travail temporaire).
    Interim,
    /// Contrat saisonnier.
    Seasonal,
    /// Contrat d'apprentissage.
    Apprenticeship,
    /// Contrat de professionnalisation.
    Professionalisation,
    /// Any other contract (e.g. contrat aidé, franchise, libéral).
    Other,
}

impl ContractType {
    pub const ALL: [ContractType; 7] = [
        Self::Cdi,
        Self::Cdd,
        Self::Interim,
        Self::Seasonal,
        Self::Apprenticeship,
        Self::Professionalisation,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cdi => "cdi",
            Self::Cdd => "cdd",
            Self::Interim => "interim",
            Self::Seasonal => "seasonal",
            Self::Apprenticeship => "apprenticeship",
            Self::Professionalisation => "professionalisation",
            Self::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<ContractType> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

/// The period a salary is paid for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SalaryPeriod {
    Hour,
    Month,
    Year,
}

/// Gross pay (salaire brut) in euros, as a range or a single bound: give `min`, `max` or both
/// (rule `salary.empty`), `min` at most `max` (rule `salary.min_above_max`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"min": 2100.0, "max": 2600.0, "period": "month"}))]
pub struct Salary {
    /// Lowest gross pay in euros for the period, 0 to 10,000,000 (rules `salary.negative`,
    /// `salary.range`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10_000_000, example = 2100.0)]
    pub min: Option<f64>,
    /// Highest gross pay in euros for the period, 0 to 10,000,000; at least `min`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10_000_000, example = 2600.0)]
    pub max: Option<f64>,
    pub period: SalaryPeriod,
}

impl Salary {
    /// The monthly equivalent of an amount paid per `period` (hours at the full-time legal rate).
    pub fn monthly(amount: f64, period: SalaryPeriod) -> f64 {
        match period {
            SalaryPeriod::Hour => amount * MONTHLY_HOURS,
            SalaryPeriod::Month => amount,
            SalaryPeriod::Year => amount / 12.0,
        }
    }

    /// The best monthly pay the offer states: its maximum, else its minimum.
    pub fn best_monthly(&self) -> Option<f64> {
        self.max.or(self.min).map(|amount| Self::monthly(amount, self.period))
    }

    fn check(&self, errors: &mut ValidationErrors) {
        for (field, amount) in [("salary.min", self.min), ("salary.max", self.max)] {
            match amount {
                Some(amount) if !amount.is_finite() || amount < 0.0 => errors.push(FieldError::new(
                    field,
                    "salary.negative",
                    format!("a salary is a positive amount of euros, not {amount}"),
                )),
                Some(amount) if amount > MAX_SALARY => {
                    errors.push(FieldError::new(field, "salary.range", "a salary above 10,000,000 € is not plausible"))
                }
                _ => {}
            }
        }
        match (self.min, self.max) {
            (None, None) => {
                errors.push(FieldError::new("salary", "salary.empty", "give min, max or both, or leave salary out"))
            }
            (Some(min), Some(max)) if min > max => errors.push(FieldError::new(
                "salary",
                "salary.min_above_max",
                format!("the minimum ({min}) is above the maximum ({max})"),
            )),
            _ => {}
        }
    }
}

/// Where the job is (lieu de travail).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"commune": "69266", "latitude": 45.7719, "longitude": 4.8902}))]
pub struct Workplace {
    /// Commune code (code officiel géographique de l'INSEE, not the postal code), which must be
    /// a current commune of the referential (rule `commune.unknown`).
    pub commune: CommuneCode,
    /// Latitude (WGS 84) of the workplace itself, -90 to 90 (rule `latitude.range`); with
    /// `longitude`, both or neither (rule `workplace.partial_position`). When left out, the position of the commune's town hall is
    /// used and the workplace counts as imprecise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = -90, maximum = 90, example = 45.7719)]
    pub latitude: Option<f64>,
    /// Longitude (WGS 84) of the workplace itself, -180 to 180 (rule `longitude.range`); with
    /// `latitude`, both or neither (rule `workplace.partial_position`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = -180, maximum = 180, example = 4.8902)]
    pub longitude: Option<f64>,
}

impl Workplace {
    /// The position given by the source, when it gave one.
    pub fn point(&self) -> Option<(f64, f64)> {
        self.latitude.zip(self.longitude)
    }

    fn check(&self, errors: &mut ValidationErrors) {
        match (self.latitude, self.longitude) {
            (None, None) => {}
            (Some(latitude), Some(longitude)) => {
                if !(-90.0..=90.0).contains(&latitude) {
                    errors.push(FieldError::new(
                        "workplace.latitude",
                        "latitude.range",
                        "latitude is -90 to 90 degrees",
                    ));
                }
                if !(-180.0..=180.0).contains(&longitude) {
                    errors.push(FieldError::new(
                        "workplace.longitude",
                        "longitude.range",
                        "longitude is -180 to 180 degrees",
                    ));
                }
            }
            _ => errors.push(FieldError::new(
                "workplace",
                "workplace.partial_position",
                "give both latitude and longitude, or neither",
            )),
        }
    }
}

/// Staff size band of the employer (tranche d'effectif salarié).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum SizeBand {
    /// No employee.
    #[serde(rename = "0")]
    None,
    #[serde(rename = "1-9")]
    Micro,
    #[serde(rename = "10-49")]
    Small,
    #[serde(rename = "50-249")]
    Medium,
    #[serde(rename = "250-4999")]
    Intermediate,
    #[serde(rename = "5000+")]
    Large,
}

/// Who hires (employeur). Name or SIRET identify the employer for de-duplication.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Boulangerie Martin", "siret": "73282932000074", "naf": "10.71C", "size_band": "1-9"}))]
pub struct Employer {
    /// Name (raison sociale or enseigne), 1 to 200 characters, not blank (rule
    /// `employer.name.length`). Leave out for an anonymous offer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub siret: Option<Siret>,
    /// NAF rév. 2 activity code (code APE), which must be a sub-class of the referential (rule
    /// `naf.unknown`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub naf: Option<NafCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_band: Option<SizeBand>,
}

impl Employer {
    /// Whether the employer is identified, by name or SIRET.
    pub fn is_named(&self) -> bool {
        self.siret.is_some() || self.name.as_deref().is_some_and(|name| !name.trim().is_empty())
    }
}

/// How much experience the job asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExperienceLevel {
    /// Beginners welcome (débutant accepté).
    BeginnerAccepted,
    /// Experience desired (expérience souhaitée).
    Desired,
    /// Experience required (expérience exigée).
    Required,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"level": "desired", "months": 24}))]
pub struct Experience {
    pub level: ExperienceLevel,
    /// Months of experience, when the level is desired or required; at most 600 (rule
    /// `experience.range`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(maximum = 600)]
    pub months: Option<u32>,
}

/// Remote work (télétravail).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RemoteWork {
    #[default]
    None,
    /// Some days a week.
    Partial,
    Full,
}

/// Inclusive-hiring commitments (recrutement inclusif).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InclusiveHiring {
    /// The employer is committed to hiring disabled workers (employeur engagé, handi-accueillant).
    #[serde(default)]
    pub disability_committed: bool,
    /// Hiring without a CV (recrutement sans CV, e.g. méthode de recrutement par simulation).
    #[serde(default)]
    pub without_cv: bool,
    /// Open to people in an integration scheme (insertion par l'activité économique, IAE).
    #[serde(default)]
    pub open_to_iae: bool,
}

/// A job offer as its source publishes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Développeur / Développeuse web",
    "description": "Au sein d'une équipe de cinq personnes, vous développez les services en ligne de nos clients.",
    "rome_code": "M1805",
    "contract_type": "cdd", "contract_months": 12, "weekly_hours": 35.0,
    "salary": {"min": 2400.0, "max": 2900.0, "period": "month"}, "positions": 1,
    "workplace": {"commune": "69266"},
    "employer": {"name": "Atelier Numérique", "siret": "73282932000074", "naf": "62.01Z", "size_band": "10-49"},
    "skills": ["Rust", "PostgreSQL", "Accessibilité numérique"],
    "qualification_level": 6, "experience": {"level": "desired", "months": 24}, "remote_work": "partial",
    "inclusive_hiring": {"disability_committed": true, "without_cv": false, "open_to_iae": false},
    "published_at": "2026-11-20T09:00:00Z", "expires_at": "2027-01-19T23:59:59Z"
}))]
pub struct OfferFields {
    /// Title (intitulé du poste), 1 to 200 characters, not blank (rule `title.length`).
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: String,
    /// Description (descriptif du poste), stored whole, 1 to 50,000 characters, not blank (rule
    /// `description.length`).
    #[schema(min_length = 1, max_length = 50_000, pattern = r"\S")]
    pub description: String,
    /// The job's ROME 4.0 code (fiche métier), which must exist in the referential (rule
    /// `rome.unknown`).
    pub rome_code: RomeCode,
    pub contract_type: ContractType,
    /// Duration in months (durée du contrat), 1 to 60 (rule `contract_months.range`); not for a
    /// CDI (rule `contract_months.not_applicable`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 60, example = 12)]
    pub contract_months: Option<u32>,
    /// Weekly working hours (durée hebdomadaire), above 0 and up to 48 (rule `weekly_hours.range`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(exclusive_minimum = 0, maximum = 48, example = 35.0)]
    pub weekly_hours: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salary: Option<Salary>,
    /// Number of positions (nombre de postes), 1 to 1000 (rule `positions.range`).
    #[serde(default = "one_position")]
    #[schema(minimum = 1, maximum = 1000, default = 1)]
    pub positions: u32,
    pub workplace: Workplace,
    #[serde(default)]
    pub employer: Employer,
    /// Skills asked for (compétences): see [`skills_schema`].
    #[serde(default)]
    #[schema(schema_with = skills_schema)]
    pub skills: Vec<String>,
    /// Qualification level of the national framework (niveau de qualification, 1 to 8: 3 is a
    /// CAP, 4 the baccalauréat, 5 a BTS, 6 a licence, 7 a master, 8 a doctorate; rule
    /// `qualification_level.range`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 8, example = 4)]
    pub qualification_level: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experience: Option<Experience>,
    #[serde(default)]
    pub remote_work: RemoteWork,
    #[serde(default)]
    pub inclusive_hiring: InclusiveHiring,
    /// When the offer was published (date de publication), from the year 2000 (rule
    /// `published_at.too_early`) to a year ahead (rule `published_at.too_late`); the first
    /// publication's time when left out.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::date::strict_time_option")]
    pub published_at: Option<DateTime<Utc>>,
    /// When the offer leaves the searches (date d'expiration): after its publication (rule
    /// `expires_at.before_publication`), at most a year later (rule `expires_at.too_late`); 60
    /// days after publication when left out.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::date::strict_time_option")]
    pub expires_at: Option<DateTime<Utc>>,
}

fn one_position() -> u32 {
    1
}

fn skills_schema() -> utoipa::openapi::schema::Array {
    crate::schemas::text_list(
        format!(
            "Skills asked for (compétences), up to {MAX_SKILLS} (rule `skills.count`), each 1 to \
             {MAX_SKILL} characters, not blank (rule `skill.length`)."
        ),
        0..=MAX_SKILLS,
        MAX_SKILL,
    )
}

impl OfferFields {
    /// The publication and expiry times, defaults applied: a publication without a date is
    /// dated `now`; an offer without an expiry lives 60 days.
    pub fn dates(&self, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        let published_at = self.published_at.unwrap_or(now);
        let expires_at = self.expires_at.unwrap_or(published_at + Duration::days(DEFAULT_LIFETIME_DAYS));
        (published_at, expires_at)
    }

    /// The document with its dates made explicit, as stored.
    pub fn with_dates(mut self, now: DateTime<Utc>) -> OfferFields {
        let (published_at, expires_at) = self.dates(now);
        self.published_at = Some(published_at);
        self.expires_at = Some(expires_at);
        self
    }

    fn check_texts(&self, errors: &mut ValidationErrors) {
        errors.check(check_length("title", "title.length", &self.title, MAX_TITLE));
        errors.check(check_length("description", "description.length", &self.description, MAX_DESCRIPTION));
        if self.skills.len() > MAX_SKILLS {
            errors.push(FieldError::new("skills", "skills.count", format!("list at most {MAX_SKILLS} skills")));
        }
        for (index, skill) in self.skills.iter().enumerate() {
            errors.check(check_length(&format!("skills[{index}]"), "skill.length", skill, MAX_SKILL));
        }
        if let Some(name) = &self.employer.name {
            errors.check(check_length("employer.name", "employer.name.length", name, MAX_EMPLOYER_NAME));
        }
    }

    fn check_numbers(&self, errors: &mut ValidationErrors) {
        match (self.contract_type, self.contract_months) {
            (ContractType::Cdi, Some(_)) => errors.push(FieldError::new(
                "contract_months",
                "contract_months.not_applicable",
                "a CDI has no duration; leave contract_months out",
            )),
            (_, Some(months)) if !(1..=MAX_CONTRACT_MONTHS).contains(&months) => errors.push(FieldError::new(
                "contract_months",
                "contract_months.range",
                format!("a contract lasts 1 to {MAX_CONTRACT_MONTHS} months, not {months}"),
            )),
            _ => {}
        }
        if let Some(hours) = self.weekly_hours
            && !(hours.is_finite() && hours > 0.0 && hours <= MAX_WEEKLY_HOURS)
        {
            errors.push(FieldError::new(
                "weekly_hours",
                "weekly_hours.range",
                format!("weekly hours are above 0 and at most {MAX_WEEKLY_HOURS}, not {hours}"),
            ));
        }
        if !(1..=MAX_POSITIONS).contains(&self.positions) {
            errors.push(FieldError::new(
                "positions",
                "positions.range",
                format!("an offer has 1 to {MAX_POSITIONS} positions, not {}", self.positions),
            ));
        }
        if let Some(level) = self.qualification_level
            && !(1..=8).contains(&level)
        {
            errors.push(FieldError::new(
                "qualification_level",
                "qualification_level.range",
                format!("qualification levels are 1 to 8, not {level}"),
            ));
        }
        if let Some(months) = self.experience.as_ref().and_then(|experience| experience.months)
            && months > 600
        {
            errors.push(FieldError::new("experience.months", "experience.range", "at most 600 months"));
        }
        if let Some(salary) = &self.salary {
            salary.check(errors);
        }
    }

    fn check_dates(&self, errors: &mut ValidationErrors) {
        let now = crate::ids::now();
        if let Some(published_at) = self.published_at {
            check_publication(published_at, now, errors);
        }
        let Some(expires_at) = self.expires_at else { return };
        let published_at = self.published_at.unwrap_or(now);
        if expires_at <= published_at {
            errors.push(FieldError::new(
                "expires_at",
                "expires_at.before_publication",
                format!("the expiry ({expires_at}) must come after the publication ({published_at})"),
            ));
        } else if expires_at - published_at > Duration::days(MAX_LIFETIME_DAYS) {
            errors.push(FieldError::new(
                "expires_at",
                "expires_at.too_late",
                format!("an offer lives at most {MAX_LIFETIME_DAYS} days after its publication"),
            ));
        }
    }
}

/// A publication from [`EARLIEST_PUBLICATION_YEAR`] to [`MAX_PUBLICATION_AHEAD_DAYS`] ahead.
fn check_publication(published_at: DateTime<Utc>, now: DateTime<Utc>, errors: &mut ValidationErrors) {
    if published_at.year() < EARLIEST_PUBLICATION_YEAR {
        errors.push(FieldError::new(
            "published_at",
            "published_at.too_early",
            format!("an offer is published in {EARLIEST_PUBLICATION_YEAR} or later, not {published_at}"),
        ));
    } else if published_at - now > Duration::days(MAX_PUBLICATION_AHEAD_DAYS) {
        errors.push(FieldError::new(
            "published_at",
            "published_at.too_late",
            format!("an offer is published at most {MAX_PUBLICATION_AHEAD_DAYS} days ahead, not {published_at}"),
        ));
    }
}

impl Validate for OfferFields {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        self.check_texts(&mut errors);
        self.check_numbers(&mut errors);
        self.workplace.check(&mut errors);
        self.check_dates(&mut errors);
        errors.into_result()
    }
}

/// A text of 1 to `max` characters once trimmed.
fn check_length(field: &str, rule: &str, text: &str, max: usize) -> Result<(), FieldError> {
    let length = text.trim().chars().count();
    if length == 0 || length > max {
        return Err(FieldError::new(field, rule, format!("{field} needs 1 to {max} characters, not {length}")));
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The bounds the contract states for the offer's fields are the ones `validate` checks.
    #[test]
    fn the_schema_states_the_bounds_validation_checks() {
        use utoipa::PartialSchema;
        let fields = serde_json::to_value(OfferFields::schema()).unwrap();
        let property = |name: &str| fields["properties"][name].clone();
        assert_eq!(property("title")["maxLength"], MAX_TITLE);
        assert_eq!(property("description")["maxLength"], MAX_DESCRIPTION);
        assert_eq!(property("skills")["maxItems"], MAX_SKILLS);
        assert_eq!(property("skills")["items"]["maxLength"], MAX_SKILL);
        assert_eq!(property("positions")["maximum"], MAX_POSITIONS);
        assert_eq!(property("contract_months")["maximum"], MAX_CONTRACT_MONTHS);
        assert_eq!(property("weekly_hours")["maximum"], MAX_WEEKLY_HOURS);
        assert_eq!(property("weekly_hours")["exclusiveMinimum"], 0.0);
        for name in ["title", "description"] {
            assert_eq!(property(name)["minLength"], 1, "{name}");
            assert_eq!(property(name)["pattern"], r"\S", "{name}");
        }
        let salary = serde_json::to_value(Salary::schema()).unwrap();
        for bound in ["min", "max"] {
            assert_eq!(salary["properties"][bound]["maximum"], MAX_SALARY, "{bound}");
        }
        let employer = serde_json::to_value(Employer::schema()).unwrap();
        assert_eq!(employer["properties"]["name"]["maxLength"], MAX_EMPLOYER_NAME);
    }

    pub fn example() -> OfferFields {
        serde_json::from_value(serde_json::json!({
            "title": "Développeur web", "description": "Vous développez des services en ligne.",
            "rome_code": "M1805", "contract_type": "cdd", "contract_months": 12,
            "workplace": {"commune": "69266"}, "employer": {"name": "Atelier Numérique", "siret": "73282932000074"},
            "published_at": "2026-11-20T09:00:00Z", "expires_at": "2027-01-19T23:59:59Z"
        }))
        .unwrap()
    }

    fn rules(fields: &OfferFields) -> Vec<String> {
        fields
            .validate()
            .err()
            .map(|errors| errors.into_vec().into_iter().map(|e| e.rule).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_complete_offer_is_valid() {
        assert!(rules(&example()).is_empty());
        assert_eq!(example().positions, 1);
    }

    #[test]
    fn salaries_are_checked() {
        let mut offer = example();
        offer.salary = Some(Salary { min: Some(-1.0), max: None, period: SalaryPeriod::Month });
        assert_eq!(rules(&offer), ["salary.negative"]);
        offer.salary = Some(Salary { min: Some(3000.0), max: Some(2000.0), period: SalaryPeriod::Month });
        assert_eq!(rules(&offer), ["salary.min_above_max"]);
        offer.salary = Some(Salary { min: None, max: None, period: SalaryPeriod::Year });
        assert_eq!(rules(&offer), ["salary.empty"]);
        let hourly = Salary { min: Some(12.0), max: None, period: SalaryPeriod::Hour };
        assert!((hourly.best_monthly().unwrap() - 1820.04).abs() < 0.01);
    }

    #[test]
    fn dates_are_checked() {
        let mut offer = example();
        offer.expires_at = offer.published_at;
        assert_eq!(rules(&offer), ["expires_at.before_publication"]);
        offer.expires_at = offer.published_at.map(|date| date + Duration::days(400));
        assert_eq!(rules(&offer), ["expires_at.too_late"]);
        offer.expires_at = None;
        let (published, expires) = offer.dates(crate::ids::now());
        assert_eq!(expires - published, Duration::days(DEFAULT_LIFETIME_DAYS));
    }

    #[test]
    fn a_publication_is_from_2000_to_a_year_ahead() {
        let now = crate::ids::now();
        let published = |at: DateTime<Utc>| OfferFields { published_at: Some(at), expires_at: None, ..example() };
        let year_1000 = DateTime::parse_from_rfc3339("1000-01-01T00:00:00Z").expect("time").with_timezone(&Utc);
        assert_eq!(rules(&published(year_1000)), ["published_at.too_early"]);
        let year_2000 = DateTime::parse_from_rfc3339("2000-01-01T00:00:00Z").expect("time").with_timezone(&Utc);
        assert!(rules(&published(year_2000)).is_empty());
        assert!(rules(&published(now + Duration::days(MAX_PUBLICATION_AHEAD_DAYS - 1))).is_empty());
        assert_eq!(rules(&published(now + Duration::days(MAX_PUBLICATION_AHEAD_DAYS + 1))), ["published_at.too_late"]);
    }

    #[test]
    fn offer_dates_are_read_strictly() {
        let mut input = serde_json::to_value(example()).expect("json");
        input["published_at"] = "+002026-11-20T09:00:00Z".into();
        let refused = serde_json::from_value::<OfferFields>(input).expect_err("a signed year");
        assert!(refused.to_string().starts_with("timestamp.format: "), "{refused}");
    }

    #[test]
    fn contract_and_numbers_are_checked() {
        let mut offer = example();
        offer.contract_type = ContractType::Cdi;
        assert_eq!(rules(&offer), ["contract_months.not_applicable"]);
        offer.contract_months = None;
        offer.weekly_hours = Some(60.0);
        offer.positions = 0;
        offer.qualification_level = Some(9);
        offer.title = " ".into();
        offer.workplace.latitude = Some(45.0);
        assert_eq!(
            rules(&offer),
            [
                "title.length",
                "weekly_hours.range",
                "positions.range",
                "qualification_level.range",
                "workplace.partial_position"
            ]
        );
    }

    #[test]
    fn unknown_fields_and_bad_codes_are_refused() {
        let mut json = serde_json::to_value(example()).unwrap();
        json["colour"] = "blue".into();
        assert!(serde_json::from_value::<OfferFields>(json).unwrap_err().to_string().contains("colour"));
        let mut json = serde_json::to_value(example()).unwrap();
        json["employer"]["siret"] = "73282932000075".into();
        assert!(serde_json::from_value::<OfferFields>(json).unwrap_err().to_string().contains("siret.luhn"));
    }
}
