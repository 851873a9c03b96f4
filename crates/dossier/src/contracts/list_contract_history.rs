use actix_web::{HttpResponse, get};
use plateforme_api::history::{HistoryQuery, HistoryVersion};
use plateforme_api::openapi::{LimitedProblems, ReadProblems};
use plateforme_api::{ApiError, List, PageBody};
use plateforme_auth::{Caller, JournalSection};
use plateforme_store::{DbConnection, dossier::contracts};

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
    responses((status = 200, description = "One page of versions.", body = PageBody<HistoryVersion>), ReadProblems, LimitedProblems)
)]
#[get("/persons/{id}/contracts/{contract_id}/history")]
pub async fn list_contract_history(list: List<Caller, HistoryQuery, ContractPath>) -> Result<HttpResponse, ApiError> {
    let ContractPath { id, contract_id } = list.path;
    let find = move |conn: &mut DbConnection| contracts::find(conn, id, contract_id);
    let missing = || contract_not_found(id, contract_id);
    access::read_part(&list.store, &list.caller, id, JournalSection::Contract, find, missing).await?;
    list.history(contracts::RESOURCE_TYPE, contract_id).await
}
