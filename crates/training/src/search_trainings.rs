use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{Duration, NaiveDate};
use plateforme_api::openapi::ListProblems;
use plateforme_api::pagination::{RankedPages, answer_page};
use plateforme_api::{ApiError, ErrorCode, ValidQuery};
use plateforme_auth::MaybeCaller;
use plateforme_model::codes::{CommuneCode, DepartementCode, RegionCode, RomeCode};
use plateforme_model::{CodeError, FieldError, date};

use plateforme_search::{Filter, Query, Sort, ValueTest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::model::Training;
use crate::search_index::{
    ACCESSIBLE, CERTIFYING, COMMUNE, DEPARTEMENT, DISTANCE_LEARNING, FORMACODE, FUNDER, OPEN_RECRUITMENT, REGION, RNCP,
    ROME_CODE, SESSION, START_DAY, SessionCode, TrainingsIndex, UPDATED_AT, commune_number, day_number,
    departement_number, funder_number,
};

pub const MAX_LIST: usize = 20;
pub const MAX_RADIUS_KM: f64 = 200.0;
/// The longest start window, in days: the window is matched day by day.
pub const MAX_WINDOW_DAYS: i64 = 730;
/// Deeper than this, refine the search: results are paged by position.
pub const MAX_OFFSET: i64 = 10_000;
/// The pages of the training search (`cursor` tagged `t`).
const PAGES: RankedPages = RankedPages { tag: 't', max_offset: MAX_OFFSET, max_limit: 100, default_limit: 20 };

/// The query of a training search.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TrainingSearchQuery {
    /// Words searched in the title (weighing most), objective, expected results and content:
    /// French stemming (`boulangère` finds `boulanger`), accents and case ignored, one typo
    /// forgiven in a word of five letters or more; every word must match.
    #[param(example = "boulanger")]
    pub q: Option<String>,
    /// FORMACODE codes, comma-separated, up to 20 (rule `list.too_long`): each 5 digits (rule
    /// `formacode.format`).
    #[param(example = "21538", pattern = r"^\d{5}(?:,\d{5}){0,19}$")]
    pub formacode: Option<String>,
    /// ROME codes, comma-separated, up to 20: each a ROME code (rule `rome.format`) of the
    /// referential (rule `rome.unknown`).
    #[param(example = "D1102")]
    pub rome: Option<String>,
    /// RNCP codes, comma-separated, up to 20: each 1 to 6 digits, with or without the `RNCP`
    /// prefix (rule `rncp.format`).
    #[param(example = "RNCP37859")]
    pub rncp: Option<String>,
    /// A current commune (INSEE code; rules `commune.format`, `commune.departement`,
    /// `commune.unknown`): the formations
    /// with a training site in it, or, with `radius_km`, in a commune whose town hall lies within
    /// `radius_km` of its own.
    #[param(example = "69123")]
    pub commune: Option<String>,
    /// Radius around `commune`, in km: above 0, at most 200 (rule `radius.range`); only with
    /// `commune` (rule `radius.without_center`).
    #[param(example = 20, exclusive_minimum = 0, maximum = 200)]
    pub radius_km: Option<f64>,
    /// Département codes, comma-separated, up to 20 (rules `departement.format`,
    /// `departement.unknown`): the formations with a training site in one of them — for the
    /// same session as the other session filters (commune, start window, open recruitment,
    /// funding) when some are given.
    #[param(example = "69")]
    pub departement: Option<String>,
    /// Région codes, comma-separated, up to 20 (rules `region.format`, `region.unknown`): the
    /// formations placed in one of them (their `region`).
    #[param(example = "84")]
    pub region: Option<String>,
    /// Formations with a session starting on or after this day (`2027-01-15`; rule
    /// `date.format`). Alone, the window ends 730 days later.
    #[param(example = "2027-01-01", pattern = r"^\d{4}-\d{2}-\d{2}$")]
    pub start_from: Option<String>,
    /// Formations with a session starting on or before this day (rule `date.format`); not
    /// before `start_from` (rule `start.window_order`), at most 730 days after it (rule
    /// `start.window_too_long`). Alone, the window starts 730 days earlier.
    #[param(example = "2027-06-30", pattern = r"^\d{4}-\d{2}-\d{2}$")]
    pub start_to: Option<String>,
    /// Only formations with an action taught entirely at a distance (`modalites-enseignement` 2).
    pub distance_learning: Option<bool>,
    /// Only formations with a session whose recruitment is open (`etat-recrutement` 1).
    pub open_recruitment: Option<bool>,
    /// Only formations with an action stating how disabled people are welcomed
    /// (`acces-handicapes`).
    pub accessible: Option<bool>,
    /// Funder codes (LHEO `code-financeur`: `2` the conseil régional, `4` France Travail…),
    /// comma-separated, up to 20: each 1 or 2 digits (rule `funding.format`). The formations with
    /// an action one of them funds.
    #[param(example = "2", pattern = r"^\d{1,2}(?:,\d{1,2}){0,19}$")]
    pub funding: Option<String>,
    /// Formations per page, 1 to 100 (20 by default; rule `limit.range`).
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page (rule `cursor.invalid`).
    pub cursor: Option<String>,
}

