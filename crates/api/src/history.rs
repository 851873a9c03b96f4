//! `GET …/{id}/history`: the versions of a resource with who changed what and when.

use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use plateforme_store::history::{self, HistoryEntry};
use plateforme_store::{Page, Store};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::pagination::page_response;
use crate::{ApiError, PageQuery};

/// One version of a resource.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "version": 2,
    "action": "updated",
    "actor": "ml-lyon-si",
    "actor_organization": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d",
    "request_id": "01936b2f-0000-7000-8000-000000000001",
    "changed_at": "2026-11-24T10:00:00Z",
    "changes": {"name": "Mission locale de Lyon Métropole"}
}))]
pub struct HistoryVersion {
    pub version: i64,
    /// `created`, `updated` or `deleted`.
    pub action: String,
    /// The client that made the change.
    pub actor: String,
    /// The organization of that client.
    pub actor_organization: Option<String>,
    /// The request that made the change (its `X-Request-Id`).
    pub request_id: Option<String>,
    pub changed_at: DateTime<Utc>,
    /// What changed, as a JSON Merge Patch (RFC 7396) from the previous version; the whole
    /// document for the first version.
    #[schema(value_type = Object)]
    pub changes: serde_json::Value,
}

impl From<HistoryEntry> for HistoryVersion {
    fn from(entry: HistoryEntry) -> Self {
        HistoryVersion {
            version: entry.version,
            action: entry.action,
            actor: entry.actor,
            actor_organization: entry.actor_organization,
            request_id: entry.request_id,
            changed_at: entry.changed_at,
            changes: entry.changes,
        }
    }
}

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

/// Answers one page of the history of a resource; 404 when it has none.
pub async fn history_response(
    req: &HttpRequest,
    store: &Store,
    resource_type: &'static str,
    id: Uuid,
    query: &HistoryQuery,
) -> Result<HttpResponse, ApiError> {
    let page = PageQuery::page_request(query.limit, query.cursor.as_deref())?;
    let versions: Page<HistoryEntry> = store.run(move |conn| history::list(conn, resource_type, id, &page)).await?;
    Ok(page_response(req, versions.map(HistoryVersion::from)))
}
