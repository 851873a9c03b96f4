use actix_web::{HttpResponse, get, web};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::responses::resource_response;
use plateforme_api::{ApiError, IfNoneMatch, NoQuery, ValidQuery};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::person::contract::Contract;
use plateforme_store::{DbConnection, Store, dossier::contracts};

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
    responses(
        (status = 200, description = "The contract.", body = Contract, headers(("ETag" = String, description = "Version, for If-Match"))),
        (status = 304, description = "Not modified."),
        ReadProblems,
    )
)]
#[get("/persons/{id}/contracts/{contract_id}")]
pub async fn get_contract(
    store: web::Data<Store>,
    caller: Caller,
    path: web::Path<ContractPath>,
    _: ValidQuery<NoQuery>,
    if_none_match: IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    let ContractPath { id, contract_id } = path.into_inner();
    let find = move |conn: &mut DbConnection| contracts::find(conn, id, contract_id);
    let contract =
        access::read_part(&store, &caller, id, JournalSection::Contract, find, || contract_not_found(id, contract_id))
            .await?;
    Ok(resource_response(&if_none_match, contract.version, &contract_view(&contract)))
}
