//! `GET /v1/indicators`: the catalogue of the indicators for the employment committees — each
//! definition, computed or declared (and why not computed), with the latest vintage that holds
//! its figures. Paged like every list, in the order of the codes.

use actix_web::{HttpResponse, get};
use plateforme_api::openapi::ListProblems;
use plateforme_api::{ApiError, ErrorCode, List, PageBody};
use plateforme_auth::Caller;
use plateforme_auth::policy::{self, IndicatorsAccess, Operation, Resource};
use plateforme_store::indicators::vintages;
use plateforme_store::{Page, PageRequest};
use serde::Serialize;
use utoipa::ToSchema;

use crate::definitions::{DEFINITIONS, Definition};
use crate::open_data::DefinitionView;

plateforme_api::paging_query! {
    pub struct IndicatorsQuery {}
    limit: "Indicators per page, 1 to 100 (20 by default)."
}

/// An indicator of the catalogue and the vintage its figures are read from.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = IndicatorSummary, example = json!({"code": "orientations_par_parcours",
    "label": "Orientations par parcours",
    "definition": "Nombre de décisions d'orientation du mois, par parcours décidé : emploi, socio-professionnel, social ; le total les additionne.",
    "unit": "decisions", "aggregation": "count", "sources": ["orientation_decisions"], "version": 1,
    "computed": true, "not_computed_because": null, "levels": ["national", "region", "departement"],
    "periods": ["month", "quarter"], "latest_vintage": {"id": "2026-12-09.r1", "as_of": "2026-12-09"},
    "read": "/v1/indicators/orientations_par_parcours"}))]
pub struct IndicatorSummary {
    #[serde(flatten)]
    pub definition: DefinitionView,
    /// The periods of its cells: calendar months (`YYYY-MM`) and quarters (`YYYY-Qn`); none for
    /// an indicator not computed yet.
    pub periods: &'static [&'static str],
    /// The latest vintage, which holds its figures; `null` for an indicator not computed yet,
    /// or before the first vintage.
    pub latest_vintage: Option<VintageRef>,
    /// Where its cells are read (`GET /v1/indicators/{code}`); `null` when not computed.
    pub read: Option<String>,
}

/// A vintage, named.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = IndicatorVintageRef)]
pub struct VintageRef {
    /// `{as_of}.r{revision}`.
    pub id: String,
    /// The date the data are taken as of (date d'arrêté des données).
    pub as_of: String,
}

/// List the indicators (employment committees)
///
/// Every indicator of the catalogue, in the order of the codes: its French label and definition,
/// unit, sources, version, the levels and periods of its cells, whether it is computed — and
/// when not, why — and the latest vintage its figures are read from (`GET
/// /v1/indicators/{code}`, at your organization's threshold and territories; the same cells at
/// the public threshold are open data). The same access as reading an indicator: the scope
/// `indicators:read`, which every organization's policy allows at the national level.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["indicators:read"])),
    params(IndicatorsQuery),
    responses((status = 200, description = "One page of the catalogue.", body = PageBody<IndicatorSummary>), ListProblems)
)]
#[get("/indicators")]
pub async fn list_indicators(list: List<Caller, IndicatorsQuery>) -> Result<HttpResponse, ApiError> {
    let national = IndicatorsAccess { region: None, departement: None };
    if !policy::allows(list.caller.principal(), Operation::Read, Resource::Indicators(&national)) {
        return Err(ApiError::new(ErrorCode::Forbidden, "your organization may not read the indicators"));
    }
    let request = list.query.page_request()?;
    let latest = list.store.run_stale(vintages::latest).await?;
    let latest = latest.map(|vintage| VintageRef { id: vintage.id, as_of: vintage.as_of.to_string() });
    Ok(list.page(page_of(&request, latest.as_ref())))
}

/// The page of the catalogue after the cursor's code, in the order of the codes.
fn page_of(request: &PageRequest, latest: Option<&VintageRef>) -> Page<IndicatorSummary> {
    let mut definitions: Vec<&Definition> = DEFINITIONS
        .iter()
        .filter(|definition| request.after.as_deref().is_none_or(|after| definition.code > after))
        .collect();
    definitions.sort_unstable_by_key(|definition| definition.code);
    definitions.truncate(usize::try_from(request.fetch_limit()).unwrap_or(usize::MAX));
    Page::from_rows(definitions, request, |definition| definition.code.to_owned()).map(|definition| {
        let computed = definition.is_computed();
        IndicatorSummary {
            definition: definition.into(),
            periods: if computed { &["month", "quarter"] } else { &[] },
            latest_vintage: latest.filter(|_| computed).cloned(),
            read: computed.then(|| format!("/v1/indicators/{}", definition.code)),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_walk_the_whole_catalogue_once_in_code_order() {
        let mut codes = Vec::new();
        let mut request = PageRequest::first(5);
        loop {
            let page = page_of(&request, None);
            codes.extend(page.items.iter().map(|item| item.definition.code));
            let Some(cursor) = page.next_cursor else { break };
            request = PageRequest::from_cursor(5, Some(&cursor)).expect("a cursor of ours");
        }
        let mut expected: Vec<&str> = DEFINITIONS.iter().map(|definition| definition.code).collect();
        expected.sort_unstable();
        assert_eq!(codes, expected);
    }
}
