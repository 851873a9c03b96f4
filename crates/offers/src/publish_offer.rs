use actix_web::{HttpResponse, post, web};
use plateforme_api::openapi::CreateProblems;
use plateforme_api::{ApiError, ErrorCode, ValidJson};
use plateforme_auth::Caller;
use plateforme_model::offer::{Offer, Publication};
use plateforme_store::offers::publish::{self, Outcome, Published, Refusal};
use plateforme_store::{Store, StoreError, offers};
use serde::Serialize;
use utoipa::ToSchema;

use crate::access::may_publish;

/// What became of a publication, and the offer as it now stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicationResult {
    /// `created` (a new offer), `merged` (the same job was already published by another
    /// source: this source joins it), `updated` (this source's copy changed) or `unchanged`
    /// (this source sent the same document again).
    #[schema(example = "created")]
    pub outcome: String,
    pub offer: Offer,
}

/// Publish an offer
///
/// Publishes one offer under the caller's organization, identified by its source: the system
/// it comes from and its reference there. Publishing is an upsert by source: sending the same
/// reference again updates this source's copy, or changes nothing when the document is the
/// same (`unchanged`), so retries are safe. When another source already publishes the same job
/// — same employer (SIRET, or normalized name), same normalized title, ROME code, commune and
/// contract type — this source joins that offer (`merged`) instead of creating a duplicate.
/// The ROME code, the commune and the NAF code must exist in the referentials; the workplace's
/// position defaults to the commune's. Answers 201 for a new offer, 200 otherwise.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["offers:write"])),
    request_body(content = Publication, description = "The offer and its source."),
    responses(
        (status = 201, description = "A new offer (`outcome`: `created`).", body = PublicationResult,
            headers(("Location" = String, description = "Path of the offer"), ("ETag" = String, description = "Version of the offer"))),
        (status = 200, description = "An existing offer (`outcome`: `merged`, `updated` or `unchanged`).", body = PublicationResult,
            headers(("Location" = String, description = "Path of the offer"), ("ETag" = String, description = "Version of the offer"))),
        (status = 409, description = "Problem (RFC 9457). `invalid_transition`: this source's offer is filled or cancelled and takes no more changes.", body = plateforme_api::Problem, content_type = "application/problem+json"),
        CreateProblems,
    )
)]
#[post("/offers")]
pub async fn publish_offer(
    store: web::Data<Store>,
    caller: Caller,
    ValidJson(publication): ValidJson<Publication>,
) -> Result<HttpResponse, ApiError> {
    may_publish(&caller)?;
    let submission = crate::prepare::prepare(publication).map_err(ApiError::validation)?;
    let context = caller.write_context();
    let organization_id = caller.principal().organization_id;
    let (answer, offer) = store
        .run(move |conn| {
            let mut answers = publish::publish(conn, &context, organization_id, vec![submission])?;
            let answer = answers.pop().ok_or(StoreError::NotFound)?;
            let offer = match &answer {
                Ok(published) => Some(offers::find(conn, published.offer_id)?.ok_or(StoreError::NotFound)?),
                Err(_) => None,
            };
            Ok((answer, offer))
        })
        .await?;
    let (published, offer) = match (answer, offer) {
        (Ok(published), Some(offer)) => (published, offer),
        (Err(refusal), _) => return Err(refused(&refusal)),
        (Ok(_), None) => return Err(ApiError::internal("a published offer could not be read back")),
    };
    let Published { outcome, offer_id, .. } = published;
    let mut response = if outcome == Outcome::Created { HttpResponse::Created() } else { HttpResponse::Ok() };
    response.insert_header((actix_web::http::header::LOCATION, crate::location(offer_id)));
    response.insert_header((actix_web::http::header::ETAG, plateforme_api::etag(offer.version)));
    Ok(response.json(PublicationResult { outcome: outcome.as_str().to_owned(), offer }))
}

pub(crate) fn refused(refusal: &Refusal) -> ApiError {
    match refusal {
        Refusal::Final { offer_id, status } => ApiError::new(
            ErrorCode::InvalidTransition,
            format!(
                "offer {offer_id} is {} and takes no more changes; publish the new job under a new reference",
                status.as_str()
            ),
        ),
    }
}
