//! Probes for load balancers and orchestrators, and the metrics of this replica.

use actix_web::{HttpResponse, get, web};
use plateforme_api::{ApiError, ErrorCode, Problem};
use plateforme_search::Progress;
use plateforme_store::Store;
use plateforme_store::indicators::live::{Lag, lag};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::SearchIndexes;

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    status: &'static str,
    /// This replica's search indexes (readiness only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    search: Vec<IndexHealth>,
    /// Where the indicators' live figures stand (readiness only).
    #[serde(skip_serializing_if = "Option::is_none")]
    indicators: Option<LiveFiguresHealth>,
}

/// Where the indicators' live figures stand behind the change feed (shared by the replicas:
/// one follows at a time).
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"built": true, "as_of": "2026-12-09", "events_behind": 0, "decisions_behind": 0,
    "lag_seconds": 0.0}))]
pub struct LiveFiguresHealth {
    /// Built from the records by this version of the code (otherwise being built).
    pub(crate) built: bool,
    /// The date the figures are current for.
    pub(crate) as_of: Option<String>,
    /// Events of the feed not applied yet (counted up to 100,000).
    pub(crate) events_behind: i64,
    /// Orientation decisions not counted yet (counted up to 100,000).
    pub(crate) decisions_behind: i64,
    /// Seconds since the oldest change not applied yet was written: 0 when the figures hold
    /// every change the feed serves.
    pub(crate) lag_seconds: f64,
}

impl From<Lag> for LiveFiguresHealth {
    fn from(lag: Lag) -> Self {
        LiveFiguresHealth {
            built: lag.state.current && lag.state.as_of.is_some(),
            as_of: lag.state.as_of.map(|day| day.to_string()),
            events_behind: lag.events_behind,
            decisions_behind: lag.decisions_behind,
            lag_seconds: (lag.seconds(plateforme_model::ids::now()) * 1000.0).round() / 1000.0,
        }
    }
}

/// Where one of this replica's search indexes stands.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"kind": "offers", "documents": 499552, "rebuilding": false, "lag_seconds": 0.2}))]
pub struct IndexHealth {
    /// The kind of documents (`offers`).
    pub(crate) kind: &'static str,
    /// Documents searchable now.
    pub(crate) documents: u64,
    /// Rebuilding from the database: the replica is not ready meanwhile.
    pub(crate) rebuilding: bool,
    /// Seconds since the index last held every change of the feed: how stale this replica's
    /// searches may be (below a second while it keeps up).
    pub(crate) lag_seconds: f64,
    /// Why the indexer's last step failed, while it has not succeeded since.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
}

impl From<Progress> for IndexHealth {
    fn from(progress: Progress) -> Self {
        let lag_seconds = (progress.lag_seconds * 1000.0).round() / 1000.0;
        IndexHealth {
            kind: progress.kind,
            documents: progress.documents,
            rebuilding: progress.rebuilding,
            lag_seconds,
            error: progress.error,
        }
    }
}

/// Liveness
///
/// Answers 200 while the process serves requests. Needs no credentials.
#[utoipa::path(tag = "Health", security(()), responses((status = 200, description = "The process is alive.", body = Health), (status = 429, description = "Too many requests from this address (`Retry-After`).", body = plateforme_api::Problem, content_type = "application/problem+json")))]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok", search: Vec::new(), indicators: None })
}

/// Readiness
///
/// Answers 200 when the database answers and this replica's search indexes are built, with
/// where each index stands (documents, lag behind the change feed) and where the indicators'
/// live figures stand (events and decisions not applied yet, lag in seconds: they never make the
/// replica unready); 503 otherwise — the
/// database does not answer, or an index is being rebuilt from it: take the replica out of the
/// load balancer until it is ready. Needs no credentials.
#[utoipa::path(tag = "Health", security(()), responses(
    (status = 429, description = "Too many requests from this address (`Retry-After`).", body = plateforme_api::Problem, content_type = "application/problem+json"),
    (status = 200, description = "Ready to serve.", body = Health),
    (status = 503, description = "The database does not answer, or a search index is being rebuilt.", body = Problem, content_type = "application/problem+json"),
))]
#[get("/health/ready")]
pub async fn ready(store: web::Data<Store>, indexes: web::Data<SearchIndexes>) -> Result<HttpResponse, ApiError> {
    let search = readiness(&store, &indexes).await?;
    let indicators = live_figures(&store).await;
    Ok(HttpResponse::Ok().json(Health { status: "ok", search, indicators }))
}

