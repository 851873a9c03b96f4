use actix_web::{HttpResponse, patch};
use plateforme_api::json::changes_between;
use plateforme_api::openapi::{LimitedProblems, UpdateProblems};
use plateforme_api::responses::current_response;
use plateforme_api::{ApiError, Change, ErrorCode, IfMatch, MergePatch};
use plateforme_auth::policy::Operation;
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::ValidationErrors;
use plateforme_model::person::contract::{Contract, check_intensive_hours};
use plateforme_store::{access::journal, dossier::contracts};

use super::{ContractPath, contract_not_found, contract_view, unknown_organizations};
use crate::access::{self, Contribution};

/// Change a contract
///
/// Applies a JSON Merge Patch (RFC 7396) to the contract's `obligations`, `objectives`, `actions`,
/// `weekly_hours`, `next_review_on`, signatures (`person_signed_on`, `organization_signed_on`)
/// and `status` (`application/merge-patch+json`); `If-Match` must carry the ETag read last (428
/// without it, 412 when the contract changed since). The status follows the contract's life:
/// `draft` → `signed` (with both signatures, rule `contract.unsigned`, dated neither before the
/// drafting, rule `contract.signed_before_drafted`, nor in the future, rule
/// `contract.signed_in_future`) ⇄ `suspended` → `closed`, which is final (rule
/// `contract.closed`); any other move answers 422 with the rule `contract.transition`. The
/// organization that records its signature becomes the signing organization; signatures no
/// longer change once the contract is signed (rule `contract.signatures_fixed`). The patched
/// contract follows the rules of a new one (`NewContract`: objectives, actions, weekly hours,
/// next review, obligations), and its `obligations` no longer change once it is signed (rule
/// `contract.obligations_fixed`). An organization co-accompanying the person writes its own
/// actions only (those whose `owner` is its id: adding, changing or removing them); any other
/// change from it answers 403.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:write"])),
    params(ContractPath, IfMatch),
    request_body(content = Object, content_type = "application/merge-patch+json",
        description = "Merge patch of obligations, objectives, actions, weekly_hours, next_review_on, person_signed_on, organization_signed_on and status.",
        example = json!({"person_signed_on": "2026-11-25", "organization_signed_on": "2026-11-25", "status": "signed"})),
    responses(
        (status = 200, description = "Changed.", body = Contract, headers(("ETag" = String, description = "The new version"))),
        UpdateProblems,
        LimitedProblems,
    )
)]
#[patch("/persons/{id}/contracts/{contract_id}")]
pub async fn update_contract(
    Change { store, caller, path: ContractPath { id, contract_id }, header: if_match }: Change<Caller, ContractPath>,
    patch: MergePatch,
) -> Result<HttpResponse, ApiError> {
    let (contribution, found) = access::load_for_contribution(&store, &caller, id, move |conn, person| {
        Ok(contracts::find(conn, id, contract_id)?.map(|contract| (person, contract)))
    })
    .await?;
    let (person, current) = found.ok_or_else(|| contract_not_found(id, contract_id))?;
    let expected = if_match.check(current.version)?;
    let fields = patch.apply_to(&current.record.fields())?;
    let me = caller.principal().organization_id;
    if contribution == Contribution::OwnActions && !current.record.changes_only_actions_of(&fields, me) {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            format!(
                "your organization co-accompanies the person: it writes only its own actions of the contract (those \
                 whose owner is {me})"
            ),
        ));
    }
    let record = current.record.with_fields(fields.clone(), caller.principal().organization_id);
    let Some(changes) = changes_between(&current.record, &record)? else {
        // Nothing to write, but the contract is returned: that is a read, and journaled.
        store
            .run(move |conn| journal::append(conn, &[caller.access(id, JournalSection::Contract, Operation::Read)]))
            .await?;
        return Ok(current_response(current.version, &contract_view(&current)));
    };
    let mut errors = current.record.check_change(&fields).err().unwrap_or_else(ValidationErrors::new);
    if fields.weekly_hours != current.record.weekly_hours {
        errors.check(check_intensive_hours(fields.weekly_hours, person.record.orientation.as_ref()));
    }
    // Only owners the patch adds need a look-up: those already recorded were checked then.
    let known = current.record.fields().owner_organizations();
    let added: Vec<_> =
        fields.owner_organizations().into_iter().filter(|(_, owner)| !known.iter().any(|(_, k)| k == owner)).collect();
    if !added.is_empty() {
        let unknown = store.run(move |conn| contracts::unknown_organizations(conn, &added)).await?;
        unknown_organizations(unknown).for_each(|error| errors.push(error));
    }
    errors.into_result().map_err(|errors| ApiError::validation(errors.into_vec()))?;
    let context = caller.write_context();
    let updated = access::commit(&store, &caller, id, JournalSection::Contract, move |conn| {
        contracts::update(conn, &context, &current, expected, record, changes)
    })
    .await?;
    Ok(current_response(updated.version, &contract_view(&updated)))
}
