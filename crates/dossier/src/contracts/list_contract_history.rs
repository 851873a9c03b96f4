use actix_web::{HttpRequest, HttpResponse, get, web};
use plateforme_api::history::{HistoryQuery, HistoryVersion, history_response};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, PageBody, ValidQuery};
use plateforme_auth::{Caller, JournalSection};
use plateforme_store::{DbConnection, Store, dossier::contracts};

use super::{ContractPath, contract_not_found};
use crate::access;

/// History of a contract
///
/// The versions of the contract, oldest first: who changed what (as a JSON Merge Patch), from
/// which organization, when — the drafting, each change of commitments, the signatures and
/// every change of status. Journaled.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:read"])),
    params(ContractPath, HistoryQuery),
    responses((status = 200, description = "One page of versions.", body = PageBody<HistoryVersion>), ReadProblems)
)]
#[get("/persons/{id}/contracts/{contract_id}/history")]
pub async fn list_contract_history(
    req: HttpRequest,
    store: web::Data<Store>,
    caller: Caller,
    path: web::Path<ContractPath>,
    ValidQuery(query): ValidQuery<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let ContractPath { id, contract_id } = path.into_inner();
    let find = move |conn: &mut DbConnection| contracts::find(conn, id, contract_id);
    access::read_part(&store, &caller, id, JournalSection::Contract, find, || contract_not_found(id, contract_id))
        .await?;
    history_response(&req, &store, contracts::RESOURCE_TYPE, contract_id, &query).await
}
