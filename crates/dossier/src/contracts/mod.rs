//! The contract of reciprocal commitments (contrat d'engagement réciproque) of a person, and its
//! reviews (points d'étape). Every handler loads the person through the access policy first,
//! in the same database call as the contract, so a contract is seen exactly by those who see
//! the person; a contract of another person answers 404 like a missing one.

mod create_contract;
mod create_review;
mod get_contract;
mod get_review;
mod list_contract_history;
mod list_contracts;
mod list_reviews;
mod update_contract;

use plateforme_api::ApiError;
use plateforme_model::FieldError;
use plateforme_model::person::contract::{Contract, Review};
use plateforme_store::dossier::contracts::StoredContract;
use plateforme_store::dossier::reviews::StoredReview;
use plateforme_store::idempotency::{self, IdempotencyClaim};
use plateforme_store::{DbConnection, StoreError};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_contract::create_contract)
        .service(list_contracts::list_contracts)
        .service(get_contract::get_contract)
        .service(update_contract::update_contract)
        .service(list_contract_history::list_contract_history)
        .service(create_review::create_review)
        .service(list_reviews::list_reviews)
        .service(get_review::get_review);
}

/// Whether a response is saved under the request's `Idempotency-Key`: `create_once` then
/// replays it, so the checks the first request passed must not refuse the retry.
fn answered_before(conn: &mut DbConnection, claim: Option<&IdempotencyClaim>) -> Result<bool, StoreError> {
    match claim {
        Some(claim) => Ok(idempotency::find(conn, &claim.caller, &claim.key)?.is_some()),
        None => Ok(false),
    }
}

/// The path of one contract of a person: what the handlers extract, and what the contract
/// documents, from one declaration.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct ContractPath {
    /// Identifier of the person
    id: Uuid,
    /// Identifier of the contract
    contract_id: Uuid,
}

/// The path of one review of a person's contract.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct ReviewPath {
    /// Identifier of the person
    id: Uuid,
    /// Identifier of the contract
    contract_id: Uuid,
    /// Identifier of the review
    review_id: Uuid,
}

pub(crate) fn contract_not_found(person_id: Uuid, id: Uuid) -> ApiError {
    ApiError::not_found(format!("contract {id} of person {person_id}"))
}

fn contract_location(person_id: Uuid, id: Uuid) -> String {
    format!("{}/contracts/{id}", crate::location(person_id))
}

/// Field errors for the organizations a document names that do not exist.
fn unknown_organizations(unknown: Vec<(String, Uuid)>) -> impl Iterator<Item = FieldError> {
    unknown
        .into_iter()
        .map(|(field, id)| FieldError::new(field, "organization.unknown", format!("no organization has the id {id}")))
}

/// The contract as the API answers it (one home: `StoredContract::view`, which the change
/// feed's embedding uses too).
pub(crate) fn contract_view(contract: &StoredContract) -> Contract {
    contract.view()
}

pub(crate) fn review_view(review: &StoredReview) -> Review {
    review.view()
}
