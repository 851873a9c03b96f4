use plateforme_api::ApiError;
use plateforme_model::person::contract::Review;
use plateforme_store::dossier::{contracts, reviews};

use super::{ReviewPath, review_view};
use crate::read_part::get_part;

get_part! {
    /// Read a review
    ///
    /// One review (point d'étape) of the contract, as recorded: it never changes, so its ETag stays
    /// `"1"`. The read is journaled. A person outside your remit, or a review that is not of this
    /// person's contract, answers 404.
    get_review: "/persons/{id}/contracts/{contract_id}/reviews/{review_id}", security(("oauth2" = ["dossier:read"])),
    ReviewPath { id, contract_id, review_id } -> Review, journaled as Review,
    // The review must belong to a contract of this person.
    find |conn| match contracts::find(conn, id, contract_id)? {
        Some(_) => reviews::find(conn, contract_id, review_id),
        None => Ok(None),
    },
    else ApiError::not_found(format!("review {review_id} of contract {contract_id} of person {id}")),
    view |review| review_view(&review)
}
