//! `GET /v1/trainings/lheo`: the active catalogue as one LHEO 2.3 document, streamed page by
//! page from the database.

use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, web};
use plateforme_api::openapi::ListProblems;
use plateforme_api::{ApiError, ValidQuery};
use plateforme_auth::MaybeCaller;
use plateforme_model::codes::RegionCode;
use plateforme_store::training::{self, StoredTraining};
use plateforme_store::{Store, StoreError};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::lheo::write;
use crate::model::Formation;

/// Formations read and written per chunk of the response.
const PAGE: usize = 200;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// INSEE code of a région: only the formations placed in it. Without it, the whole
    /// catalogue.
    #[param(example = "84")]
    pub region: Option<RegionCode>,
}

/// Export the catalogue as LHEO
///
/// Streams the active formations, with their actions and sessions, as one LHEO 2.3 document
/// (`application/xml`, namespace `http://lheo.gouv.fr/2.3`), in the catalogue's order; with
/// `region`, only those placed in that région. Each element the import keeps is written back
/// (docs/training.md says which are not kept), `extras` included, so that the document imported
/// again gives the same formations. No token is needed.
#[utoipa::path(
    tag = crate::TAG,
    security((), ("oauth2" = ["training:read"])),
    params(ExportQuery),
    responses(
        (status = 200, description = "An LHEO 2.3 document.", content_type = "application/xml", body = String,
            example = json!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<lheo xmlns=\"http://lheo.gouv.fr/2.3\">\n<offres>\n<formation numero=\"F1\">…</formation>\n</offres>\n</lheo>\n")),
        ListProblems,
    )
)]
#[get("/trainings/lheo")]
pub async fn export_lheo(
    store: web::Data<Store>,
    _caller: MaybeCaller,
    ValidQuery(query): ValidQuery<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let region = query.region.map(|region| region.to_string());
    let store = store.get_ref().clone();
    // The header, then one chunk per page of formations read after the previous one was sent,
    // then the footer.
    let header = futures_util::stream::once(async { Ok::<Bytes, StoreError>(Bytes::from(write::header())) });
    let pages = futures_util::stream::unfold(Some(None::<Uuid>), move |after| {
        let (store, region) = (store.clone(), region.clone());
        async move {
            let after = after?;
            match store.run(move |conn| training::active_page(conn, region.as_deref(), after, PAGE)).await {
                Ok(page) if page.is_empty() => None,
                Ok(page) => {
                    let next = page.last().map(|last| last.id);
                    Some((chunk(&page), Some(next)))
                }
                Err(error) => {
                    tracing::error!(%error, "an LHEO export could not be read to its end");
                    Some((Err(error), None))
                }
            }
        }
    });
    let footer =
        futures_util::stream::once(async { Ok::<Bytes, StoreError>(Bytes::from_static(write::footer().as_bytes())) });
    use futures_util::StreamExt;
    Ok(HttpResponse::Ok().content_type("application/xml").streaming(header.chain(pages).chain(footer)))
}

fn chunk(page: &[StoredTraining]) -> Result<Bytes, StoreError> {
    let mut out = String::new();
    for stored in page {
        let formation: Formation = serde_json::from_value(stored.record.clone()).map_err(crate::corrupt)?;
        write::formation(&mut out, &formation);
    }
    Ok(Bytes::from(out))
}
