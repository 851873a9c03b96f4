//! `GET /status`: the public status page (issue 21, item 6) — whether this replica is ready (the
//! checks of `/health/ready`), the versions of the binary and of the contract, and how far the
//! change feed and the search indexes lag. HTML like the portal (French first, `?lang=en`, no
//! script), or JSON for `Accept: application/json`. Public: it says nothing of a client, a person
//! or the configuration.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, web};
use plateforme_portal::families::Text;
use plateforme_portal::page::{Lang, escape, layout};
use plateforme_store::Store;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::{SearchIndexes, Services};
use crate::health::{IndexHealth, readiness};

/// Where this replica stands.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"status": "ok", "server_version": "0.1.0", "contract_version": "0.1.0",
    "change_feed_lag_seconds": 0.0,
    "search": [{"kind": "offers", "documents": 1200, "rebuilding": false, "lag_seconds": 0.2}]}))]
pub struct Status {
    /// `ok` when this replica is ready (the checks of `GET /health/ready`), `unavailable` otherwise.
    #[schema(example = "ok")]
    status: &'static str,
    /// Why it is not ready.
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    /// The version of the server's binary.
    #[schema(example = "0.1.0")]
    server_version: &'static str,
    /// The version of the contract it serves (`info.version` of `GET /openapi.json`).
    #[schema(example = "0.1.0")]
    contract_version: String,
    /// Seconds since the oldest committed change that the change feed cannot serve yet was
    /// written (a write still in progress holds the feed back); 0 when the feed serves every
    /// committed change, absent when the database does not answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 0.0)]
    change_feed_lag_seconds: Option<f64>,
    /// This replica's search indexes and how far each lags behind the change feed.
    search: Vec<IndexHealth>,
}

/// Service status
///
/// Whether this replica is ready (the checks of `GET /health/ready`: the database answers and no
/// search index is being rebuilt), the versions of the server and of its contract, how far the
/// change feed lags behind the writes and each search index behind the feed. Answers 200 whether
/// or not it is ready (the body says; load balancers use `GET /health/ready`): JSON for
/// `Accept: application/json`, else an HTML page, in French unless `lang=en`. Needs no
/// credentials and shows nothing of a client or a person.
#[utoipa::path(tag = "Health", security(()),
    params(("lang" = Option<String>, Query, description = "`en` for the HTML page in English; French otherwise.", example = "en")),
    responses(
        (status = 200, description = "Where this replica stands.", content(
            (Status = "application/json"),
            (String = "text/html", example = "<!DOCTYPE html>\n<html lang=\"fr\">…<h1>État du service</h1>…"),
        )),
        (status = 429, description = "Too many requests from this address (`Retry-After`).", body = plateforme_api::Problem, content_type = "application/problem+json"),
    ))]
#[get("/status")]
pub async fn get_status(
    request: HttpRequest,
    store: web::Data<Store>,
    indexes: web::Data<SearchIndexes>,
    services: web::Data<Services>,
) -> HttpResponse {
    let status = current(&store, &indexes, services.contract_version()).await;
    let wants_json = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json"));
    let response = if wants_json {
        HttpResponse::Ok().json(&status)
    } else {
        plateforme_portal::html(page(Lang::of_query(request.query_string()), &status, services.sandbox().enabled()))
    };
    vary_on_accept(response)
}

fn vary_on_accept(mut response: HttpResponse) -> HttpResponse {
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("Accept"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn current(store: &Store, indexes: &SearchIndexes, contract_version: &str) -> Status {
    let reason = readiness(store, indexes).await.err().map(|error| error.detail);
    let held_back = store.run(plateforme_store::changes::held_back_since).await;
    let change_feed_lag_seconds = held_back.ok().map(|since| {
        since.map_or(0.0, |since| {
            let lag = (plateforme_model::ids::now() - since).num_milliseconds().max(0);
            lag as f64 / 1000.0
        })
    });
    // An indexer's error may name internals: the status page says only where each index stands.
    let search =
        indexes.0.iter().map(|index| IndexHealth { error: None, ..IndexHealth::from(index.progress()) }).collect();
    Status {
        status: if reason.is_none() { "ok" } else { "unavailable" },
        reason,
        server_version: env!("CARGO_PKG_VERSION"),
        contract_version: contract_version.to_owned(),
        change_feed_lag_seconds,
        search,
    }
}

/// The HTML page: a sentence, then two tables with captions.
fn page(lang: Lang, status: &Status, sandbox: bool) -> String {
    let t = |fr: &'static str, en: &'static str| lang.pick(Text { fr, en });
    let readiness = match &status.reason {
        None => t("Ce serveur est prêt.", "This server is ready.").to_owned(),
        Some(reason) => format!("{} {}", t("Ce serveur n'est pas prêt :", "This server is not ready:"), escape(reason)),
    };
    let feed = match status.change_feed_lag_seconds {
        Some(lag) => format!("{lag:.1} s"),
        None => t("inconnu (la base de données ne répond pas)", "unknown (the database does not answer)").to_owned(),
    };
    let mut body = format!(
        "<p class=\"status-{state}\"><strong>{readiness}</strong></p>\n\
         <table>\n<caption>{versions}</caption>\n<tbody>\n\
         <tr><th scope=\"row\">{server}</th><td><code>{server_version}</code></td></tr>\n\
         <tr><th scope=\"row\">{contract}</th><td><code>{contract_version}</code></td></tr>\n</tbody>\n</table>\n\
         <table>\n<caption>{lags}</caption>\n\
         <thead><tr><th scope=\"col\">{what}</th><th scope=\"col\">{lag}</th><th scope=\"col\">{documents}</th><th scope=\"col\">{state_label}</th></tr></thead>\n<tbody>\n\
         <tr><th scope=\"row\">{feed_label}</th><td>{feed}</td><td>—</td><td>—</td></tr>\n",
        state = status.status,
        versions = t("Versions", "Versions"),
        server = t("Serveur", "Server"),
        server_version = escape(status.server_version),
        contract = t("Contrat de l'API", "API contract"),
        contract_version = escape(&status.contract_version),
        lags = t("Retards", "Lags"),
        what = t("Suivi", "Follower"),
        lag = t("Retard", "Lag"),
        documents = t("Documents", "Documents"),
        state_label = t("État", "State"),
        feed_label = t("Flux des changements (derrière les écritures)", "Change feed (behind the writes)"),
    );
    for index in &status.search {
        body.push_str(&format!(
            "<tr><th scope=\"row\">{} <code>{}</code></th><td>{:.1} s</td><td>{}</td><td>{}</td></tr>\n",
            t("Index de recherche", "Search index"),
            escape(index.kind),
            index.lag_seconds,
            index.documents,
            if index.rebuilding { t("reconstruction", "rebuilding") } else { t("à jour", "following") },
        ));
    }
    body.push_str(&format!(
        "</tbody>\n</table>\n<p>{} <code>Accept: application/json</code>.</p>\n",
        t("La même chose en JSON :", "The same as JSON:")
    ));
    layout(lang, "/status", t("État du service", "Service status"), &body, sandbox)
}
