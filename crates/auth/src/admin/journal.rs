use actix_web::{HttpResponse, get};
use plateforme_api::openapi::ListProblems;
use plateforme_api::{ApiError, List, PageBody};
use plateforme_store::access::journal::{self, JournalFilter, JournalRecord};
use uuid::Uuid;

use crate::Caller;

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
    Ok(list.page(entries))
}
