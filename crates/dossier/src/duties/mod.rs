//! Rights and duties (droits et devoirs, principle 3, propositions #65–#68): the breaches of the
//! obligations a contract of engagement states, with the contradictory exchange and the progressive
//! measure decided by the organization holding the power for the person (`policy::powers`). A
//! sensitive part: its own scopes (`dossier.sanctions:read`, `dossier.sanctions:write`) on top of
//! the dossier's, never shown without them (not even as a timeline event); the person reads it in
//! `/v1/me`.

mod get_breach;
mod list_breaches;
mod record_breach;
mod update_breach;

use plateforme_api::{ApiError, ErrorCode};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(record_breach::record_breach)
        .service(list_breaches::list_breaches)
        .service(get_breach::get_breach)
        .service(update_breach::update_breach);
}

/// The path of one breach of a person.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct BreachPath {
    /// Identifier of the person
    id: Uuid,
    /// Identifier of the breach
    breach_id: Uuid,
}

fn location(person_id: Uuid, id: Uuid) -> String {
    format!("{}/breaches/{id}", crate::location(person_id))
}

fn not_found(person_id: Uuid, id: Uuid) -> ApiError {
    ApiError::new(ErrorCode::NotFound, format!("person {person_id} has no breach {id}"))
}
