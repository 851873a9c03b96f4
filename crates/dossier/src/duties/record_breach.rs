use actix_web::{HttpResponse, post};
use plateforme_api::openapi::{CreateUnderProblems, LimitedProblems};
use plateforme_api::{ApiError, Create, Created, IdempotencyKey, Located, ValidJson, create_once};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::FieldError;
use plateforme_model::person::contract::ContractStatus;
use plateforme_model::person::duties::{Breach, BreachRecord, NewBreach};
use plateforme_store::dossier::contracts::StoredContract;
use plateforme_store::dossier::{breaches, contracts};
use uuid::Uuid;

use super::location;
use crate::access;
use crate::contracts::contract_not_found;

/// Record a breach
///
/// Records that the person did not meet an obligation of their contract of engagement (a
/// manquement): which contract and obligation, when it was observed, what was observed. The
/// contract binds once signed (rule `breach.contract_not_binding`), so the observation follows the
/// signature (rule `breach.observed_before_signature`); the obligation is one the contract states
/// (rule `breach.obligation_unknown`). Recorded by an organization that may write the dossier
/// (the référent observes); the notice, the decision and the lifting follow by `PATCH`, by the
/// organization holding the power. Needs `dossier.sanctions:write` besides `dossier:write`. Send
/// an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:write", "dossier.sanctions:write"])),
    params(("id" = Uuid, Path, description = "Identifier of the person"), IdempotencyKey),
    request_body = NewBreach,
    responses(Created<Breach>, CreateUnderProblems, LimitedProblems)
)]
#[post("/persons/{id}/breaches")]
pub async fn record_breach(
    Create { store, caller, path: id, header: key }: Create<Caller, Uuid>,
    ValidJson(new): ValidJson<NewBreach>,
) -> Result<HttpResponse, ApiError> {
    let claim = key.claim(caller.client_id(), &new)?;
    let contract_id = new.contract_id;
    let contract = access::load_for_write(&store, &caller, id, move |conn, _| contracts::find(conn, id, contract_id))
        .await?
        .ok_or_else(|| contract_not_found(id, contract_id))?;
    let record = observation(new, &contract, caller.principal().organization_id)?;
    let context = caller.write_context();
    create_once(&store, claim, move |conn| {
        let breach = access::write_part(conn, &caller, id, JournalSection::Duties, |conn| {
            breaches::create(conn, &context, id, record)
        })?;
        Ok(Located { location: location(id, breach.id), version: breach.version, resource: breach.view() })
    })
    .await
}

/// The breach of an obligation the contract binds the person to.
fn observation(new: NewBreach, contract: &StoredContract, recorded_by: Uuid) -> Result<BreachRecord, ApiError> {
    let record = &contract.record;
    let refuse =
        |field: &str, rule: &str, message: String| ApiError::validation(vec![FieldError::new(field, rule, message)]);
    if !matches!(record.status, ContractStatus::Signed | ContractStatus::Suspended) {
        return Err(refuse(
            "contract_id",
            "breach.contract_not_binding",
            format!("the contract is {}: only a signed contract binds the person", record.status.as_str()),
        ));
    }
    let Some(obligation) = record.obligations.get(new.obligation) else {
        return Err(refuse(
            "obligation",
            "breach.obligation_unknown",
            format!(
                "the contract states {} obligations; there is no obligation {}",
                record.obligations.len(),
                new.obligation
            ),
        ));
    };
    if record.person_signed_on.is_some_and(|signed| new.observed_on < signed) {
        return Err(refuse(
            "observed_on",
            "breach.observed_before_signature",
            "the breach is observed after the person signed the contract".into(),
        ));
    }
    Ok(BreachRecord {
        contract_id: contract.id,
        obligation: new.obligation,
        obligation_agreed: obligation.clone(),
        observed_on: new.observed_on,
        statement: new.statement.trim().to_owned(),
        recorded_by,
        notice: None,
        answer: None,
        decision: None,
        lifted: None,
    })
}
