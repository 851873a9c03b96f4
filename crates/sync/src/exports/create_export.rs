use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use plateforme_api::openapi::CreateProblems;
use plateforme_api::{ApiError, NoQuery, ValidJson, ValidQuery};
use plateforme_auth::Caller;
use plateforme_store::Store;
use plateforme_store::exports::{self, NewExport};

use super::view::{ExportView, location};
use super::{EXPIRY_DAYS, ExportRequest, job};

/// Start a bulk export
///
/// A first load of every record you may see, for a partner system that mirrors them: one
/// NDJSON file per resource type, the same representations and the same access policy as the
/// change feed's `embed=resource` (a région exports no person, a mission locale only its remit,
/// the sensitive parts only with `dossier.social:read` where the policy opens them; reading a
/// dossier's part is journaled for the person, section `change_feed`). The export runs in the
/// background: the answer is `202` with its `Location`; poll it until `done`. The finished
/// export holds the change feed's `cursor` at the export's snapshot: follow `GET /v1/changes`
/// from it and you receive exactly the changes the files do not hold — no gap, no overlap. With
/// `since`, only the records changed since then, and the file `deleted` of those deleted or gone
/// out of your remit. An export and its files are kept 7 days.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["changes:read"])),
    request_body = ExportRequest,
    responses(
        (status = 202, description = "Accepted: the export runs; poll the `Location` until `done`.", body = ExportView,
            headers(("Location" = String, description = "Where to read the export: `/v1/exports/{id}`."))),
        CreateProblems,
    )
)]
#[post("/exports")]
pub async fn create_export(
    store: web::Data<Store>,
    caller: Caller,
    _: ValidQuery<NoQuery>,
    ValidJson(request): ValidJson<ExportRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = plateforme_model::ids::now();
    let export = NewExport {
        id: plateforme_model::ids::new_id(),
        client_id: caller.client_id().to_owned(),
        types: request.types(),
        since: request.since(),
        created_at: now,
        expires_at: now + chrono::Duration::days(EXPIRY_DAYS),
    };
    let (id, client_id) = (export.id, export.client_id.clone());
    let stored = store
        .run(move |conn| {
            exports::create(conn, &export)?;
            exports::find(conn, export.id, &client_id, now)
        })
        .await?
        .ok_or_else(|| ApiError::internal("an export just recorded is not found"))?;
    actix_web::rt::spawn(job::run(store.get_ref().clone(), caller, id));
    Ok(HttpResponse::Accepted().insert_header((header::LOCATION, location(id))).json(ExportView::of(&stored)))
}
