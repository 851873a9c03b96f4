use actix_web::{HttpResponse, get};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, List, PageBody};
use plateforme_auth::person::PersonCaller;
use plateforme_store::StoreError;
use plateforme_store::access::journal::{self, JournalFilter, JournalRecord};
use plateforme_store::dossier::persons;

use crate::access::not_found_as_person;

plateforme_api::paging_query! {
    pub struct MyJournalQuery {}
    limit: "Entries per page, 1 to 100 (20 by default)."
}

/// Who accessed my data
///
/// Every read and write of my dossier by the organizations of the network, oldest first:
/// which organization, which part, when. For person tokens (scope `me`) only; 404 once the
/// dossier is erased, even with a token issued before.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["me"])),
    params(MyJournalQuery),
    responses((status = 200, description = "One page of my access journal.", body = PageBody<JournalRecord>), ReadProblems)
)]
#[get("/me/journal")]
pub async fn get_my_journal(list: List<PersonCaller, MyJournalQuery>) -> Result<HttpResponse, ApiError> {
    let page = list.query.page_request()?;
    let person_id = list.caller.person_id;
    let filter = JournalFilter { person_id: Some(person_id), ..JournalFilter::default() };
    let entries = list
        .store
        .run(move |conn| {
            // The journal of an erased dossier is kept for accountability, not for a token that
            // outlived the dossier.
            persons::find(conn, person_id)?.ok_or(StoreError::NotFound)?;
            journal::list(conn, &filter, &page)
        })
        .await
        .map_err(|error| not_found_as_person(error, person_id))?;
    Ok(list.page(entries))
}
