//! `GET /dashboard`: the indicators' dashboard for the employment committees (issue 16, item 6)
//! — choose an indicator and a territory (France, a région, a département) with a form of GET
//! parameters, see its monthly series as a bar chart, the map of the départements for the last
//! month, and both as tables. Server-rendered HTML and SVG, no script, the portal's layout and
//! style sheet (embedded in the binary).
//!
//! Public, like open data: the figures are the latest vintage's under the public secrecy
//! threshold (`open_data::public_cells`, the same cells as `GET /v1/open-data/indicators/{code}.json`),
//! so no token is needed and a secret cell reads « secret statistique », never 0. A bad query
//! answers an HTML page saying what is wrong: 400 for a malformed one, 404 for an indicator or a
//! territory that does not exist.

mod chart;
mod figures;
mod map;
mod page;
mod territory;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use plateforme_api::ApiError;
use plateforme_indicators::Secrecy;
use plateforme_indicators::definitions::{DEFINITIONS, Definition, definition};
use plateforme_indicators::open_data::public_cells;
use plateforme_indicators::published::Patterns;
use plateforme_portal::page::{escape, layout_in_french};
use plateforme_portal::{html, html_with_status};
use plateforme_store::Store;
use plateforme_store::indicators::vintages;
use serde::Deserialize;

use crate::app::Services;
use territory::Territory;

pub const PATH: &str = "/dashboard";
const TITLE: &str = "Tableau de bord des indicateurs";
/// What the page shows first.
const DEFAULT_INDICATOR: &str = "orientations_par_parcours";

/// Registers `/dashboard` (HEAD is answered as GET by the app).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource(PATH).route(web::get().to(dashboard)));
}

/// The form's parameters; any other is refused.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DashboardQuery {
    /// The code of a computed indicator (`orientations_par_parcours` by default).
    indicator: Option<String>,
    /// `FR` (by default), `region-{code}` or `departement-{code}`.
    territory: Option<String>,
}

/// Why the page cannot show what was asked, said to a person.
#[derive(Debug)]
pub enum Refusal {
    BadQuery(String),
    UnknownIndicator(String),
    UnknownTerritory(String),
}

impl Refusal {
    fn page(&self, sandbox: bool) -> HttpResponse {
        let (status, title, detail) = match self {
            Refusal::BadQuery(detail) => (StatusCode::BAD_REQUEST, "Demande incorrecte", detail.clone()),
            Refusal::UnknownIndicator(detail) => (StatusCode::NOT_FOUND, "Indicateur inconnu", detail.clone()),
            Refusal::UnknownTerritory(detail) => (StatusCode::NOT_FOUND, "Territoire inconnu", detail.clone()),
        };
        let body = format!(
            "<div class=\"error-page\" role=\"alert\"><p>{}</p></div>\n<p><a href=\"{PATH}\">Revenir au tableau de \
             bord</a> ou choisir un indicateur et un territoire dans ses listes.</p>\n",
            escape(&detail)
        );
        html_with_status(status, layout_in_french(title, &body, sandbox))
    }
}

async fn dashboard(
    request: HttpRequest,
    store: web::Data<Store>,
    secrecy: web::Data<Secrecy>,
    patterns: web::Data<Patterns>,
    services: web::Data<Services>,
) -> Result<HttpResponse, ApiError> {
    let sandbox = services.sandbox().enabled();
    let (definition, territory) = match choice(request.query_string()) {
        Ok(choice) => choice,
        Err(refusal) => return Ok(refusal.page(sandbox)),
    };
    let threshold = secrecy.public_threshold;
    let body = match store.run_stale(vintages::latest).await? {
        None => page::no_vintage(definition, &territory),
        Some(vintage) => {
            let cells = public_cells(&store, &patterns, &vintage, definition, &secrecy).await?;
            page::body(&page::Shown { definition, territory: &territory, vintage: &vintage, threshold, cells: &cells })
        }
    };
    Ok(html(layout_in_french(TITLE, &body, sandbox)))
}

/// The indicator and the territory asked for, checked.
fn choice(query: &str) -> Result<(&'static Definition, Territory), Refusal> {
    let query = web::Query::<DashboardQuery>::from_query(query)
        .map_err(|error| {
            Refusal::BadQuery(format!("Les paramètres du tableau de bord sont indicator et territory ({error})."))
        })?
        .into_inner();
    let code = query.indicator.as_deref().unwrap_or(DEFAULT_INDICATOR);
    let definition = match definition(code) {
        Some(definition) if definition.is_computed() => definition,
        Some(declared) => {
            return Err(Refusal::UnknownIndicator(format!(
                "L'indicateur « {} » ({code}) n'est pas encore calculé : {}.",
                declared.label,
                declared.not_computed_because.unwrap_or("sans raison connue")
            )));
        }
        None => {
            return Err(Refusal::UnknownIndicator(format!(
                "Aucun indicateur n'a le code « {code} ». Les indicateurs calculés : {}.",
                computed().map(|definition| definition.code).collect::<Vec<_>>().join(", ")
            )));
        }
    };
    let territory = Territory::parse(query.territory.as_deref().unwrap_or("FR"))?;
    Ok((definition, territory))
}

fn computed() -> impl Iterator<Item = &'static Definition> {
    DEFINITIONS.iter().filter(|definition| definition.is_computed())
}
