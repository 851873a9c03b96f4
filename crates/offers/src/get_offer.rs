use actix_web::{HttpResponse, get, web};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::responses::resource_response;
use plateforme_api::{ApiError, IfNoneMatch, NoQuery, ValidQuery};
use plateforme_auth::MaybeCaller;
use plateforme_model::offer::Offer;
use plateforme_store::{Store, StoreError, offers};
use uuid::Uuid;

/// Read an offer
///
/// Answers the offer with its sources, owner, quality score and `ETag`. Open offers are public;
/// a suspended, filled, cancelled or expired offer is visible with `offers:read` and to its
/// sources (404 to others). With `If-None-Match` naming the current version, answers 304.
#[utoipa::path(
    tag = crate::TAG,
    security((), ("oauth2" = ["offers:read"])),
    params(
        ("id" = Uuid, Path, description = "Identifier of the offer"),
        ("If-None-Match" = Option<String>, Header, description = "ETag held by the client; 304 when still current"),
    ),
    responses(
        (status = 200, description = "The offer.", body = Offer, headers(("ETag" = String, description = "Version of the offer"))),
        (status = 304, description = "Not modified: the client's copy is current."),
        ReadProblems,
    )
)]
#[get("/offers/{id}")]
pub async fn get_offer(
    caller: MaybeCaller,
    store: web::Data<Store>,
    id: web::Path<Uuid>,
    _: ValidQuery<NoQuery>,
    if_none_match: IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let offer = store.run(move |conn| offers::find(conn, id)).await?.ok_or(StoreError::NotFound)?;
    if !crate::access::may_read(&caller, &offer) {
        return Err(StoreError::NotFound.into());
    }
    Ok(resource_response(&if_none_match, offer.version, &offer))
}
