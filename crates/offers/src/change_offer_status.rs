use actix_web::{HttpResponse, put, web};
use plateforme_api::openapi::UpdateProblems;
use plateforme_api::responses::current_response;
use plateforme_api::{ApiError, Change, ErrorCode, IfMatch, ValidJson};
use plateforme_auth::Caller;
use plateforme_model::offer::{Offer, StatusChange};
use plateforme_store::offers::{self, lifecycle};
use plateforme_store::{StoreError, write};
use uuid::Uuid;

use crate::search_index::OffersIndex;

/// Change an offer's status
///
/// The offer's owner (or France Travail, as moderator) suspends it, reopens it, or marks it
/// filled or cancelled; another source of the offer is refused (403): joining an offer by
/// publishing the same job gives no control of it. The offer's life: open ⇄ suspended; either becomes filled, cancelled or expired;
/// filled and cancelled are final; an expired offer reopens when its source publishes it again
/// with a later expiry (the platform alone sets `expired`, at the expiry time). Any other
/// change is refused with 409 `invalid_transition` naming the rule. Every change is a new
/// version with its change event. `If-Match` must carry the offer's current ETag.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["offers:write"])),
    params(("id" = Uuid, Path, description = "Identifier of the offer"), IfMatch),
    request_body(content = StatusChange, description = "The new status, and why."),
    responses(
        (status = 200, description = "The offer in its new status.", body = Offer,
            headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "Problem (RFC 9457). `invalid_transition`: the offer's status does not allow this change (e.g. a filled offer cannot reopen).", body = plateforme_api::Problem, content_type = "application/problem+json"),
        UpdateProblems,
    )
)]
#[put("/offers/{id}/status")]
pub async fn change_offer_status(
    index: web::Data<OffersIndex>,
    Change { store, caller, path: id, header: if_match }: Change<Caller, Uuid>,
    ValidJson(change): ValidJson<StatusChange>,
) -> Result<HttpResponse, ApiError> {
    let offer = store.run(move |conn| offers::find(conn, id)).await?.ok_or(StoreError::NotFound)?;
    crate::access::may_change(&caller, &offer)?;
    let expected_version = if_match.check(offer.version)?;
    if let Err(error) = change.check(offer.status) {
        return Err(ApiError::new(ErrorCode::InvalidTransition, error.message.clone()).with_errors(vec![error]));
    }
    let context = caller.write_context();
    let updated = store
        .run(move |conn| {
            write::transaction(conn, |conn| {
                let current = offers::find_stored(conn, id)?.ok_or(StoreError::NotFound)?;
                if current.version != expected_version {
                    return Err(StoreError::VersionMismatch { current: current.version });
                }
                lifecycle::change_status(conn, &context, &current, &change)?;
                offers::find(conn, id)?.ok_or(StoreError::NotFound)
            })
        })
        .await?;
    index.holds_the_writes_before(&[id]).await;
    Ok(current_response(updated.version, &updated))
}
