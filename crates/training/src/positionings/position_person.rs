use actix_web::{HttpResponse, post};
use plateforme_api::openapi::{LimitedProblems, PositioningCreateProblems};
use plateforme_api::{ApiError, Create, Created, IdempotencyKey, Located, ValidJson, create_once};
use plateforme_auth::Caller;
use plateforme_auth::policy::Operation;
use plateforme_model::FieldError;
use plateforme_model::ids::{new_id, now};
use plateforme_store::StoreError;
use plateforme_store::access::journal;
use plateforme_store::training::positionings::{self, StoredPositioning};
use plateforme_store::training::{self, StoredTraining, TrainingStatus};
use uuid::Uuid;

use super::model::{NewPositioning, Positioning, PositioningRecord, PositioningStatus};
use super::places::{self, refused};
use super::{access, location};
use crate::model::{Action, Formation, Recruitment, Session};

/// The LHEO `code-financeur` of a conseil régional.
const REGIONAL_FUNDER: &str = "2";

/// Position a person on a training session
///
/// A counsellor proposes the person for a session of the catalogue (prescription, Ouiform): the
/// training and its session by their ids (`actions[].sessions[].id` of `GET /v1/trainings/{id}`),
/// with a comment for the provider. The caller must follow the person (the policy's person rule
/// for writing: the référent, the organization that registered them; 404 otherwise). The
/// session must take positionings (409 `invalid_transition`): the training still in the catalogue
/// (rule `positioning.training_closed`), recruitment open (`positioning.session_closed`: closed
/// or suspended), not over (`positioning.session_over`), a place left when the funders state
/// their places (`positioning.session_full`: as many accepted or in training as
/// `nb-places-financees` add up to). An unknown training or session is 422
/// (`positioning.training_unknown`, `positioning.session_unknown`), a comment over 1,000
/// characters too (`comment.length`). A person is positioned once per session while the first
/// positioning is under way (409 `conflict` with `existing_id`). The session's provider then
/// answers by `PATCH`. Needs `dossier:write`; journaled as `training`. Send an
/// `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:write"])),
    params(("id" = Uuid, Path, description = "Identifier of the person"), IdempotencyKey),
    request_body = NewPositioning,
    responses(Created<Positioning>, PositioningCreateProblems, LimitedProblems)
)]
#[post("/persons/{id}/trainings")]
pub async fn position_person(
    Create { store, caller, path: id, header: key }: Create<Caller, Uuid>,
    ValidJson(new): ValidJson<NewPositioning>,
) -> Result<HttpResponse, ApiError> {
    let claim = key.claim(caller.client_id(), &new)?;
    let comment = new.comment.as_deref().map(str::trim).filter(|comment| !comment.is_empty()).map(str::to_owned);
    let (training_id, session_id) = (new.training_id, new.session_id);
    let reader = caller.clone();
    let (person, training, taken) = store
        .run(move |conn| {
            let person = access::person_in_remit(conn, &reader, id, Operation::Write)?;
            Ok((person, training::find(conn, training_id)?, positionings::places_taken(conn, session_id)?))
        })
        .await
        .map_err(|error| match error {
            StoreError::NotFound => ApiError::not_found(format!("person {id}")),
            other => other.into(),
        })?;
    let today = chrono::Utc::now().date_naive();
    let on = SessionRead { training, session_id, places_taken: taken };
    let positioning = new_positioning(on, person.id, caller.principal().organization_id, comment, today)?;
    let context = caller.write_context();
    create_once(&store, claim, move |conn| {
        // Again inside the transaction: the person may have left the caller's follow-up since.
        let person = access::person_in_remit(conn, &caller, id, Operation::Write)?;
        if let Some(existing) = positionings::under_way(conn, id, session_id)? {
            return Err(StoreError::Conflict {
                detail: format!("the person is positioned on this session already ({})", existing.status),
                existing_id: Some(existing.id),
            });
        }
        positionings::create(conn, &context, &positioning)?;
        let entry = access::journal_entry(conn, &caller, &person, Operation::Write)?;
        journal::append(conn, &[entry])?;
        let view = access::view(positioning.clone())?;
        Ok(Located { location: location(id, positioning.id), version: positioning.version, resource: view })
    })
    .await
}

