use actix_web::{HttpResponse, delete, web};
use plateforme_api::openapi::UpdateProblems;
use plateforme_api::{ApiError, ErrorCode, IfMatch, NoQuery, ValidQuery};
use plateforme_auth::Caller;
use plateforme_store::offers::lifecycle::{self, Withdrawal};
use plateforme_store::{Store, StoreError, offers, write};
use uuid::Uuid;

use crate::search_index::OffersIndex;

/// Withdraw an offer
///
/// The caller's organization stops publishing the offer: its sources are removed (any source
/// withdraws its own, owner or not; when the owner leaves, the oldest remaining source owns the
/// offer). When no source remains, the offer is deleted, and the change feed says so (a
/// `deleted` event), so partners that mirror offers remove it too. An offer the caller's
/// organization is not a source of is refused (403). To end
/// a job that is filled or cancelled, prefer `PUT /v1/offers/{id}/status`: the offer stays
/// readable with its final status. `If-Match` must carry the offer's current ETag.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["offers:write"])),
    params(("id" = Uuid, Path, description = "Identifier of the offer"), IfMatch),
    responses(
        (status = 204, description = "Withdrawn: the offer is deleted, or lives on with its other sources."),
        UpdateProblems,
    )
)]
#[delete("/offers/{id}")]
pub async fn withdraw_offer(
    index: web::Data<OffersIndex>,
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<Uuid>,
    _: ValidQuery<NoQuery>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let offer = store.run(move |conn| offers::find(conn, id)).await?.ok_or(StoreError::NotFound)?;
    let organization_id = caller.principal().organization_id;
    if !offer.source_organizations().contains(&organization_id) {
        return Err(ApiError::new(ErrorCode::Forbidden, "your organization is not a source of this offer"));
    }
    let expected_version = if_match.check(offer.version)?;
    let context = caller.write_context();
    let withdrawal: Withdrawal = store
        .run(move |conn| {
            write::transaction(conn, |conn| {
                let current = offers::find_stored(conn, id)?.ok_or(StoreError::NotFound)?;
                if current.version != expected_version {
                    return Err(StoreError::VersionMismatch { current: current.version });
                }
                lifecycle::withdraw(conn, &context, &current, organization_id)
            })
        })
        .await?;
    tracing::info!(offer = %id, ?withdrawal, "offer withdrawn by a source");
    index.holds_the_writes_before(&[id]).await;
    Ok(HttpResponse::NoContent().finish())
}
