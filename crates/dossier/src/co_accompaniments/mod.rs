//! Co-accompaniment (co-accompagnement): the organizations that accompany a person beside the
//! référent, each in a role, from a day to a day (propositions #14, #16, #20, #21). An
//! organization that may write the dossier records them; the co-accompanying organization then
//! reads the dossier within its role (`policy::opens_sensitive_parts`) and writes its own actions
//! of the contract.

mod create_co_accompaniment;
mod get_co_accompaniment;
mod list_co_accompaniments;
mod update_co_accompaniment;

use plateforme_api::{ApiError, ErrorCode};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_co_accompaniment::create_co_accompaniment)
        .service(list_co_accompaniments::list_co_accompaniments)
        .service(get_co_accompaniment::get_co_accompaniment)
        .service(update_co_accompaniment::update_co_accompaniment);
}

/// The path of one co-accompaniment of a person.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct CoAccompanimentPath {
    /// Identifier of the person
    id: Uuid,
    /// Identifier of the co-accompaniment
    co_accompaniment_id: Uuid,
}

fn location(person_id: Uuid, id: Uuid) -> String {
    format!("{}/co-accompaniments/{id}", crate::location(person_id))
}

fn not_found(person_id: Uuid, id: Uuid) -> ApiError {
    ApiError::new(ErrorCode::NotFound, format!("person {person_id} has no co-accompaniment {id}"))
}
