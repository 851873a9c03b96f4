//! The query of a profile search, as the API takes it, checked into the engine's query.
//! Parameters on protected criteria (Code du travail L.1132-1) are refused before anything else,
//! each named, so a recruiter learns that the platform does not select on them.

use chrono::NaiveDate;
use plateforme_api::pagination::RankedPages;
use plateforme_api::{ApiError, ErrorCode};
use plateforme_model::FieldError;
use plateforme_model::codes::{CommuneCode, RomeCode};
use plateforme_model::offer::ContractType;
use plateforme_search::{Circle, Filter, Query, Sort};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::recruiter_view::Place;
use crate::search_index::{
    AVAILABILITY, CONTRACT_TYPE, DISABILITY_SHOWN, LATITUDE, LONGITUDE, ROME_CODE, UPDATED_AT, epoch_days,
};

pub const MAX_RADIUS_KM: f64 = 200.0;
pub const DEFAULT_RADIUS_KM: f64 = 30.0;
pub const MAX_LIST: usize = 10;
pub const MAX_LIMIT: i64 = 50;
pub const DEFAULT_LIMIT: i64 = 20;
/// Deeper than this, refine the search.
pub const MAX_OFFSET: i64 = 1_000;
/// The pages of the profile search (`cursor` tagged `p`).
pub const PAGES: RankedPages =
    RankedPages { tag: 'p', max_offset: MAX_OFFSET, max_limit: MAX_LIMIT, default_limit: DEFAULT_LIMIT };

/// Parameters a recruiter may not search on: criteria of discrimination (Code du travail
/// L.1132-1) and what is not linked to the job (L.1221-6). The disability recognition is
/// searched only through the person's own choice to show it (`disability_recognition`).
pub const PROTECTED: [&str; 24] = [
    "age",
    "min_age",
    "max_age",
    "birth_date",
    "birth_year",
    "sex",
    "gender",
    "nationality",
    "origin",
    "ethnicity",
    "name",
    "family_name",
    "disability",
    "handicap",
    "health",
    "family_situation",
    "marital_status",
    "children",
    "pregnancy",
    "religion",
    "political_opinions",
    "union_membership",
    "sexual_orientation",
    "address",
];

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProfileSearchQuery {
    /// Jobs sought, as ROME codes, comma-separated, up to 10 (rules `list.too_long`,
    /// `rome.format`): profiles seeking one of them.
    #[param(example = "M1805,M1810")]
    pub rome: Option<String>,
    /// Words to find in the skills (French stemming, accents and case ignored); every word must
    /// match.
    #[param(example = "SQL")]
    pub skills: Option<String>,
    /// Search around this commune (INSEE code of a current commune with a position: rule
    /// `commune.unknown`), within `radius_km`. Not with `offer_id` (rule `near.ambiguous`).
    #[param(example = "69123")]
    pub near_commune: Option<String>,
    /// Radius in km around the commune, above 0 and at most 200 (rule `radius.range`); 30 by
    /// default. Only with `near_commune` (rule `radius.without_center`).
    #[param(example = 30, exclusive_minimum = 0, maximum = 200)]
    pub radius_km: Option<f64>,
    /// Contract types wanted, comma-separated: profiles wanting one of them (rule
    /// `contract_type.unknown`). A profile wanting any contract is not matched by this filter.
    #[param(example = "cdi,cdd")]
    pub contract_type: Option<String>,
    /// Profiles available on or before this date (`2027-01-31`; rule `date.format`).
    #[param(example = "2027-01-31")]
    pub available_by: Option<String>,
    /// Only profiles whose person chose to show their disability recognition (RQTH), for
    /// employers committed to hiring disabled workers.
    pub disability_recognition: Option<bool>,
    /// Profiles per page, 1 to 50 (rule `limit.range`); 20 by default.
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page (rule `cursor.invalid`).
    pub cursor: Option<String>,
}

/// A profile search, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileSearch {
    pub rome_codes: Vec<String>,
    pub skills: Option<String>,
    pub around: Option<(Place, f64)>,
    pub contract_types: Vec<String>,
    pub available_by: Option<NaiveDate>,
    pub disability_recognition: bool,
    pub limit: i64,
    pub offset: i64,
}

/// Refuses the protected criteria, each named with its rule, before any other parameter is read.
pub fn refuse_protected(query_string: &str) -> Result<(), ApiError> {
    let errors: Vec<FieldError> = serde_urlencoded::from_str::<Vec<(String, String)>>(query_string)
        .unwrap_or_default()
        .into_iter()
        .filter(|(name, _)| PROTECTED.contains(&name.to_ascii_lowercase().as_str()))
        .map(|(name, _)| {
            FieldError::new(
                name.clone(),
                "criterion.protected",
                format!(
                    "{name} is a protected criterion: selecting candidates on it is discrimination (Code du travail \
                     L.1132-1), and the platform holds nothing not linked to the job (L.1221-6)"
                ),
            )
        })
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = errors.iter().map(|error| error.field.as_str()).collect();
    let detail = format!("protected criteria cannot be searched on: {}", names.join(", "));
    Err(ApiError::new(ErrorCode::InvalidQuery, detail).with_errors(errors))
}

