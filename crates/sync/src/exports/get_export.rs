use actix_web::{HttpResponse, get, web};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, NoQuery, ValidQuery};
use plateforme_auth::Caller;
use plateforme_store::Store;
use plateforme_store::exports;
use uuid::Uuid;

use super::view::ExportView;

/// Read an export
///
/// Its status while `queued` or `running`; once `done`, its manifest: the snapshot's
/// `transaction_time`, the change feed's `cursor` to follow from, and its files with their
/// counts and URLs (`deleted` too when `since` was given); when `failed`, why (ask for a new
/// one). An export is yours alone: another client's, or one past its 7 days, is not found.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["changes:read"])),
    params(("id" = Uuid, Path, description = "Identifier of the export")),
    responses(
        (status = 200, description = "The export: its status, or its manifest once done.", body = ExportView),
        ReadProblems,
    )
)]
#[get("/exports/{id}")]
pub async fn get_export(
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<Uuid>,
    _: ValidQuery<NoQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, client_id) = (id.into_inner(), caller.client_id().to_owned());
    let now = plateforme_model::ids::now();
    let export = store
        .run(move |conn| exports::find(conn, id, &client_id, now))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("export {id}")))?;
    Ok(HttpResponse::Ok().json(ExportView::of(&export)))
}
