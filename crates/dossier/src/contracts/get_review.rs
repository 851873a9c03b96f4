use actix_web::{HttpResponse, get};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, IfNoneMatch, Read, ReadOne};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::person::contract::Review;
use plateforme_store::{DbConnection, dossier::contracts, dossier::reviews};

use super::{ReviewPath, review_view};
use crate::access;

/// Read a review
///
/// One review (point d'étape) of the contract, as recorded: it never changes, so its ETag stays
/// `"1"`. The read is journaled. A person outside your remit, or a review that is not of this
/// person's contract, answers 404.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:read"])),
    params(ReviewPath, IfNoneMatch),
    responses(ReadOne<Review>, ReadProblems)
)]
#[get("/persons/{id}/contracts/{contract_id}/reviews/{review_id}")]
pub async fn get_review(read: Read<Caller, ReviewPath>) -> Result<HttpResponse, ApiError> {
    let ReviewPath { id, contract_id, review_id } = read.path;
    // The review must belong to a contract of this person.
    let find = move |conn: &mut DbConnection| {
        if contracts::find(conn, id, contract_id)?.is_none() {
            return Ok(None);
        }
        reviews::find(conn, contract_id, review_id)
    };
    let missing = || ApiError::not_found(format!("review {review_id} of contract {contract_id} of person {id}"));
    let review = access::read_part(&read.store, &read.caller, id, JournalSection::Review, find, missing).await?;
    Ok(read.answer(review.version, &review_view(&review)))
}