impl ProfileSearchQuery {
    pub fn checked(self) -> Result<ProfileSearch, ApiError> {
        let mut errors = Vec::new();
        let rome_codes = list(self.rome.as_deref(), "rome", &mut errors, |code| {
            RomeCode::parse(code).map(|_| code.to_owned()).map_err(|error| error.at("rome"))
        });
        let contract_types = list(self.contract_type.as_deref(), "contract_type", &mut errors, |value| {
            ContractType::ALL
                .iter()
                .find(|known| known.as_str() == value)
                .map(|known| known.as_str().to_owned())
                .ok_or_else(|| {
                    FieldError::new(
                        "contract_type",
                        "contract_type.unknown",
                        format!("{value:?} is not a contract type"),
                    )
                })
        });
        let around = self.around(&mut errors);
        let available_by = self.available_by.as_deref().and_then(|date| {
            NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .map_err(|_| {
                    errors.push(FieldError::new(
                        "available_by",
                        "date.format",
                        format!("{date:?} is not a date YYYY-MM-DD"),
                    ))
                })
                .ok()
        });
        let (limit, offset) = PAGES.page(self.limit, self.cursor.as_deref(), &mut errors);
        if !errors.is_empty() {
            let detail = errors.iter().map(|error| format!("{}: {}", error.field, error.message)).collect::<Vec<_>>();
            return Err(ApiError::new(ErrorCode::InvalidQuery, detail.join("; ")).with_errors(errors));
        }
        Ok(ProfileSearch {
            rome_codes,
            skills: self.skills.filter(|words| !words.trim().is_empty()),
            around,
            contract_types,
            available_by,
            disability_recognition: self.disability_recognition.unwrap_or(false),
            limit,
            offset,
        })
    }

    fn around(&self, errors: &mut Vec<FieldError>) -> Option<(Place, f64)> {
        let radius = self.radius_km.unwrap_or(DEFAULT_RADIUS_KM);
        if !(radius > 0.0 && radius <= MAX_RADIUS_KM) {
            errors.push(FieldError::new(
                "radius_km",
                "radius.range",
                format!("the radius is above 0 and at most {MAX_RADIUS_KM} km"),
            ));
        }
        let Some(code) = self.near_commune.as_deref() else {
            if self.radius_km.is_some() {
                errors.push(FieldError::new(
                    "radius_km",
                    "radius.without_center",
                    "give near_commune to search around it",
                ));
            }
            return None;
        };
        if let Err(error) = CommuneCode::parse(code) {
            errors.push(error.at("near_commune"));
            return None;
        }
        let position =
            plateforme_reference_data::commune(code).and_then(|commune| commune.latitude.zip(commune.longitude));
        match position {
            Some((latitude, longitude)) => Some((Place { latitude, longitude }, radius)),
            None => {
                errors.push(FieldError::new(
                    "near_commune",
                    "commune.unknown",
                    format!("{code} is not a current commune with a known position"),
                ));
                None
            }
        }
    }
}

fn list(
    value: Option<&str>,
    field: &str,
    errors: &mut Vec<FieldError>,
    parse: impl Fn(&str) -> Result<String, FieldError>,
) -> Vec<String> {
    let Some(value) = value else { return Vec::new() };
    let items: Vec<&str> = value.split(',').map(str::trim).filter(|item| !item.is_empty()).collect();
    if items.len() > MAX_LIST {
        errors.push(FieldError::new(field, "list.too_long", format!("at most {MAX_LIST} values; got {}", items.len())));
    }
    items.into_iter().filter_map(|item| parse(item).map_err(|error| errors.push(error)).ok()).collect()
}

impl ProfileSearch {
    /// The engine's query: every filter, the newest profiles first (or the nearest around a
    /// place), and one more profile than the page, to tell whether another page follows.
    pub fn query(&self) -> Query {
        let mut filters = Vec::new();
        for (field, values) in [(ROME_CODE, &self.rome_codes), (CONTRACT_TYPE, &self.contract_types)] {
            if !values.is_empty() {
                filters.push(Filter::AnyOf { field, values: values.clone() });
            }
        }
        let circle = self.around.map(|(place, radius_km)| Circle {
            latitude_field: LATITUDE,
            longitude_field: LONGITUDE,
            latitude: place.latitude,
            longitude: place.longitude,
            radius_km,
        });
        filters.extend(circle.map(Filter::Within));
        if let Some(date) = self.available_by {
            // Available by the date: available from no later than it ("now" is always before).
            filters.push(Filter::AtLeast { field: AVAILABILITY, value: -epoch_days(date) });
        }
        if self.disability_recognition {
            filters.push(Filter::Flagged { field: DISABILITY_SHOWN });
        }
        let sort = match circle {
            Some(circle) => Sort::Nearest(circle),
            None => Sort::Relevance { then: UPDATED_AT },
        };
        Query {
            text: self.skills.clone(),
            filters,
            sort,
            offset: usize::try_from(self.offset).unwrap_or(0),
            limit: usize::try_from(self.limit).unwrap_or(0),
            facets: Vec::new(),
        }
    }
}
