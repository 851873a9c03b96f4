use actix_web::{HttpResponse, get};
use plateforme_api::openapi::{LimitedProblems, ReadProblems};
use plateforme_api::{ApiError, List, PageBody};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::person::contract::Review;
use plateforme_store::{DbConnection, dossier::contracts, dossier::reviews};

use super::{ContractPath, contract_not_found, review_view};
use crate::access;

plateforme_api::paging_query! {
    pub struct ReviewsQuery {}
    limit: "Reviews per page, 1 to 100 (20 by default)."
}

/// Reviews of a contract
///
/// The reviews (points d'étape) of the contract in the order they were held. Journaled. A
/// person outside your remit, or a contract that is not this person's, answers 404.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:read"])),
    params(ContractPath, ReviewsQuery),
    responses((status = 200, description = "One page of reviews.", body = PageBody<Review>), ReadProblems, LimitedProblems)
)]
#[get("/persons/{id}/contracts/{contract_id}/reviews")]
pub async fn list_reviews(list: List<Caller, ReviewsQuery, ContractPath>) -> Result<HttpResponse, ApiError> {
    let ContractPath { id, contract_id } = list.path;
    let page = list.query.page_request()?;
    // The reviews are a part of the dossier only under a contract of this person.
    let read = move |conn: &mut DbConnection| match contracts::find(conn, id, contract_id)? {
        Some(_) => reviews::list(conn, contract_id, &page).map(Some),
        None => Ok(None),
    };
    let missing = || contract_not_found(id, contract_id);
    let listed = access::read_part(&list.store, &list.caller, id, JournalSection::Review, read, missing).await?;
    Ok(list.page(listed.map(|review| review_view(&review))))
}
