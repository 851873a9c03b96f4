//! Open data: the catalogue of the indicators and one file per indicator (CSV or JSON) of the
//! latest vintage, public, under the public secrecy threshold, with its Table Schema, its
//! definition, its vintage and the Licence Ouverte 2.0. Cached by ETag: a file changes only
//! with a new vintage.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, ErrorCode, IfNoneMatch};
use plateforme_store::Store;
use plateforme_store::indicators::vintages::{self, Vintage};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::Secrecy;
use crate::definitions::{Aggregation, DEFINITIONS, Definition, Unit, definition};
use crate::published::{Patterns, PublishedCell, protected};

/// How long a cache may keep a file before asking again (with its ETag).
const CACHE_CONTROL: &str = "public, max-age=3600";

/// The licence of every file.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = OpenDataLicence)]
pub struct Licence {
    /// `etalab-2.0`.
    pub id: &'static str,
    pub name: &'static str,
    pub url: &'static str,
}

pub const LICENCE: Licence = Licence {
    id: "etalab-2.0",
    name: "Licence Ouverte / Open Licence version 2.0 (Etalab)",
    url: "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
};

/// A vintage as published.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = IndicatorVintage)]
pub struct VintageView {
    /// `{as_of}.r{revision}`.
    pub id: String,
    /// The date the data are taken as of (date d'arrêté des données).
    pub as_of: String,
    /// 1, then one more for each revision of the same date.
    pub revision: i32,
    /// SHA-256 of the definitions' versions and every cell (hex): the same records as of the
    /// same date give the same hash.
    pub content_hash: String,
    pub computed_at: String,
}

impl From<&Vintage> for VintageView {
    fn from(vintage: &Vintage) -> Self {
        VintageView {
            id: vintage.id.clone(),
            as_of: vintage.as_of.to_string(),
            revision: vintage.revision,
            content_hash: vintage.content_hash.clone(),
            computed_at: vintage.computed_at.to_rfc3339(),
        }
    }
}

/// An indicator's definition.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = IndicatorDefinition)]
pub struct DefinitionView {
    pub code: &'static str,
    /// Its French label.
    pub label: &'static str,
    /// What it counts, in French.
    pub definition: &'static str,
    pub unit: Unit,
    pub aggregation: Option<Aggregation>,
    /// The records it is computed from.
    pub sources: &'static [&'static str],
    /// Raised whenever its computation changes.
    pub version: u32,
    /// False for an indicator declared but not computed yet.
    pub computed: bool,
    /// Why it is not computed yet.
    pub not_computed_because: Option<&'static str>,
    /// The levels of its cells that are published (the communes' are not).
    pub levels: &'static [&'static str],
}

impl From<&Definition> for DefinitionView {
    fn from(definition: &Definition) -> Self {
        DefinitionView {
            code: definition.code,
            label: definition.label,
            definition: definition.definition,
            unit: definition.unit,
            aggregation: definition.computation.map(|computation| computation.aggregation),
            sources: definition.sources,
            version: definition.version,
            computed: definition.is_computed(),
            not_computed_because: definition.not_computed_because,
            levels: definition.published_levels(),
        }
    }
}

/// The catalogue of the indicators.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = IndicatorCatalogue)]
pub struct Catalogue {
    pub licence: Licence,
    /// The vintage the files hold; `null` before the first computation.
    pub vintage: Option<VintageView>,
    /// The least number of persons a published cell counts.
    pub threshold: i64,
    pub indicators: Vec<CatalogueEntry>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = IndicatorCatalogueEntry)]
pub struct CatalogueEntry {
    #[serde(flatten)]
    pub definition: DefinitionView,
    /// The files of a computed indicator: `csv` and `json` paths.
    pub files: Option<Files>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = IndicatorFiles)]
pub struct Files {
    pub csv: String,
    pub json: String,
}

/// One indicator's file, in JSON.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorFile {
    pub indicator: DefinitionView,
    pub vintage: VintageView,
    pub licence: Licence,
    pub threshold: i64,
    /// The Table Schema (frictionless `tableschema`) of `data` and of the CSV file.
    #[schema(value_type = Object)]
    pub schema: Value,
    pub data: Vec<PublishedCell>,
}

