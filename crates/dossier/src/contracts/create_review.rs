use actix_web::{HttpResponse, post};
use plateforme_api::openapi::{CreateUnderProblems, LimitedProblems};
use plateforme_api::{ApiError, Create, Created, IdempotencyKey, Located, ValidJson, create_once};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::ValidationErrors;
use plateforme_model::person::contract::{ContractStatus, NewReview, Review, ReviewRecord};
use plateforme_store::{StoreError, dossier::contracts, dossier::reviews};

use super::{ContractPath, answered_before, contract_location, contract_not_found, review_view, unknown_organizations};
use crate::access;

/// Record a review
///
/// Records a review (point d'étape) of the contract: when it was held, who took part, its
/// outcome and the next steps. A review is never changed once recorded. It is held neither in
/// the future nor before the contract was drafted, and a closed contract takes no more reviews
/// (422 with the rule `contract.closed`). Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:write"])),
    params(ContractPath, IdempotencyKey),
    request_body = NewReview,
    responses(Created<Review>, CreateUnderProblems, LimitedProblems)
)]
#[post("/persons/{id}/contracts/{contract_id}/reviews")]
pub async fn create_review(
    Create { store, caller, path: ContractPath { id, contract_id }, header: key }: Create<Caller, ContractPath>,
    ValidJson(new): ValidJson<NewReview>,
) -> Result<HttpResponse, ApiError> {
    let claim = key.claim(caller.client_id(), &new)?;
    let (named, saved) = (new.participant_organizations(), claim.clone());
    let (contract, unknown, answered) = access::load_for_write(&store, &caller, id, move |conn, _| {
        let Some(contract) = contracts::find(conn, id, contract_id)? else { return Ok(None) };
        let unknown = contracts::unknown_organizations(conn, &named)?;
        Ok(Some((contract, unknown, answered_before(conn, saved.as_ref())?)))
    })
    .await?
    .ok_or_else(|| contract_not_found(id, contract_id))?;
    if !answered {
        let mut errors = new.check_against(&contract.record).err().unwrap_or_else(ValidationErrors::new);
        unknown_organizations(unknown).for_each(|error| errors.push(error));
        errors.into_result().map_err(|errors| ApiError::validation(errors.into_vec()))?;
    }
    let record = ReviewRecord::of(new, caller.principal().organization_id);
    let context = caller.write_context();
    create_once(&store, claim, move |conn| {
        let review = access::write_part(conn, &caller, id, JournalSection::Review, |conn| {
            // Again inside the write: the contract may have been closed meanwhile.
            let contract = contracts::find(conn, id, contract_id)?.ok_or(StoreError::NotFound)?;
            if contract.record.status == ContractStatus::Closed {
                return Err(StoreError::Conflict {
                    detail: format!("contract {contract_id} was closed meanwhile: it takes no more reviews"),
                    existing_id: None,
                });
            }
            reviews::create(conn, &context, id, contract_id, record)
        })?;
        let location = format!("{}/reviews/{}", contract_location(id, contract_id), review.id);
        Ok(Located { location, version: review.version, resource: review_view(&review) })
    })
    .await
}
