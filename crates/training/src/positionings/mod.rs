//! A person's path into training (Ouiform, proposition #63): a counsellor positions a person on
//! a session of the catalogue, the session's provider answers (accepted, refused with its
//! reason, waiting list), then records the entry and the exit with its outcome. Each step is a
//! version of the positioning, on the person's timeline and on the change feed (resource type
//! `training_positioning`). Who sees what is the policy's `Positioning` rows: the persons'
//! followers, the provider on its own sessions only, the région on the sessions it funds.

mod access;
mod get_positioning;
mod list_person_positionings;
mod list_positionings;
pub mod model;
mod places;
pub mod position_person;
mod record_positioning_step;

use plateforme_api::ApiError;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// The routes under `/v1/persons/{id}/trainings`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(position_person::position_person)
        .service(list_person_positionings::list_person_positionings)
        .service(get_positioning::get_positioning)
        .service(record_positioning_step::record_positioning_step);
}

/// `GET /v1/trainings/positionings`, registered before `/trainings/{id}`, which would take
/// `positionings` for an id.
pub fn configure_provider_list(config: &mut ServiceConfig) {
    config.service(list_positionings::list_positionings);
}

/// The path of one positioning of a person.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PositioningPath {
    /// Identifier of the person
    id: Uuid,
    /// Identifier of the positioning
    positioning_id: Uuid,
}

fn location(person_id: Uuid, id: Uuid) -> String {
    format!("/v1/persons/{person_id}/trainings/{id}")
}

/// A positioning the caller does not see: the same answer whether the person or the
/// positioning is missing or out of its remit, so that neither is disclosed.
fn not_found(person_id: Uuid, id: Uuid) -> ApiError {
    ApiError::not_found(format!("positioning {id} of person {person_id}"))
}