/// Open data: the indicators' catalogue
///
/// Every indicator — computed or declared — with its French label and definition, its unit, its
/// sources and version, the vintage its files hold, and the licence (Licence Ouverte 2.0,
/// Etalab). Public: no token needed (any token is accepted). Cacheable: send back the `ETag` in `If-None-Match` for a 304.
#[utoipa::path(
    tag = crate::TAG,
    security((), ("oauth2" = ["indicators:read"])),
    params(IfNoneMatch),
    responses(
        (status = 200, description = "The catalogue.", body = Catalogue,
            headers(("ETag" = String, description = "Changes with each vintage"))),
        (status = 304, description = "Unchanged since the ETag sent."),
        ReadProblems,
    )
)]
#[get("/open-data/indicators")]
pub async fn open_data_catalogue(
    store: web::Data<Store>,
    secrecy: web::Data<Secrecy>,
    if_none_match: IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    let vintage = store.run_stale(vintages::latest).await?;
    let tag = format!("catalogue-{}", vintage.as_ref().map_or("none", |vintage| vintage.content_hash.as_str()));
    if if_none_match.holds_tag(&tag) {
        return Ok(not_modified(&tag));
    }
    let indicators = DEFINITIONS
        .iter()
        .map(|definition| CatalogueEntry {
            definition: definition.into(),
            files: definition.is_computed().then(|| Files {
                csv: format!("/v1/open-data/indicators/{}.csv", definition.code),
                json: format!("/v1/open-data/indicators/{}.json", definition.code),
            }),
        })
        .collect();
    let catalogue = Catalogue {
        licence: LICENCE,
        vintage: vintage.as_ref().map(VintageView::from),
        threshold: secrecy.public_threshold,
        indicators,
    };
    Ok(cached(&tag).json(catalogue))
}

/// Open data: one indicator's file
///
/// The cells of the latest vintage of one computed indicator, per level (national, région,
/// département, and commune where the records hold one), period (month `YYYY-MM`, quarter
/// `YYYY-Qn`) and category, under the public secrecy threshold: a cell of fewer persons than
/// `threshold` is hidden (`hidden`, no value), with the cells that would give it away. `{file}`
/// is `{code}.csv` (comma-separated, with a header line; `Link` to the JSON file, which holds
/// the Table Schema, the definition, the vintage and the licence) or `{code}.json`. Public: no
/// token. Cacheable: send back the `ETag` in `If-None-Match` for a 304. The same numbers as the
/// committees' API at the same threshold. 404 when no computed indicator has this code, when the
/// file is neither `.csv` nor `.json`, or before the first vintage is computed.
#[utoipa::path(
    tag = crate::TAG,
    security((), ("oauth2" = ["indicators:read"])),
    params(
        ("file" = String, Path, description = "`{code}.csv` or `{code}.json`, the code of a computed indicator of the catalogue", example = "orientations_par_parcours.csv"),
        IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The file.", content(
            (IndicatorFile = "application/json"),
            (String = "text/csv", example = "level,territory,period,category,value,units,hidden\nnational,FR,2026-11,emploi,42,42,false\n")),
            headers(("ETag" = String, description = "Changes with each vintage"))),
        (status = 304, description = "Unchanged since the ETag sent."),
        ReadProblems,
    )
)]
#[get("/open-data/indicators/{file}")]
pub async fn open_data_file(
    store: web::Data<Store>,
    secrecy: web::Data<Secrecy>,
    patterns: web::Data<Patterns>,
    file: web::Path<String>,
    if_none_match: IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    let (code, format) = match file.rsplit_once('.') {
        Some((code, "csv")) => (code.to_owned(), Format::Csv),
        Some((code, "json")) => (code.to_owned(), Format::Json),
        _ => return Err(ApiError::not_found(format!("open data file {file} (not .csv nor .json)"))),
    };
    let definition = definition(&code)
        .filter(|definition| definition.is_computed())
        .ok_or_else(|| ApiError::not_found(format!("computed indicator {code}")))?;
    let Some(vintage) = store.run_stale(vintages::latest).await? else {
        return Err(ApiError::new(ErrorCode::NotFound, "no vintage of the indicators is computed yet"));
    };
    // The public pattern holds the committees': both thresholds make the file.
    let tag = format!(
        "{}-{code}-{}-{}-{}",
        vintage.content_hash,
        secrecy.committee_threshold,
        secrecy.public_threshold,
        format.extension()
    );
    if if_none_match.holds_tag(&tag) {
        return Ok(not_modified(&tag));
    }
    let data = public_cells(&store, &patterns, &vintage, definition, &secrecy).await?;
    Ok(match format {
        Format::Csv => cached(&tag)
            .insert_header((header::LINK, format!("</v1/open-data/indicators/{code}.json>; rel=\"describedby\"")))
            .content_type("text/csv; charset=utf-8")
            .body(csv(&data)),
        Format::Json => cached(&tag).json(IndicatorFile {
            indicator: definition.into(),
            vintage: VintageView::from(&vintage),
            licence: LICENCE,
            threshold: secrecy.public_threshold,
            schema: table_schema(definition),
            data,
        }),
    })
}

