use actix_web::{HttpResponse, get};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, IfNoneMatch, Read, ReadOne};
use plateforme_auth::MaybeCaller;
use plateforme_model::offer::Offer;
use plateforme_store::{StoreError, offers};
use uuid::Uuid;

/// Read an offer
///
/// Answers the offer with its sources, owner, quality score and `ETag`. Open offers are public;
/// a suspended, filled, cancelled or expired offer is visible with `offers:read` and to its
/// sources (404 to others). With `If-None-Match` naming the current version, answers 304.
#[utoipa::path(
    tag = crate::TAG,
    security((), ("oauth2" = ["offers:read"])),
    params(("id" = Uuid, Path, description = "Identifier of the offer"), IfNoneMatch),
    responses(ReadOne<Offer>, ReadProblems)
)]
#[get("/offers/{id}")]
pub async fn get_offer(read: Read<MaybeCaller, Uuid>) -> Result<HttpResponse, ApiError> {
    let id = read.path;
    let offer = read.store.run(move |conn| offers::find(conn, id)).await?.ok_or(StoreError::NotFound)?;
    if !crate::access::may_read(&read.caller, &offer) {
        return Err(StoreError::NotFound.into());
    }
    Ok(read.answer(offer.version, &offer))
}
