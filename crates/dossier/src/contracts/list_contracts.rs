use actix_web::{HttpResponse, get};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, List, PageBody};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::person::contract::Contract;
use plateforme_store::{DbConnection, dossier::contracts};
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
pub async fn list_contracts(list: List<Caller, ContractsQuery, Uuid>) -> Result<HttpResponse, ApiError> {
    let (id, page) = (list.path, list.query.page_request()?);
    let read = move |conn: &mut DbConnection| contracts::list(conn, id, &page);
    let listed = access::read_list(&list.store, &list.caller, id, JournalSection::Contract, read).await?;
    Ok(list.page(listed.map(|contract| contract_view(&contract))))
}
