use actix_web::{HttpResponse, get};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, IfNoneMatch, Read, ReadOne};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::person::contract::Contract;
use plateforme_store::{DbConnection, dossier::contracts};

use super::{ContractPath, contract_not_found, contract_view};
use crate::access;

/// Read a contract
///
/// One contract of reciprocal commitments of the person: its status, objectives, actions,
/// weekly hours, dates and signatures. The read is journaled. A person outside your remit, or a
/// contract that is not this person's, answers 404.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:read"])),
    params(ContractPath, IfNoneMatch),
    responses(ReadOne<Contract>, ReadProblems)
)]
#[get("/persons/{id}/contracts/{contract_id}")]
pub async fn get_contract(read: Read<Caller, ContractPath>) -> Result<HttpResponse, ApiError> {
    let ContractPath { id, contract_id } = read.path;
    let find = move |conn: &mut DbConnection| contracts::find(conn, id, contract_id);
    let missing = || contract_not_found(id, contract_id);
    let contract = access::read_part(&read.store, &read.caller, id, JournalSection::Contract, find, missing).await?;
    Ok(read.answer(contract.version, &contract_view(&contract)))
}
