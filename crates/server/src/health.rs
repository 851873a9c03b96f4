//! Probes for load balancers and orchestrators.

use actix_web::{HttpResponse, get, web};
use plateforme_api::{ApiError, ErrorCode, Problem};
use plateforme_store::Store;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    status: &'static str,
}

/// Liveness
///
/// Answers 200 while the process serves requests. Needs no credentials.
#[utoipa::path(tag = "Health", security(()), responses((status = 200, description = "The process is alive.", body = Health), (status = 429, description = "Too many requests from this address (`Retry-After`).", body = plateforme_api::Problem, content_type = "application/problem+json")))]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// Readiness
///
/// Answers 200 when the database answers, 503 otherwise: take the replica out of the load
/// balancer until it is ready. Needs no credentials.
#[utoipa::path(tag = "Health", security(()), responses(
    (status = 429, description = "Too many requests from this address (`Retry-After`).", body = plateforme_api::Problem, content_type = "application/problem+json"),
    (status = 200, description = "Ready to serve.", body = Health),
    (status = 503, description = "The database does not answer.", body = Problem, content_type = "application/problem+json"),
))]
#[get("/health/ready")]
pub async fn ready(store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    store.run(plateforme_store::health::ping).await.map_err(|error| {
        tracing::warn!(%error, "not ready");
        ApiError::new(ErrorCode::ServiceUnavailable, "the database does not answer")
    })?;
    Ok(HttpResponse::Ok().json(Health { status: "ok" }))
}
