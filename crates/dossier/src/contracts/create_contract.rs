use actix_web::{HttpResponse, post};
use plateforme_api::openapi::{CreateUnderProblems, LimitedProblems};
use plateforme_api::{ApiError, Create, Created, IdempotencyKey, Located, ValidJson, create_once};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::ValidationErrors;
use plateforme_model::person::age_on;
use plateforme_model::person::contract::{
    Contract, ContractKind, ContractRecord, NewContract, Signatory, check_intensive_hours, check_kind,
    check_next_review,
};
use plateforme_store::dossier::contracts;
use uuid::Uuid;

use super::{answered_before, contract_location, contract_view, unknown_organizations};
use crate::access::{self, today};

/// Draft a contract
///
/// Drafts the person's contract of engagement: its kind (PPAE, CEJ, CER, Cap emploi's — the
/// drafter's own when left out, fitting the drafter and the person), the individual obligations
/// agreed (hours of activity, steps, attendance, declarations), objectives, actions and weekly
/// hours of activity. It starts as a `draft` dated today
/// (`drafted_on`), by the caller's organization; the signatures and the status follow by
/// `PATCH`. A person has one contract in force at a time: while another is not closed, this
/// answers 409 with its `existing_id`. For a person in intensive accompaniment the weekly hours
/// are 15 to 20. Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:write"])),
    params(("id" = Uuid, Path, description = "Identifier of the person"), IdempotencyKey),
    request_body = NewContract,
    responses(Created<Contract>, CreateUnderProblems, LimitedProblems)
)]
#[post("/persons/{id}/contracts")]
pub async fn create_contract(
    Create { store, caller, path: id, header: key }: Create<Caller, Uuid>,
    ValidJson(new): ValidJson<NewContract>,
) -> Result<HttpResponse, ApiError> {
    let claim = key.claim(caller.client_id(), &new)?;
    let (owners, saved) = (new.owner_organizations(), claim.clone());
    let (person, unknown, answered) = access::load_for_write(&store, &caller, id, move |conn, person| {
        let unknown = contracts::unknown_organizations(conn, &owners)?;
        Ok((person, unknown, answered_before(conn, saved.as_ref())?))
    })
    .await?;
    let today = today();
    let drafter = caller.principal().kind;
    let statuses = person.record.statuses;
    let kind = new.kind.unwrap_or_else(|| ContractKind::default_for(drafter, statuses.rsa_beneficiary));
    if !answered {
        let mut errors = ValidationErrors::new();
        let signatory = Signatory {
            age: age_on(person.record.identity.birth_date, today),
            rsa_beneficiary: statuses.rsa_beneficiary,
            rqth: statuses.rqth,
        };
        errors.check(check_kind(kind, drafter, signatory));
        errors.check(check_next_review(new.next_review_on, today));
        errors.check(check_intensive_hours(new.weekly_hours, person.record.orientation.as_ref()));
        unknown_organizations(unknown).for_each(|error| errors.push(error));
        errors.into_result().map_err(|errors| ApiError::validation(errors.into_vec()))?;
    }
    let record = ContractRecord::draft(new, kind, caller.principal().organization_id, today);
    let context = caller.write_context();
    create_once(&store, claim, move |conn| {
        let contract = access::write_part(conn, &caller, id, JournalSection::Contract, |conn| {
            contracts::create(conn, &context, id, record)
        })?;
        Ok(Located {
            location: contract_location(id, contract.id),
            version: contract.version,
            resource: contract_view(&contract),
        })
    })
    .await
}