/// How many formations match, per value.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = TrainingFacetCount, example = json!({"value": "84", "count": 12}))]
pub struct FacetCount {
    pub value: String,
    pub count: i64,
}

/// Counts over every match (all pages): each list adds up to `total` (one value per formation).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = TrainingFacets)]
pub struct Facets {
    /// Per région of the formation, most frequent first.
    pub regions: Vec<FacetCount>,
    /// `true` (leads to a certification) or `false`, most frequent first.
    pub certifying: Vec<FacetCount>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrainingSearchResponse {
    /// The formations of this page, best match first (then the latest updated).
    pub items: Vec<Training>,
    /// Pass it as `cursor` to read the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// How many active formations match, all pages together.
    pub total: i64,
    pub facets: Facets,
}

/// Search trainings
///
/// Searches the active formations of the catalogue: French full text over title, objective,
/// expected results and content, combined with filters — FORMACODE, ROME and RNCP codes, a
/// commune (or a radius around it), départements, régions, a window of session start days,
/// distance learning, open recruitment, funders (`funding`), accessibility to disabled people.
/// The filters on a session — its place (`commune`, `radius_km`, `departement`), its start
/// window, open recruitment, its funders — hold together for one and the same session of the
/// formation; `distance_learning` and `accessible` each for some action, `region` for the
/// formation (one région per formation). `total` and the facet
/// counts (per région and per certifying) cover every match and each adds up to `total`.
/// Pages follow `next_cursor` up to 10,000 results deep. A formation closed by an import leaves
/// the search; an import is searchable by the importer's next search.
///
/// No token is needed: anonymous calls share the anonymous rate limit of their address; a
/// client's token (any scope) gets the client's own limit.
#[utoipa::path(
    tag = crate::TAG,
    security((), ("oauth2" = ["training:read"])),
    params(TrainingSearchQuery),
    responses(
        (status = 200, description = "One page of formations, the total and the facets.", body = TrainingSearchResponse,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        ListProblems,
    )
)]
#[get("/trainings")]
pub async fn search_trainings(
    req: HttpRequest,
    _caller: MaybeCaller,
    index: web::Data<TrainingsIndex>,
    ValidQuery(query): ValidQuery<TrainingSearchQuery>,
) -> Result<HttpResponse, ApiError> {
    let checked = query.checked()?;
    let next_offset = checked.offset + checked.limit;
    let index = index.into_inner();
    let results = web::block(move || index.0.engine().search(&checked))
        .await
        .map_err(|error| ApiError::internal(format!("the search did not run: {error}")))?
        .map_err(|error| ApiError::internal(format!("the search failed: {error}")))?;
    let items = results
        .hits
        .iter()
        .map(|hit| serde_json::from_str::<Training>(&hit.source))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| ApiError::internal(format!("an indexed training does not read back: {error}")))?;
    let next_cursor = PAGES.next(results.more, next_offset);
    let body = TrainingSearchResponse {
        items,
        next_cursor: next_cursor.clone(),
        total: i64::try_from(results.total).unwrap_or(i64::MAX),
        facets: Facets { regions: counts(&results.facets, 0), certifying: counts(&results.facets, 1) },
    };
    Ok(answer_page(&req, next_cursor.as_deref(), body))
}

/// A search, checked.
struct Checked {
    query: Query,
    offset: i64,
    limit: i64,
}

impl std::ops::Deref for Checked {
    type Target = Query;

    fn deref(&self) -> &Query {
        &self.query
    }
}

