//! `GET /v1/indicators/{code}`: one indicator of the latest vintage for the employment
//! committees, at their threshold and for the territories their organization may read — the
//! same cells as open data, finer where the committees' threshold allows.

use actix_web::{HttpResponse, get, web};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, ErrorCode, ValidQuery};
use plateforme_auth::Caller;
use plateforme_auth::policy::{self, IndicatorsAccess, Operation, Resource};
use plateforme_model::codes::{DepartementCode, RegionCode};
use plateforme_store::Store;
use plateforme_store::indicators::live::LiveState;
use plateforme_store::indicators::vintages::{self, Cell};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::Secrecy;
use crate::compute::content_hash;
use crate::definitions::definition;
use crate::list_orientation_decisions::{may_read, threshold_for};
use crate::live;
use crate::open_data::{DefinitionView, VintageView};
use crate::published::{Patterns, PublishedCell, protected};
use crate::query::{LevelParam, territory};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IndicatorQuery {
    /// The level of the cells (`national` by default). Below the national level, only the
    /// territories your organization may read are listed (the access policy of indicators).
    #[param(inline)]
    pub level: Option<LevelParam>,
    /// Only this région (code INSEE, rules `region.format`, `region.unknown`).
    #[param(example = "84")]
    pub region: Option<String>,
    /// Only this département (code INSEE, rules `departement.format`, `departement.unknown`), of
    /// `region` when both are given (rule `departement.region`).
    #[param(example = "69")]
    pub departement: Option<String>,
    /// Which figures: the latest vintage published (`latest`, by default), or the live figures
    /// (`live`), kept current from the change feed as a computation as of today would give them.
    #[param(inline)]
    pub vintage: Option<VintageParam>,
}

/// Which figures an indicator is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VintageParam {
    /// The latest vintage published, as open data has it.
    #[default]
    Latest,
    /// The live figures: every record as it stands now, followed from the change feed a moment
    /// behind the writes (see `/health/ready`); for the committees only, never open data.
    Live,
}

/// One indicator of a vintage (or of the live figures), as the caller may read it.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorTable {
    pub indicator: DefinitionView,
    pub vintage: VintageView,
    /// The least number of persons a published cell counts for the caller.
    pub threshold: i64,
    pub level: LevelParam,
    pub cells: Vec<PublishedCell>,
}

/// Read one indicator (employment committees)
///
/// The cells of one computed indicator in the latest vintage at `level` (months and quarters,
/// every category), under the secrecy threshold of the caller's organization: the committees'
/// (France Travail, départements, régions, missions locales, Cap emploi, State services) or the
/// public one for the others — open data holds the same cells at the public threshold. Below the
/// national level only the territories your organization may read are listed; asking for a
/// `region` or `departement` it may not read answers 403. 404 for a code that is not a computed
/// indicator, or before the first vintage.
///
/// `vintage=live` reads the live figures instead, under the same secrecy: the cells a
/// computation as of today would give, kept current from the change feed between two vintages
/// (a moment behind the writes: `/health/ready` says how far). Their `vintage` is `live`, as of
/// the date they are current for, revision 0, `computed_at` the moment they are read and
/// `content_hash` the SHA-256 of the cells served; 404 before they are first built.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["indicators:read"])),
    params(("code" = String, Path, description = "The code of a computed indicator of the catalogue", example = "orientations_par_parcours"), IndicatorQuery),
    responses((status = 200, description = "The cells.", body = IndicatorTable), ReadProblems)
)]
#[get("/indicators/{code}")]
pub async fn read_indicator(
    store: web::Data<Store>,
    secrecy: web::Data<Secrecy>,
    patterns: web::Data<Patterns>,
    caller: Caller,
    code: web::Path<String>,
    ValidQuery(query): ValidQuery<IndicatorQuery>,
) -> Result<HttpResponse, ApiError> {
    let definition = definition(&code)
        .filter(|definition| definition.is_computed())
        .ok_or_else(|| ApiError::not_found(format!("computed indicator {code}")))?;
    let level = query.level.unwrap_or_default();
    let (region, departement) = territory(query.region.as_deref(), query.departement.as_deref())?;
    let principal = caller.principal().clone();
    let asked = IndicatorsAccess { region: region.clone(), departement: departement.clone() };
    if !policy::allows(&principal, Operation::Read, Resource::Indicators(&asked)) {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "your organization may not read the indicators of this territory",
        ));
    }
    let (vintage, cells) = match query.vintage.unwrap_or_default() {
        VintageParam::Latest => {
            let Some(vintage) = store.run_stale(vintages::latest).await? else {
                return Err(ApiError::new(ErrorCode::NotFound, "no vintage of the indicators is computed yet"));
            };
            let (vintage_id, indicator) = (vintage.id.clone(), definition.code);
            let cells = store.run_stale(move |conn| vintages::cells(conn, &vintage_id, indicator)).await?;
            (VintageView::from(&vintage), cells)
        }
        VintageParam::Live => {
            let Some((state, cells)) = store.run_stale(move |conn| live::indicator_cells(conn, definition)).await?
            else {
                return Err(ApiError::new(ErrorCode::NotFound, "the live figures of the indicators are not built yet"));
            };
            (live_view(&state, &cells), cells)
        }
    };
    let wanted = |territory: &str| match (level, &region, &departement) {
        (LevelParam::Region, Some(region), _) => territory == region.as_str(),
        (LevelParam::Departement, _, Some(departement)) => territory == departement.as_str(),
        (LevelParam::Departement, Some(region), None) => {
            DepartementCode::parse(territory).is_ok_and(|code| RegionCode::of_departement(&code) == *region)
        }
        _ => true,
    };
    let threshold = threshold_for(&secrecy, principal.kind);
    let readable = protected(&patterns, definition, cells, secrecy.up_to(threshold))
        .await?
        .into_iter()
        .filter(|cell| cell.level == level.as_str())
        .filter(|cell| wanted(&cell.territory) && may_read(&principal, level, &cell.territory))
        .collect();
    Ok(HttpResponse::Ok().json(IndicatorTable {
        indicator: definition.into(),
        vintage,
        threshold,
        level,
        cells: readable,
    }))
}

/// The live figures as a vintage: `live`, as of the date they are current for.
fn live_view(state: &LiveState, cells: &[Cell]) -> VintageView {
    VintageView {
        id: "live".to_owned(),
        as_of: state.as_of.map(|day| day.to_string()).unwrap_or_default(),
        revision: 0,
        content_hash: content_hash(cells),
        computed_at: plateforme_model::ids::now().to_rfc3339(),
    }
}