/// Where the live figures stand; `None` when it cannot be read (logged: it never makes the
/// replica unready).
async fn live_figures(store: &Store) -> Option<LiveFiguresHealth> {
    match store.run(lag).await {
        Ok(lag) => Some(lag.into()),
        Err(error) => {
            tracing::warn!(%error, "the live figures' lag cannot be read");
            None
        }
    }
}

/// The checks of readiness (also the status page's): the database answers, and no search index
/// is being rebuilt; where each index stands.
pub(crate) async fn readiness(store: &Store, indexes: &SearchIndexes) -> Result<Vec<IndexHealth>, ApiError> {
    store.run(plateforme_store::health::ping).await.map_err(|error| {
        tracing::warn!(%error, "not ready");
        ApiError::new(ErrorCode::ServiceUnavailable, "the database does not answer")
    })?;
    let search: Vec<IndexHealth> = indexes.0.iter().map(|index| index.progress().into()).collect();
    if let Some(rebuilding) = search.iter().find(|index| index.rebuilding) {
        return Err(ApiError::new(
            ErrorCode::ServiceUnavailable,
            format!(
                "the search index of {} is being rebuilt ({} documents so far)",
                rebuilding.kind, rebuilding.documents
            ),
        ));
    }
    Ok(search)
}

/// A metric of each search index.
struct Gauge {
    name: &'static str,
    help: &'static str,
    value: fn(&Progress) -> f64,
}

const GAUGES: [Gauge; 3] = [
    Gauge {
        name: "plateforme_search_lag_seconds",
        help: "Seconds since the search index last held every change of the feed.",
        value: |progress| progress.lag_seconds,
    },
    Gauge {
        name: "plateforme_search_documents",
        help: "Documents searchable in the index.",
        value: |progress| progress.documents as f64,
    },
    Gauge {
        name: "plateforme_search_rebuilding",
        help: "1 while the index is rebuilt from the database.",
        value: |progress| f64::from(u8::from(progress.rebuilding)),
    },
];

/// Metrics
///
/// This replica's metrics in the Prometheus text format: for each search index
/// (`kind="offers"`), `plateforme_search_lag_seconds` (seconds since it last held every change
/// of the feed), `plateforme_search_documents`, `plateforme_search_rebuilding` (1 while it is
/// rebuilt from the database) and the counter `plateforme_search_documents_written_total`
/// (documents upserted or deleted in the index since the start); `plateforme_indicators_live_lag_seconds` (seconds since the
/// oldest change the indicators' live figures have not applied yet was written). Needs no
/// credentials, as the probes.
#[utoipa::path(tag = "Health", security(()), responses(
    (status = 200, description = "The metrics.", body = String, content_type = "text/plain; version=0.0.4",
        example = "# TYPE plateforme_search_lag_seconds gauge\nplateforme_search_lag_seconds{kind=\"offers\"} 0.2\n"),
    (status = 429, description = "Too many requests from this address (`Retry-After`).", body = plateforme_api::Problem, content_type = "application/problem+json"),
))]
#[get("/metrics")]
pub async fn metrics(store: web::Data<Store>, indexes: web::Data<SearchIndexes>) -> HttpResponse {
    let progress: Vec<Progress> = indexes.0.iter().map(|index| index.progress()).collect();
    let mut text = String::new();
    for Gauge { name, help, value } in GAUGES {
        text.push_str(&format!("# HELP {name} {help}\n# TYPE {name} gauge\n"));
        for index in &progress {
            text.push_str(&format!("{name}{{kind=\"{}\"}} {}\n", index.kind, value(index)));
        }
    }
    let name = "plateforme_search_documents_written_total";
    let help = "Documents upserted or deleted in the search index since the start.";
    text.push_str(&format!("# HELP {name} {help}\n# TYPE {name} counter\n"));
    for index in &progress {
        text.push_str(&format!("{name}{{kind=\"{}\"}} {}\n", index.kind, index.written));
    }
    if let Some(figures) = live_figures(&store).await {
        let name = "plateforme_indicators_live_lag_seconds";
        let help = "Seconds since the oldest change the indicators' live figures have not applied yet was written.";
        text.push_str(&format!("# HELP {name} {help}\n# TYPE {name} gauge\n{name} {}\n", figures.lag_seconds));
    }
    HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(text)
}
