use plateforme_model::person::contract::Contract;
use plateforme_store::dossier::contracts;

use super::contract_view;
use crate::read_part::list_part;

plateforme_api::paging_query! {
    pub struct ContractsQuery {}
    limit: "Contracts per page, 1 to 100 (20 by default)."
}

list_part! {
    /// Contracts of a person
    ///
    /// The person's contracts of reciprocal commitments, oldest first: the one in force (at most one
    /// is not closed) and those closed before it. Journaled. A person outside your remit answers
    /// 404.
    list_contracts: "/persons/{id}/contracts", security(("oauth2" = ["dossier:read"])),
    ContractsQuery {} -> Contract, "One page of contracts.", journaled as Contract,
    list |conn, id, page| contracts::list(conn, id, &page),
    view |contract| contract_view(&contract)
}
