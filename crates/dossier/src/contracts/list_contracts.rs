use actix_web::{HttpRequest, HttpResponse, get, web};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::pagination::page_response;
use plateforme_api::{ApiError, PageBody, ValidQuery};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::person::contract::Contract;
use plateforme_store::{DbConnection, Store, dossier::contracts};
use uuid::Uuid;

use super::contract_view;
use crate::access;

plateforme_api::paging_query! {
    pub struct ContractsQuery {}
    limit: "Contracts per page, 1 to 100 (20 by default)."
}

/// Contracts of a person
///
/// The person's contracts of reciprocal commitments, oldest first: the one in force (at most one
/// is not closed) and those closed before it. Journaled. A person outside your remit answers
/// 404.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:read"])),
    params(("id" = Uuid, Path, description = "Identifier of the person"), ContractsQuery),
    responses((status = 200, description = "One page of contracts.", body = PageBody<Contract>), ReadProblems)
)]
#[get("/persons/{id}/contracts")]
pub async fn list_contracts(
    req: HttpRequest,
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<Uuid>,
    ValidQuery(query): ValidQuery<ContractsQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let page = query.page_request()?;
    let list = move |conn: &mut DbConnection| contracts::list(conn, id, &page);
    let listed = access::read_list(&store, &caller, id, JournalSection::Contract, list).await?;
    Ok(page_response(&req, listed.map(|contract| contract_view(&contract))))
}
