//! `GET …/{id}/history`: the versions of a resource with who changed what and when.

use actix_web::{HttpRequest, HttpResponse};
use plateforme_store::history;
use plateforme_store::{Page, Store};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

/// The body of one version: the model's, answered as the store reads it.
pub use plateforme_model::history::HistoryVersion;

use crate::pagination::page_response;
use crate::{ApiError, PageQuery};

/// Paging of a history.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Versions per page, 1 to 100 (20 by default).
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Answers one page of the history of a resource; 404 when it has none. Its sensitive members
/// (`plateforme_store::sensitive`) are shown when `disclose`, withheld otherwise.
pub async fn history_response(
    req: &HttpRequest,
    store: &Store,
    resource_type: &'static str,
    id: Uuid,
    query: &HistoryQuery,
    disclose: bool,
) -> Result<HttpResponse, ApiError> {
    let page = PageQuery::page_request(query.limit, query.cursor.as_deref())?;
    let versions: Page<HistoryVersion> =
        store.run(move |conn| history::list(conn, resource_type, id, &page, disclose)).await?;
    Ok(page_response(req, versions))
}