impl TrainingSearchQuery {
    /// The engine's query, or every broken rule as one 400 problem.
    fn checked(self) -> Result<Checked, ApiError> {
        let mut errors = Vec::new();
        let mut filters = Vec::new();
        let mut any_of = |field: &'static str, values: Vec<String>| {
            if !values.is_empty() {
                filters.push(Filter::AnyOf { field, values });
            }
        };
        any_of(FORMACODE, list(&self.formacode, "formacode", &mut errors, formacode));
        any_of(ROME_CODE, list(&self.rome, "rome", &mut errors, rome));
        any_of(RNCP, list(&self.rncp, "rncp", &mut errors, rncp));
        let departements =
            list(&self.departement, "departement", &mut errors, |code| DepartementCode::parse(code).map(String::from));
        any_of(REGION, list(&self.region, "region", &mut errors, |code| RegionCode::parse(code).map(String::from)));
        let communes = self.communes(&mut errors);
        let window = self.start_window(&mut errors);
        let funders = list(&self.funding, "funding", &mut errors, funder);
        let same_session = SameSession {
            communes: numbers(&communes, commune_number),
            departements: numbers(&departements, departement_number),
            window: window.map(|(from, to)| (day_number(from), day_number(to))),
            open: self.open_recruitment == Some(true),
            funders: numbers(&funders, funder_number),
        }
        .filter();
        any_of(COMMUNE, communes);
        any_of(DEPARTEMENT, departements);
        let start_days =
            window.map(|(from, to)| from.iter_days().take_while(move |day| *day <= to).map(|day| day.to_string()));
        any_of(START_DAY, start_days.into_iter().flatten().collect());
        any_of(FUNDER, funders);
        if let Some(same_session) = same_session {
            filters.push(same_session);
        }
        for (wanted, field) in [
            (self.distance_learning, DISTANCE_LEARNING),
            (self.open_recruitment, OPEN_RECRUITMENT),
            (self.accessible, ACCESSIBLE),
        ] {
            if wanted == Some(true) {
                filters.push(Filter::Flagged { field });
            }
        }
        let (limit, offset) = PAGES.page(self.limit, self.cursor.as_deref(), &mut errors);
        if !errors.is_empty() {
            let detail =
                errors.iter().map(|error| format!("{}: {}", error.field, error.message)).collect::<Vec<_>>().join("; ");
            return Err(ApiError::new(ErrorCode::InvalidQuery, detail).with_errors(errors));
        }
        let text = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_owned);
        let query = Query {
            text,
            filters,
            sort: Sort::Relevance { then: UPDATED_AT },
            offset: usize::try_from(offset).unwrap_or(0),
            limit: usize::try_from(limit.clamp(1, 100)).unwrap_or(20),
            facets: vec![REGION, CERTIFYING],
        };
        Ok(Checked { query, offset, limit })
    }

    /// The commune, or every commune within the radius of its town hall.
    fn communes(&self, errors: &mut Vec<FieldError>) -> Vec<String> {
        let Some(code) = self.commune.as_deref() else {
            if self.radius_km.is_some() {
                errors.push(FieldError::new("radius_km", "radius.without_center", "give the commune to search around"));
            }
            return Vec::new();
        };
        if let Err(error) = CommuneCode::parse(code) {
            errors.push(error.at("commune"));
            return Vec::new();
        }
        let Some(centre) = plateforme_reference_data::commune(code) else {
            errors.push(FieldError::new("commune", "commune.unknown", format!("{code}: not a current commune code")));
            return Vec::new();
        };
        let Some(radius_km) = self.radius_km else { return vec![code.to_owned()] };
        if !(radius_km > 0.0 && radius_km <= MAX_RADIUS_KM) {
            errors.push(FieldError::new(
                "radius_km",
                "radius.range",
                format!("the radius is above 0 and at most {MAX_RADIUS_KM} km, not {radius_km}"),
            ));
            return Vec::new();
        }
        let Some(_) = centre.latitude.zip(centre.longitude) else {
            errors.push(FieldError::new(
                "commune",
                "commune.unknown",
                format!("{code}: this commune has no known position"),
            ));
            return Vec::new();
        };
        let mut within: Vec<String> = plateforme_reference_data::communes()
            .iter()
            .filter(|other| {
                plateforme_reference_data::distance_km(centre, other).is_some_and(|distance| distance <= radius_km)
            })
            .map(|other| other.code.to_string())
            .collect();
        if within.is_empty() {
            within.push(code.to_owned());
        }
        within
    }

    /// The start window's first and last days, when one is asked.
    fn start_window(&self, errors: &mut Vec<FieldError>) -> Option<(NaiveDate, NaiveDate)> {
        let from = day(self.start_from.as_deref(), "start_from", errors);
        let to = day(self.start_to.as_deref(), "start_to", errors);
        let window = Duration::days(MAX_WINDOW_DAYS);
        let (from, to) = match (from, to) {
            (None, None) => return None,
            (Some(from), None) => (from, from + window),
            (None, Some(to)) => (to - window, to),
            (Some(from), Some(to)) => (from, to),
        };
        if to < from {
            errors.push(FieldError::new("start_to", "start.window_order", "start_to is not before start_from"));
            return None;
        }
        if to - from > window {
            errors.push(FieldError::new(
                "start_to",
                "start.window_too_long",
                format!("the start window is at most {MAX_WINDOW_DAYS} days"),
            ));
            return None;
        }
        Some((from, to))
    }
}

