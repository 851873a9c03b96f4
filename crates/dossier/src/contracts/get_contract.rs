use plateforme_model::person::contract::Contract;
use plateforme_store::dossier::contracts;

use super::{ContractPath, contract_not_found, contract_view};
use crate::read_part::get_part;

get_part! {
    /// Read a contract
    ///
    /// One contract of reciprocal commitments of the person: its status, objectives, actions,
    /// weekly hours, dates and signatures. The read is journaled. A person outside your remit, or a
    /// contract that is not this person's, answers 404.
    get_contract: "/persons/{id}/contracts/{contract_id}", security(("oauth2" = ["dossier:read"])),
    ContractPath { id, contract_id } -> Contract, journaled as Contract,
    find |conn| contracts::find(conn, id, contract_id), else contract_not_found(id, contract_id),
    view |contract| contract_view(&contract)
}
