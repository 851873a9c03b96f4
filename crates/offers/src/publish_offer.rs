use actix_web::{HttpResponse, post, web};
use plateforme_api::openapi::CreateProblems;
use plateforme_api::{ApiError, ErrorCode, ValidJson};
use plateforme_auth::Caller;
use plateforme_model::offer::{Offer, Publication};
use plateforme_store::offers::publish::{self, Outcome, Published, Refusal};
use plateforme_store::{Store, StoreError, offers};
use serde::Serialize;
use utoipa::ToSchema;

use crate::access::{check_employer, may_publish, publisher};
use crate::search_index::OffersIndex;

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
///
/// Joining an offer gives no control of it: the offer's owner (`owner_organization_id`, the
/// organization whose publication created it) alone changes its text and status. A changed
/// document from a source that does not own the offer is refused with 403 `forbidden` naming
/// the owner, and nothing is written. An employer organization publishes only offers naming
/// its own SIRET (422, rule `siret.not_own`); when it publishes a job another organization
/// published first under its SIRET, it joins that offer, becomes its owner, and its document
/// replaces the one held.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["offers:write"])),
    request_body(content = Publication, description = "The offer and its source."),
    responses(
        (status = 201, description = "A new offer (`outcome`: `created`).", body = PublicationResult,
            headers(("Location" = String, description = "Path of the offer"), ("ETag" = String, description = "Version of the offer"))),
        (status = 200, description = "An existing offer (`outcome`: `merged`, `updated` or `unchanged`).", body = PublicationResult,
            headers(("Location" = String, description = "Path of the offer"), ("ETag" = String, description = "Version of the offer"))),
        // After the shared problems, so that these descriptions replace theirs.
        CreateProblems,
        (status = 403, description = "Problem (RFC 9457). `forbidden`: the caller's organization does not publish offers, or its source's offer is owned by another organization, whose text a merged source does not change (the detail names the owner).", body = plateforme_api::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Problem (RFC 9457). `invalid_transition`: this source's offer is filled or cancelled and takes no more changes. `conflict`: the changed document is the job of another live offer.", body = plateforme_api::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/offers")]
pub async fn publish_offer(
    index: web::Data<OffersIndex>,
    store: web::Data<Store>,
    caller: Caller,
    ValidJson(publication): ValidJson<Publication>,
) -> Result<HttpResponse, ApiError> {
    may_publish(&caller)?;
    let publisher = publisher(&store, &caller).await?;
    let not_own = check_employer(&publisher, &publication.offer).err();
    let submission = match (crate::prepare::prepare(publication), not_own) {
        (Ok(submission), None) => submission,
        (Ok(_), Some(error)) => return Err(ApiError::validation(vec![error])),
        (Err(mut errors), not_own) => {
            errors.extend(not_own);
            return Err(ApiError::validation(errors));
        }
    };
    let context = caller.write_context();
    let (answer, offer) = store
        .run(move |conn| {
            let mut answers = publish::publish_as(conn, &context, &publisher, vec![submission])?;
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
    index.holds_the_writes_before(&[offer_id]).await;
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
        Refusal::NotOwner { offer_id, owner } => ApiError::new(
            ErrorCode::Forbidden,
            format!(
                "offer {offer_id} is owned by organization {owner}: your source joined it, and only its owner \
                 changes its text; publish your same document again, or withdraw your source"
            ),
        ),
        Refusal::Twin { offer_id, twin_id } => ApiError::new(
            ErrorCode::Conflict,
            format!(
                "the changed document of offer {offer_id} is the job of live offer {twin_id}; withdraw this \
                 offer and publish into that one"
            ),
        ),
    }
}
