use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, web};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, NoQuery, ValidQuery};
use plateforme_auth::Caller;
use plateforme_store::exports::{self, ExportStatus};
use plateforme_store::{Store, StoreError};
use uuid::Uuid;

use super::view::file_names;

/// The media type of an export's files: one JSON document per line.
const NDJSON: &str = "application/x-ndjson";

/// Read a file of an export
///
/// One NDJSON line per record, in id order: `{"id", "version", "person_id" (a dossier's part),
/// "resource"}`, `resource` being the record as its own `GET` answers it at the export's
/// snapshot (the change feed's `embed=resource` view). The file `deleted` (an export with
/// `since`) has a line `{"type", "id", "version", "reason"}` per record deleted (`deleted`) or
/// gone out of your remit (`left_remit`: for a person, drop the whole dossier) since then. The
/// file is streamed from the database chunk by chunk. Not found until the export is `done`, nor
/// for a type it does not hold.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["changes:read"])),
    params(
        ("id" = Uuid, Path, description = "Identifier of the export"),
        ("type" = String, Path, description = "A resource type of the export, or `deleted`", example = "person"),
    ),
    responses(
        (status = 200, description = "The file, one JSON document per line.", content_type = "application/x-ndjson", body = String,
            example = json!("{\"id\":\"01936b31-0000-7000-8000-000000000001\",\"version\":3,\"person_id\":\"01936b31-0000-7000-8000-000000000001\",\"resource\":{}}\n")),
        ReadProblems,
    )
)]
#[get("/exports/{id}/files/{type}")]
pub async fn get_export_file(
    store: web::Data<Store>,
    caller: Caller,
    path: web::Path<(Uuid, String)>,
    _: ValidQuery<NoQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, file) = path.into_inner();
    let client_id = caller.client_id().to_owned();
    let now = plateforme_model::ids::now();
    let export = store
        .run(move |conn| exports::find(conn, id, &client_id, now))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("export {id}")))?;
    if export.status != ExportStatus::Done {
        return Err(ApiError::not_found(format!(
            "the files of export {id} ({}: they come once it is done)",
            export.status.as_str()
        )));
    }
    if !file_names(&export).contains(&file) {
        return Err(ApiError::not_found(format!(
            "file {file:?} of export {id} (its files: {})",
            file_names(&export).join(", ")
        )));
    }
    // One chunk in memory at a time, read when the previous one was sent.
    let store = store.get_ref().clone();
    let chunks = futures_util::stream::unfold(Some(0_i64), move |next| {
        let (store, file) = (store.clone(), file.clone());
        async move {
            let number = next?;
            match store.run(move |conn| exports::chunk(conn, id, &file, number)).await {
                Ok(Some(lines)) => Some((Ok::<Bytes, StoreError>(Bytes::from(lines)), Some(number + 1))),
                Ok(None) => None,
                Err(error) => {
                    tracing::error!(%error, export = %id, "an export's file could not be read to its end");
                    Some((Err(error), None))
                }
            }
        }
    });
    Ok(HttpResponse::Ok().content_type(NDJSON).streaming(chunks))
}
