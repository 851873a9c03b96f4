//! Probes for load balancers and orchestrators, and the metrics of this replica.

use actix_web::{HttpResponse, get, web};
use plateforme_api::{ApiError, ErrorCode, Problem};
use plateforme_search::Progress;
use plateforme_store::Store;
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
    HttpResponse::Ok().json(Health { status: "ok", search: Vec::new() })
}

/// Readiness
///
/// Answers 200 when the database answers and this replica's search indexes are built, with
/// where each index stands (documents, lag behind the change feed); 503 otherwise — the
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
    Ok(HttpResponse::Ok().json(Health { status: "ok", search }))
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
/// of the feed), `plateforme_search_documents` and `plateforme_search_rebuilding` (1 while it is
/// rebuilt from the database). Needs no credentials, as the probes.
#[utoipa::path(tag = "Health", security(()), responses(
    (status = 200, description = "The metrics.", body = String, content_type = "text/plain; version=0.0.4",
        example = "# TYPE plateforme_search_lag_seconds gauge\nplateforme_search_lag_seconds{kind=\"offers\"} 0.2\n"),
    (status = 429, description = "Too many requests from this address (`Retry-After`).", body = plateforme_api::Problem, content_type = "application/problem+json"),
))]
#[get("/metrics")]
pub async fn metrics(indexes: web::Data<SearchIndexes>) -> HttpResponse {
    let progress: Vec<Progress> = indexes.0.iter().map(|index| index.progress()).collect();
    let mut text = String::new();
    for Gauge { name, help, value } in GAUGES {
        text.push_str(&format!("# HELP {name} {help}\n# TYPE {name} gauge\n"));
        for index in &progress {
            text.push_str(&format!("{name}{{kind=\"{}\"}} {}\n", index.kind, value(index)));
        }
    }
    HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(text)
}
