//! The person's own view: their dossier, and who accessed it (RGPD right of access).

use actix_web::{HttpRequest, HttpResponse, get, web};
use plateforme_api::openapi::{ListProblems, ReadProblems};
use plateforme_api::pagination::page_response;
use plateforme_api::{ApiError, PageBody, PageQuery, ValidQuery};
use plateforme_auth::admin::JournalRecord;
use plateforme_auth::person::PersonCaller;
use plateforme_model::person::Person;
use plateforme_store::access::journal::{self, JournalFilter};
use plateforme_store::{Store, StoreError, dossier::persons};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::access::{self, today};

/// My dossier
///
/// The dossier of the person holding the token: identity, contact, statuses, registration and
/// orientation. For person tokens (scope `me`) only.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["me"])),
    responses((status = 200, description = "My dossier.", body = Person), ReadProblems)
)]
#[get("/me/dossier")]
pub async fn get_my_dossier(store: web::Data<Store>, me: PersonCaller) -> Result<HttpResponse, ApiError> {
    let id = me.person_id;
    let person = store
        .run(move |conn| persons::find(conn, id)?.ok_or(StoreError::NotFound))
        .await
        .map_err(|error| access::not_found_as_person(error, id))?;
    Ok(HttpResponse::Ok().json(person.record.view(id, person.has_nir, person.version, person.times(), today())))
}

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