/// The session-level filters, when two or more are asked: each alone holds when some session
/// meets it; together they must hold for one and the same session (its action's place —
/// commune or département — and funders, its start, its recruitment), checked on the
/// formation's `session` codes. Each as the codes hold it: lists of numbers, sorted, empty when
/// not asked; the start window as its first and last day.
struct SameSession {
    communes: Vec<u32>,
    departements: Vec<u32>,
    window: Option<(u32, u32)>,
    open: bool,
    funders: Vec<u32>,
}

impl SameSession {
    /// The engine's filter, when two or more of these filters are asked.
    fn filter(self) -> Option<Filter> {
        let asked = [
            !self.communes.is_empty(),
            !self.departements.is_empty(),
            self.window.is_some(),
            self.open,
            !self.funders.is_empty(),
        ];
        if asked.iter().filter(|asked| **asked).count() < 2 {
            return None;
        }
        Some(Filter::AnyValue {
            field: SESSION,
            test: ValueTest::new(move |value| self.holds(SessionCode::unpack(value))),
        })
    }

    fn holds(&self, session: SessionCode) -> bool {
        let among = |wanted: &[u32], value: u32| wanted.is_empty() || wanted.binary_search(&value).is_ok();
        (!self.open || session.open)
            && self.window.is_none_or(|(first, last)| session.day != 0 && (first..=last).contains(&session.day))
            && among(&self.communes, session.commune)
            && among(&self.departements, session.departement)
            && among(&self.funders, session.funder)
    }
}

/// Checked codes as the session codes number them, sorted (every code was checked when asked:
/// none is left out).
fn numbers(codes: &[String], number: fn(&str) -> Option<u32>) -> Vec<u32> {
    let mut numbers: Vec<u32> = codes.iter().filter_map(|code| number(code)).collect();
    numbers.sort_unstable();
    numbers
}

/// A funder code: 1 or 2 digits.
fn funder(code: &str) -> Result<String, CodeError> {
    if (1..=2).contains(&code.len()) && code.chars().all(|c| c.is_ascii_digit()) {
        return Ok(code.to_owned());
    }
    Err(CodeError::new("funding.format", format!("{code:?} is not a funder code (1 or 2 digits, LHEO code-financeur)")))
}

fn day(text: Option<&str>, field: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let text = text?;
    match date::parse_date(text) {
        Ok(day) => Some(day),
        Err(_) => {
            errors.push(FieldError::new(field, "date.format", format!("{text:?} is not a day (2027-01-15)")));
            None
        }
    }
}

fn formacode(code: &str) -> Result<String, CodeError> {
    if code.len() == 5 && code.bytes().all(|byte| byte.is_ascii_digit()) {
        return Ok(code.to_owned());
    }
    Err(CodeError::new("formacode.format", format!("{code:?} is not a FORMACODE (5 digits)")))
}

fn rome(code: &str) -> Result<String, CodeError> {
    let code = RomeCode::parse(code)?;
    if plateforme_reference_data::rome(code.as_str()).is_none() {
        return Err(CodeError::new("rome.unknown", format!("{code} is not a ROME 4.0 code")));
    }
    Ok(code.to_string())
}

/// RNCP codes are kept as their digits (the import removes the prefix).
fn rncp(code: &str) -> Result<String, CodeError> {
    let digits = code.strip_prefix("RNCP").unwrap_or(code);
    if (1..=6).contains(&digits.len()) && digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Ok(digits.to_owned());
    }
    Err(CodeError::new("rncp.format", format!("{code:?} is not an RNCP code (1 to 6 digits, RNCP prefix allowed)")))
}

/// A comma-separated list of codes (`plateforme_api::query::code_list`), at most [`MAX_LIST`].
fn list(
    value: &Option<String>,
    field: &str,
    errors: &mut Vec<FieldError>,
    parse: impl Fn(&str) -> Result<String, CodeError>,
) -> Vec<String> {
    plateforme_api::query::code_list(value, field, MAX_LIST, errors, parse)
}

fn counts(facets: &[Vec<(String, u64)>], facet: usize) -> Vec<FacetCount> {
    let values = facets.get(facet).map(Vec::as_slice).unwrap_or_default();
    values
        .iter()
        .map(|(value, count)| FacetCount { value: value.clone(), count: i64::try_from(*count).unwrap_or(i64::MAX) })
        .collect()
}