/// The session a person is positioned on, as read before the write: the training holding it
/// (if any) and how many of its places are taken.
pub struct SessionRead {
    pub training: Option<StoredTraining>,
    pub session_id: Uuid,
    pub places_taken: i64,
}

/// A new positioning of `person_id` by `positioned_by` on the session, if the session takes
/// positionings `today`: the one maker of positionings, for the API and the demo data.
pub fn new_positioning(
    on: SessionRead,
    person_id: Uuid,
    positioned_by: Uuid,
    comment: Option<String>,
    today: chrono::NaiveDate,
) -> Result<StoredPositioning, ApiError> {
    let SessionRead { training, session_id, places_taken } = on;
    let training_id = training.as_ref().map(|training| training.id).unwrap_or_default();
    let placement = placement(training, session_id, places_taken, today)?;
    let record = PositioningRecord {
        training_id,
        action_id: placement.action_id,
        session_id,
        training_title: placement.title,
        session_numero: placement.session_numero,
        positioned_by,
        positioned_on: today,
        comment,
        answer: None,
        entry: None,
        exit: None,
    };
    let time = now();
    Ok(StoredPositioning {
        id: new_id(),
        person_id,
        training_id,
        session_id,
        provider_id: placement.provider_id,
        funding_region: placement.funding_region,
        status: PositioningStatus::Positioned.as_str().to_owned(),
        record: serde_json::to_value(&record).map_err(|error| ApiError::internal(error.to_string()))?,
        version: 1,
        created_at: time,
        updated_at: time,
    })
}

/// What a positioning records of its session.
struct Placement {
    action_id: Uuid,
    title: String,
    session_numero: String,
    provider_id: Uuid,
    funding_region: Option<String>,
}

/// The session the person is positioned on, if it takes positionings today.
fn placement(
    training: Option<StoredTraining>,
    session_id: Uuid,
    taken: i64,
    today: chrono::NaiveDate,
) -> Result<Placement, ApiError> {
    let unknown = |field: &str, rule: &str, message: &str| {
        ApiError::validation(vec![FieldError::new(field, rule, message.to_owned())])
    };
    let Some(training) = training else {
        return Err(unknown("training_id", "positioning.training_unknown", "no training has this id"));
    };
    if training.status != TrainingStatus::Active {
        return Err(refused(
            "training_id",
            "positioning.training_closed",
            "the training is no longer in its publisher's catalogue",
        ));
    }
    let formation: Formation = serde_json::from_value(training.record.clone())
        .map_err(|error| ApiError::internal(format!("training {} does not read back: {error}", training.id)))?;
    let found = formation.actions.iter().find_map(|action| {
        action.sessions.iter().find(|session| session.id == session_id).map(|session| (action, session))
    });
    let Some((action, session)) = found else {
        return Err(unknown("session_id", "positioning.session_unknown", "the training has no session with this id"));
    };
    check_session_open(action, session, taken, today)?;
    Ok(Placement {
        action_id: action.id,
        title: formation.title.clone(),
        session_numero: session.numero.clone(),
        provider_id: training.organization_id,
        funding_region: funding_region(action, &training.region),
    })
}

fn check_session_open(
    action: &Action,
    session: &Session,
    taken: i64,
    today: chrono::NaiveDate,
) -> Result<(), ApiError> {
    match session.recruitment {
        Some(Recruitment::Closed) => {
            return Err(refused("session_id", "positioning.session_closed", "the session's recruitment is closed"));
        }
        Some(Recruitment::Suspended) => {
            return Err(refused("session_id", "positioning.session_closed", "the session's recruitment is suspended"));
        }
        Some(Recruitment::Open) | None => {}
    }
    if session.end.latest().is_some_and(|end| end < today) {
        return Err(refused("session_id", "positioning.session_over", "the session is over"));
    }
    places::check_place_left(action, taken, "session_id")
}

/// The région funding the action: its training site's (else the training's) when a conseil
/// régional is among its funders.
fn funding_region(action: &Action, training_region: &str) -> Option<String> {
    if !action.funders.iter().any(|funder| funder.code == REGIONAL_FUNDER) {
        return None;
    }
    let site_region = action.sites.iter().find_map(|site| site.address.region.clone());
    site_region.or_else(|| Some(training_region.to_owned()).filter(|region| !region.is_empty()))
}
