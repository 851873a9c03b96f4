//! The query of `GET /v1/orientation-decisions`, checked before the database is touched.

use chrono::NaiveDate;
use plateforme_api::{ApiError, ErrorCode};
use plateforme_model::FieldError;
use plateforme_model::codes::{DepartementCode, RegionCode};
pub use plateforme_model::indicators::{Breakdown as ByParam, Level as LevelParam};
use plateforme_store::indicators::orientation_decisions::CountRequest;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// At most five years of months in one table.
pub const MAX_MONTHS: u32 = 60;

/// The period of the cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PeriodParam {
    /// Calendar months, `YYYY-MM`.
    #[default]
    Month,
    /// Calendar quarters, `YYYY-Qn`.
    Quarter,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrientationDecisionsQuery {
    /// The first month counted, `YYYY-MM` (rule `month.format`).
    #[param(required = true, pattern = r"^\d{4}-(0[1-9]|1[0-2])$", example = "2026-01")]
    pub from: Option<String>,
    /// The last month counted, `YYYY-MM`, not before `from` and at most 60 months after it (rule
    /// `month.range`).
    #[param(required = true, pattern = r"^\d{4}-(0[1-9]|1[0-2])$", example = "2026-12")]
    pub to: Option<String>,
    /// The level of the cells (`national` by default). Below the national level, only the
    /// territories your organization may read are listed (the access policy of indicators).
    #[param(inline)]
    pub level: Option<LevelParam>,
    /// What the decisions are counted by (`path_type` by default).
    #[param(inline)]
    pub by: Option<ByParam>,
    /// Months or quarters (`month` by default). Quarters are counted whole: every quarter that
    /// `from` to `to` touches.
    #[param(inline)]
    pub period: Option<PeriodParam>,
    /// Only this région (code INSEE, rules `region.format`, `region.unknown`): its cells, or its
    /// départements' at the `departement` level. The national cells stay the nation's.
    #[param(example = "84")]
    pub region: Option<String>,
    /// Only this département (code INSEE, rules `departement.format`, `departement.unknown`), of
    /// `region` when both are given (rule `departement.region`): its cells, or its région's at the
    /// `region` level. The national cells stay the nation's.
    #[param(example = "69")]
    pub departement: Option<String>,
}

/// The checked query.
pub struct Checked {
    pub request: CountRequest,
    pub level: LevelParam,
    pub by: ByParam,
    pub period: PeriodParam,
    pub region: Option<RegionCode>,
    pub departement: Option<DepartementCode>,
}

impl OrientationDecisionsQuery {
    pub fn check(self) -> Result<Checked, ApiError> {
        let from = month(self.from.as_deref(), "from")?;
        let to = month(self.to.as_deref(), "to")?;
        let span = months_between(from, to);
        if !(0..i64::from(MAX_MONTHS)).contains(&span) {
            return Err(invalid("to", "month.range", format!("to is from to {MAX_MONTHS} months after from")));
        }
        let (region, departement) = territory(self.region.as_deref(), self.departement.as_deref())?;
        let (level, by, period) =
            (self.level.unwrap_or_default(), self.by.unwrap_or_default(), self.period.unwrap_or_default());
        let request = CountRequest {
            level,
            breakdown: by,
            from_month: from.format("%Y-%m").to_string(),
            to_month: to.format("%Y-%m").to_string(),
            region: region.as_ref().map(|code| code.as_str().to_owned()),
            departement: departement.as_ref().map(|code| code.as_str().to_owned()),
        };
        Ok(Checked { request, level, by, period, region, departement })
    }
}

/// The territory a query asks for: a région and/or a département (INSEE codes), the
/// département in the région when both are given (rule `departement.region`).
pub fn territory(
    region: Option<&str>,
    departement: Option<&str>,
) -> Result<(Option<RegionCode>, Option<DepartementCode>), ApiError> {
    let region =
        region.map(RegionCode::parse).transpose().map_err(|error| invalid("region", error.rule, error.message))?;
    let departement = departement
        .map(DepartementCode::parse)
        .transpose()
        .map_err(|error| invalid("departement", error.rule, error.message))?;
    if let (Some(region), Some(departement)) = (&region, &departement)
        && RegionCode::of_departement(departement) != *region
    {
        return Err(invalid("departement", "departement.region", format!("{departement} is not in {region}")));
    }
    Ok((region, departement))
}

/// The first day of a `YYYY-MM` month.
fn month(text: Option<&str>, field: &str) -> Result<NaiveDate, ApiError> {
    let Some(text) = text else {
        return Err(invalid(field, "required", format!("{field} is required")));
    };
    let parsed = match text.as_bytes() {
        [_, _, _, _, b'-', _, _] => NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").ok(),
        _ => None,
    };
    parsed.ok_or_else(|| invalid(field, "month.format", format!("{field} is a month YYYY-MM; got {text:?}")))
}

fn months_between(from: NaiveDate, to: NaiveDate) -> i64 {
    use chrono::Datelike;
    (i64::from(to.year()) - i64::from(from.year())) * 12 + i64::from(to.month()) - i64::from(from.month())
}

/// The period a `YYYY-MM` month falls in.
pub fn period_of(month: &str, period: PeriodParam) -> String {
    match period {
        PeriodParam::Quarter => plateforme_model::secrecy::cube::quarter_of(month),
        PeriodParam::Month => month.to_owned(),
    }
}

fn invalid(field: &str, rule: &str, message: String) -> ApiError {
    ApiError::new(ErrorCode::InvalidQuery, format!("{field}: {message}"))
        .with_errors(vec![FieldError::new(field, rule, message)])
}
