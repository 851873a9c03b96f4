//! A session's places: what its action's funders state (`nb-places-financees`), added up, and
//! how many positionings hold one (accepted, or in training). A positioning is refused when
//! they are all given, and so is an acceptance — the one step that takes a place — counted in
//! its write transaction with the session's acceptances serialized, so two acceptances of the
//! last place at once cannot both win.

use plateforme_api::{ApiError, ErrorCode};
use plateforme_model::FieldError;
use plateforme_store::training::{self, positionings};
use plateforme_store::{DbConnection, StoreError, write};
use uuid::Uuid;

use crate::model::{Action, Formation};

/// The rule of a session whose places are all given.
pub const SESSION_FULL: &str = "positioning.session_full";

/// The places the action's funders state, added up; `None` when none states them (no bound).
fn funded_places(action: &Action) -> Option<u32> {
    action.funders.iter().filter_map(|funder| funder.places).reduce(|a, b| a + b)
}

/// Refuses (409 `invalid_transition`, rule `positioning.session_full` at `field`) when `taken`
/// positionings hold every place of the action.
pub fn check_place_left(action: &Action, taken: i64, field: &str) -> Result<(), ApiError> {
    match funded_places(action) {
        Some(places) if taken >= i64::from(places) => Err(refused(
            field,
            SESSION_FULL,
            &format!("the session's {places} funded places are all given (accepted or in training)"),
        )),
        _ => Ok(()),
    }
}

/// Inside the transaction of an acceptance: waits for the session's other acceptances, then
/// checks a place is left, as the catalogue states the session's places now.
pub fn check_acceptance(
    conn: &mut DbConnection,
    training_id: Uuid,
    session_id: Uuid,
) -> Result<Result<(), ApiError>, StoreError> {
    write::serialize_on(conn, &format!("training_session_places:{session_id}"))?;
    let Some(stored) = training::find(conn, training_id)? else { return Ok(Ok(())) };
    let formation: Formation = serde_json::from_value(stored.record).map_err(crate::corrupt)?;
    let Some(action) =
        formation.actions.iter().find(|action| action.sessions.iter().any(|session| session.id == session_id))
    else {
        return Ok(Ok(()));
    };
    let taken = positionings::places_taken(conn, session_id)?;
    Ok(check_place_left(action, taken, "answer"))
}

/// A step the session's state forbids (409 `invalid_transition`, the rule in `errors[0]`).
pub fn refused(field: &str, rule: &str, message: &str) -> ApiError {
    ApiError::new(ErrorCode::InvalidTransition, message.to_owned()).with_errors(vec![FieldError::new(
        field,
        rule,
        message.to_owned(),
    )])
}
