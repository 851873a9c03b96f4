use actix_web::{HttpRequest, HttpResponse, get, web};
use plateforme_api::openapi::ListProblems;
use plateforme_api::pagination::page_response;
use plateforme_api::{ApiError, PageBody, PageQuery, ValidQuery};
use plateforme_auth::admin::JournalRecord;
use plateforme_auth::person::PersonCaller;
use plateforme_store::Store;
use plateforme_store::access::journal::{self, JournalFilter};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MyJournalQuery {
    /// Entries per page, 1 to 100 (20 by default).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
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
    let page = PageQuery::page_request(query.limit, query.cursor.as_deref())?;
    let filter = JournalFilter { person_id: Some(me.person_id), ..JournalFilter::default() };
    let entries = store.run(move |conn| journal::list(conn, &filter, &page)).await?;
    Ok(page_response(&req, entries.map(JournalRecord::from)))
}