/// One computed indicator's cells in `vintage` under the public threshold: what its open-data
/// files hold, and what the dashboard (`/dashboard`) draws.
pub async fn public_cells(
    store: &Store,
    patterns: &Patterns,
    vintage: &Vintage,
    definition: &'static Definition,
    secrecy: &Secrecy,
) -> Result<Vec<PublishedCell>, ApiError> {
    let (vintage_id, indicator) = (vintage.id.clone(), definition.code);
    let cells = store.run_stale(move |conn| vintages::cells(conn, &vintage_id, indicator)).await?;
    let thresholds = secrecy.up_to(secrecy.public_threshold);
    let mut published = protected(patterns, definition, cells, thresholds).await?;
    // The communes' cells are computed and kept in the vintage, published to nobody (see
    // `cube::kept_totals`): not even listed.
    published.retain(|cell| cell.level != "commune");
    Ok(published)
}

#[derive(Debug, Clone, Copy)]
enum Format {
    Csv,
    Json,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

fn cached(tag: &str) -> actix_web::HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    response.insert_header((header::ETAG, format!("\"{tag}\""))).insert_header((header::CACHE_CONTROL, CACHE_CONTROL));
    response
}

fn not_modified(tag: &str) -> HttpResponse {
    HttpResponse::NotModified()
        .insert_header((header::ETAG, format!("\"{tag}\"")))
        .insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
        .finish()
}

/// The CSV columns, in the order of the Table Schema. Every value is a code or a number: no
/// field needs quoting.
const CSV_HEADER: &str = "level,territory,period,category,value,units,hidden";

fn csv(cells: &[PublishedCell]) -> String {
    let mut text = format!("{CSV_HEADER}\n");
    for cell in cells {
        let value = cell.value.as_ref().map(ToString::to_string).unwrap_or_default();
        let units = cell.units.map(|units| units.to_string()).unwrap_or_default();
        text.push_str(&format!(
            "{},{},{},{},{value},{units},{}\n",
            cell.level, cell.territory, cell.period, cell.category, cell.hidden
        ));
    }
    text
}

/// The Table Schema (frictionless `tableschema`) of an indicator's cells.
pub fn table_schema(definition: &Definition) -> Value {
    let value_type = match definition.computation.map(|computation| computation.aggregation) {
        Some(Aggregation::Count) | None => "integer",
        Some(Aggregation::Mean | Aggregation::Share) => "number",
    };
    json!({
        "fields": [
            {"name": "level", "type": "string", "title": "Niveau territorial",
             "constraints": {"required": true, "enum": definition.published_levels()}},
            {"name": "territory", "type": "string", "title": "Territoire",
             "description": "FR au niveau national ; code INSEE de la région ou du département ; unknown pour les enregistrements sans territoire connu",
             "constraints": {"required": true}},
            {"name": "period", "type": "string", "title": "Période",
             "description": "Mois AAAA-MM ou trimestre AAAA-Tn (écrit AAAA-Qn)",
             "constraints": {"required": true, "pattern": "^\\d{4}-(0[1-9]|1[0-2]|Q[1-4])$"}},
            {"name": "category", "type": "string", "title": "Catégorie", "description": "Modalité de la ventilation, ou total",
             "constraints": {"required": true}},
            {"name": "value", "type": value_type, "title": definition.label, "description": definition.definition},
            {"name": "units", "type": "integer", "title": "Effectif", "description": "Nombre de personnes ou d'enregistrements derrière la valeur"},
            {"name": "hidden", "type": "boolean", "title": "Secret statistique", "description": "Valeur masquée par le secret statistique",
             "constraints": {"required": true}}
        ],
        "primaryKey": ["level", "territory", "period", "category"],
        "missingValues": [""]
    })
}
