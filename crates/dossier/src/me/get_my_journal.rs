use actix_web::{HttpResponse, get};
use plateforme_api::openapi::ListProblems;
use plateforme_api::{ApiError, List, PageBody};
use plateforme_auth::person::PersonCaller;
use plateforme_store::access::journal::{self, JournalFilter, JournalRecord};

plateforme_api::paging_query! {
    pub struct MyJournalQuery {}
    limit: "Entries per page, 1 to 100 (20 by default)."
}

/// Who accessed my data
///
/// Every read and write of my dossier by the organizations of the network, oldest first:
/// which organization, which part, when. For person tokens (scope `me`) only.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["me"])),
    params(MyJournalQuery),
    responses((status = 200, description = "One page of my access journal.", body = PageBody<JournalRecord>), ListProblems)
)]
#[get("/me/journal")]
pub async fn get_my_journal(list: List<PersonCaller, MyJournalQuery>) -> Result<HttpResponse, ApiError> {
    let page = list.query.page_request()?;
    let filter = JournalFilter { person_id: Some(list.caller.person_id), ..JournalFilter::default() };
    let entries = list.store.run(move |conn| journal::list(conn, &filter, &page)).await?;
    Ok(list.page(entries))
}
