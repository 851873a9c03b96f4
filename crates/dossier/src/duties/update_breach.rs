use actix_web::{HttpResponse, patch};
use plateforme_api::json::changes_between;
use plateforme_api::openapi::{LimitedProblems, UpdateProblems};
use plateforme_api::responses::current_response;
use plateforme_api::{ApiError, Change, ErrorCode, IfMatch, MergePatch};
use plateforme_auth::policy::powers::{self, NoPower};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::ValidationErrors;
use plateforme_model::person::duties::{Breach, BreachRecord, BreachSteps, Decision, check_progressive};
use plateforme_store::dossier::breaches;

use super::{BreachPath, not_found};
use crate::access::{self, today};

/// Record a step of a breach
///
/// Applies a JSON Merge Patch (RFC 7396) of the steps after the observation
/// (`application/merge-patch+json`), each recorded once (rule `breach.step_fixed`) and in order:
/// `notice` (avertissement: sent after the observation, rule `notice.before_observation`, with at
/// least 10 days to answer, rule `notice.answer_delay`), `answer` (the person's observations, after
/// the notice: rules `answer.without_notice`, `answer.before_notice`), `decision` (after the
/// answer or once its delay has lapsed: rules `decision.without_notice`, `decision.answer_pending`;
/// a `suspension` only after an earlier measure within a year, rule `measure.progressive`), and
/// `lifted` (when the person resumes, after a measure: rules `lifting.without_measure`,
/// `lifting.before_decision`); no step is dated in the future (rule `step.future`). The notice, the
/// decision and the lifting are the power of the organization that decides the measures for the
/// person — the département of residence for an RSA beneficiary, France Travail for anyone else:
/// from any other, 403. The answer is recorded by any organization that may write the dossier.
/// Needs `dossier.sanctions:write` besides `dossier:write`; `If-Match` carries the breach's ETag.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:write", "dossier.sanctions:write"])),
    params(BreachPath, IfMatch),
    request_body(content = BreachSteps, content_type = "application/merge-patch+json",
        description = "Merge patch of `notice`, `answer`, `decision` and `lifted`.",
        example = json!({"decision": {"decided_on": "2027-01-26", "measure": "remobilisation",
            "statement": "Suspension-remobilisation jusqu'à la reprise des ateliers."}})),
    responses(
        (status = 200, description = "Recorded (or unchanged).", body = Breach,
            headers(("ETag" = String, description = "The new version"))),
        UpdateProblems,
        LimitedProblems,
    )
)]
#[patch("/persons/{id}/breaches/{breach_id}")]
pub async fn update_breach(
    Change { store, caller, path: BreachPath { id, breach_id }, header: if_match }: Change<Caller, BreachPath>,
    patch: MergePatch,
) -> Result<HttpResponse, ApiError> {
    let (person, current, earlier) = access::load_for_write(&store, &caller, id, move |conn, person| {
        let current = breaches::find(conn, id, breach_id)?;
        Ok((person, current, breaches::measures(conn, id, breach_id)?))
    })
    .await?;
    let current = current.ok_or_else(|| not_found(id, breach_id))?;
    let expected = if_match.check(current.version)?;
    let steps: BreachSteps = patch.apply_to(&current.record.steps())?;
    let Some(changes) = changes_between(&current.record.steps(), &steps)? else {
        return Ok(current_response(current.version, &current.view()));
    };
    let mut errors = current.record.check_steps(&steps, today()).err().unwrap_or_else(ValidationErrors::new);
    if let Some(decision) = steps.decision.as_ref().filter(|_| current.record.decision.is_none()) {
        errors.check(check_progressive(decision.measure, decision.decided_on, &earlier));
    }
    errors.into_result().map_err(|errors| ApiError::validation(errors.into_vec()))?;
    let decides = (current.record.notice.is_none() && steps.notice.is_some())
        || (current.record.decision.is_none() && steps.decision.is_some())
        || (current.record.lifted.is_none() && steps.lifted.is_some());
    if decides {
        powers::sanctions(caller.principal(), &access::record_access(&person))
            .map_err(|NoPower(why)| ApiError::new(ErrorCode::Forbidden, why))?;
    }
    let record = with_steps(&current.record, steps, caller.principal().organization_id);
    let context = caller.write_context();
    let updated = access::commit(&store, &caller, id, JournalSection::Duties, move |conn| {
        breaches::update(conn, &context, &current, expected, record, changes)
    })
    .await?;
    Ok(current_response(updated.version, &updated.view()))
}

/// The record with the steps recorded; a new decision names the caller's organization.
fn with_steps(current: &BreachRecord, steps: BreachSteps, me: uuid::Uuid) -> BreachRecord {
    let decision = match (&current.decision, steps.decision) {
        (Some(decision), _) => Some(decision.clone()),
        (None, Some(input)) => Some(Decision {
            decided_on: input.decided_on,
            measure: input.measure,
            statement: input.statement.trim().to_owned(),
            decided_by: me,
        }),
        (None, None) => None,
    };
    BreachRecord { notice: steps.notice, answer: steps.answer, decision, lifted: steps.lifted, ..current.clone() }
}
