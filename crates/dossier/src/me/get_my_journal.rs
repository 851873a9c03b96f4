use actix_web::{HttpRequest, HttpResponse, get, web};
use plateforme_api::openapi::ListProblems;
use plateforme_api::pagination::page_response;
use plateforme_api::{ApiError, PageBody, ValidQuery};
use plateforme_auth::admin::JournalRecord;
use plateforme_auth::person::PersonCaller;
use plateforme_store::Store;
use plateforme_store::access::journal::{self, JournalFilter};

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
pub async fn get_my_journal(
    req: HttpRequest,
    store: web::Data<Store>,
    me: PersonCaller,
    ValidQuery(query): ValidQuery<MyJournalQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.page_request()?;
    let filter = JournalFilter { person_id: Some(me.person_id), ..JournalFilter::default() };
    let entries = store.run(move |conn| journal::list(conn, &filter, &page)).await?;
    Ok(page_response(&req, entries.map(JournalRecord::from)))
}
