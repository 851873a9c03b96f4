use actix_web::{HttpResponse, get};
use chrono::{DateTime, Utc};
use plateforme_api::openapi::ListProblems;
use plateforme_api::{ApiError, List, PageBody};
use plateforme_store::access::journal::{self, JournalEntry, JournalFilter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::Caller;

/// One access to a person's data.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01936b2f-0000-7000-8000-000000000001", "occurred_at": "2026-11-24T10:00:00Z",
    "client_id": "demo-mission-locale", "organization_id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d",
    "person_id": "01936b30-0000-7000-8000-000000000002", "section": "diagnostic", "action": "read",
    "request_id": "01936b2f-0000-7000-8000-0000000000aa"}))]
pub struct JournalRecord {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    /// The client that accessed the data.
    pub client_id: String,
    /// The organization that client acts for.
    pub organization_id: Option<Uuid>,
    pub person_id: Uuid,
    /// The part of the dossier accessed.
    pub section: String,
    /// `read` or `write`.
    pub action: String,
    pub request_id: Option<String>,
}

impl From<JournalEntry> for JournalRecord {
    fn from(entry: JournalEntry) -> Self {
        let access = entry.access;
        JournalRecord {
            id: entry.id,
            occurred_at: entry.occurred_at,
            client_id: access.client_id,
            organization_id: access.organization_id,
            person_id: access.person_id,
            section: access.section,
            action: access.action,
            request_id: access.request_id,
        }
    }
}

plateforme_api::paging_query! {
    pub struct JournalQuery {
        /// Only accesses to this person's data.
        person_id: Option<Uuid>,
        /// Only accesses by this client.
        client_id: Option<String>,
    }
    limit: "Entries per page, 1 to 100 (20 by default)."
}

/// Read the access journal
///
/// Every read and write of a person's data, oldest first: which client of which organization
/// touched which section, when, in which request. With `journal:read` an organization reads
/// the accesses made by its own clients; with `admin`, every access.
#[utoipa::path(tag = "Administration", security(("oauth2" = ["journal:read"]), ("oauth2" = ["admin"])), params(JournalQuery),
    responses((status = 200, description = "One page of the journal.", body = PageBody<JournalRecord>), ListProblems))]
#[get("/admin/journal")]
pub async fn list_journal(list: List<Caller, JournalQuery>) -> Result<HttpResponse, ApiError> {
    let (query, caller) = (&list.query, &list.caller);
    let page = query.page_request()?;
    // An organization's auditor reads its own organization's accesses; administrators read all.
    let organization_id = (!caller.has_scope(crate::scopes::ADMIN)).then_some(caller.principal().organization_id);
    let filter = JournalFilter { person_id: query.person_id, client_id: query.client_id.clone(), organization_id };
    let entries = list.store.run(move |conn| journal::list(conn, &filter, &page)).await?;
    Ok(list.page(entries.map(JournalRecord::from)))
}
