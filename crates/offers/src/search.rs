//! The query of an offer search, as the API takes it, checked into a [`SearchRequest`], and
//! that request as the search engine's query.

use chrono::{DateTime, Utc};
use plateforme_api::pagination::RankedPages;
use plateforme_api::{ApiError, ErrorCode};
use plateforme_model::codes::{CommuneCode, DepartementCode, RegionCode, RomeCode};
use plateforme_model::offer::ContractType;
use plateforme_model::{FieldError, date};
use plateforme_search::{Circle, Filter, Query, Sort};
use serde::Deserialize;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{IntoParams, PartialSchema, ToSchema};

use crate::search_index::{
    COMMUNE, CONTRACT_TYPE, DEPARTEMENT, DISABILITY_COMMITTED, EXPIRES_AT, LATITUDE, LONGITUDE, MONTHLY_SALARY,
    OPEN_TO_IAE, PUBLISHED_AT, QUALITY_SCORE, REGION, ROME_CODE, WITHOUT_CV,
};

pub const MAX_RADIUS_KM: f64 = 200.0;
pub const DEFAULT_RADIUS_KM: f64 = 10.0;
pub const MAX_LIST: usize = 20;
/// Deeper than this, refine the search: results are paged by position.
pub const MAX_OFFSET: i64 = 10_000;
/// The pages of the offer search (`cursor` tagged `o`).
pub const PAGES: RankedPages = RankedPages { tag: 'o', max_offset: MAX_OFFSET, max_limit: 100, default_limit: 20 };

/// A circle around a point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    pub latitude: f64,
    pub longitude: f64,
    pub radius_km: f64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchFilters {
    pub text: Option<String>,
    pub rome_codes: Vec<String>,
    pub contract_types: Vec<String>,
    pub communes: Vec<String>,
    pub departements: Vec<String>,
    pub regions: Vec<String>,
    pub near: Option<Near>,
    pub published_since: Option<DateTime<Utc>>,
    pub disability_committed: bool,
    pub without_cv: bool,
    pub open_to_iae: bool,
    /// Offers stating at least this monthly gross pay.
    pub min_monthly_salary: Option<f64>,
    pub min_quality: Option<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchSort {
    /// Best text match first (the date when there is no text).
    Relevance,
    /// Most recently published first.
    Date,
    /// Nearest first (needs a point).
    Distance,
}

/// A search, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    pub filters: SearchFilters,
    pub sort: SearchSort,
    pub limit: i64,
    pub offset: i64,
    /// Offers whose expiry is at or before this time are left out.
    pub now: DateTime<Utc>,
}

