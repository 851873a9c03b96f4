use actix_web::{HttpResponse, patch};
use plateforme_api::json::changes_between;
use plateforme_api::openapi::{LimitedProblems, PositioningStepProblems};
use plateforme_api::responses::current_response;
use plateforme_api::{ApiError, Change, ErrorCode, IfMatch, MergePatch};
use plateforme_auth::Caller;
use plateforme_auth::policy::Operation;
use plateforme_store::access::journal;
use plateforme_store::training::positionings;
use plateforme_store::{StoreError, write};

use super::model::{Positioning, PositioningRecord, PositioningSteps, ProviderAnswer, ProviderDecision, Refusal};
use super::{PositioningPath, access, not_found, places};

/// Record a step of a positioning
///
/// The provider of the session records what follows the positioning, by a JSON Merge Patch
/// (RFC 7396, `application/merge-patch+json`) of its steps, each once and in order:
/// `answer` (`accepted`, `refused` with its `reason`, or `waiting_list`, from which it answers
/// once more), `entry` (once accepted), `exit` (once entered, with its `outcome`:
/// `certification_obtained`, `completed`, `abandoned`). A move the positioning's state forbids is
/// 409 `invalid_transition` with its rule: `positioning.already_answered` (answering an accepted
/// or refused positioning again), `positioning.entry_before_acceptance`,
/// `positioning.exit_before_entry`, `positioning.step_fixed` (a step changed or removed once
/// recorded), `positioning.session_full` (accepting when as many positionings as the session's
/// funders state places, `nb-places-financees` added up, are accepted or in training: of two
/// acceptances of the last place at once, one is refused). Content that breaks a rule is 422: `answer.reason.required`,
/// `answer.reason.only_for_refusal`, `step.future` (a day after today),
/// `answer.before_positioning`, `entry.before_answer`, `exit.before_entry`. Only the
/// organization that published the session records the steps (and France Travail, which runs
/// the network): a follower of the person who reads the positioning is answered 403, anyone else
/// 404. Needs `training:write`; `If-Match` carries the positioning's ETag. Journaled as
/// `training`.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["training:write"])),
    params(PositioningPath, IfMatch),
    request_body(content = PositioningSteps, content_type = "application/merge-patch+json",
        description = "Merge patch of `answer`, `entry` and `exit`.",
        example = json!({"answer": {"decision": "accepted", "answered_on": "2026-12-10"}})),
    responses(
        (status = 200, description = "Recorded (or unchanged).", body = Positioning,
            headers(("ETag" = String, description = "The new version"))),
        PositioningStepProblems,
        LimitedProblems,
    )
)]
#[patch("/persons/{id}/trainings/{positioning_id}")]
pub async fn record_positioning_step(
    Change { store, caller, path: PositioningPath { id, positioning_id }, header: if_match }: Change<
        Caller,
        PositioningPath,
    >,
    patch: MergePatch,
) -> Result<HttpResponse, ApiError> {
    let reader = caller.clone();
    let found = store
        .run(move |conn| access::load(conn, &reader, id, positioning_id, Operation::Write))
        .await
        .map_err(|error| match error {
            StoreError::NotFound => not_found(id, positioning_id),
            other => other.into(),
        })?;
    let access::Loaded { positioning: current, journal: entry } = found.map_err(|_| {
        ApiError::new(
            ErrorCode::Forbidden,
            "only the organization that published the session records its answer, the entry and the exit",
        )
    })?;
    let expected = if_match.check(current.version)?;
    let record: PositioningRecord =
        serde_json::from_value(current.record.clone()).map_err(|error| ApiError::internal(error.to_string()))?;
    let steps: PositioningSteps = patch.apply_to(&record.steps())?;
    let Some(changes) = changes_between(&record.steps(), &steps)? else {
        return Ok(current_response(current.version, &access::view(current)?));
    };
    record.check_steps(&steps, chrono::Utc::now().date_naive()).map_err(|refusal| match refusal {
        Refusal::Transition(error) => {
            ApiError::new(ErrorCode::InvalidTransition, error.message.clone()).with_errors(vec![error])
        }
        Refusal::Invalid(error) => ApiError::validation(vec![error]),
    })?;
    let accepted = |answer: &Option<ProviderAnswer>| {
        answer.as_ref().is_some_and(|answer| answer.decision == ProviderDecision::Accepted)
    };
    let accepts = accepted(&steps.answer) && !accepted(&record.answer);
    let updated = PositioningRecord { answer: steps.answer, entry: steps.entry, exit: steps.exit, ..record };
    let status = updated.status().as_str();
    let document = serde_json::to_value(&updated).map_err(|error| ApiError::internal(error.to_string()))?;
    let context = caller.write_context();
    let written = store
        .run(move |conn| {
            write::transaction(conn, |conn| {
                // An acceptance takes a place: counted with the session's acceptances waiting.
                if accepts && let Err(full) = places::check_acceptance(conn, current.training_id, current.session_id)? {
                    return Ok(Err(full));
                }
                let written = positionings::update(conn, &context, &current, expected, status, document, changes)?;
                journal::append(conn, &[entry])?;
                Ok(Ok(written))
            })
        })
        .await??;
    Ok(current_response(written.version, &access::view(written)?))
}