impl SearchRequest {
    /// The engine's query: every filter, the sort, the page, the facets the answer counts.
    pub fn query(&self) -> Query {
        let filters = &self.filters;
        let mut query_filters = vec![Filter::Above { field: EXPIRES_AT, value: self.now.timestamp_micros() }];
        for (field, values) in [
            (ROME_CODE, &filters.rome_codes),
            (CONTRACT_TYPE, &filters.contract_types),
            (COMMUNE, &filters.communes),
            (DEPARTEMENT, &filters.departements),
            (REGION, &filters.regions),
        ] {
            if !values.is_empty() {
                query_filters.push(Filter::AnyOf { field, values: values.clone() });
            }
        }
        let circle = filters.near.map(|near| Circle {
            latitude_field: LATITUDE,
            longitude_field: LONGITUDE,
            latitude: near.latitude,
            longitude: near.longitude,
            radius_km: near.radius_km,
        });
        query_filters.extend(circle.map(Filter::Within));
        if let Some(since) = filters.published_since {
            query_filters.push(Filter::AtLeast { field: PUBLISHED_AT, value: since.timestamp_micros() });
        }
        for (wanted, field) in [
            (filters.disability_committed, DISABILITY_COMMITTED),
            (filters.without_cv, WITHOUT_CV),
            (filters.open_to_iae, OPEN_TO_IAE),
        ] {
            if wanted {
                query_filters.push(Filter::Flagged { field });
            }
        }
        if let Some(salary) = filters.min_monthly_salary {
            query_filters.push(Filter::AtLeastFloat { field: MONTHLY_SALARY, value: salary });
        }
        if let Some(score) = filters.min_quality {
            query_filters.push(Filter::AtLeast { field: QUALITY_SCORE, value: i64::from(score) });
        }
        let sort = match (self.sort, circle) {
            (SearchSort::Distance, Some(circle)) => Sort::Nearest(circle),
            (SearchSort::Relevance, _) => Sort::Relevance { then: PUBLISHED_AT },
            _ => Sort::Greatest(PUBLISHED_AT),
        };
        Query {
            text: filters.text.clone(),
            filters: query_filters,
            sort,
            offset: usize::try_from(self.offset).unwrap_or(0),
            limit: usize::try_from(self.limit).unwrap_or(0),
            facets: vec![CONTRACT_TYPE, DEPARTEMENT],
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words to find in the title, skills and description (French stemming, accents, case and
    /// feminine forms ignored: `developpeuses` finds "Développeur"). Every word must match; a
    /// word of five letters or more that no offer holds matches with one typo (`devloppeur`).
    #[param(example = "développeur web")]
    pub q: Option<String>,
    /// ROME codes, comma-separated, up to 20 (rule `list.too_long`): each a ROME code (rule
    /// `rome.format`) of the referential (rule `rome.unknown`).
    #[param(example = "M1805,M1810", value_type = Option<RomeList>, inline)]
    pub rome: Option<String>,
    /// Contract types, comma-separated, up to 20: `cdi`, `cdd`, `interim`, `seasonal`,
    /// `apprenticeship`, `professionalisation`, `other` (rule `contract_type.unknown`).
    #[param(example = "cdi,cdd", value_type = Option<ContractTypeList>, inline)]
    pub contract_type: Option<String>,
    /// Commune codes (INSEE), comma-separated, up to 20 (rules `commune.format`,
    /// `commune.departement`).
    #[param(example = "69123,69266", value_type = Option<CommuneList>, inline)]
    pub commune: Option<String>,
    /// Département codes, comma-separated, up to 20 (rules `departement.format`,
    /// `departement.unknown`).
    #[param(example = "69", value_type = Option<DepartementList>, inline)]
    pub departement: Option<String>,
    /// Région codes, comma-separated, up to 20 (rules `region.format`, `region.unknown`).
    #[param(example = "84", value_type = Option<RegionList>, inline)]
    pub region: Option<String>,
    /// Search around this commune (its town hall), within `radius_km`: a current commune of the
    /// referential with a known position (rule `commune.unknown`). Not with `latitude` and
    /// `longitude`: give one centre or the other (rule `near.ambiguous` otherwise).
    #[param(example = "69123", value_type = Option<CommuneCode>, inline)]
    pub near_commune: Option<String>,
    /// Search around this point (with `longitude`, both or neither), within `radius_km`: WGS 84
    /// degrees, -90 to 90 (rule `position.range`). Not with `near_commune`: give one centre or
    /// the other (rule `near.ambiguous`).
    #[param(example = 45.764, minimum = -90, maximum = 90)]
    pub latitude: Option<f64>,
    /// Longitude of the point to search around (with `latitude`, both or neither): WGS 84
    /// degrees, -180 to 180. Not with `near_commune`.
    #[param(example = 4.8357, minimum = -180, maximum = 180)]
    pub longitude: Option<f64>,
    /// Radius around the commune or point, in km: above 0, at most 200 (rule `radius.range`);
    /// 10 by default. Only with `near_commune` or `latitude` and `longitude` (rule
    /// `radius.without_center`).
    #[param(example = 15, exclusive_minimum = 0, maximum = 200)]
    pub radius_km: Option<f64>,
    /// Offers published at or after this date (`2026-11-01`) or time (RFC 3339,
    /// `2026-11-01T08:00:00Z`): any other form, or a day that does not exist, is refused (rule
    /// `date.format`).
    #[param(
        example = "2026-11-01",
        pattern = r"^\d{4}-\d{2}-\d{2}(?:[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2}))?$"
    )]
    pub published_since: Option<String>,
    /// Only offers of employers committed to hiring disabled workers.
    pub disability_committed: Option<bool>,
    /// Only offers hiring without a CV.
    pub without_cv: Option<bool>,
    /// Only offers open to people in an integration scheme (IAE).
    pub open_to_iae: Option<bool>,
    /// Only offers stating at least this monthly gross pay, in euros (hourly and yearly pay
    /// are converted); not negative (rule `salary.negative`).
    #[param(minimum = 0)]
    pub min_monthly_salary: Option<f64>,
    /// Only offers with at least this quality score, 0 to 100 (rule `quality.range`).
    #[param(minimum = 0, maximum = 100)]
    pub min_quality: Option<i32>,
    /// `relevance` (the default with `q`; else `date`), `date` (most recent first) or
    /// `distance` (rule `sort.unknown` otherwise); `distance` sorts nearest first and needs
    /// `near_commune` or `latitude` and `longitude` (rule `sort.distance_without_center`).
    #[param(pattern = "^(?:relevance|date|distance)$")]
    pub sort: Option<String>,
    /// Offers per page, 1 to 100 (20 by default; rule `limit.range`).
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl SearchQuery {
    /// The store's request, or every broken rule as a 400 problem.
    pub fn checked(self, now: DateTime<Utc>) -> Result<SearchRequest, ApiError> {
        let mut errors = Vec::new();
        let filters = SearchFilters {
            text: self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_owned),
            rome_codes: list(&self.rome, "rome", &mut errors, |code| {
                let code = RomeCode::parse(code)?;
                if plateforme_reference_data::rome(code.as_str()).is_none() {
                    return Err(plateforme_model::CodeError::new(
                        "rome.unknown",
                        format!("{code} is not a ROME 4.0 code"),
                    ));
                }
                Ok(code.to_string())
            }),
            contract_types: list(&self.contract_type, "contract_type", &mut errors, |kind| {
                ContractType::parse(kind).map(|kind| kind.as_str().to_owned()).ok_or_else(|| {
                    plateforme_model::CodeError::new(
                        "contract_type.unknown",
                        format!("{kind:?} is not a contract type"),
                    )
                })
            }),
            communes: list(&self.commune, "commune", &mut errors, |code| CommuneCode::parse(code).map(String::from)),
            departements: list(&self.departement, "departement", &mut errors, |code| {
                DepartementCode::parse(code).map(String::from)
            }),
            regions: list(&self.region, "region", &mut errors, |code| RegionCode::parse(code).map(String::from)),
            near: self.near(&mut errors),
            published_since: self.published_since.as_deref().and_then(|since| since_time(since, &mut errors)),
            disability_committed: self.disability_committed.unwrap_or(false),
            without_cv: self.without_cv.unwrap_or(false),
            open_to_iae: self.open_to_iae.unwrap_or(false),
            min_monthly_salary: self.min_monthly_salary.filter(|salary| {
                check(
                    salary.is_finite() && *salary >= 0.0,
                    "min_monthly_salary",
                    "salary.negative",
                    "a positive amount",
                    &mut errors,
                )
            }),
            min_quality: self.min_quality.filter(|score| {
                check((0..=100).contains(score), "min_quality", "quality.range", "0 to 100", &mut errors)
            }),
        };
        let sort = self.sort(&filters, &mut errors);
        let (limit, offset) = self.page(&mut errors);
        if !errors.is_empty() {
            let detail = errors
                .iter()
                .map(|error: &FieldError| format!("{}: {}", error.field, error.message))
                .collect::<Vec<_>>();
            return Err(ApiError::new(ErrorCode::InvalidQuery, detail.join("; ")).with_errors(errors));
        }
        Ok(SearchRequest { filters, sort, limit, offset, now })
    }

    fn near(&self, errors: &mut Vec<FieldError>) -> Option<Near> {
        let radius_km = self.radius_km.unwrap_or(DEFAULT_RADIUS_KM);
        let point = match (&self.near_commune, self.latitude, self.longitude) {
            (None, None, None) => {
                if self.radius_km.is_some() {
                    errors.push(FieldError::new(
                        "radius_km",
                        "radius.without_center",
                        "give near_commune or latitude and longitude",
                    ));
                }
                return None;
            }
            (Some(code), None, None) => commune_point(code, errors)?,
            (None, Some(latitude), Some(longitude)) => {
                let valid = (-90.0..=90.0).contains(&latitude) && (-180.0..=180.0).contains(&longitude);
                if !valid {
                    errors.push(FieldError::new(
                        "latitude",
                        "position.range",
                        "latitude -90 to 90, longitude -180 to 180",
                    ));
                    return None;
                }
                (latitude, longitude)
            }
            _ => {
                errors.push(FieldError::new(
                    "near_commune",
                    "near.ambiguous",
                    "give either near_commune, or latitude and longitude together",
                ));
                return None;
            }
        };
        if !(radius_km > 0.0 && radius_km <= MAX_RADIUS_KM) {
            errors.push(FieldError::new(
                "radius_km",
                "radius.range",
                format!("the radius is above 0 and at most {MAX_RADIUS_KM} km, not {radius_km}"),
            ));
            return None;
        }
        Some(Near { latitude: point.0, longitude: point.1, radius_km })
    }

    fn sort(&self, filters: &SearchFilters, errors: &mut Vec<FieldError>) -> SearchSort {
        match self.sort.as_deref() {
            None | Some("relevance") => SearchSort::Relevance,
            Some("date") => SearchSort::Date,
            Some("distance") if filters.near.is_some() => SearchSort::Distance,
            Some("distance") => {
                if !errors.iter().any(|error| error.field == "near_commune" || error.field == "latitude") {
                    errors.push(FieldError::new(
                        "sort",
                        "sort.distance_without_center",
                        "sorting by distance needs near_commune or latitude and longitude",
                    ));
                }
                SearchSort::Date
            }
            Some(other) => {
                errors.push(FieldError::new(
                    "sort",
                    "sort.unknown",
                    format!("{other:?}: sort by relevance, date or distance"),
                ));
                SearchSort::Date
            }
        }
    }

    fn page(&self, errors: &mut Vec<FieldError>) -> (i64, i64) {
        PAGES.page(self.limit, self.cursor.as_deref(), errors)
    }
}

/// The schema of a query parameter listing up to [`MAX_LIST`] values of `$item`, comma-separated:
/// each as `$item`'s own schema states it, so that the codes' patterns keep one home.
macro_rules! code_list {
    ($($list:ident of $item:ty),* $(,)?) => {$(
        pub struct $list;

        impl PartialSchema for $list {
            fn schema() -> RefOr<Schema> {
                list_schema(<$item as PartialSchema>::schema())
            }
        }

        impl ToSchema for $list {}
    )*};
}

code_list!(
    RomeList of RomeCode,
    ContractTypeList of ContractType,
    CommuneList of CommuneCode,
    DepartementList of DepartementCode,
    RegionList of RegionCode,
);

fn list_schema(item: RefOr<Schema>) -> RefOr<Schema> {
    let item = item_pattern(item);
    let pattern = format!("^(?:{item})(?:,(?:{item})){{0,{}}}$", MAX_LIST - 1);
    ObjectBuilder::new().schema_type(Type::String).pattern(Some(pattern)).into()
}

/// The pattern a value matches, unanchored: a code's own, or its enumeration's values.
fn item_pattern(schema: RefOr<Schema>) -> String {
    let RefOr::T(Schema::Object(object)) = schema else { return String::new() };
    if let Some(pattern) = object.pattern {
        return pattern.trim_start_matches('^').trim_end_matches('$').to_owned();
    }
    let values = object.enum_values.unwrap_or_default();
    values.iter().filter_map(|value| value.as_str()).collect::<Vec<_>>().join("|")
}

fn check(ok: bool, field: &str, rule: &str, expected: &str, errors: &mut Vec<FieldError>) -> bool {
    if !ok {
        errors.push(FieldError::new(field, rule, format!("{field} must be {expected}")));
    }
    ok
}

/// A comma-separated list of codes (`plateforme_api::query::code_list`), at most [`MAX_LIST`].
fn list(
    value: &Option<String>,
    field: &str,
    errors: &mut Vec<FieldError>,
    parse: impl Fn(&str) -> Result<String, plateforme_model::CodeError>,
) -> Vec<String> {
    plateforme_api::query::code_list(value, field, MAX_LIST, errors, parse)
}

fn commune_point(code: &str, errors: &mut Vec<FieldError>) -> Option<(f64, f64)> {
    let commune = plateforme_reference_data::commune(code);
    match commune.and_then(|commune| commune.latitude.zip(commune.longitude)) {
        Some(point) => Some(point),
        None => {
            let message =
                if commune.is_some() { "this commune has no known position" } else { "not a current commune code" };
            errors.push(FieldError::new("near_commune", "commune.unknown", format!("{code}: {message}")));
            None
        }
    }
}

fn since_time(text: &str, errors: &mut Vec<FieldError>) -> Option<DateTime<Utc>> {
    // The model's strict parsers: `2026-1-1` or a signed year is no date.
    if let Ok(time) = date::parse_timestamp(text) {
        return Some(time);
    }
    if let Ok(date) = date::parse_date(text) {
        return date.and_hms_opt(0, 0, 0).map(|time| time.and_utc());
    }
    errors.push(FieldError::new("published_since", "date.format", "a date (2026-11-01) or an RFC 3339 time"));
    None
}
